using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Analytics;

/// <summary>Wakes the analytics worker when a recompute is asked for in this process.</summary>
public sealed class AnalyticsSignal : WorkSignal;

/// <summary>
/// Asks for a full analytics recompute: a queued row in <c>analytics_runs</c> that the web host's worker runs. Asking
/// again while a run waits changes nothing, so a burst of imports or ingested batches makes one run, not one each;
/// asking while a run is under way queues exactly one more (the data changed after that run read it). A queued row
/// also carries requests across processes: <c>rapport import</c> on the command line queues the run its web host does.
/// </summary>
public sealed class RequestAnalytics(RapportDbContext db, AnalyticsSignal signal, TimeProvider clock)
{
    /// <summary>Queues a run unless one is already waiting; returns the waiting run's id.</summary>
    public async Task<long> RequestAsync(AnalyticsTrigger trigger, CancellationToken ct)
    {
        var waiting = await db.AnalyticsRuns.AsNoTracking()
            .Where(r => r.Status == AnalyticsRunStatus.Queued).OrderBy(r => r.Id).Select(r => (long?)r.Id).FirstOrDefaultAsync(ct);
        if (waiting is { } id)
        {
            // Someone asking now does not wait for the spacing that import-triggered runs keep: the waiting run becomes theirs.
            if (trigger == AnalyticsTrigger.Manual)
            {
                await db.AnalyticsRuns.Where(r => r.Id == id && r.Status == AnalyticsRunStatus.Queued)
                    .ExecuteUpdateAsync(s => s.SetProperty(r => r.Trigger, AnalyticsTrigger.Manual), ct);
            }

            signal.Notify();
            return id;
        }

        var run = new AnalyticsRun { Trigger = trigger, Status = AnalyticsRunStatus.Queued, StartedAt = clock.GetUtcNow() };
        db.AnalyticsRuns.Add(run);
        await db.SaveChangesAsync(ct);
        signal.Notify();
        return run.Id;
    }
}
