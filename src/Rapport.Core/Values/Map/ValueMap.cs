namespace Rapport.Values.Map;

/// <summary>Whose voice counts how much in customer importance: everyone alike, or by revenue or by CLV.</summary>
public enum MapWeighting
{
    None,
    Revenue,
    Clv,
}

/// <summary>Where a value sits when customer importance is set against business importance.</summary>
public enum Quadrant
{
    /// <summary>Customers and the business both hold it: what the CRM plan builds on.</summary>
    Shared,
    /// <summary>Customers hold it, the business does not (yet): a value to serve or to say.</summary>
    Opportunity,
    /// <summary>The business stresses it, customers do not care much: messaging that may be wasted.</summary>
    Misaligned,
    LowPriority,
}

/// <summary>The filter a map was computed with, as the caller gave it (normalised).</summary>
/// <param name="Tag">Only customers with this tag (lower case), or null for all.</param>
/// <param name="Segment">Only customers in this RFM segment (its key), or null for all.</param>
public sealed record ValueMapFilter(MapWeighting Weighting, string? Tag, string? Segment);

/// <summary>One active value on the map.</summary>
/// <param name="Rank">1 = the first value to build on; null when the value cannot be placed (unrated or too little evidence).</param>
/// <param name="CustomerImportance">0..1: the confidence- (and revenue- or CLV-) weighted mean of customers' scores; null with too little evidence.</param>
/// <param name="BusinessImportance">The business's current rating, 1–5; null when unrated.</param>
/// <param name="BusinessScore">The rating scaled to 0..1, (importance − 1) / 4.</param>
/// <param name="Customers">Customers (in the filter) with a score for the value, i.e. with evidence.</param>
/// <param name="Anonymous">Anonymous survey responses that rated the value (counted in the overall, unweighted map only).</param>
/// <param name="Quadrant">Null when unrated or with too little evidence (see <see cref="Placement"/>).</param>
/// <param name="Placement">shared, opportunity, misaligned, lowPriority, unrated or insufficientEvidence.</param>
public sealed record ValueMapRow(
    string Key,
    string Name,
    int? Rank,
    double? CustomerImportance,
    int? BusinessImportance,
    double? BusinessScore,
    int Customers,
    int Anonymous,
    Quadrant? Quadrant,
    string Placement);

/// <param name="Customers">Customers in the filter with at least one value score.</param>
/// <param name="HasProfiles">Whether any customer (or anonymous respondent) has any evidence at all, whatever the filter.</param>
/// <param name="CustomerThreshold">Customer importance at or above which a value counts as high for customers; null when no value has enough evidence.</param>
/// <param name="BusinessThreshold">Business importance (0..1) at or above which a value counts as high for the business: 0.75, a rating of 4 of 5.</param>
/// <param name="Notice">A plain sentence when the map cannot say much (no profiles, nobody in the filter, no revenue or CLV yet).</param>
/// <param name="Values">Ranked: placed values by quadrant (shared, opportunity, misaligned, low priority), each by customer × business importance; then the unplaced by name.</param>
public sealed record SharedValueMap(
    ValueMapFilter Filter,
    int Customers,
    int AnonymousResponses,
    bool HasProfiles,
    double? CustomerThreshold,
    double BusinessThreshold,
    string? Notice,
    IReadOnlyList<ValueMapRow> Values);

/// <summary>What the map knows of one value before placing it.</summary>
public sealed record ValueMapInput(string Key, string Name, int? BusinessImportance, double? CustomerImportance, int Customers, int Anonymous);

/// <summary>
/// The rules that place values on the map, pure so they can be tested without a database (docs/values.md, "The
/// shared-values map").
/// </summary>
public static class ValueMapRules
{
    /// <summary>A rating of 4 or 5 of 5 is high for the business.</summary>
    public const int BusinessHighRating = 4;

    /// <summary>Customer "high" is at or above the median of the values' customer importance, clamped to this range.</summary>
    public const double CustomerFloor = 0.5;
    public const double CustomerCeiling = 0.7;

    /// <summary>Customers (plus anonymous respondents) with evidence a value needs before it is placed.</summary>
    public const int MinRespondents = 5;

    public static double BusinessThreshold => BusinessScore(BusinessHighRating);

    public static double BusinessScore(int importance) => (importance - 1) / 4.0;

    /// <summary>The median of the values' customer importance, clamped to [<see cref="CustomerFloor"/>, <see cref="CustomerCeiling"/>]; null for none.</summary>
    public static double? CustomerThreshold(IEnumerable<double> importances)
    {
        var sorted = importances.Order().ToList();
        if (sorted.Count == 0)
        {
            return null;
        }

        var mid = sorted.Count / 2;
        var median = sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        return Math.Clamp(median, CustomerFloor, CustomerCeiling);
    }

    public static Quadrant Of(bool customersHigh, bool businessHigh) => (customersHigh, businessHigh) switch
    {
        (true, true) => Quadrant.Shared,
        (true, false) => Quadrant.Opportunity,
        (false, true) => Quadrant.Misaligned,
        _ => Quadrant.LowPriority,
    };

    public static string PlacementOf(Quadrant quadrant) => quadrant switch
    {
        Quadrant.Shared => "shared",
        Quadrant.Opportunity => "opportunity",
        Quadrant.Misaligned => "misaligned",
        _ => "lowPriority",
    };

    /// <summary>Places and ranks the values; returns the rows and the customer threshold used.</summary>
    public static (IReadOnlyList<ValueMapRow> Rows, double? CustomerThreshold) Place(IReadOnlyList<ValueMapInput> inputs)
    {
        static bool Enough(ValueMapInput v) => v.CustomerImportance is not null && v.Customers + v.Anonymous >= MinRespondents;

        var threshold = CustomerThreshold(inputs.Where(Enough).Select(v => v.CustomerImportance!.Value));
        var placed = new List<ValueMapRow>();
        var unplaced = new List<ValueMapRow>();
        foreach (var v in inputs)
        {
            var business = v.BusinessImportance is { } b ? BusinessScore(b) : (double?)null;
            var customers = Enough(v) ? v.CustomerImportance : null;
            if (customers is { } c && business is { } bs)
            {
                var quadrant = Of(c >= threshold!.Value - 1e-12, bs >= BusinessThreshold - 1e-12);
                placed.Add(new ValueMapRow(v.Key, v.Name, null, c, v.BusinessImportance, bs, v.Customers, v.Anonymous, quadrant, PlacementOf(quadrant)));
            }
            else
            {
                unplaced.Add(new ValueMapRow(v.Key, v.Name, null, customers, v.BusinessImportance, business, v.Customers, v.Anonymous, null,
                    customers is null ? "insufficientEvidence" : "unrated"));
            }
        }

        var ranked = placed
            .OrderBy(r => r.Quadrant)
            .ThenByDescending(r => r.CustomerImportance!.Value * r.BusinessScore!.Value)
            .ThenByDescending(r => r.CustomerImportance)
            .ThenBy(r => r.Name, StringComparer.OrdinalIgnoreCase)
            .Select((r, i) => r with { Rank = i + 1 })
            .Concat(unplaced
                .OrderBy(r => r.Placement == "unrated" ? 0 : 1)
                .ThenByDescending(r => r.CustomerImportance ?? -1)
                .ThenBy(r => r.Name, StringComparer.OrdinalIgnoreCase))
            .ToList();
        return (ranked, threshold);
    }
}
