using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Customers.Changes;

/// <summary>Wakes <see cref="CustomerChangeWorker"/> when this process queued customers.</summary>
public sealed class CustomerChangeSignal : WorkSignal;

/// <summary>
/// Drains <c>customer_changes</c> in batches of <see cref="BatchSize"/>, oldest first: each batch's handlers run in
/// one transaction that also deletes the batch, so a crash re-runs it (the handlers are idempotent).
/// <c>Rapport:CustomerChanges:Background</c> = false turns the loop off (tests call <see cref="DrainAsync"/>).
/// </summary>
public sealed partial class CustomerChangeWorker(
    IServiceScopeFactory scopes,
    CustomerChangeSignal signal,
    IConfiguration configuration,
    ILogger<CustomerChangeWorker> logger) : BackgroundService
{
    public const int BatchSize = 5_000;

    private TimeSpan Poll => TimeSpan.FromSeconds(configuration.GetValue("Rapport:CustomerChanges:PollSeconds", 5.0));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        if (!configuration.GetValue("Rapport:CustomerChanges:Background", true))
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var done = 0;
            try
            {
                done = await StepAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or DbUpdateException)
            {
                // The database may be migrating or busy; the batch stays queued for the next round.
                LogFailed(e.GetType().Name);
            }

            if (done == 0)
            {
                await signal.WaitAsync(Poll, stoppingToken);
            }
        }
    }

    /// <summary>Processes every queued customer; returns how many.</summary>
    public async Task<int> DrainAsync(CancellationToken ct)
    {
        var total = 0;
        int done;
        while ((done = await StepAsync(ct)) > 0)
        {
            total += done;
        }

        return total;
    }

    /// <summary>One batch: returns how many customers it processed (0 when the queue is empty).</summary>
    public async Task<int> StepAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RapportDbContext>();
        var changes = scope.ServiceProvider.GetRequiredService<CustomerChanges>();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var batch = await db.Set<CustomerChange>().AsNoTracking().OrderBy(c => c.ChangedAt).ThenBy(c => c.CustomerId)
            .Take(BatchSize).ToListAsync(ct);
        if (batch.Count == 0)
        {
            return 0;
        }

        var ids = batch.Select(c => c.CustomerId).ToList();
        await changes.ChangedAsync(ids, ct);
        // A customer queued again since the batch was read keeps their row (a later changed_at) for the next round.
        var newest = batch.Max(c => c.ChangedAt);
        await db.Set<CustomerChange>().Where(c => ids.Contains(c.CustomerId) && c.ChangedAt <= newest).ExecuteDeleteAsync(ct);
        await transaction.CommitAsync(ct);
        return ids.Count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Following customer changes failed ({Error}); will retry")]
    private partial void LogFailed(string error);
}
