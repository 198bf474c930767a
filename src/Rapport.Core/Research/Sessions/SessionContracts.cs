namespace Rapport.Research.Sessions;

/// <summary>A participant of a session, by customer id and display name.</summary>
public sealed record SessionParticipant(long CustomerId, string Name);

/// <summary>A code of an excerpt: <c>Value</c> (a taxonomy key) or <c>Theme</c> (a free label), and the stance.</summary>
public sealed record ExcerptCodeDetail(long Id, string? Value, string? ValueName, string? Theme, ExcerptStance Stance);

/// <summary>A coded passage: <c>Start</c>/<c>Length</c> are UTF-16 offsets into the transcript; <c>Text</c> is the passage.</summary>
public sealed record ExcerptDetail(
    long Id,
    int Start,
    int Length,
    string Text,
    long? SpeakerCustomerId,
    string? Note,
    IReadOnlyList<ExcerptCodeDetail> Codes,
    DateTimeOffset CreatedAt);

/// <summary>A session with its participants and coded excerpts (in transcript order). <c>Version</c> is the ETag.</summary>
public sealed record SessionDetail(
    long Id,
    SessionKind Kind,
    string Title,
    DateTimeOffset HeldAt,
    long? InterviewerUserId,
    string? InterviewerName,
    string Transcript,
    string? Summary,
    IReadOnlyList<SessionParticipant> Participants,
    IReadOnlyList<ExcerptDetail> Excerpts,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int Version);

/// <summary>A session in a list (no transcript).</summary>
public sealed record SessionRow(
    long Id,
    SessionKind Kind,
    string Title,
    DateTimeOffset HeldAt,
    string? InterviewerName,
    int ParticipantCount,
    int ExcerptCount,
    int TranscriptLength);

/// <summary>One code to put on an excerpt: exactly one of <c>Value</c> (a value's key) and <c>Theme</c> (a free label); stance defaults to cares.</summary>
public sealed record ExcerptCodeRequest(string? Value = null, string? Theme = null, ExcerptStance? Stance = null);
