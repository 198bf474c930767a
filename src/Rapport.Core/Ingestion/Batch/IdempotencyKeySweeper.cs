using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Rapport.Ingestion.Batch;

/// <summary>Deletes idempotency keys older than 24 hours: once shortly after start, then every hour.</summary>
public sealed class IdempotencyKeySweeper(IdempotencyKeys keys, ILogger<IdempotencyKeySweeper> logger) : BackgroundService
{
    private static readonly TimeSpan FirstRun = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Wall-clock waits (not the app clock, which tests move by hand); the cut-off itself uses the app clock.
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
                var deleted = await keys.SweepAsync(stoppingToken);
                if (deleted > 0)
                {
                    logger.LogInformation("Deleted {Count} expired idempotency keys", deleted);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A database hiccup must not stop the sweeper; the next round tries again (claims skip expired keys anyway).
                logger.LogWarning(e, "Sweeping expired idempotency keys failed");
            }
        }
    }
}
