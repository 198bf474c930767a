namespace Rapport.Metrics;

/// <summary>
/// Per-customer facts that lists, segments and the 360 page read instead of scanning history.
/// Kept current by <see cref="CustomerMetricsUpdater"/> whenever a customer's transactions or interactions change.
/// </summary>
public sealed class CustomerMetrics
{
    public long CustomerId { get; set; }
    public DateTimeOffset? FirstPurchaseAt { get; set; }
    public DateTimeOffset? LastPurchaseAt { get; set; }
    public int PurchaseCount { get; set; }
    /// <summary>Sum of transaction totals in the reporting currency (<c>Rapport:Currency</c>).</summary>
    public decimal Revenue { get; set; }
    public int InteractionCount { get; set; }
    public DateTimeOffset? LastInteractionAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    // Customer analytics (docs/analytics.md): null until the first recompute after the customer's first purchase.

    /// <summary>RFM quintile scores 1–5 (5 = most recent, most frequent, highest spend).</summary>
    public int? RecencyScore { get; set; }
    public int? FrequencyScore { get; set; }
    public int? MonetaryScore { get; set; }
    /// <summary>The RFM segment's key, e.g. <c>champions</c>.</summary>
    public string? RfmSegment { get; set; }
    /// <summary>Probability (0–1) that the customer is still active, from the purchase model.</summary>
    public double? PAlive { get; set; }
    /// <summary>Purchases expected over the analytics horizon (<c>Rapport:Analytics:HorizonMonths</c>).</summary>
    public double? ExpectedPurchases { get; set; }
    /// <summary>Expected value of one purchase (Gamma-Gamma), in the reporting currency.</summary>
    public decimal? ExpectedSpend { get; set; }
    /// <summary>Revenue expected over the horizon (expected purchases × expected spend), undiscounted.</summary>
    public decimal? PredictedRevenue { get; set; }
    /// <summary>Customer lifetime value over the horizon: discounted, times the margin.</summary>
    public decimal? Clv { get; set; }
    public DateTimeOffset? AnalyticsAt { get; set; }

    // Relationship stage (docs/stages.md): kept by the stage engine, after every change to the customer's data.

    /// <summary>The customer's relationship stage (a rule's verdict or a manual override); stored as its number.</summary>
    public Stages.Stage Stage { get; set; }
    /// <summary>When the customer entered <see cref="Stage"/>; null until the stage engine first placed them.</summary>
    public DateTimeOffset? StageSince { get; set; }
}
