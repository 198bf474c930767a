using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rapport.Identity;
using Rapport.Privacy;

namespace Rapport.Data.Configurations;

internal sealed class PrivacyRequestConfiguration : IEntityTypeConfiguration<PrivacyRequest>
{
    public void Configure(EntityTypeBuilder<PrivacyRequest> b)
    {
        b.ToTable("privacy_requests");
        b.Property(x => x.RequesterContact).HasMaxLength(300);
        b.Property(x => x.Notes).HasMaxLength(4000);
        b.HasOne<User>().WithMany().HasForeignKey(x => x.HandledByUserId).OnDelete(DeleteBehavior.SetNull);
        // No foreign key to customers: the log outlives the customer (see PrivacyRequest).
        b.HasIndex(x => x.CustomerId);
        b.HasIndex(x => new { x.Status, x.DueAt });
        b.HasIndex(x => x.HandledByUserId);
    }
}

internal sealed class RetentionRuleConfiguration : IEntityTypeConfiguration<RetentionRule>
{
    public void Configure(EntityTypeBuilder<RetentionRule> b)
    {
        b.ToTable("retention_rules");
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.Version).IsConcurrencyToken();
    }
}

internal sealed class RetentionRunConfiguration : IEntityTypeConfiguration<RetentionRun>
{
    public void Configure(EntityTypeBuilder<RetentionRun> b)
    {
        b.ToTable("retention_runs");
        b.Property(x => x.Error).HasMaxLength(2000);
        b.HasOne<RetentionRule>().WithMany().HasForeignKey(x => x.RuleId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<User>().WithMany().HasForeignKey(x => x.StartedByUserId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(x => new { x.RuleId, x.StartedAt });
        b.HasIndex(x => x.StartedByUserId);
    }
}
