namespace Rapport.Webhooks;

/// <summary>An endpoint that receives signed JSON for the event types it subscribed to.</summary>
public sealed class WebhookSubscription : Common.IStamped, Common.IVersioned
{
    public long Id { get; set; }
    public string Url { get; set; } = "";
    public string? Description { get; set; }
    /// <summary>Comma-separated event types, e.g. <c>customer.created,transaction.created</c>.</summary>
    public string EventTypes { get; set; } = "";
    /// <summary>The HMAC-SHA256 signing secret, shown once when the subscription is created.</summary>
    public string Secret { get; set; } = "";
    public bool Active { get; set; } = true;
    public long? CreatedByUserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; }
}

public enum WebhookDeliveryStatus
{
    Pending,
    Succeeded,
    /// <summary>Every retry failed; a replay queues it again.</summary>
    Failed,
}

/// <summary>One event for one subscription, with its signed payload and retry state.</summary>
public sealed class WebhookDelivery : Common.ICreated
{
    public long Id { get; set; }
    public long SubscriptionId { get; set; }
    /// <summary>The event id sent to the receiver (the same across retries and replays, for its own dedup).</summary>
    public string EventId { get; set; } = "";
    public string EventType { get; set; } = "";
    public string Payload { get; set; } = "";
    public WebhookDeliveryStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? LastAttemptAt { get; set; }
    public int? LastStatusCode { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>One HTTP attempt of a delivery, for the delivery log.</summary>
public sealed class WebhookAttempt
{
    public long Id { get; set; }
    public long DeliveryId { get; set; }
    public DateTimeOffset AttemptedAt { get; set; }
    public int? StatusCode { get; set; }
    public int DurationMs { get; set; }
    public string? Error { get; set; }
}
