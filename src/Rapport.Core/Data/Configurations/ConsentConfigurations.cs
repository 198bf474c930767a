using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rapport.Consent;
using Rapport.Customers;

namespace Rapport.Data.Configurations;

internal sealed class ConsentEventConfiguration : IEntityTypeConfiguration<ConsentEvent>
{
    public void Configure(EntityTypeBuilder<ConsentEvent> b)
    {
        b.ToTable("consent_events");
        b.Property(x => x.SourceReference).HasMaxLength(200);
        b.Property(x => x.NoticeVersion).HasMaxLength(64);
        b.Property(x => x.IpAddress).HasMaxLength(64);
        b.Property(x => x.UserAgent).HasMaxLength(512);
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
        // The customer's history, newest first.
        b.HasIndex(x => new { x.CustomerId, x.OccurredAt, x.Id });
    }
}

internal sealed class ConsentStateConfiguration : IEntityTypeConfiguration<ConsentStateRow>
{
    public void Configure(EntityTypeBuilder<ConsentStateRow> b)
    {
        b.ToTable("consent_state");
        b.HasKey(x => new { x.CustomerId, x.Channel, x.Purpose });
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
        // The consent check: one channel × purpose in customer order, answered from the index alone.
        b.HasIndex(x => new { x.Channel, x.Purpose, x.CustomerId, x.Status, x.LegalBasis });
    }
}

internal sealed class SuppressionConfiguration : IEntityTypeConfiguration<Suppression>
{
    public void Configure(EntityTypeBuilder<Suppression> b)
    {
        b.ToTable("suppressions");
        b.Property(x => x.AddressHash).HasMaxLength(64);
        b.Property(x => x.Reason).HasMaxLength(200);
        b.HasIndex(x => new { x.Kind, x.AddressHash }).IsUnique();
    }
}

internal sealed class SuppressionMatchConfiguration : IEntityTypeConfiguration<SuppressionMatch>
{
    public void Configure(EntityTypeBuilder<SuppressionMatch> b)
    {
        b.ToTable("suppression_matches");
        b.HasKey(x => new { x.CustomerId, x.SuppressionId });
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Suppression>().WithMany().HasForeignKey(x => x.SuppressionId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => x.SuppressionId);
    }
}

internal sealed class PreferenceLinkConfiguration : IEntityTypeConfiguration<PreferenceLink>
{
    public void Configure(EntityTypeBuilder<PreferenceLink> b)
    {
        b.ToTable("preference_links");
        b.HasKey(x => x.CustomerId);
        b.Property(x => x.CustomerId).ValueGeneratedNever();
        b.Property(x => x.Nonce).HasMaxLength(32);
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
    }
}
