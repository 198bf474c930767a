using System.Data.Common;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Data;
using Rapport.Metrics;
using Rapport.Webhooks;

namespace Rapport.Ingestion;

/// <summary>
/// Where and as whom a batch of incoming items is written: an open connection and the caller's transaction (the
/// caller commits or rolls back), the provider, the source that scopes customer external ids and is stored as the
/// records' source (e.g. <c>import</c>, <c>api</c>, <c>shopify</c>), the instant stamped on new and changed rows,
/// and the acting user when there is one.
/// </summary>
public sealed record IngestionContext(DbConnection Connection, DbTransaction Transaction, DatabaseProvider Provider, string Source, DateTimeOffset Now, long? UserId)
{
    /// <summary>
    /// When set, the calls add their customers' metrics here instead of to the metrics table, and the caller applies
    /// them once with <see cref="IngestionWriter.ApplyMetricsAsync"/> before it commits: an import batch of many calls
    /// then updates each customer's row once, in customer order, instead of once per call.
    /// </summary>
    public PendingMetrics? PendingMetrics { get; init; }

    /// <summary>
    /// When set, calls that refer to customers (transactions, interactions) and products look them up here first and
    /// add what they find and store; the caller commits or rolls it back with its transaction (see <see cref="KnownRecords"/>).
    /// </summary>
    public KnownRecords? Known { get; init; }
}

/// <summary>Metrics additions and recomputations held back over several writer calls of one transaction.</summary>
public sealed class PendingMetrics
{
    internal Dictionary<long, MetricsDelta> Deltas { get; } = [];

    internal HashSet<long> Recompute { get; } = [];

    public bool IsEmpty => Deltas.Count == 0 && Recompute.Count == 0;

    internal void Add(MetricsDelta d) =>
        Deltas[d.CustomerId] = Deltas.TryGetValue(d.CustomerId, out var e)
            ? new MetricsDelta(d.CustomerId, Min(e.FirstPurchaseAt, d.FirstPurchaseAt), Max(e.LastPurchaseAt, d.LastPurchaseAt),
                e.Purchases + d.Purchases, e.Revenue + d.Revenue, e.Interactions + d.Interactions, Max(e.LastInteractionAt, d.LastInteractionAt))
            : d;

    private static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}

/// <summary>
/// Validates and stores incoming items in bulk, with the same rules as the single-record use cases. Results come
/// back in input order; every write happens inside the caller's transaction; the metrics of the customers touched
/// are refreshed and webhooks are queued before returning. See docs/ingestion.md for the matching rules.
/// </summary>
public sealed partial class IngestionWriter(CustomerMetricsUpdater metrics, WebhookOutbox webhooks, ILogger<IngestionWriter> logger)
{
    /// <summary>Queues one event per id when a subscription wants the type (nothing is read when none does).</summary>
    private async Task EnqueueAsync(IngestionContext c, string eventType, IEnumerable<long> ids, CancellationToken ct)
    {
        if (!webhooks.Wants(eventType))
        {
            return;
        }

        var list = ids.Distinct().ToList();
        if (list.Count > 0)
        {
            await webhooks.EnqueueAsync(c.Connection, c.Transaction, eventType, list, ct);
        }
    }

    private static string SourceOf(IngestionContext context)
    {
        var errors = new FieldErrors();
        var source = TextRules.Source(errors, context.Source, "import");
        return errors.Any
            ? throw new ArgumentException($"The ingestion source '{context.Source}' is not a short name of letters, digits, '-', '_' or '.'.", nameof(context))
            : source;
    }

    /// <summary>The context with its source checked and lower-cased, and its instant at the stored precision.</summary>
    private static IngestionContext Normalize(IngestionContext context) =>
        context with { Source = SourceOf(context), Now = TextRules.ToStoredPrecision(context.Now) };

    private static IngestResult[] Results(int count) => new IngestResult[count];

    /// <summary>Items per parallel validation task; smaller calls validate on the calling thread.</summary>
    private const int DraftsPerTask = 512;

    /// <summary>Runs <paramref name="draft"/> for every index (each writes only its own slots), in parallel when there are many.</summary>
    private static void Drafts(List<int> indexes, Action<int> draft)
    {
        if (indexes.Count < 2 * DraftsPerTask)
        {
            foreach (var i in indexes)
            {
                draft(i);
            }

            return;
        }

        Parallel.For(0, (indexes.Count + DraftsPerTask - 1) / DraftsPerTask, part =>
        {
            var end = Math.Min(indexes.Count, (part + 1) * DraftsPerTask);
            for (var k = part * DraftsPerTask; k < end; k++)
            {
                draft(indexes[k]);
            }
        });
    }
}
