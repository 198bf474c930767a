namespace Rapport.Values;

/// <summary>A staff member, by id and display name.</summary>
public sealed record StaffRef(long Id, string Name);

/// <summary>The business's current rating of how important a value is to it (1–5), with its evidence and owner.</summary>
public sealed record ImportanceRating(int Importance, string Evidence, StaffRef? Owner, string RatedBy, DateTimeOffset RatedAt);

/// <summary>
/// A value of the taxonomy. <c>MergedInto</c> is the key of the value a merged value now lives in; <c>Importance</c>
/// is the business's current rating (null until rated); <c>ProductCount</c> counts products tagged with it.
/// <c>Version</c> is the ETag for updates.
/// </summary>
public sealed record ValueDetail(
    long Id,
    string Key,
    string Name,
    string? Description,
    IReadOnlyList<string> Vocabulary,
    ValueStatus Status,
    string? MergedInto,
    ImportanceRating? Importance,
    int ProductCount,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int Version);

/// <summary>One entry of a value's history, oldest first.</summary>
public sealed record ValueHistoryEntry(
    long Id,
    ValueChangeKind Kind,
    string Summary,
    string? Before,
    string? After,
    string? RelatedKey,
    string ChangedBy,
    long? ChangedByUserId,
    DateTimeOffset At);

/// <summary>A value's history: taxonomy changes and every importance rating, each oldest first.</summary>
public sealed record ValueHistory(string Key, IReadOnlyList<ValueHistoryEntry> Changes, IReadOnlyList<ImportanceRating> Ratings);
