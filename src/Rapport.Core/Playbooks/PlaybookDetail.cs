using Rapport.Interactions;
using Rapport.Stages;

namespace Rapport.Playbooks;

/// <summary>A stage's playbook as the API and the pages show it. <c>Channels</c> in order of preference; <c>Templates</c> one per line.</summary>
public sealed record PlaybookDetail(
    Stage Stage,
    string StageName,
    int MinDaysBetweenContacts,
    int MaxContactsPerThirtyDays,
    int? MaxDaysWithoutContact,
    IReadOnlyList<InteractionChannel> Channels,
    ContentEmphasis Emphasis,
    IReadOnlyList<string> Templates,
    string? Notes,
    DateTimeOffset UpdatedAt,
    string? UpdatedBy,
    int Version);

/// <summary>
/// A playbook's new content (PUT: every field is replaced). <c>MinDaysBetweenContacts</c> 0..365;
/// <c>MaxContactsPerThirtyDays</c> 1..30 and reachable with that spacing; <c>MaxDaysWithoutContact</c> 1..730 and
/// above the minimum spacing, or null for "never make tasks"; at least one channel, no repeats; at most 20 templates.
/// </summary>
public sealed record UpdatePlaybookRequest(
    int? MinDaysBetweenContacts,
    int? MaxContactsPerThirtyDays,
    int? MaxDaysWithoutContact,
    IReadOnlyList<InteractionChannel>? Channels,
    ContentEmphasis? Emphasis,
    IReadOnlyList<string?>? Templates = null,
    string? Notes = null);

/// <summary>Limits of a playbook's fields and how its lists are stored.</summary>
public static class PlaybookRules
{
    public const int MaxMinDays = 365, MaxPerThirtyDays = 30, MaxWithoutContact = 730, MaxTemplates = 20, TemplateMaxLength = 190, NotesMaxLength = 4000;

    public static IReadOnlyList<InteractionChannel> ParseChannels(string stored) =>
        stored.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(c => Enum.TryParse<InteractionChannel>(c, out var channel) ? channel : (InteractionChannel?)null)
            .OfType<InteractionChannel>()
            .ToList();

    public static IReadOnlyList<string> ParseTemplates(string? stored) =>
        stored is null ? [] : stored.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// The most contacts that fit in any 30 days (a window of 30 × 24 hours) when they are at least
    /// <paramref name="minDays"/> days apart: 30 / minDays rounded up (7 days → 5: days 0, 7, 14, 21, 28).
    /// </summary>
    public static int MostInThirtyDays(int minDays) => minDays <= 0 ? MaxPerThirtyDays : Math.Min(MaxPerThirtyDays, (30 + minDays - 1) / minDays);

    public static PlaybookDetail ToDetail(Playbook p, string? updatedBy) => new(
        p.Stage, p.Stage.ToString(), p.MinDaysBetweenContacts, p.MaxContactsPerThirtyDays, p.MaxDaysWithoutContact,
        ParseChannels(p.Channels), p.Emphasis, ParseTemplates(p.Templates), p.Notes, p.UpdatedAt, updatedBy, p.Version);
}
