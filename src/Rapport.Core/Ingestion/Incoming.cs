using Rapport.Interactions;
using Rapport.Products;

namespace Rapport.Ingestion;

// The typed items that enter Rapport in bulk, whether they come from a CSV or vCard import (Imports/) or from the
// batch API (Api/EventEndpoints.cs). One writer per kind (IngestionWriter) validates and stores them, so a row
// behaves the same whichever way it arrived.
//
// Upsert rule, the same for every kind: a null property means "not given" and leaves the stored value alone; a
// given value replaces it. Strings are trimmed by the writer; an empty string counts as not given.

/// <summary>How one incoming item ended.</summary>
public enum IngestOutcome
{
    /// <summary>A new record was stored.</summary>
    Created,
    /// <summary>It matched an existing record by its own key (external id, order id, SKU) and was applied to it.</summary>
    Updated,
    /// <summary>It matched an existing customer by normalised email only and was folded into that customer (its external id is kept too).</summary>
    Merged,
    /// <summary>It was not stored; <see cref="IngestResult.Reason"/> says why.</summary>
    Rejected,
    /// <summary>Its client message id was stored before (batch API only); nothing was written again.</summary>
    Duplicate,
}

/// <summary>The outcome of one item, in input order. <c>EntityId</c> is the stored (or existing) record's id.</summary>
public readonly record struct IngestResult(IngestOutcome Outcome, long? EntityId, string? Reason)
{
    public static IngestResult Reject(string reason) => new(IngestOutcome.Rejected, null, reason);
}

/// <summary>
/// Who a transaction or interaction belongs to: the customer with this external id (within the source), else the
/// one with this normalised email; when neither exists a customer is created from these fields.
/// </summary>
public sealed record CustomerRef(string? ExternalId, string? Email, string? FirstName, string? LastName);

/// <summary>A customer to create or update: matched by <c>ExternalId</c> (within the source), else by normalised email.</summary>
public sealed record IncomingCustomer
{
    public string? ExternalId { get; init; }
    public string? Email { get; init; }
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    public string? Phone { get; init; }
    public string? Street { get; init; }
    public string? City { get; init; }
    public string? PostalCode { get; init; }
    public string? Region { get; init; }
    /// <summary>ISO 3166-1 alpha-2, or a country name the writer can resolve.</summary>
    public string? Country { get; init; }
    public DateOnly? BirthDate { get; init; }
    public string? Language { get; init; }
    /// <summary>The company by name (found case-insensitively, created when new).</summary>
    public string? CompanyName { get; init; }
    /// <summary>The owning user by email; an unknown user rejects the item.</summary>
    public string? OwnerEmail { get; init; }
    /// <summary>Added to the customer's tags (never removes tags).</summary>
    public IReadOnlyList<string>? Tags { get; init; }
    /// <summary>Custom field key → value as text, parsed by the field's type.</summary>
    public IReadOnlyDictionary<string, string>? CustomFields { get; init; }
    /// <summary>Consent events from an import's consent columns, appended after the customer is written (not part of the API).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<Consent.ConsentInput>? Consent { get; init; }
}

/// <summary>A company to create or update: matched by <c>ExternalId</c>, else by domain, else by normalised name.</summary>
public sealed record IncomingCompany
{
    public string? ExternalId { get; init; }
    public string? Name { get; init; }
    public string? Domain { get; init; }
    public string? Industry { get; init; }
    public string? Website { get; init; }
    public string? Phone { get; init; }
    public string? City { get; init; }
    public string? Country { get; init; }
}

/// <summary>A product to create or update, matched by SKU.</summary>
public sealed record IncomingProduct
{
    public string? Sku { get; init; }
    public string? Name { get; init; }
    public string? Description { get; init; }
    public string? Category { get; init; }
    public ProductKind? Kind { get; init; }
    public decimal? Price { get; init; }
    public decimal? Cost { get; init; }
    public string? Currency { get; init; }
    public bool? Active { get; init; }
}

/// <summary>One order line. <c>Sku</c> links the line to a known product when there is one.</summary>
public sealed record IncomingLine(string? Sku, string? Description, decimal Quantity, decimal UnitPrice);

/// <summary>
/// An order, matched by its order id (<c>ExternalId</c>). <c>Total</c> is the order total; when it is null the total
/// is the sum of the lines. An order already stored is updated (its total, date and lines replaced).
/// </summary>
public sealed record IncomingTransaction
{
    public string? MessageId { get; init; }
    public string? ExternalId { get; init; }
    public required CustomerRef Customer { get; init; }
    public DateTimeOffset? OccurredAt { get; init; }
    public string? Currency { get; init; }
    public decimal? Total { get; init; }
    public IReadOnlyList<IncomingLine> Lines { get; init; } = [];
}

/// <summary>A touchpoint, matched by <c>ExternalId</c> when it has one (otherwise always created).</summary>
public sealed record IncomingInteraction
{
    public string? MessageId { get; init; }
    public string? ExternalId { get; init; }
    public required CustomerRef Customer { get; init; }
    public InteractionChannel? Channel { get; init; }
    public InteractionDirection? Direction { get; init; }
    public InteractionType? Type { get; init; }
    public string? Subject { get; init; }
    public string? Notes { get; init; }
    public DateTimeOffset? OccurredAt { get; init; }
}
