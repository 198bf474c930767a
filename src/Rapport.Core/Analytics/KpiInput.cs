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
