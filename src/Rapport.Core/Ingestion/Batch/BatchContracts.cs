using System.Text.Json.Serialization;
using Rapport.Interactions;

namespace Rapport.Ingestion.Batch;

// Wire contracts of the batch ingestion API (POST /api/v1/events/batch and /api/v1/customers/batch), see
// docs/ingestion-api.md. Each item is read on its own (BatchItems.Parse), so a malformed item is a rejected item and
// never fails the whole request.

/// <summary>
/// One event of <c>POST /api/v1/events/batch</c>. <c>type</c> (<c>transaction</c> or <c>interaction</c>) says which
/// fields it carries; <c>messageId</c> is the client's unique id for it: an event whose message id was stored before
/// is reported as <c>duplicate</c> and not stored again.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(TransactionEvent), "transaction")]
[JsonDerivedType(typeof(InteractionEvent), "interaction")]
public abstract record BatchEvent
{
    /// <summary>Required, at most 200 characters; unique per event, across all requests and all API keys.</summary>
    public string? MessageId { get; init; }
    /// <summary>The customer: matched by <c>externalId</c> within the batch's source, else by email; created when new.</summary>
    public CustomerRef? Customer { get; init; }
    public DateTimeOffset? OccurredAt { get; init; }
}

/// <summary>An order. <c>externalId</c> is the order id (an order already stored is updated); <c>total</c> defaults to the sum of the lines.</summary>
public sealed record TransactionEvent : BatchEvent
{
    public string? ExternalId { get; init; }
    /// <summary>ISO 4217; defaults to the reporting currency.</summary>
    public string? Currency { get; init; }
    public decimal? Total { get; init; }
    public IReadOnlyList<BatchLine?>? Lines { get; init; }
}

/// <summary>One order line; <c>sku</c> links a known product.</summary>
public sealed record BatchLine(string? Sku, string? Description, decimal? Quantity, decimal? UnitPrice);

/// <summary>A touchpoint. <c>interactionType</c> is the kind of touchpoint (the event's own <c>type</c> is <c>interaction</c>).</summary>
public sealed record InteractionEvent : BatchEvent
{
    /// <summary>Matched when given (an interaction already stored under it is updated); otherwise always created.</summary>
    public string? ExternalId { get; init; }
    public InteractionChannel? Channel { get; init; }
    public InteractionDirection? Direction { get; init; }
    public InteractionType? InteractionType { get; init; }
    public string? Subject { get; init; }
    public string? Notes { get; init; }
}

/// <summary>Body of <c>POST /api/v1/events/batch</c>: 1 to 1,000 events; <c>source</c> (default <c>api</c>) scopes customer external ids.</summary>
public sealed record EventBatchRequest(string? Source, IReadOnlyList<BatchEvent> Events);

/// <summary>Body of <c>POST /api/v1/customers/batch</c>: 1 to 1,000 customers; <c>source</c> (default <c>api</c>) scopes external ids.</summary>
/// <remarks>Each customer has the fields of <see cref="IncomingCustomer"/>; custom field values are text, parsed by the field's type as in a CSV import.</remarks>
public sealed record CustomerBatchRequest(string? Source, IReadOnlyList<IncomingCustomer> Customers);

public enum EventKind
{
    Transaction,
    Interaction,
}

public enum EventItemStatus
{
    /// <summary>Stored now (a new record, or an order or interaction already known by its external id, updated).</summary>
    Stored,
    /// <summary>Its message id was stored before (or earlier in this request): nothing was written.</summary>
    Duplicate,
    /// <summary>Not stored; <c>reason</c> says why.</summary>
    Rejected,
}

/// <summary>What became of one event, in request order. <c>id</c> is the transaction or interaction id (for a duplicate, the one stored first).</summary>
public sealed record EventItemReport(int Index, string? MessageId, EventKind? Type, EventItemStatus Status, long? Id, string? Reason);

/// <summary>Answer of <c>POST /api/v1/events/batch</c>: counts and one item per event, in request order.</summary>
public sealed record EventBatchReport(int Received, int Stored, int Duplicate, int Rejected, IReadOnlyList<EventItemReport> Items);

public enum CustomerItemStatus
{
    Created,
    /// <summary>Matched by external id (within the source) and updated.</summary>
    Updated,
    /// <summary>Matched by email only and folded into that customer (the external id is added to it).</summary>
    Merged,
    Rejected,
}

/// <summary>What became of one customer, in request order. <c>id</c> is the customer id.</summary>
public sealed record CustomerItemReport(int Index, string? ExternalId, CustomerItemStatus Status, long? Id, string? Reason);

/// <summary>Answer of <c>POST /api/v1/customers/batch</c>: counts and one item per customer, in request order.</summary>
public sealed record CustomerBatchReport(int Received, int Created, int Updated, int Merged, int Rejected, IReadOnlyList<CustomerItemReport> Items);

/// <summary>One item of a batch as read from JSON: its value, or why it could not be read; <c>Label</c> is its id as sent, for the report.</summary>
public readonly record struct BatchItem<T>(T? Value, string? Error, string? Label) where T : class;
