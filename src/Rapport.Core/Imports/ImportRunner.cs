using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Imports;

/// <summary>Wakes the runner when an import is queued, so it starts at once instead of at the next poll.</summary>
public sealed class ImportSignal : WorkSignal;

/// <summary>
/// Runs queued imports one at a time in the web host, and takes over running imports whose heartbeat is older than
/// <c>Rapport:Imports:StaleAfterSeconds</c> (default 120: their process was killed), resuming them from their last
/// committed batch. On a graceful shutdown the import in progress goes back to the queue.
/// </summary>
public sealed partial class ImportRunner(
    IServiceScopeFactory scopes,
    ImportSignal signal,
    IConfiguration configuration,
    TimeProvider clock,
    ILogger<ImportRunner> logger) : BackgroundService
{
    private TimeSpan StaleAfter => TimeSpan.FromSeconds(configuration.GetValue("Rapport:Imports:StaleAfterSeconds", 120));
    private TimeSpan Poll => TimeSpan.FromSeconds(configuration.GetValue("Rapport:Imports:PollSeconds", 5.0));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Let the host finish starting (and the migrator run) before the first look.
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            bool worked;
            try
            {
                worked = await RunNextAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or IOException)
            {
                // The database may be migrating or briefly away; try again at the next poll.
                LogRunnerError(e.GetType().Name);
                worked = false;
            }

            if (!worked)
            {
                await signal.WaitAsync(Poll, stoppingToken);
            }
        }
    }

    /// <summary>Runs the next import that needs running; false when there was none.</summary>
    public async Task<bool> RunNextAsync(CancellationToken ct)
    {
        var staleBefore = clock.GetUtcNow() - StaleAfter;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RapportDbContext>();
        var candidates = await db.Imports.AsNoTracking()
            .Where(i => i.Status == Imports.ImportStatus.Queued ||
                        (i.Status == Imports.ImportStatus.Running && (i.HeartbeatAt == null || i.HeartbeatAt < staleBefore)))
            .OrderBy(i => i.Id).Select(i => i.Id).Take(5).ToListAsync(ct);
        var processor = scope.ServiceProvider.GetRequiredService<ImportProcessor>();
        foreach (var id in candidates)
        {
            if (!await processor.TryClaimAsync(id, staleBefore, ct))
            {
                continue;
            }

            LogStarting(id);
            var status = await processor.RunAsync(id, null, ct);
            if (status == Imports.ImportStatus.Running)
            {
                await processor.RequeueAsync(id, CancellationToken.None);
            }

            return true;
        }

        return false;
    }

    [LoggerMessage(LogLevel.Information, "Running import {ImportId}")]
    private partial void LogStarting(long importId);

    [LoggerMessage(LogLevel.Warning, "The import runner could not look for work ({ErrorType}); retrying")]
    private partial void LogRunnerError(string errorType);
}
