namespace Rapport.Plan;

/// <summary>
/// The business's CRM plan (docs/plan.md): one row, id 1, made on the first write. Its version is the ETag of the
/// whole plan: every write to any part of the plan (goals, objectives, values, segments, data plan) stamps it.
/// </summary>
public sealed class CrmPlan : Common.IVersioned
{
    public const long SingleId = 1;

    public long Id { get; set; } = SingleId;
    public string Title { get; set; } = "";
    public string? Summary { get; set; }
    /// <summary>The period the plan covers, in the business's words ("2027", "FY 2027/28").</summary>
    public string? Period { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public long? UpdatedByUserId { get; set; }
    /// <summary>Who made the last change, as shown ("Mia Marketing", "API key shop").</summary>
    public string? UpdatedBy { get; set; }
    public int Version { get; set; }
}

/// <summary>A business goal of the plan, measured by its objectives.</summary>
public sealed class PlanGoal : Common.IStamped
{
    public long Id { get; set; }
    public string Title { get; set; } = "";
    public string? Description { get; set; }
    public int Position { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A measurable objective: a KPI (key of <c>KpiRegistry.Default</c>) to bring to a target by a deadline.</summary>
public sealed class PlanObjective : Common.ICreated
{
    public long Id { get; set; }
    public long GoalId { get; set; }
    public string Kpi { get; set; } = "";
    /// <summary>In the KPI's unit (percent as a fraction, like kpi_targets).</summary>
    public decimal Target { get; set; }
    /// <summary>The KPI's value when the objective was set (or its KPI changed); null when it had none.</summary>
    public decimal? Baseline { get; set; }
    /// <summary>When the baseline was taken: the start of the path to the target.</summary>
    public DateTimeOffset BaselineAt { get; set; }
    public DateOnly Deadline { get; set; }
    public int Position { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A target segment of the plan. Goes with its segment (cascade).</summary>
public sealed class PlanSegment
{
    public long SegmentId { get; set; }
    public int Position { get; set; }
}

/// <summary>A prioritised shared value (position 0 first) with its messaging pillar.</summary>
public sealed class PlanValue
{
    public long ValueId { get; set; }
    public int Position { get; set; }
    /// <summary>The pillar's headline: what the business says about this value.</summary>
    public string? Headline { get; set; }
    /// <summary>Proof points, one per line.</summary>
    public string? ProofPoints { get; set; }
}

/// <summary>A row of the data plan: what is collected, why, from where, on what legal basis, for how long.</summary>
public sealed class PlanDataItem
{
    public long Id { get; set; }
    public int Position { get; set; }
    public string What { get; set; } = "";
    public string Purpose { get; set; } = "";
    public string? Source { get; set; }
    /// <summary>One of <see cref="PlanRules.LegalBases"/>, or null when not stated.</summary>
    public string? LegalBasis { get; set; }
    public string? Retention { get; set; }
}
