using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rapport.Customers.Changes;
using Rapport.Data;

namespace Rapport.Segments;

/// <summary>
/// Keeps dynamic segments current (docs/segments.md): after one customer's change, their purchase summary is rebuilt
/// and every dynamic segment is evaluated for them in one statement; after bulk changes, the same for the batch; after
/// an analytics run or a value recompute, the segments whose rules read those facts are re-evaluated in full. All of
/// these record entered/left events.
/// </summary>
public sealed partial class SegmentChangeHandler(RapportDbContext db, PurchaseFacts purchaseFacts, SegmentEngine engine, SegmentIndex index, ILogger<SegmentChangeHandler> logger) : ICustomerChangeHandler
{
    public int Order => 200;

    public async Task CustomerChangedAsync(long customerId, CancellationToken ct)
    {
        index.Changed([customerId]);
        await purchaseFacts.RefreshAsync([customerId], ct);
        await engine.FollowAsync([customerId], ct);
    }

    public async Task CustomersChangedAsync(IReadOnlyList<long> customerIds, CancellationToken ct)
    {
        index.Changed(customerIds);
        await purchaseFacts.RefreshAsync(customerIds, ct);
        await engine.FollowAsync(customerIds, ct);
    }

    public async Task AllChangedAsync(ChangedFacts facts, CancellationToken ct)
    {
        index.Invalidate();
        if (await purchaseFacts.NeedsBuildAsync(ct))
        {
            await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
            var rows = await purchaseFacts.RebuildAllAsync(ct);
            if (transaction is not null)
            {
                await transaction.CommitAsync(ct);
            }

            LogFactsBuilt(rows);
        }

        var reads = RuleReads.None;
        if (facts.HasFlag(ChangedFacts.Analytics))
        {
            reads |= RuleReads.Analytics;
        }

        if (facts.HasFlag(ChangedFacts.Values))
        {
            reads |= RuleReads.Values;
        }

        if (facts == ChangedFacts.All)
        {
            reads |= RuleReads.Clock;
        }

        await ReevaluateReadingAsync(db, engine, reads, ct);
    }

    /// <summary>Re-evaluates in full the dynamic segments whose rules read any of <paramref name="reads"/>; returns how many.</summary>
    public static async Task<int> ReevaluateReadingAsync(RapportDbContext db, SegmentEngine engine, RuleReads reads, CancellationToken ct)
    {
        var definitions = await engine.DefinitionsAsync(ct);
        var done = 0;
        foreach (var d in definitions.Dynamic)
        {
            if ((SegmentSql.Reads(d.Rules!, definitions.DynamicRules) & reads) != 0)
            {
                // One transaction per segment (unless the caller holds one): its members and events change together.
                await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
                await engine.ReevaluateAsync(d.Id, d.Rules!, definitions, ct);
                if (transaction is not null)
                {
                    await transaction.CommitAsync(ct);
                }

                done++;
            }
        }

        return done;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Built the purchase summary for segments: {Rows} rows")]
    private partial void LogFactsBuilt(int rows);
}

/// <summary>
/// Time passing: every hour, the dynamic segments whose rules read the clock (days since…, withinDays, days in stage)
/// are re-evaluated in full, with entered/left events. Nothing else rebuilds segments periodically.
/// </summary>
public sealed class SegmentClockSweeper(IServiceScopeFactory scopes, ILogger<SegmentClockSweeper> logger) : Common.HourlySweeper(logger)
{
    protected override string What => "segments re-checked against the clock";

    protected override async Task<int> SweepAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RapportDbContext>();
        var engine = scope.ServiceProvider.GetRequiredService<SegmentEngine>();
        return await SegmentChangeHandler.ReevaluateReadingAsync(db, engine, RuleReads.Clock, ct);
    }
}
