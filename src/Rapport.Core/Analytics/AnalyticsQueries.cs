using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Analytics;

/// <summary>A run as listed: when, why, how it ended.</summary>
public sealed record AnalyticsRunRow(
    long Id,
    AnalyticsTrigger Trigger,
    AnalyticsRunStatus Status,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    int Customers,
    long Transactions,
    long ElapsedMs,
    string? Error);

/// <summary>
/// The latest succeeded run with its result, and the run to tell the user about: one waiting or running if there is one,
/// else the newest run of any status (to show one that failed).
/// </summary>
public sealed record AnalyticsView(AnalyticsRunRow? Run, AnalyticsResult? Result, AnalyticsRunRow? Newest);

/// <summary>Reads what the latest analytics run computed.</summary>
public sealed class GetAnalytics(RapportDbContext db)
{
    public async Task<AnalyticsView> HandleAsync(CancellationToken ct)
    {
        // A run waiting or running comes first (a run queued by an import may be older than one run by hand since).
        var newest = await Rows(db.AnalyticsRuns.AsNoTracking()
                .Where(r => r.Status == AnalyticsRunStatus.Queued || r.Status == AnalyticsRunStatus.Running).OrderByDescending(r => r.Id)).FirstOrDefaultAsync(ct)
            ?? await Rows(db.AnalyticsRuns.AsNoTracking().OrderByDescending(r => r.Id)).FirstOrDefaultAsync(ct);
        var latest = await db.AnalyticsRuns.AsNoTracking()
            .Where(r => r.Status == AnalyticsRunStatus.Succeeded).OrderByDescending(r => r.Id)
            .Select(r => new { r.Id, r.Result }).FirstOrDefaultAsync(ct);
        if (latest is null)
        {
            return new AnalyticsView(null, null, newest);
        }

        var run = await Rows(db.AnalyticsRuns.AsNoTracking().Where(r => r.Id == latest.Id)).SingleAsync(ct);
        var result = latest.Result is null ? null : JsonSerializer.Deserialize<AnalyticsResult>(latest.Result, AnalyticsJson.Options);
        return new AnalyticsView(run, result, newest);
    }

    internal static IQueryable<AnalyticsRunRow> Rows(IQueryable<AnalyticsRun> runs) =>
        runs.Select(r => new AnalyticsRunRow(r.Id, r.Trigger, r.Status, r.StartedAt, r.FinishedAt, r.Customers, r.Purchases, r.ElapsedMs, r.Error));
}

/// <summary>The latest runs, newest first.</summary>
public sealed class ListAnalyticsRuns(RapportDbContext db)
{
    public const int MaxLimit = 100;

    public async Task<Result<IReadOnlyList<AnalyticsRunRow>>> HandleAsync(int? limit, CancellationToken ct)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return Result<IReadOnlyList<AnalyticsRunRow>>.Invalid("limit", $"Must be from 1 to {MaxLimit}.");
        }

        var rows = await GetAnalytics.Rows(db.AnalyticsRuns.AsNoTracking().OrderByDescending(r => r.Id)).Take(limit ?? 20).ToListAsync(ct);
        return Result<IReadOnlyList<AnalyticsRunRow>>.Ok(rows);
    }
}
