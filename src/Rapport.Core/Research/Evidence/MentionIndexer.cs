using Microsoft.EntityFrameworkCore;
using Rapport.Data;
using Rapport.Research.Themes;
using Rapport.Values;

namespace Rapport.Research.Evidence;

/// <summary>
/// Runs theme detection over free text and records each value mentioned as <see cref="EvidenceKind.Mention"/> evidence.
/// Producers call <see cref="IndexAsync"/> when a text is written or edited and <see cref="ValueEvidenceStore.RemoveAsync"/>
/// when it is deleted; <see cref="ReindexAllAsync"/> rebuilds every mention after the taxonomy's vocabulary changes.
/// </summary>
/// <remarks>
/// The signal of a mention: a value mentioned at least once without negation is something the writer cares about,
/// whatever the sentiment ("the quality was terrible" is a customer who cares about quality): <see cref="MentionedSignal"/>.
/// A value mentioned only under negation ("I don't care about packaging") counts against: <see cref="NegatedOnlySignal"/>.
/// </remarks>
public sealed class MentionIndexer(RapportDbContext db, GetBusinessTaxonomy taxonomies, IEnumerable<IResearchTextSource> sources, DetectionCache cache)
{
    public const double MentionedSignal = 1.0;
    public const double NegatedOnlySignal = -0.5;

    /// <summary>Characters of context kept on each side of a mention in its quote.</summary>
    public const int QuoteContext = 80;

    private ThemeDetector? _detector;
    private IReadOnlyDictionary<string, long>? _valueIds;

    /// <summary>Detects the values one text mentions and replaces that text's mention evidence.</summary>
    public async Task IndexAsync(ResearchText text, CancellationToken ct)
    {
        await LoadAsync(ct);
        await ValueEvidenceStore.ReplaceAsync(db, text.SourceType, text.SourceId, EvidenceKind.Mention, Evidence(text), ct);
    }

    /// <summary>
    /// Indexes a text that was just created (an interaction's note as it is logged): no earlier evidence to delete, and
    /// no write at all when it mentions no value, so a request pays one small query and the detection.
    /// </summary>
    public async Task IndexNewAsync(ResearchText text, CancellationToken ct)
    {
        await LoadAsync(ct);
        await ValueEvidenceStore.AddAsync(db, text.SourceType, text.SourceId, Evidence(text), ct);
    }

    /// <summary>Deletes every mention and detects them again in all the texts of every source. Returns the texts read.</summary>
    public async Task<int> ReindexAllAsync(CancellationToken ct)
    {
        _detector = null;
        await LoadAsync(ct, fresh: true);
        await db.Set<ValueEvidence>().Where(e => e.Kind == EvidenceKind.Mention).ExecuteDeleteAsync(ct);
        var texts = 0;
        var pending = 0;
        var tracking = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            foreach (var source in sources)
            {
                await foreach (var text in source.ReadAllAsync(ct))
                {
                    texts++;
                    foreach (var e in Evidence(text))
                    {
                        db.Set<ValueEvidence>().Add(ValueEvidenceStore.Row(text.SourceType, text.SourceId, e));
                        pending++;
                    }

                    if (pending >= 2_000)
                    {
                        await db.SaveChangesAsync(ct);
                        db.ChangeTracker.Clear();
                        pending = 0;
                    }
                }
            }

            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = tracking;
        }

        return texts;
    }

    /// <summary>The evidence theme detection finds in one text, without writing anything.</summary>
    public async Task<IReadOnlyList<NewEvidence>> DetectAsync(ResearchText text, CancellationToken ct)
    {
        await LoadAsync(ct);
        return Evidence(text);
    }

    private List<NewEvidence> Evidence(ResearchText text)
    {
        var found = new List<NewEvidence>();
        foreach (var value in _detector!.Detect(text.Text).Values)
        {
            if (!_valueIds!.TryGetValue(value.Value, out var valueId))
            {
                continue;
            }

            var plain = value.Evidence.FirstOrDefault(m => !m.Negated);
            var shown = plain ?? value.Evidence[0];
            found.Add(new NewEvidence(
                text.CustomerId, valueId, EvidenceKind.Mention, text.WrittenAt,
                plain is null ? NegatedOnlySignal : MentionedSignal,
                Math.Round(value.Sentiment, 3),
                Quote(text.Text, shown)));
        }

        return found;
    }

    /// <summary>The mention with up to <see cref="QuoteContext"/> characters either side, cut at word boundaries.</summary>
    public static string Quote(string text, ValueMatch match)
    {
        var start = Math.Max(0, match.Start - QuoteContext);
        var end = Math.Min(text.Length, match.Start + match.Length + QuoteContext);
        while (start > 0 && start < match.Start && !char.IsWhiteSpace(text[start - 1]))
        {
            start++;
        }

        while (end < text.Length && end > match.Start + match.Length && !char.IsWhiteSpace(text[end]))
        {
            end--;
        }

        var quote = string.Join(' ', text[start..end].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return (start > 0 ? "…" : "") + quote + (end < text.Length ? "…" : "");
    }

    private async Task LoadAsync(CancellationToken ct, bool fresh = false)
    {
        if (_detector is not null)
        {
            return;
        }

        var compiled = await cache.GetAsync(db, taxonomies, fresh, ct);
        _detector = compiled.Detector;
        _valueIds = compiled.ValueIds;
    }
}
