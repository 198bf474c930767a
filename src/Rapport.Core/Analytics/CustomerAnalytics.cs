using Rapport.Data;
using Rapport.Ingestion;

namespace Rapport.Analytics;

/// <summary>What the analytics compute for one customer, as stored in their <c>customer_metrics</c> row.</summary>
public readonly record struct CustomerAnalytics(
    long CustomerId,
    int? RecencyScore,
    int? FrequencyScore,
    int? MonetaryScore,
    string? RfmSegment,
    double? PAlive,
    double? ExpectedPurchases,
    decimal? ExpectedSpend,
    decimal? PredictedRevenue,
    decimal? Clv);

/// <summary>Writes customers' analytics into their metrics rows in bulk, inside the caller's transaction.</summary>
internal static class CustomerAnalyticsWriter
{
    private static readonly TableSpec Columns = new("customer_metrics",
        ("customer_id", ColumnType.Long), ("recency_score", ColumnType.Int), ("frequency_score", ColumnType.Int), ("monetary_score", ColumnType.Int),
        ("rfm_segment", ColumnType.Text), ("p_alive", ColumnType.Double), ("expected_purchases", ColumnType.Double),
        ("expected_spend", ColumnType.Decimal), ("predicted_revenue", ColumnType.Decimal), ("clv", ColumnType.Decimal),
        ("analytics_at", ColumnType.Instant));

    /// <summary>Updates the rows of these customers (rows that do not exist are not created: the metrics updater owns them).</summary>
    public static async Task WriteAsync(IngestionContext context, IReadOnlyCollection<CustomerAnalytics> rows, CancellationToken ct)
    {
        await using var store = await IngestStore.OpenAsync(context, rows.Count, ct);
        var at = context.Now;
        await store.UpdateAsync(Columns, rows, (r, a) => r.Long(a.CustomerId).Int(a.RecencyScore).Int(a.FrequencyScore).Int(a.MonetaryScore)
            .Text(a.RfmSegment).Double(a.PAlive).Double(a.ExpectedPurchases).Decimal(a.ExpectedSpend).Decimal(a.PredictedRevenue).Decimal(a.Clv)
            .Instant(at), ct);
    }

    /// <summary>Clears the analytics of customers a run did not reach (their purchases were deleted or merged away).</summary>
    public static async Task ClearOlderThanAsync(IngestionContext context, DateTimeOffset runAt, CancellationToken ct)
    {
        await using var store = await IngestStore.OpenAsync(context, 0, ct);
        await store.ExecuteAsync(
            """
            UPDATE customer_metrics SET recency_score = NULL, frequency_score = NULL, monetary_score = NULL, rfm_segment = NULL,
                p_alive = NULL, expected_purchases = NULL, expected_spend = NULL, predicted_revenue = NULL, clv = NULL, analytics_at = NULL
            WHERE analytics_at IS NOT NULL AND analytics_at < @p1
            """, [runAt], ct);
    }
}
