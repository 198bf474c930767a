using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Data;
using Rapport.Metrics;

namespace Rapport.Stages;

/// <summary>How many customers are in one stage.</summary>
public sealed record StageCount(Stage Stage, int Customers);

/// <summary>A full recompute: customers per stage after it, how many changed stage, how long it took.</summary>
public sealed record StageRecomputeResult(IReadOnlyList<StageCount> Counts, int Changed, long ElapsedMs);

/// <summary>Every customer's stage now (CLI, the admin button), or after a settings change (at once when small, else in the background).</summary>
public sealed class RecomputeStages(StageEngine engine, GetStageCounts counts, RapportDbContext db, StageRecomputeSignal signal, IConfiguration configuration)
{
    /// <summary>Up to this many customers a settings change recomputes in the request; above, in the background.</summary>
    public int InlineLimit => configuration.GetValue("Rapport:Stages:InlineRecomputeLimit", 20_000);

    public async Task<StageRecomputeResult> AllAsync(CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var evaluation = await engine.EvaluateAllAsync(ct);
        watch.Stop();
        return new StageRecomputeResult(await counts.HandleAsync(ct), evaluation.Changed, watch.ElapsedMilliseconds);
    }

    /// <summary>True when the recompute ran at once; false when the background worker was asked to run it.</summary>
    public async Task<bool> AfterSettingsChangedAsync(CancellationToken ct)
    {
        if (await db.Set<CustomerMetrics>().CountAsync(ct) <= InlineLimit)
        {
            await engine.EvaluateAllAsync(ct);
            return true;
        }

        signal.Notify();
        return false;
    }
}

public sealed class StageRecomputeSignal : WorkSignal;

/// <summary>Runs the full recompute a settings change asked for, away from the request.</summary>
public sealed partial class StageRecomputeWorker(IServiceScopeFactory scopes, StageRecomputeSignal signal, ILogger<StageRecomputeWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await signal.WaitAsync(Timeout.InfiniteTimeSpan, stoppingToken);
            if (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var result = await scope.ServiceProvider.GetRequiredService<RecomputeStages>().AllAsync(stoppingToken);
                LogDone(result.Changed, result.ElapsedMs);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(e.GetType().Name);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stages recomputed after a settings change: {Changed} customers changed stage in {ElapsedMs} ms")]
    private partial void LogDone(int changed, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recomputing stages failed ({Error})")]
    private partial void LogFailed(string error);
}

public sealed class GetStageCounts(RapportDbContext db)
{
    /// <summary>All five stages in journey order, zeros included.</summary>
    public async Task<IReadOnlyList<StageCount>> HandleAsync(CancellationToken ct)
    {
        var rows = await db.Set<CustomerMetrics>().AsNoTracking().GroupBy(m => m.Stage)
            .Select(g => new { Stage = g.Key, Count = g.Count() }).ToListAsync(ct);
        return [.. Stages.All.Select(s => new StageCount(s, rows.FirstOrDefault(r => r.Stage == s)?.Count ?? 0))];
    }
}
