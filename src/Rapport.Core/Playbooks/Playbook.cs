using Rapport.Stages;

namespace Rapport.Playbooks;

/// <summary>What a stage's content stresses (docs/playbooks.md).</summary>
public enum ContentEmphasis
{
    Educate,
    Reassure,
    Thank,
    Deepen,
    Reward,
}

/// <summary>
/// How the business keeps in touch with customers in one stage: cadence, channels, content. One row per stage.
/// </summary>
public sealed class Playbook : Common.IVersioned
{
    public Stage Stage { get; set; }
    /// <summary>Least days between two contacts with the same customer.</summary>
    public int MinDaysBetweenContacts { get; set; }
    /// <summary>Most contacts with one customer in any 30 days.</summary>
    public int MaxContactsPerThirtyDays { get; set; }
    /// <summary>Past this many days without contact the customer's owner gets a task; null = never.</summary>
    public int? MaxDaysWithoutContact { get; set; }
    /// <summary>Preferred channels in order, comma-separated <c>InteractionChannel</c> names (e.g. <c>Email,Phone</c>).</summary>
    public string Channels { get; set; } = "";
    public ContentEmphasis Emphasis { get; set; }
    /// <summary>Recommended templates or touchpoints, one per line.</summary>
    public string? Templates { get; set; }
    /// <summary>Free guidance for the team.</summary>
    public string? Notes { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public long? UpdatedByUserId { get; set; }
    public int Version { get; set; }
}
