using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Rapport.Data;

namespace Rapport.Analytics;

/// <summary>
/// Runs queued analytics recomputes one at a time in the web host, and queues the nightly one at
/// <c>Rapport:Analytics:NightlyAt</c> (UTC). A run left "running" by a killed process for longer than
/// <see cref="Interrupted"/> is marked failed, so it never blocks the queue. <c>Rapport:Analytics:Background</c> = false
/// turns the worker off (runs then wait for another host, or for <c>rapport analytics recompute</c>).
/// </summary>
public sealed partial class AnalyticsWorker(
    IServiceScopeFactory scopes,
    AnalyticsSignal signal,
    IConfiguration configuration,
    TimeProvider clock,
    ILogger<AnalyticsWorker> logger) : BackgroundService
{
    public static readonly TimeSpan Interrupted = TimeSpan.FromHours(2);

    private TimeSpan Poll => TimeSpan.FromSeconds(configuration.GetValue("Rapport:Analytics:PollSeconds", 10.0));

    /// <summary>The least time between the start of a run and that of a run asked for by an import (<c>Rapport:Analytics:ImportSpacingSeconds</c>).</summary>
    private TimeSpan ImportSpacing => TimeSpan.FromSeconds(configuration.GetValue("Rapport:Analytics:ImportSpacingSeconds", 300.0));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Let the host finish starting (and the migrator run) before the first look.
        await Task.Yield();
        if (!configuration.GetValue("Rapport:Analytics:Background", true))
        {
            return;
        }

        var settings = AnalyticsSettings.FromConfiguration(configuration);
        var nextNightly = NextOccurrence(clock.GetUtcNow(), settings.NightlyAt);
        while (!stoppingToken.IsCancellationRequested)
        {
            bool worked;
            try
            {
                if (clock.GetUtcNow() >= nextNightly)
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<RequestAnalytics>().RequestAsync(AnalyticsTrigger.Nightly, stoppingToken);
                    nextNightly = NextOccurrence(clock.GetUtcNow(), settings.NightlyAt);
                }

                worked = await RunNextAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or DbUpdateException)
            {
                // The database may be migrating or briefly away; try again at the next poll.
                LogWorkerError(e.GetType().Name);
                worked = false;
            }

            if (!worked)
            {
                await signal.WaitAsync(Poll, stoppingToken);
            }
        }
    }

    /// <summary>Claims and runs the oldest queued run; false when none was waiting.</summary>
    public async Task<bool> RunNextAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RapportDbContext>();
        var now = clock.GetUtcNow();
        var interruptedBefore = now - Interrupted;
        await db.AnalyticsRuns
            .Where(r => r.Status == AnalyticsRunStatus.Running && r.StartedAt < interruptedBefore)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, AnalyticsRunStatus.Failed)
                .SetProperty(r => r.Error, "Interrupted: the process running it stopped.")
                .SetProperty(r => r.FinishedAt, now), ct);

        var queued = await db.AnalyticsRuns.AsNoTracking()
            .Where(r => r.Status == AnalyticsRunStatus.Queued).OrderBy(r => r.Id).Select(r => new { r.Id, r.Trigger }).FirstOrDefaultAsync(ct);
        if (queued is null)
        {
            return false;
        }

        // Imports and ingested batches may ask again and again (a live feed): their runs keep a distance from the last run.
        if (queued.Trigger == AnalyticsTrigger.Import)
        {
            var notBefore = now - ImportSpacing;
            if (await db.AnalyticsRuns.AnyAsync(r => r.Id != queued.Id && r.Status != AnalyticsRunStatus.Queued && r.StartedAt > notBefore, ct))
            {
                return false;
            }
        }

        var id = queued.Id;

        // Claimed by whoever turns it from queued to running first (another host may be looking too).
        var claimed = await db.AnalyticsRuns
            .Where(r => r.Id == id && r.Status == AnalyticsRunStatus.Queued)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, AnalyticsRunStatus.Running).SetProperty(r => r.StartedAt, now), ct);
        if (claimed == 1)
        {
            await scope.ServiceProvider.GetRequiredService<RecomputeAnalytics>().RunAsync(id, ct);
        }

        return true;
    }

    /// <summary>The next time of day <paramref name="at"/> (UTC) strictly after <paramref name="now"/>.</summary>
    public static DateTimeOffset NextOccurrence(DateTimeOffset now, TimeOnly at)
    {
        var utc = now.ToUniversalTime();
        var today = new DateTimeOffset(DateOnly.FromDateTime(utc.UtcDateTime).ToDateTime(at), TimeSpan.Zero);
        return today > utc ? today : today.AddDays(1);
    }

    [LoggerMessage(LogLevel.Warning, "The analytics worker could not look for work ({ErrorType}); retrying")]
    private partial void LogWorkerError(string errorType);
}
