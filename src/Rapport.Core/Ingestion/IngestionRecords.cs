namespace Rapport.Ingestion;

/// <summary>
/// The first response to a request sent with an <c>Idempotency-Key</c> header, replayed for any retry with the
/// same key from the same API key. A row without a status code is a request still in progress.
/// </summary>
public sealed class IdempotencyRecord : Common.ICreated
{
    public long Id { get; set; }
    /// <summary>Who sent it: the API key id, so that two clients never see each other's responses.</summary>
    public long ApiKeyId { get; set; }
    public string Key { get; set; } = "";
    public string Method { get; set; } = "";
    public string Path { get; set; } = "";
    /// <summary>Hex SHA-256 of the request body: a retry with a different body is refused.</summary>
    public string RequestHash { get; set; } = "";
    public int? StatusCode { get; set; }
    public string? ContentType { get; set; }
    public string? ResponseBody { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
}

/// <summary>A client message id already stored by the batch ingestion API, and what it became.</summary>
public sealed class IngestedMessage : Common.ICreated
{
    public string MessageId { get; set; } = "";
    /// <summary><c>transaction</c> or <c>interaction</c>.</summary>
    public string Kind { get; set; } = "";
    public long EntityId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
