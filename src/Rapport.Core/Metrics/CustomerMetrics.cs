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
}
