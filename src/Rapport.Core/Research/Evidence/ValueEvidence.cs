namespace Rapport.Research.Evidence;

/// <summary>
/// One piece of evidence that a customer (or an anonymous respondent) cares about a value: the shared input of customer
/// value profiles, the shared-values map and the evolution of priorities. Every producer (survey responses, theme
/// detection on free text, excerpts coded by a researcher) writes its rows through <see cref="ValueEvidenceStore"/>,
/// replacing all rows of one source at once, so re-submitting, re-coding or re-detecting never duplicates evidence.
/// docs/research.md, "Evidence", describes the kinds and how each producer sets <see cref="Signal"/>.
/// </summary>
public sealed class ValueEvidence
{
    public long Id { get; set; }
    /// <summary>Null for an anonymous survey response: it counts in the map overall, in no profile.</summary>
    public long? CustomerId { get; set; }
    public long ValueId { get; set; }
    public EvidenceKind Kind { get; set; }
    /// <summary>What produced it, one of <see cref="EvidenceSources"/>; with <see cref="SourceId"/> it names the row.</summary>
    public string SourceType { get; set; } = "";
    public long SourceId { get; set; }
    /// <summary>When the customer said or wrote it (not when it was detected).</summary>
    public DateTimeOffset ObservedAt { get; set; }
    /// <summary>How much it says the customer cares about the value: −1 (does not care) … 1 (cares a lot).</summary>
    public double Signal { get; set; }
    /// <summary>The sentiment of a detected mention (−1..1): how the writer feels about the aspect. Null for other kinds.</summary>
    public double? Sentiment { get; set; }
    /// <summary>Words shown as the evidence ("Rated Sustainability 5/5 in 'Spring survey'", or the quoted mention).</summary>
    public string Quote { get; set; } = "";
}

public enum EvidenceKind
{
    /// <summary>The customer said it outright: a value-importance or value-ranking survey answer.</summary>
    Stated,
    /// <summary>A researcher tagged an excerpt of an interview with the value.</summary>
    Coded,
    /// <summary>Theme detection found the value mentioned in free text.</summary>
    Mention,
}

/// <summary>The <see cref="ValueEvidence.SourceType"/> of each producer.</summary>
public static class EvidenceSources
{
    /// <summary>A survey response (stated answers); source id = survey_responses.id.</summary>
    public const string SurveyResponse = "survey_response";
    /// <summary>A free-text survey answer (mentions); source id = survey_answers.id.</summary>
    public const string SurveyAnswer = "survey_answer";
    /// <summary>An interaction's note (mentions); source id = interactions.id.</summary>
    public const string Interaction = "interaction";
    /// <summary>An interview or focus group's transcript (mentions); source id = research_sessions.id.</summary>
    public const string SessionTranscript = "session_transcript";
    /// <summary>A coded excerpt of a session (coded); source id = research_excerpts.id.</summary>
    public const string Excerpt = "excerpt";

    public const int MaxLength = 32;
}

public static class EvidenceLimits
{
    public const int Quote = 500;
}
