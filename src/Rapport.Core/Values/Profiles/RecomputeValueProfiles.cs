using System.Data.Common;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Rapport.Customers.Changes;
using Rapport.Data;
using Rapport.Ingestion;

namespace Rapport.Values.Profiles;

/// <summary>What a recompute did: customers and scores written, customers left out (profiling off), time taken.</summary>
/// <param name="TimingsMs">Milliseconds per step: read (evidence and lines streamed into the scoring), clear (the old scores), score, write.</param>
public sealed record ValueProfileRun(int Customers, int Scores, int ProfilingOff, long ElapsedMs, DateTimeOffset ComputedAt, IReadOnlyDictionary<string, long> TimingsMs);

/// <summary>
/// Recomputes customer value profiles (docs/values.md, "Customer value profiles"): every customer's at once, set-based
/// (a handful of streaming reads, the scoring in memory, the scores replaced in bulk in one transaction), or one
/// customer's after their evidence changed. Customers with profiling off get no scores and no alignment.
/// </summary>
public sealed partial class RecomputeValueProfiles(RapportDatabase database, CustomerChanges changes, TimeProvider clock, ILogger<RecomputeValueProfiles> logger)
{
    /// <summary>Rows per bulk statement.</summary>
    private const int WriteChunk = 50_000;

    private static readonly TableSpec ScoreColumns = new("customer_value_scores",
        ("customer_id", ColumnType.Long), ("value_id", ColumnType.Long), ("score", ColumnType.Double), ("confidence", ColumnType.Double),
        ("evidence_count", ColumnType.Int), ("last_evidence_at", ColumnType.Instant), ("computed_at", ColumnType.Instant));

    private static readonly TableSpec ProfileColumns = new("customer_value_profiles",
        ("customer_id", ColumnType.Long), ("profiling_enabled", ColumnType.Bool), ("alignment", ColumnType.Double), ("computed_at", ColumnType.Instant));

    /// <summary>An alignment lands only on a profile whose profiling is still on (it may have been switched off meanwhile).</summary>
    private const string ProfileConflict =
        "ON CONFLICT (customer_id) DO UPDATE SET alignment = excluded.alignment, computed_at = excluded.computed_at WHERE customer_value_profiles.profiling_enabled";

    /// <summary>Every customer's scores and alignment, replacing all stored ones; then segments on them follow.</summary>
    public async Task<ValueProfileRun> AllAsync(CancellationToken ct)
    {
        var run = await RunAsync(null, ct);
        await changes.AllChangedAsync(ChangedFacts.Values, ct);
        return run;
    }

    /// <summary>One customer's scores and alignment (nothing when profiling is off for them, their stored ones removed).</summary>
    public Task<ValueProfileRun> CustomerAsync(long customerId, CancellationToken ct) => RunAsync(customerId, ct);

    private async Task<ValueProfileRun> RunAsync(long? customerId, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        // Whole microseconds, as PostgreSQL stores them: the write compares computed_at with it.
        var ticks = clock.GetUtcNow().UtcTicks;
        var now = new DateTimeOffset(ticks - ticks % 10, TimeSpan.Zero);
        var today = DateOnly.FromDateTime(now.UtcDateTime).DayNumber;
        await using var connection = await database.OpenConnectionAsync(ct);
        var raised = !database.IsPostgres && customerId is null;
        var pageCache = raised ? await SqliteIngestStore.RaisePageCacheAsync(connection, ct) : null;
        try
        {
            var values = await ValueMap.LoadAsync(connection, ct);
            var tags = await ProductTags.LoadAsync(connection, values, ct);
            var importance = await ProfileReads.ReadImportanceAsync(connection, values, ct);
            var builder = new ProfileBuilder(values, tags, today);
            // Everyone: the transactions' days are read on a second connection while the evidence is read on this one.
            var reading = customerId is null ? Task.Run(() => ReadDaysAsync(ct), ct) : null;
            try
            {
                await ProfileReads.ReadEvidenceAsync(connection, builder, customerId, ct);
            }
            finally
            {
                if (reading is not null)
                {
                    await Task.WhenAny(reading);
                }
            }

            await ProfileReads.ReadLinesAsync(connection, customerId, (customer, product, amount, day, _) => builder.AddLine(customer, product, amount, day), ct,
                reading is null ? null : await reading);
            var timings = new Dictionary<string, long>(StringComparer.Ordinal) { ["read"] = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds };
            var step = Stopwatch.GetTimestamp();

            if (raised)
            {
                // With foreign keys enforced SQLite deletes the old scores row by row (no truncate optimisation: seconds at
                // 100,000 customers) and checks two keys per new row. The keys hold by construction instead: the customers
                // are read again inside the writing transaction, which holds the write lock from its first statement (no
                // customer can be deleted until it commits), and taxonomy values are never deleted. Back on in finally.
                await ExecuteAsync(connection, "PRAGMA foreign_keys = OFF", ct);
            }

            await using var transaction = await connection.BeginTransactionAsync(ct);
            var context = new IngestionContext(connection, transaction, database.Provider, "values", now, null);
            await using var store = await IngestStore.OpenAsync(context, customerId is null ? IngestStore.LargeCall : 0, ct);
            var keyed = customerId is null ? "" : " WHERE customer_id = @p1";
            object?[] key = customerId is { } id ? [id] : [];

            // Read inside the writing transaction (which holds SQLite's write lock from its first statement): a customer
            // deleted or switched off since the reads is not written.
            await store.ExecuteAsync("DELETE FROM customer_value_scores" + keyed, key, ct);
            timings["clear"] = (long)Stopwatch.GetElapsedTime(step).TotalMilliseconds;
            step = Stopwatch.GetTimestamp();
            var off = new HashSet<long>();
            await store.QueryRowsAsync("SELECT customer_id FROM customer_value_profiles WHERE NOT profiling_enabled" + (customerId is null ? "" : " AND customer_id = @p1"),
                key, r => off.Add(r.GetInt64(0)), ct);
            var existing = new HashSet<long>();
            await store.QueryRowsAsync("SELECT id FROM customers" + (customerId is null ? "" : " WHERE id = @p1"), key, r => existing.Add(r.GetInt64(0)), ct);
            off.IntersectWith(existing);
            foreach (var c in off)
            {
                existing.Remove(c);
            }

            var scores = builder.Build(off);
            scores.RemoveAll(s => !existing.Contains(s.CustomerId));
            var alignments = Alignments(scores, importance);
            timings["score"] = (long)Stopwatch.GetElapsedTime(step).TotalMilliseconds;
            step = Stopwatch.GetTimestamp();
            for (var start = 0; start < scores.Count; start += WriteChunk)
            {
                var chunk = scores.GetRange(start, Math.Min(WriteChunk, scores.Count - start));
                await store.InsertAsync(ScoreColumns, chunk, (r, s) => r.Long(s.CustomerId).Long(s.ValueId).Double(Math.Round(s.Score, 6))
                    .Double(Math.Round(s.Confidence, 6)).Int(s.EvidenceCount).Instant(DayStart(s.LastDay)).Instant(now), ct);
            }

            // Alignment: every customer with scores; the rest (no evidence left, profiling off) have none.
            for (var start = 0; start < alignments.Count; start += WriteChunk)
            {
                var chunk = alignments.GetRange(start, Math.Min(WriteChunk, alignments.Count - start));
                await store.InsertAsync(ProfileColumns, chunk, (r, a) => r.Long(a.CustomerId).Bool(true).Double(a.Alignment).Instant(now), ct, ProfileConflict);
            }

            await store.ExecuteAsync("UPDATE customer_value_profiles SET alignment = NULL, computed_at = NULL WHERE (computed_at IS NOT NULL OR alignment IS NOT NULL) AND " +
                (customerId is null ? "(computed_at IS NULL OR computed_at <> @p1)" : "customer_id = @p2 AND (computed_at IS NULL OR computed_at <> @p1)"),
                customerId is { } only ? [now, only] : [now], ct);

            if (customerId is { } changed)
            {
                // Segments on value scores and alignment follow (CustomerChangeWorker).
                await CustomerChangeQueue.AddAsync(connection, transaction, [changed], now, ct);
            }

            await transaction.CommitAsync(ct);
            timings["write"] = (long)Stopwatch.GetElapsedTime(step).TotalMilliseconds;
            var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (customerId is null)
            {
                LogRecomputed(alignments.Count, scores.Count, off.Count, elapsed);
            }

            return new ValueProfileRun(alignments.Count, scores.Count, off.Count, elapsed, now, timings);
        }
        finally
        {
            if (raised)
            {
                await ExecuteAsync(connection, "PRAGMA foreign_keys = ON", CancellationToken.None);
                await SqliteIngestStore.RestorePageCacheAsync(connection, pageCache);
            }
        }
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task<ProfileReads.TransactionDays> ReadDaysAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        return await ProfileReads.TransactionDays.ReadAsync(connection, ct);
    }

    private static DateTimeOffset DayStart(int day) => new(DateOnly.FromDayNumber(day).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    private static List<(long CustomerId, double? Alignment)> Alignments(List<ProfileScore> scores, Dictionary<long, int> importance)
    {
        var result = new List<(long, double?)>();
        var byValue = new Dictionary<long, double>();
        for (var i = 0; i < scores.Count;)
        {
            var customer = scores[i].CustomerId;
            byValue.Clear();
            for (; i < scores.Count && scores[i].CustomerId == customer; i++)
            {
                byValue[scores[i].ValueId] = scores[i].Score;
            }

            var alignment = ProfileScoring.Alignment(importance, v => byValue.TryGetValue(v, out var s) ? s : null);
            result.Add((customer, alignment is { } a ? Math.Round(a, 6) : null));
        }

        return result;
    }

    [LoggerMessage(LogLevel.Information, "Value profiles recomputed: {Customers} customers, {Scores} scores, {Off} with profiling off, in {ElapsedMs} ms")]
    private partial void LogRecomputed(int customers, int scores, int off, long elapsedMs);
}
