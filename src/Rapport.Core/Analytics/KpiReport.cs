using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Analytics;

/// <summary>One KPI value in a period of the series.</summary>
public sealed record KpiPoint(string Period, decimal? Value, bool Partial);

/// <summary>A KPI with its definition, its latest complete period's value against the target, and its series.</summary>
/// <param name="Value">The value in the latest complete period (the current period is still running).</param>
/// <param name="Change">Value minus the value of the period before (null when either is missing).</param>
public sealed record KpiView(
    string Key,
    string Name,
    string Definition,
    KpiUnit Unit,
    KpiDirection Direction,
    decimal? Value,
    decimal? Change,
    decimal? Target,
    KpiStatus Status,
    IReadOnlyList<KpiPoint> Series);

/// <param name="Period">"month", "quarter" or "year".</param>
/// <param name="Latest">The latest complete period, the one statuses are judged on.</param>
public sealed record KpiReport(string Period, string? Latest, DateOnly? AsOf, long? RunId, string Currency, IReadOnlyList<KpiView> Kpis);

/// <summary>
/// The KPIs of the latest analytics run over months, quarters or years, each judged against its target on the latest
/// complete period. CLV and the top 20 %'s revenue share are predictions and shares as of the run, so they have a value
/// in the latest period only.
/// </summary>
public sealed class GetKpis(RapportDbContext db, GetAnalytics analytics, IEnumerable<IKpiFactSource> factSources)
{
    public static readonly IReadOnlyList<string> Periods = ["month", "quarter", "year"];

    public async Task<Result<KpiReport>> HandleAsync(string? period, CancellationToken ct) =>
        Period(period) is { } problem ? problem : await HandleAsync(period, await analytics.HandleAsync(ct), ct);

    /// <summary>The same from a view of the latest run the caller has already read (the analytics pages have).</summary>
    public async Task<Result<KpiReport>> HandleAsync(string? period, AnalyticsView view, CancellationToken ct)
    {
        if (Period(period) is { } problem)
        {
            return problem;
        }

        period = (period ?? "month").Trim().ToLowerInvariant();
        var targets = await db.KpiTargets.AsNoTracking().ToDictionaryAsync(t => t.Kpi, t => (decimal)t.Target, ct);
        var registry = KpiRegistry.Default;
        if (view.Result is not { } result)
        {
            var empty = registry.All.Select(k => new KpiView(k.Key, k.Name, k.Definition, k.Unit, k.Direction, null, null,
                targets.TryGetValue(k.Key, out var t) ? t : null, targets.ContainsKey(k.Key) ? KpiStatus.NotAvailable : KpiStatus.NoTarget, [])).ToList();
            return Result<KpiReport>.Ok(new KpiReport(period, null, null, null, "", empty));
        }

        var rows = period switch
        {
            "quarter" => result.Retention.Quarters,
            "year" => result.Retention.Years,
            _ => result.Retention.Months,
        };
        var facts = rows.Select(AnalyticsRetention.Facts).ToList();
        // The period holding the as-of day is still running: its values are shown, flagged, but not judged.
        var asOfMonth = CalendarMonth.Of(result.AsOf);
        var partial = facts.Select(f => f.Start.AddMonths(f.Months - 1) >= asOfMonth).ToList();
        var latest = Enumerable.Range(0, facts.Count).LastOrDefault(i => !partial[i], -1);
        var clv = new ClvTotals(result.Clv.Customers, result.Clv.Total);
        var monthly = new List<MonthlyFacts>();
        foreach (var source in factSources)
        {
            monthly.AddRange(await source.ReadMonthlyAsync(ct));
        }

        var inputs = facts.Select((f, i) => (i == facts.Count - 1 || i == latest
            ? KpiInput.From(f, result.BestCustomers.Revenue.Top20Share, clv)
            : KpiInput.From(f)).WithMonthly(monthly)).ToList();

        var kpis = new List<KpiView>();
        foreach (var kpi in registry.All)
        {
            var series = inputs.Select((input, i) => new KpiPoint(rows[i].Start, Round(kpi.Compute(input)), partial[i])).ToList();
            decimal? value = latest >= 0 ? series[latest].Value : null;
            decimal? previous = latest >= 1 ? series[latest - 1].Value : null;
            decimal? target = targets.TryGetValue(kpi.Key, out var goal) ? goal : null;
            kpis.Add(new KpiView(kpi.Key, kpi.Name, kpi.Definition, kpi.Unit, kpi.Direction, value, value - previous, target,
                KpiTargets.Status(kpi.Direction, value, target), series));
        }

        return Result<KpiReport>.Ok(new KpiReport(period, latest >= 0 ? rows[latest].Start : null, result.AsOf, view.Run?.Id, result.Currency, kpis));
    }

    private static Result<KpiReport>? Period(string? period) =>
        Periods.Contains((period ?? "month").Trim().ToLowerInvariant()) ? null : Result<KpiReport>.Invalid("period", "Must be month, quarter or year.");

    private static decimal? Round(decimal? value) => value is { } v ? Math.Round(v, 6) : null;
}

public sealed record SetKpiTargetRequest(decimal? Target);

/// <summary>Sets (or, with no target, removes) the standing target of a KPI.</summary>
public sealed class SetKpiTarget(RapportDbContext db, TimeProvider clock)
{
    public async Task<Result<KpiView?>> HandleAsync(string key, SetKpiTargetRequest request, long? userId, CancellationToken ct)
    {
        if (KpiRegistry.Default.Find(key) is not { } kpi)
        {
            return Result<KpiView?>.NotFound($"There is no KPI '{key}'. Known: {string.Join(", ", KpiRegistry.Default.All.Select(k => k.Key))}.");
        }

        var stored = await db.KpiTargets.SingleOrDefaultAsync(t => t.Kpi == kpi.Key, ct);
        if (request.Target is not { } target)
        {
            if (stored is not null)
            {
                db.KpiTargets.Remove(stored);
                await db.SaveChangesAsync(ct);
            }

            return Result<KpiView?>.Ok(null);
        }

        if (kpi.Unit == KpiUnit.Percent && target is < 0 or > 1)
        {
            return Result<KpiView?>.Invalid("target", "A percentage target is a fraction from 0 to 1 (0.4 for 40 %).");
        }

        if (target < 0 && kpi.Unit is KpiUnit.Count or KpiUnit.Money)
        {
            return Result<KpiView?>.Invalid("target", "Must not be negative.");
        }

        if (Math.Abs(target) > 1e12m)
        {
            return Result<KpiView?>.Invalid("target", "Is too large.");
        }

        stored ??= db.KpiTargets.Add(new KpiTargetSetting { Kpi = kpi.Key }).Entity;
        stored.Target = (double)target;
        stored.UpdatedAt = clock.GetUtcNow();
        stored.UpdatedByUserId = userId;
        await db.SaveChangesAsync(ct);
        return Result<KpiView?>.Ok(new KpiView(kpi.Key, kpi.Name, kpi.Definition, kpi.Unit, kpi.Direction, null, null, target, KpiStatus.NotAvailable, []));
    }
}
