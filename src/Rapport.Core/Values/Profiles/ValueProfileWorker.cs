using System.Data.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Rapport.Data;

namespace Rapport.Values.Profiles;

/// <summary>
/// Keeps stored value profiles current in the web host: a full recompute after every successful analytics run (imports,
/// nightly, manual), and, once the inputs have been quiet for <c>Rapport:ValueProfiles:QuietSeconds</c> (30) after a
/// change, the profiles they touch: the customers of new evidence one by one (up to <see cref="PerCustomerLimit"/>),
/// otherwise (evidence removed, many customers, a value merged or retired, a rating or a product tag changed) all.
/// It looks every <c>Rapport:ValueProfiles:PollSeconds</c> (15). Off with <c>Rapport:ValueProfiles:Background</c> =
/// false, and with <c>Rapport:Analytics:Background</c> = false (the host runs no background recomputes at all).
/// </summary>
public sealed partial class ValueProfileWorker(
    IServiceScopeFactory scopes,
    IConfiguration configuration,
    TimeProvider clock,
    ILogger<ValueProfileWorker> logger) : BackgroundService
{
    public const int PerCustomerLimit = 200;

    private Inputs? _computed;
    private Inputs? _seen;
    private DateTimeOffset _seenAt;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        if (!configuration.GetValue("Rapport:ValueProfiles:Background", true) || !configuration.GetValue("Rapport:Analytics:Background", true))
        {
            return;
        }

        var poll = TimeSpan.FromSeconds(configuration.GetValue("Rapport:ValueProfiles:PollSeconds", 15.0));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await LookAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is DbException or InvalidOperationException)
            {
                // The database may be migrating or briefly away; look again at the next poll.
                LogWorkerError(e.GetType().Name);
            }

            try
            {
                await Task.Delay(poll, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One look: recomputes what changed since the last look, if it has been quiet long enough. Returns what it ran.</summary>
    public async Task<string> LookAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<RapportDatabase>();
        var recompute = scope.ServiceProvider.GetRequiredService<RecomputeValueProfiles>();
        Inputs now;
        await using (var connection = await database.OpenConnectionAsync(ct))
        {
            now = await Inputs.ReadAsync(connection, ct);
        }

        var quiet = TimeSpan.FromSeconds(configuration.GetValue("Rapport:ValueProfiles:QuietSeconds", 30.0));
        if (_computed is not { } computed)
        {
            // The first look after start: what is stored was computed by an earlier process (or `serve --demo`).
            _computed = _seen = now;
            _seenAt = clock.GetUtcNow();
            return "started";
        }

        if (now.AnalyticsRun != computed.AnalyticsRun)
        {
            await recompute.AllAsync(ct);
            _computed = _seen = now;
            return "all";
        }

        if (now == computed)
        {
            return "none";
        }

        if (now != _seen)
        {
            _seen = now;
            _seenAt = clock.GetUtcNow();
            return "waiting";
        }

        if (clock.GetUtcNow() - _seenAt < quiet)
        {
            return "waiting";
        }

        List<long>? customers = null;
        if (now.OnlyNewEvidenceSince(computed))
        {
            customers = [];
            await using var connection = await database.OpenConnectionAsync(ct);
            await ProfileReads.ReadAsync(connection,
                $"SELECT DISTINCT customer_id FROM value_evidence WHERE id > {computed.EvidenceMaxId} AND customer_id IS NOT NULL", null,
                r => customers.Add(r.GetInt64(0)), ct);
        }

        if (customers is { Count: <= PerCustomerLimit })
        {
            foreach (var customer in customers)
            {
                await recompute.CustomerAsync(customer, ct);
            }

            _computed = now;
            return $"customers:{customers.Count}";
        }

        await recompute.AllAsync(ct);
        _computed = now;
        return "all";
    }

    /// <summary>A cheap fingerprint of everything a profile is computed from, except purchases (which come with analytics runs).</summary>
    private readonly record struct Inputs(long AnalyticsRun, long EvidenceMaxId, long EvidenceCount, long RatingMaxId, string? TaxonomyChangedAt, long ProductTags, long ProductTagSum)
    {
        public bool OnlyNewEvidenceSince(Inputs before) =>
            EvidenceMaxId > before.EvidenceMaxId && EvidenceCount >= before.EvidenceCount && RatingMaxId == before.RatingMaxId &&
            TaxonomyChangedAt == before.TaxonomyChangedAt && ProductTags == before.ProductTags && ProductTagSum == before.ProductTagSum;

        public static async Task<Inputs> ReadAsync(DbConnection connection, CancellationToken ct)
        {
            Inputs inputs = default;
            await ProfileReads.ReadAsync(connection,
                """
                SELECT (SELECT coalesce(max(id), 0) FROM analytics_runs WHERE status = 'Succeeded'),
                       (SELECT coalesce(max(id), 0) FROM value_evidence), (SELECT count(*) FROM value_evidence),
                       (SELECT coalesce(max(id), 0) FROM value_ratings),
                       (SELECT CAST(max(updated_at) AS TEXT) FROM taxonomy_values),
                       (SELECT count(*) FROM product_values), (SELECT coalesce(sum(product_id * 13 + value_id * 7 + strength), 0) FROM product_values)
                """, null,
                r => inputs = new Inputs(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.IsDBNull(4) ? null : r.GetString(4),
                    r.GetInt64(5), Convert.ToInt64(r.GetValue(6), System.Globalization.CultureInfo.InvariantCulture)), ct);
            return inputs;
        }
    }

    [LoggerMessage(LogLevel.Warning, "The value profile worker could not look for work ({ErrorType}); retrying")]
    private partial void LogWorkerError(string errorType);
}
