using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rapport.Customers;
using Rapport.Identity;
using Rapport.Stages;

namespace Rapport.Data.Configurations;

internal sealed class StageChangeConfiguration : IEntityTypeConfiguration<StageChange>
{
    public void Configure(EntityTypeBuilder<StageChange> b)
    {
        b.ToTable("stage_changes");
        b.Property(x => x.FromStage).HasConversion<int?>();
        b.Property(x => x.ToStage).HasConversion<int>();
        b.Property(x => x.Reason).HasMaxLength(StageLimits.Reason);
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.SetNull);
        // A customer's history in order; the funnel reads changes by period.
        b.HasIndex(x => new { x.CustomerId, x.ChangedAt, x.Id });
        b.HasIndex(x => new { x.ChangedAt, x.ToStage });
    }
}

internal sealed class StageOverrideConfiguration : IEntityTypeConfiguration<StageOverride>
{
    public void Configure(EntityTypeBuilder<StageOverride> b)
    {
        b.ToTable("stage_overrides");
        b.HasKey(x => x.CustomerId);
        b.Property(x => x.CustomerId).ValueGeneratedNever();
        b.Property(x => x.Stage).HasConversion<int>();
        b.Property(x => x.Reason).HasMaxLength(StageLimits.Reason);
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<User>().WithMany().HasForeignKey(x => x.CreatedByUserId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(x => x.ExpiresAt);
    }
}

internal sealed class StageSettingsConfiguration : IEntityTypeConfiguration<StageSettingsRow>
{
    public void Configure(EntityTypeBuilder<StageSettingsRow> b)
    {
        b.ToTable("stage_settings");
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.EngagementTypes).HasMaxLength(500);
        b.Property(x => x.LoyaltyTag).HasMaxLength(50);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasOne<User>().WithMany().HasForeignKey(x => x.UpdatedByUserId).OnDelete(DeleteBehavior.SetNull);
    }
}
