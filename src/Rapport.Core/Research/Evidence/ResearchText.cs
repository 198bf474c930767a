namespace Rapport.Research.Evidence;

/// <summary>One piece of free text a customer wrote or said: a survey answer, an interaction's note, a transcript.</summary>
/// <param name="SourceType">One of <see cref="EvidenceSources"/>.</param>
/// <param name="CustomerId">Whose words they are; null when anonymous or unknown.</param>
/// <param name="WrittenAt">When they were written or said.</param>
public sealed record ResearchText(string SourceType, long SourceId, long? CustomerId, DateTimeOffset WrittenAt, string Text);

/// <summary>
/// A feature that holds free text registers one of these (scoped) so theme detection can read all of it: the full
/// re-index after the taxonomy changes (<see cref="MentionIndexer.ReindexAllAsync"/>) and emergent themes.
/// </summary>
public interface IResearchTextSource
{
    string SourceType { get; }

    /// <summary>Every non-blank text of this source, in id order.</summary>
    IAsyncEnumerable<ResearchText> ReadAllAsync(CancellationToken ct);
}
