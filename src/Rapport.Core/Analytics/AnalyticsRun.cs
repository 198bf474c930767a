namespace Rapport.Analytics;

/// <summary>What started an analytics recompute.</summary>
public enum AnalyticsTrigger
{
    /// <summary>An import or a batch of ingested events finished.</summary>
    Import,
    Nightly,
    /// <summary>Someone asked for it: the Analytics page's button, the API or <c>rapport analytics recompute</c>.</summary>
    Manual,
}

public enum AnalyticsRunStatus
{
    /// <summary>Asked for and waiting for the worker (at most one run waits at a time).</summary>
    Queued,
    Running,
    Succeeded,
    Failed,
}

/// <summary>
/// One full recompute of the customer analytics. Its <see cref="Result"/> holds, as JSON, everything computed for the
/// business as a whole (model fits and diagnostics, RFM boundaries and segment sizes, the Pareto curve, cohorts, KPI
/// facts); per-customer results go to <c>customer_metrics</c>. Pages read the latest succeeded run.
/// </summary>
public sealed class AnalyticsRun
{
    public long Id { get; set; }
    public AnalyticsTrigger Trigger { get; set; }
    public AnalyticsRunStatus Status { get; set; }
    /// <summary>When the run was asked for, then when it started.</summary>
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    /// <summary>Customers with at least one purchase.</summary>
    public int Customers { get; set; }
    /// <summary>Transactions read.</summary>
    public long Purchases { get; set; }
    public long ElapsedMs { get; set; }
    /// <summary>JSON of <see cref="AnalyticsResult"/> (null while running or after a failure).</summary>
    public string? Result { get; set; }
    /// <summary>Why the run failed (no personal data).</summary>
    public string? Error { get; set; }
}

/// <summary>A target set for a KPI: the value it should reach (in the KPI's unit), whichever way is better for it.</summary>
public sealed class KpiTargetSetting
{
    public long Id { get; set; }
    /// <summary>The KPI's key, e.g. <c>retention_rate</c>.</summary>
    public string Kpi { get; set; } = "";
    public double Target { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public long? UpdatedByUserId { get; set; }
}
