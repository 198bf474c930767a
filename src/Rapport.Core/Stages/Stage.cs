namespace Rapport.Stages;

/// <summary>
/// The relationship stage a customer is in, derived from what they did (docs/stages.md). Stored as its number in
/// <c>customer_metrics.stage</c>, so that "Connection or later" is a range; the order is the order of the journey.
/// </summary>
public enum Stage
{
    /// <summary>Known, no engagement yet.</summary>
    Prospecting = 0,
    /// <summary>Engaged (replied, visited, enquired, answered a survey), no purchase.</summary>
    Consideration = 1,
    /// <summary>Has bought, not yet connected.</summary>
    Purchase = 2,
    /// <summary>Engaged after purchase, or bought again within a window.</summary>
    Connection = 3,
    /// <summary>Sustained repeat buying, high P(alive), promoter or loyalty member.</summary>
    Loyalty = 4,
}

public static class Stages
{
    public static readonly IReadOnlyList<Stage> All = [Stage.Prospecting, Stage.Consideration, Stage.Purchase, Stage.Connection, Stage.Loyalty];

    /// <summary>The stage's key in the API and in URLs: <c>prospecting</c> … <c>loyalty</c>.</summary>
    public static string Key(this Stage stage) => stage.ToString().ToLowerInvariant();

    public static bool TryParse(string? key, out Stage stage)
    {
        foreach (var s in All)
        {
            if (string.Equals(s.Key(), key?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                stage = s;
                return true;
            }
        }

        stage = default;
        return false;
    }
}
