namespace Rapport.Analytics;

public enum RfmSegment
{
    Champions,
    Loyal,
    PotentialLoyalists,
    New,
    Promising,
    NeedAttention,
    AboutToSleep,
    AtRisk,
    CantLoseThem,
    Hibernating,
    Lost,
}

/// <summary>One cell of the segment grid: an R score and an FM score (the average of F and M rounded down), each 1–5.</summary>
public readonly record struct RfmCell(int Recency, int FrequencyMonetary);

/// <summary>A named RFM segment as the UI shows it, with the grid cells it owns.</summary>
/// <param name="Key">Stable identifier stored in the metrics table and used by segment rules, e.g. <c>cant_lose_them</c>.</param>
/// <param name="Rule">The cells in words, e.g. "R 1–2 and FM 5".</param>
public sealed record RfmSegmentDefinition(
    RfmSegment Segment,
    string Key,
    string Name,
    string Description,
    string Rule,
    IReadOnlyList<RfmCell> Cells);

/// <summary>
/// The map from the 5 × 5 grid of R score × FM score to eleven named segments; every cell belongs to exactly one
/// segment. Each segment is a rectangle of the grid, so its rule reads as two ranges.
/// </summary>
public static class RfmSegments
{
    public static IReadOnlyList<RfmSegmentDefinition> All { get; } =
    [
        Define(RfmSegment.Champions, "champions", "Champions", 5, 5, 4, 5,
            "Bought most recently, buy often and spend the most. Reward them; they adopt new products early and speak for the brand."),
        Define(RfmSegment.Loyal, "loyal", "Loyal", 3, 4, 4, 5,
            "Buy often and spend well, if a little less recently than champions. Upsell, and ask for reviews and referrals."),
        Define(RfmSegment.PotentialLoyalists, "potential_loyalists", "Potential loyalists", 4, 5, 2, 3,
            "Recent customers with average frequency and spend. Invite them to the loyalty programme and recommend what fits them."),
        Define(RfmSegment.New, "new", "New", 5, 5, 1, 1,
            "Bought most recently, but not often or not much. Welcome them and build the relationship early."),
        Define(RfmSegment.Promising, "promising", "Promising", 4, 4, 1, 1,
            "Bought recently, but little so far. Show them what else the business offers."),
        Define(RfmSegment.NeedAttention, "need_attention", "Need attention", 3, 3, 3, 3,
            "Middling recency, frequency and spend. Reach out with relevant, limited-time offers before they drift."),
        Define(RfmSegment.AboutToSleep, "about_to_sleep", "About to sleep", 3, 3, 1, 2,
            "Below-average recency, frequency and spend. Reconnect with something useful, or they will lapse."),
        Define(RfmSegment.AtRisk, "at_risk", "At risk", 1, 2, 3, 4,
            "Bought often and spent well, but a long time ago. Send personal messages to bring them back."),
        Define(RfmSegment.CantLoseThem, "cant_lose_them", "Can't lose them", 1, 2, 5, 5,
            "Made the biggest and most frequent purchases, but have not come back for a long time. Win them back; talk to them."),
        Define(RfmSegment.Hibernating, "hibernating", "Hibernating", 2, 2, 1, 2,
            "Last bought long ago, few orders and low spend. Offer relevant products; do not push them hard."),
        Define(RfmSegment.Lost, "lost", "Lost", 1, 1, 1, 2,
            "The oldest last purchase, few orders and low spend. Try one win-back, then leave them out of campaigns."),
    ];

    // Row R−1, column FM−1. Built from the definitions, so the table and the data shown in the UI cannot disagree.
    private static readonly RfmSegment[,] Grid = BuildGrid();

    /// <summary>The segment of an R score and an FM score, each 1–5.</summary>
    public static RfmSegment Of(int recency, int frequencyMonetary)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(recency, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(recency, 5);
        ArgumentOutOfRangeException.ThrowIfLessThan(frequencyMonetary, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(frequencyMonetary, 5);
        return Grid[recency - 1, frequencyMonetary - 1];
    }

    public static RfmSegmentDefinition Definition(RfmSegment segment) => All[(int)segment];

    public static RfmSegmentDefinition? Find(string key)
    {
        foreach (var definition in All)
        {
            if (definition.Key == key)
            {
                return definition;
            }
        }

        return null;
    }

    private static RfmSegmentDefinition Define(
        RfmSegment segment, string key, string name, int recencyFrom, int recencyTo, int fmFrom, int fmTo, string description)
    {
        var cells = new List<RfmCell>();
        for (var r = recencyFrom; r <= recencyTo; r++)
        {
            for (var fm = fmFrom; fm <= fmTo; fm++)
            {
                cells.Add(new RfmCell(r, fm));
            }
        }

        return new RfmSegmentDefinition(segment, key, name, description, $"R {Range(recencyFrom, recencyTo)} and FM {Range(fmFrom, fmTo)}", cells);
    }

    private static string Range(int from, int to) => from == to ? $"{from}" : $"{from}–{to}";

    private static RfmSegment[,] BuildGrid()
    {
        var grid = new RfmSegment?[5, 5];
        for (var i = 0; i < All.Count; i++)
        {
            var definition = All[i];
            if ((int)definition.Segment != i)
            {
                throw new InvalidOperationException($"RFM segment {definition.Key} is listed out of enum order.");
            }

            foreach (var cell in definition.Cells)
            {
                ref var slot = ref grid[cell.Recency - 1, cell.FrequencyMonetary - 1];
                if (slot is { } other)
                {
                    throw new InvalidOperationException($"RFM cell {cell} belongs to both {other} and {definition.Segment}.");
                }

                slot = definition.Segment;
            }
        }

        var result = new RfmSegment[5, 5];
        for (var r = 0; r < 5; r++)
        {
            for (var fm = 0; fm < 5; fm++)
            {
                result[r, fm] = grid[r, fm] ?? throw new InvalidOperationException($"RFM cell R {r + 1}, FM {fm + 1} has no segment.");
            }
        }

        return result;
    }
}
