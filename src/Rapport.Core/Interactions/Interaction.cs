namespace Rapport.Interactions;

public enum InteractionChannel
{
    Email,
    Phone,
    Sms,
    Web,
    InPerson,
    Social,
    Chat,
    Post,
    Other,
}

public enum InteractionDirection
{
    Inbound,
    Outbound,
    /// <summary>Staff-only record, e.g. a note; the customer was not contacted.</summary>
    Internal,
}

public enum InteractionType
{
    Note,
    Call,
    Meeting,
    Email,
    Message,
    Visit,
    Enquiry,
    Support,
    Complaint,
    Feedback,
    Other,
}

/// <summary>A touchpoint with a customer on any channel.</summary>
public sealed class Interaction : Common.ICreated
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    /// <summary>The id the interaction has in the system it came from; unique, so re-imports update instead of duplicating.</summary>
    public string? ExternalId { get; set; }
    public InteractionChannel Channel { get; set; }
    public InteractionDirection Direction { get; set; }
    public InteractionType Type { get; set; }
    public string? Subject { get; set; }
    public string? Notes { get; set; }
    /// <summary>When it happened (UTC); not when it was recorded.</summary>
    public DateTimeOffset OccurredAt { get; set; }
    /// <summary>Where it was recorded: ui, api, import, demo, or an integration's name.</summary>
    public string Source { get; set; } = "api";
    public long? CreatedByUserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
