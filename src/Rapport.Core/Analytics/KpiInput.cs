namespace Rapport.Analytics;

/// <summary>The calendar period a KPI value or target is for: <see cref="Months"/> months from <see cref="Start"/>.</summary>
public readonly record struct KpiPeriod(CalendarMonth Start, int Months)
{
    public static KpiPeriod Of(PeriodFacts period) => new(period.Start, period.Months);

    public override string ToString() => Months == 1 ? $"{Start}" : $"{Start} +{Months} months";
}

/// <summary>
/// Names of the facts the standard KPIs read. A fact is a plain number about one period; a new source of KPIs
/// (surveys: NPS, CSAT; engagement) adds facts under its own prefix, e.g. <c>survey.nps_promoters</c>.
/// </summary>
public static class KpiFact
{
    /// <summary>Customers with at least one purchase in the period.</summary>
    public const string ActiveCustomers = "customers.active";

    /// <summary>Active customers whose first purchase ever is in the period.</summary>
    public const string NewCustomers = "customers.new";

    /// <summary>Active customers who had bought before the period.</summary>
    public const string ReturningCustomers = "customers.returning";

    /// <summary>Customers active in the period just before.</summary>
    public const string PreviousActiveCustomers = "customers.previous_active";

    /// <summary>Customers active in the period just before and in this one.</summary>
    public const string RetainedCustomers = "customers.retained";

    /// <summary>Purchases in the period.</summary>
    public const string Orders = "orders.count";

    /// <summary>Revenue of the period's purchases, reporting currency.</summary>
    public const string Revenue = "orders.revenue";

    /// <summary>Share (0–1) of the period's revenue from the best 20 % of its buying customers (<see cref="Pareto"/>).</summary>
    public const string Top20RevenueShare = "pareto.top20_revenue_share";

    /// <summary>Customers with a predicted lifetime value at the end of the period.</summary>
    public const string ClvCustomers = "clv.customers";

    /// <summary>Sum of those customers' predicted (discounted) lifetime values, reporting currency.</summary>
    public const string ClvTotal = "clv.total";

    /// <summary>NPS answers (0–10) of 9 or 10 given in the period, over every survey.</summary>
    public const string NpsPromoters = "survey.nps_promoters";

    /// <summary>NPS answers of 7 or 8.</summary>
    public const string NpsPassives = "survey.nps_passives";

    /// <summary>NPS answers of 0 to 6.</summary>
    public const string NpsDetractors = "survey.nps_detractors";

    /// <summary>CSAT answers (1–5) of 4 or 5 given in the period, over every survey.</summary>
    public const string CsatSatisfied = "survey.csat_satisfied";

    /// <summary>CSAT answers given in the period.</summary>
    public const string CsatAnswers = "survey.csat_answers";
}

/// <summary>Facts of one calendar month from a source other than purchases. Every fact must be a count (additive).</summary>
public sealed record MonthlyFacts(CalendarMonth Month, IReadOnlyDictionary<string, decimal> Facts);

/// <summary>
/// A feature that feeds the KPI engine (surveys: NPS and CSAT) registers one of these (scoped). Its facts are counts by
/// month; the engine sums them over the months of each period (month, quarter, year).
/// </summary>
public interface IKpiFactSource
{
    Task<IReadOnlyList<MonthlyFacts>> ReadMonthlyAsync(CancellationToken ct);
}

/// <summary>Predicted customer lifetime value summed by the caller over the customers that have a prediction.</summary>
public readonly record struct ClvTotals(int Customers, decimal Total);

/// <summary>
/// Everything known about one period, as named facts: the one input of every KPI. Keeping it a dictionary rather
/// than a class with a property per fact lets a new KPI source plug in by adding facts and definitions, without
/// touching this type or the KPIs that already exist. A missing fact makes the KPIs that need it "not available".
/// </summary>
public sealed class KpiInput
{
    private readonly Dictionary<string, decimal> _facts;

    public KpiInput(KpiPeriod period, IEnumerable<KeyValuePair<string, decimal>> facts)
    {
        Period = period;
        _facts = new Dictionary<string, decimal>(facts, StringComparer.Ordinal);
    }

    public KpiPeriod Period { get; }

    public IReadOnlyDictionary<string, decimal> Facts => _facts;

    public decimal? this[string fact] => _facts.TryGetValue(fact, out var value) ? value : null;

    /// <summary>A copy with the counts of <paramref name="months"/> that fall in this input's period added to its facts.</summary>
    public KpiInput WithMonthly(IEnumerable<MonthlyFacts> months)
    {
        var facts = new Dictionary<string, decimal>(_facts, StringComparer.Ordinal);
        var end = Period.Start.AddMonths(Period.Months);
        foreach (var month in months)
        {
            if (month.Month.CompareTo(Period.Start) < 0 || month.Month.CompareTo(end) >= 0)
            {
                continue;
            }

            foreach (var (fact, value) in month.Facts)
            {
                facts[fact] = facts.GetValueOrDefault(fact) + value;
            }
        }

        return new KpiInput(Period, facts);
    }

    /// <summary>A copy with one more fact (or a fact replaced).</summary>
    public KpiInput With(string fact, decimal value) => new(Period, new Dictionary<string, decimal>(_facts, StringComparer.Ordinal) { [fact] = value });

    /// <summary>The facts of a cohort period, plus the Pareto share and CLV totals when the caller has them.</summary>
    public static KpiInput From(PeriodFacts period, decimal? top20RevenueShare = null, ClvTotals? clv = null)
    {
        var facts = new Dictionary<string, decimal>(StringComparer.Ordinal)
        {
            [KpiFact.ActiveCustomers] = period.ActiveCustomers,
            [KpiFact.NewCustomers] = period.NewCustomers,
            [KpiFact.ReturningCustomers] = period.ReturningCustomers,
            [KpiFact.PreviousActiveCustomers] = period.PreviousActiveCustomers,
            [KpiFact.RetainedCustomers] = period.RetainedCustomers,
            [KpiFact.Orders] = period.Orders,
            [KpiFact.Revenue] = period.Revenue,
        };
        if (top20RevenueShare is { } share)
        {
            facts[KpiFact.Top20RevenueShare] = share;
        }

        if (clv is { } totals)
        {
            facts[KpiFact.ClvCustomers] = totals.Customers;
            facts[KpiFact.ClvTotal] = totals.Total;
        }

        return new KpiInput(KpiPeriod.Of(period), facts);
    }
}
