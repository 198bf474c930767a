using Rapport.Common;

namespace Rapport.Research.Sessions;

public enum SessionKind
{
    Interview,
    FocusGroup,
}

/// <summary>How a coded excerpt bears on a value: the speaker cares about it (+1), or is indifferent or against it (−1).</summary>
public enum ExcerptStance
{
    Cares,
    Indifferent,
}

/// <summary>An interview or a focus group with customers: when, who asked, who took part, what was said.</summary>
public sealed class ResearchSession : IStamped, IVersioned
{
    public long Id { get; set; }
    public SessionKind Kind { get; set; }
    public string Title { get; set; } = "";
    /// <summary>When the session took place (UTC).</summary>
    public DateTimeOffset HeldAt { get; set; }
    /// <summary>The staff member who led it, when they are a user of Rapport.</summary>
    public long? InterviewerUserId { get; set; }
    /// <summary>The interviewer's name: the user's name at the time, or someone outside Rapport (an agency).</summary>
    public string? InterviewerName { get; set; }
    /// <summary>The transcript; line breaks are stored as <c>\n</c>, so excerpt offsets are the same in every browser.</summary>
    public string Transcript { get; set; } = "";
    public string? Summary { get; set; }
    public long? CreatedByUserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>A customer who took part in a session (an interview has one, a focus group several).</summary>
public sealed class ResearchSessionParticipant
{
    public long SessionId { get; set; }
    public long CustomerId { get; set; }
}

/// <summary>A passage of a session's transcript, quoted and coded with values or themes.</summary>
public sealed class ResearchExcerpt : ICreated
{
    public long Id { get; set; }
    public long SessionId { get; set; }
    /// <summary>UTF-16 offset of the passage in the transcript.</summary>
    public int Start { get; set; }
    public int Length { get; set; }
    /// <summary>The passage as it was when coded (a copy: the excerpt follows its words when the transcript is edited).</summary>
    public string Text { get; set; } = "";
    /// <summary>Who said it, one of the participants; null when it stands for the whole group (evidence for every participant).</summary>
    public long? SpeakerCustomerId { get; set; }
    public string? Note { get; set; }
    public long? CreatedByUserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>One code of an excerpt: a value of the taxonomy, or a free theme label the taxonomy does not have (yet).</summary>
public sealed class ResearchExcerptCode
{
    public long Id { get; set; }
    public long ExcerptId { get; set; }
    /// <summary>The value coded; null for a free theme.</summary>
    public long? ValueId { get; set; }
    /// <summary>A free theme label (lower case); null for a value.</summary>
    public string? Theme { get; set; }
    public ExcerptStance Stance { get; set; }
}

public static class SessionLimits
{
    public const int Title = 200;
    public const int InterviewerName = 200;
    /// <summary>Transcript length in characters: about 30,000 words, a long focus group; what one request body carries comfortably.</summary>
    public const int Transcript = 200_000;
    public const int Summary = 4_000;
    public const int Note = 2_000;
    public const int Theme = 100;
    /// <summary>Participants of one session: a focus group is 4–12 people; 50 leaves room for a workshop.</summary>
    public const int Participants = 50;
    public const int CodesPerExcerpt = 20;
    public const int ExcerptsPerSession = 1_000;
}
