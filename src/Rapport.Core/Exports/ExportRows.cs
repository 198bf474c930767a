using Rapport.Interactions;

namespace Rapport.Exports;

/// <summary>
/// How a transaction or interaction row names its customer, as the import finds customers: the customer's first
/// external id (else, for a customer with neither external id nor email, <c>rapport-customer-{id}</c>), email and names.
/// </summary>
public sealed record ExportCustomerRef(long Id, string? ExternalId, string? Email, string? FirstName, string? LastName);

/// <summary>A customer as exported. <c>ExternalId</c> is the first one recorded (see <see cref="ExportCustomerRef"/>).</summary>
public sealed record CustomerExportRow(
    long Id,
    string? ExternalId,
    IReadOnlyList<CustomerExportExternalId> ExternalIds,
    string? Email,
    string? FirstName,
    string? LastName,
    string? Phone,
    string? Street,
    string? City,
    string? PostalCode,
    string? Region,
    string? Country,
    DateOnly? BirthDate,
    string? Language,
    string? Company,
    string? OwnerEmail,
    IReadOnlyList<string> Tags,
    IReadOnlyDictionary<string, string> CustomFields,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public sealed record CustomerExportExternalId(string Source, string ExternalId);

/// <summary>An order with its lines (empty unless lines were asked for). <c>ExternalId</c> is the order id.</summary>
public sealed record TransactionExportRow(
    long Id,
    string ExternalId,
    ExportCustomerRef Customer,
    DateTimeOffset OccurredAt,
    string Currency,
    decimal Total,
    int LineCount,
    IReadOnlyList<TransactionExportLine> Lines);

public sealed record TransactionExportLine(int LineNumber, string? Sku, string? Description, decimal Quantity, decimal UnitPrice, decimal Amount);

public sealed record InteractionExportRow(
    long Id,
    string ExternalId,
    ExportCustomerRef Customer,
    InteractionChannel Channel,
    InteractionDirection Direction,
    InteractionType Type,
    string? Subject,
    string? Notes,
    DateTimeOffset OccurredAt,
    string Source);
