using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rapport.Customers;
using Rapport.Research.Evidence;
using Rapport.Values;

namespace Rapport.Data.Configurations;

// Customer research: value evidence (docs/research.md, "Evidence").

internal sealed class ValueEvidenceConfiguration : IEntityTypeConfiguration<ValueEvidence>
{
    public void Configure(EntityTypeBuilder<ValueEvidence> b)
    {
        b.ToTable("value_evidence");
        b.Property(x => x.SourceType).HasMaxLength(EvidenceSources.MaxLength);
        b.Property(x => x.Quote).HasMaxLength(EvidenceLimits.Quote);
        b.HasIndex(x => new { x.CustomerId, x.ValueId });
        b.HasIndex(x => new { x.ValueId, x.ObservedAt });
        b.HasIndex(x => new { x.SourceType, x.SourceId });
        // A customer's erasure takes their evidence with them; a value's rows are never deleted (retired values stay).
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<TaxonomyValue>().WithMany().HasForeignKey(x => x.ValueId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CustomerValueScoreConfiguration : IEntityTypeConfiguration<Values.Profiles.CustomerValueScore>
{
    public void Configure(EntityTypeBuilder<Values.Profiles.CustomerValueScore> b)
    {
        b.ToTable("customer_value_scores");
        b.HasKey(x => new { x.CustomerId, x.ValueId });
        b.HasIndex(x => new { x.ValueId, x.Score });
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<TaxonomyValue>().WithMany().HasForeignKey(x => x.ValueId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CustomerValueProfileConfiguration : IEntityTypeConfiguration<Values.Profiles.CustomerValueProfile>
{
    public void Configure(EntityTypeBuilder<Values.Profiles.CustomerValueProfile> b)
    {
        b.ToTable("customer_value_profiles");
        b.HasKey(x => x.CustomerId);
        b.Property(x => x.ProfilingChangedBy).HasMaxLength(200);
        b.HasOne<Customer>().WithOne().HasForeignKey<Values.Profiles.CustomerValueProfile>(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
    }
}
