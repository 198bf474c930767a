using System.Text.RegularExpressions;

namespace Rapport.Analytics;

/// <summary>How a KPI's value reads. Percent values are fractions (0.25 is 25 %); the UI multiplies by 100.</summary>
public enum KpiUnit
{
    Percent,
    Money,
    Count,
    Number,
}

public enum KpiDirection
{
    HigherIsBetter,
    LowerIsBetter,

    /// <summary>Neither way is better in itself (e.g. how concentrated revenue is); a target is a level to hold.</summary>
    Neutral,
}

/// <summary>
/// A named KPI as the UI shows it and the engine computes it.
/// </summary>
/// <param name="Key">Stable identifier used by targets and stored values, e.g. <c>churn_rate</c>.</param>
/// <param name="Definition">Plain-English definition shown next to the value.</param>
/// <param name="Compute">The value for a period from its facts; null when a fact is missing or a denominator is zero.</param>
public sealed record KpiDefinition(
    string Key,
    string Name,
    string Definition,
    KpiUnit Unit,
    KpiDirection Direction,
    Func<KpiInput, decimal?> Compute);

/// <summary>A KPI's value for a period, with the target it is measured against and where it stands.</summary>
public sealed record KpiResult(KpiDefinition Kpi, decimal? Value, KpiTarget? Target, KpiStatus Status);

/// <summary>
/// The KPIs Rapport computes from purchase data. Values are <see cref="decimal"/>, which has no NaN or infinity:
/// a KPI that cannot be computed is null ("not available").
/// </summary>
public static class Kpis
{
    public static KpiDefinition ActiveCustomers { get; } = new(
        "active_customers", "Active customers",
        "Customers who made at least one purchase in the period.",
        KpiUnit.Count, KpiDirection.HigherIsBetter,
        input => input[KpiFact.ActiveCustomers]);

    public static KpiDefinition RetentionRate { get; } = new(
        "retention_rate", "Retention rate",
        "Of the customers who bought in the previous period, the share who bought again in this period.",
        KpiUnit.Percent, KpiDirection.HigherIsBetter,
        input => Ratio(input[KpiFact.RetainedCustomers], input[KpiFact.PreviousActiveCustomers]));

    public static KpiDefinition ChurnRate { get; } = new(
        "churn_rate", "Churn rate",
        "Of the customers who bought in the previous period, the share who bought nothing in this period (1 − retention rate).",
        KpiUnit.Percent, KpiDirection.LowerIsBetter,
        input => Ratio(input[KpiFact.PreviousActiveCustomers] - input[KpiFact.RetainedCustomers], input[KpiFact.PreviousActiveCustomers]));

    public static KpiDefinition RepeatPurchaseRate { get; } = new(
        "repeat_purchase_rate", "Repeat purchase rate",
        "Of the customers who bought in the period, the share who had bought before it.",
        KpiUnit.Percent, KpiDirection.HigherIsBetter,
        input => Ratio(input[KpiFact.ReturningCustomers], input[KpiFact.ActiveCustomers]));

    public static KpiDefinition AverageOrderValue { get; } = new(
        "average_order_value", "Average order value",
        "Revenue of the period divided by the number of orders in it.",
        KpiUnit.Money, KpiDirection.HigherIsBetter,
        input => Ratio(input[KpiFact.Revenue], input[KpiFact.Orders]));

    public static KpiDefinition PurchaseFrequency { get; } = new(
        "purchase_frequency", "Purchase frequency",
        "Orders in the period divided by the customers who bought in it: orders per active customer.",
        KpiUnit.Number, KpiDirection.HigherIsBetter,
        input => Ratio(input[KpiFact.Orders], input[KpiFact.ActiveCustomers]));

    public static KpiDefinition AverageClv { get; } = new(
        "average_clv", "Average customer lifetime value",
        "Predicted lifetime value (discounted) per customer, over the customers with a prediction at the end of the period.",
        KpiUnit.Money, KpiDirection.HigherIsBetter,
        input => Ratio(input[KpiFact.ClvTotal], input[KpiFact.ClvCustomers]));

    public static KpiDefinition TotalClv { get; } = new(
        "total_clv", "Total customer lifetime value",
        "Predicted lifetime value (discounted) summed over every customer with a prediction at the end of the period: what the customer base is expected to bring.",
        KpiUnit.Money, KpiDirection.HigherIsBetter,
        input => input[KpiFact.ClvTotal]);

    public static KpiDefinition Top20RevenueShare { get; } = new(
        "top20_revenue_share", "Revenue share of the top 20 %",
        "The share of the period's revenue that came from the best 20 % of the customers who bought in it. High means a few customers carry the business.",
        KpiUnit.Percent, KpiDirection.Neutral,
        input => input[KpiFact.Top20RevenueShare]);

    public static KpiDefinition NetPromoterScore { get; } = new(
        "nps", "Net Promoter Score",
        "Of the survey answers to \"How likely are you to recommend us?\" (0–10) given in the period, the percentage of promoters (9–10) minus the percentage of detractors (0–6): −100 to 100.",
        KpiUnit.Number, KpiDirection.HigherIsBetter,
        input => Ratio(100 * (input[KpiFact.NpsPromoters] - input[KpiFact.NpsDetractors]),
            input[KpiFact.NpsPromoters] + input[KpiFact.NpsPassives] + input[KpiFact.NpsDetractors]));

    public static KpiDefinition CustomerSatisfaction { get; } = new(
        "csat", "Customer satisfaction (CSAT)",
        "Of the survey answers to satisfaction questions (1–5) given in the period, the share that were satisfied (4 or 5).",
        KpiUnit.Percent, KpiDirection.HigherIsBetter,
        input => Ratio(input[KpiFact.CsatSatisfied], input[KpiFact.CsatAnswers]));

    /// <summary>The KPIs that come from surveys rather than purchases (facts from an <see cref="IKpiFactSource"/>).</summary>
    public static IReadOnlyList<KpiDefinition> Survey { get; } = [NetPromoterScore, CustomerSatisfaction];

    /// <summary>The standard KPIs in the order the dashboard shows them.</summary>
    public static IReadOnlyList<KpiDefinition> Standard { get; } =
    [
        ActiveCustomers, RetentionRate, ChurnRate, RepeatPurchaseRate, AverageOrderValue, PurchaseFrequency,
        AverageClv, TotalClv, Top20RevenueShare,
    ];

    /// <summary>The ratio of two facts; null when either is missing or the denominator is zero.</summary>
    public static decimal? Ratio(decimal? numerator, decimal? denominator) =>
        numerator is { } n && denominator is { } d && d != 0 ? n / d : null;
}

/// <summary>
/// A set of KPIs with unique keys. Start from <see cref="Standard"/> and add definitions from other sources
/// (surveys, engagement) with <see cref="With"/>.
/// </summary>
public sealed partial class KpiRegistry
{
    private readonly Dictionary<string, KpiDefinition> _byKey;

    public KpiRegistry(IEnumerable<KpiDefinition> definitions)
    {
        All = [.. definitions];
        _byKey = new Dictionary<string, KpiDefinition>(StringComparer.Ordinal);
        foreach (var definition in All)
        {
            if (!KeyPattern().IsMatch(definition.Key))
            {
                throw new ArgumentException($"KPI key '{definition.Key}' is not lower snake case.", nameof(definitions));
            }

            if (!_byKey.TryAdd(definition.Key, definition))
            {
                throw new ArgumentException($"KPI key '{definition.Key}' is defined twice.", nameof(definitions));
            }
        }
    }

    /// <summary>The KPIs computed from purchases alone.</summary>
    public static KpiRegistry Standard { get; } = new(Kpis.Standard);

    /// <summary>Every KPI Rapport reports: the standard ones and those from surveys (NPS, CSAT).</summary>
    public static KpiRegistry Default { get; } = Standard.With(Kpis.Survey);

    public IReadOnlyList<KpiDefinition> All { get; }

    public KpiDefinition? Find(string key) => _byKey.GetValueOrDefault(key);

    public KpiRegistry With(params IEnumerable<KpiDefinition> more) => new(All.Concat(more));

    /// <summary>Every KPI of the registry for one period, in registry order, each with its target and status.</summary>
    public IReadOnlyList<KpiResult> Evaluate(KpiInput input, IReadOnlyCollection<KpiTarget> targets, decimal tolerance = KpiTargets.DefaultTolerance)
    {
        var results = new KpiResult[All.Count];
        for (var i = 0; i < All.Count; i++)
        {
            var kpi = All[i];
            var value = kpi.Compute(input);
            var target = KpiTargets.For(targets, kpi.Key, input.Period);
            results[i] = new KpiResult(kpi, value, target, KpiTargets.Status(kpi.Direction, value, target?.Value, tolerance));
        }

        return results;
    }

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex KeyPattern();
}
