using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Rapport.Data;
using Rapport.Imports;
using Rapport.Research.Evidence;

namespace Rapport.Research.Review;

/// <summary>What a full re-index did.</summary>
public sealed record ReindexSummary(int TextsRead, int Mentions, ThemeRefreshSummary Themes);

/// <summary>
/// Detects the mentions of every free text again (<see cref="MentionIndexer.ReindexAllAsync"/>) and refreshes the
/// emergent-theme proposals: after the taxonomy's vocabulary changed, after imports wrote notes in bulk.
/// <c>rapport research reindex</c> and <see cref="ResearchWorker"/> run it.
/// </summary>
public sealed class ReindexResearch(RapportDbContext db, MentionIndexer mentions, RefreshThemeProposals themes, ILogger<ReindexResearch> logger)
{
    public async Task<ReindexSummary> HandleAsync(CancellationToken ct)
    {
        var texts = await mentions.ReindexAllAsync(ct);
        var count = await db.Set<ValueEvidence>().CountAsync(e => e.Kind == EvidenceKind.Mention, ct);
        var refreshed = await themes.HandleAsync(ct);
        logger.LogInformation("Re-indexed {Texts} texts: {Mentions} mentions", texts, count);
        return new ReindexSummary(texts, count, refreshed);
    }
}

/// <summary>
/// Re-indexes research text in the background when the taxonomy changed (a value added, renamed, merged, retired, its
/// vocabulary edited: <see cref="DetectionCache.MarkAsync"/>) or an import finished since it last looked, once things
/// have been quiet for <c>Rapport:Research:QuietSeconds</c> (default 60: a reviewer editing five vocabularies in a row
/// causes one run, not five). It watches the database rather than being told, so changes made by another process (a
/// CLI import, another host) are seen too. <c>Rapport:Research:Background</c> = false turns it off.
/// </summary>
public sealed partial class ResearchWorker(IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider clock, ILogger<ResearchWorker> logger) : BackgroundService
{
    private (int, long, long)? _taxonomy;
    private DateTimeOffset? _imports;
    private DateTimeOffset? _changedAt;

    private TimeSpan Poll => TimeSpan.FromSeconds(configuration.GetValue("Rapport:Research:PollSeconds", 15.0));
    private TimeSpan Quiet => TimeSpan.FromSeconds(configuration.GetValue("Rapport:Research:QuietSeconds", 60.0));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        if (!configuration.GetValue("Rapport:Research:Background", true))
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await StepAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or DbUpdateException)
            {
                LogWorkerError(e.GetType().Name);
            }

            try
            {
                await Task.Delay(Poll, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// One look: notes what changed since the last look and runs the re-index once changes have been quiet long enough.
    /// The first look only takes the marks (what exists at start-up was indexed by whoever wrote it, or by the CLI).
    /// Returns whether it re-indexed.
    /// </summary>
    public async Task<bool> StepAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RapportDbContext>();
        var taxonomy = await DetectionCache.MarkAsync(db, ct);
        var imports = await db.Imports.AsNoTracking().Where(i => i.Status == ImportStatus.Completed && !i.DryRun).MaxAsync(i => i.FinishedAt, ct);
        var now = clock.GetUtcNow();
        if (_taxonomy is null)
        {
            (_taxonomy, _imports) = (taxonomy, imports);
            return false;
        }

        if (_taxonomy != taxonomy || _imports != imports)
        {
            (_taxonomy, _imports, _changedAt) = (taxonomy, imports, now);
            return false;
        }

        if (_changedAt is not { } changed || now - changed < Quiet)
        {
            return false;
        }

        _changedAt = null;
        var summary = await scope.ServiceProvider.GetRequiredService<ReindexResearch>().HandleAsync(ct);
        LogReindexed(summary.TextsRead, summary.Mentions);
        return true;
    }

    [LoggerMessage(LogLevel.Information, "Research re-indexed in the background: {Texts} texts, {Mentions} mentions")]
    private partial void LogReindexed(int texts, int mentions);

    [LoggerMessage(LogLevel.Warning, "The research worker could not look for changes ({ErrorType}); retrying")]
    private partial void LogWorkerError(string errorType);
}
