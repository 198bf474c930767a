using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Rapport.Common;

/// <summary>
/// A background clean-up run a minute after start-up and then every hour, on wall-clock waits (not the app clock,
/// which tests move by hand). A failed round (a database or file-system hiccup) is logged and the next one tries again.
/// </summary>
public abstract class HourlySweeper(ILogger logger) : BackgroundService
{
    private static readonly TimeSpan FirstRun = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    /// <summary>What is swept, for the log ("expired idempotency keys").</summary>
    protected abstract string What { get; }

    /// <summary>One round; returns how many things were deleted.</summary>
    protected abstract Task<int> SweepAsync(CancellationToken ct);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var wait = FirstRun;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            wait = Interval;
            try
            {
                var deleted = await SweepAsync(stoppingToken);
                if (deleted > 0)
                {
                    logger.LogInformation("Deleted {Count} {What}", deleted, What);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Sweeping {What} failed", What);
            }
        }
    }
}
