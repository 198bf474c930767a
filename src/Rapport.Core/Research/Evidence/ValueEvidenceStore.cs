using Microsoft.EntityFrameworkCore;
using Rapport.Data;

namespace Rapport.Research.Evidence;

/// <summary>A piece of evidence to record for one source (see <see cref="ValueEvidence"/>).</summary>
public sealed record NewEvidence(long? CustomerId, long ValueId, EvidenceKind Kind, DateTimeOffset ObservedAt, double Signal, double? Sentiment, string Quote);

/// <summary>
/// Writes value evidence one source at a time: everything a source says replaces what it said before, in the caller's
/// transaction (call it before <c>SaveChangesAsync</c>'s transaction commits, or inside an explicit one).
/// </summary>
public static class ValueEvidenceStore
{
    /// <summary>Replaces the evidence of one source (and kind) with <paramref name="evidence"/>; an empty list removes it.</summary>
    public static async Task ReplaceAsync(RapportDbContext db, string sourceType, long sourceId, EvidenceKind kind,
        IReadOnlyCollection<NewEvidence> evidence, CancellationToken ct)
    {
        await db.Set<ValueEvidence>()
            .Where(e => e.SourceType == sourceType && e.SourceId == sourceId && e.Kind == kind)
            .ExecuteDeleteAsync(ct);
        await AddAsync(db, sourceType, sourceId, evidence, ct);
    }

    /// <summary>
    /// Records the evidence of a source created in this very transaction, which can have none yet (ids are never
    /// reused): what <see cref="ReplaceAsync"/> does without its delete, and nothing at all when the list is empty.
    /// </summary>
    public static async Task AddAsync(RapportDbContext db, string sourceType, long sourceId, IReadOnlyCollection<NewEvidence> evidence, CancellationToken ct)
    {
        if (evidence.Count == 0)
        {
            return;
        }

        foreach (var e in evidence)
        {
            db.Set<ValueEvidence>().Add(Row(sourceType, sourceId, e));
        }

        await db.SaveChangesAsync(ct);
    }

    /// <summary>Removes every kind of evidence of one source (the source was deleted).</summary>
    public static Task RemoveAsync(RapportDbContext db, string sourceType, long sourceId, CancellationToken ct) =>
        db.Set<ValueEvidence>().Where(e => e.SourceType == sourceType && e.SourceId == sourceId).ExecuteDeleteAsync(ct);

    /// <summary>The row for one piece of evidence of a source: signals clamped to −1..1, the quote cut to its column.</summary>
    internal static ValueEvidence Row(string sourceType, long sourceId, NewEvidence e) => new()
    {
        CustomerId = e.CustomerId,
        ValueId = e.ValueId,
        Kind = e.Kind,
        SourceType = sourceType,
        SourceId = sourceId,
        ObservedAt = e.ObservedAt,
        Signal = Math.Clamp(e.Signal, -1, 1),
        Sentiment = e.Sentiment is { } s ? Math.Clamp(s, -1, 1) : null,
        Quote = Truncate(e.Quote, EvidenceLimits.Quote),
    };

    private static string Truncate(string text, int max) =>
        text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}
