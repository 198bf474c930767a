using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rapport.Analytics;
using Rapport.Identity;

namespace Rapport.Data.Configurations;

// Tables added in migration 0005: customer analytics.

internal sealed class AnalyticsRunConfiguration : IEntityTypeConfiguration<AnalyticsRun>
{
    public void Configure(EntityTypeBuilder<AnalyticsRun> b)
    {
        b.ToTable("analytics_runs");
        b.Property(x => x.Error).HasMaxLength(2000);
        b.HasIndex(x => x.Status);
    }
}

internal sealed class KpiTargetConfiguration : IEntityTypeConfiguration<KpiTargetSetting>
{
    public void Configure(EntityTypeBuilder<KpiTargetSetting> b)
    {
        b.ToTable("kpi_targets");
        b.Property(x => x.Kpi).HasMaxLength(64);
        b.HasIndex(x => x.Kpi).IsUnique();
        b.HasOne<User>().WithMany().HasForeignKey(x => x.UpdatedByUserId).OnDelete(DeleteBehavior.SetNull);
    }
}
