using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rapport.Identity;
using Rapport.Plan;
using Rapport.Segments;
using Rapport.Values;

namespace Rapport.Data.Configurations;

// Tables added in migration 0015: the CRM plan.

internal sealed class CrmPlanConfiguration : IEntityTypeConfiguration<CrmPlan>
{
    public void Configure(EntityTypeBuilder<CrmPlan> b)
    {
        b.ToTable("plans");
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Title).HasMaxLength(PlanRules.MaxTitle);
        b.Property(x => x.Summary).HasMaxLength(PlanRules.MaxText);
        b.Property(x => x.Period).HasMaxLength(PlanRules.MaxShort);
        b.Property(x => x.UpdatedBy).HasMaxLength(PlanRules.MaxShort);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasOne<User>().WithMany().HasForeignKey(x => x.UpdatedByUserId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class PlanGoalConfiguration : IEntityTypeConfiguration<PlanGoal>
{
    public void Configure(EntityTypeBuilder<PlanGoal> b)
    {
        b.ToTable("plan_goals");
        b.Property(x => x.Title).HasMaxLength(PlanRules.MaxTitle);
        b.Property(x => x.Description).HasMaxLength(PlanRules.MaxText);
    }
}

internal sealed class PlanObjectiveConfiguration : IEntityTypeConfiguration<PlanObjective>
{
    public void Configure(EntityTypeBuilder<PlanObjective> b)
    {
        b.ToTable("plan_objectives");
        b.Property(x => x.Kpi).HasMaxLength(64);
        b.HasOne<PlanGoal>().WithMany().HasForeignKey(x => x.GoalId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.GoalId, x.Position });
    }
}

internal sealed class PlanSegmentConfiguration : IEntityTypeConfiguration<PlanSegment>
{
    public void Configure(EntityTypeBuilder<PlanSegment> b)
    {
        b.ToTable("plan_segments");
        b.HasKey(x => x.SegmentId);
        b.Property(x => x.SegmentId).ValueGeneratedNever();
        b.HasOne<Segment>().WithMany().HasForeignKey(x => x.SegmentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PlanValueConfiguration : IEntityTypeConfiguration<PlanValue>
{
    public void Configure(EntityTypeBuilder<PlanValue> b)
    {
        b.ToTable("plan_values");
        b.HasKey(x => x.ValueId);
        b.Property(x => x.ValueId).ValueGeneratedNever();
        b.Property(x => x.Headline).HasMaxLength(PlanRules.MaxTitle);
        b.Property(x => x.ProofPoints).HasMaxLength(PlanRules.MaxText);
        b.HasOne<TaxonomyValue>().WithMany().HasForeignKey(x => x.ValueId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PlanDataItemConfiguration : IEntityTypeConfiguration<PlanDataItem>
{
    public void Configure(EntityTypeBuilder<PlanDataItem> b)
    {
        b.ToTable("plan_data_items");
        b.Property(x => x.What).HasMaxLength(PlanRules.MaxTitle);
        b.Property(x => x.Purpose).HasMaxLength(PlanRules.MaxPurpose);
        b.Property(x => x.Source).HasMaxLength(PlanRules.MaxTitle);
        b.Property(x => x.LegalBasis).HasMaxLength(32);
        b.Property(x => x.Retention).HasMaxLength(PlanRules.MaxTitle);
        b.HasIndex(x => x.Position);
    }
}

internal sealed class CustomerViewConfiguration : IEntityTypeConfiguration<Rapport.Customers.Views.CustomerView>
{
    public void Configure(EntityTypeBuilder<Rapport.Customers.Views.CustomerView> b)
    {
        b.ToTable("customer_views");
        b.Property(x => x.Name).HasMaxLength(Rapport.Customers.Views.CustomerViewRules.MaxName);
        b.Property(x => x.Definition).HasMaxLength(Rapport.Customers.Views.CustomerViewRules.MaxDefinition);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasOne<User>().WithMany().HasForeignKey(x => x.OwnerUserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<ApiKey>().WithMany().HasForeignKey(x => x.OwnerApiKeyId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.Shared, x.Name });
    }
}
