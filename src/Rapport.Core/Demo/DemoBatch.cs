using Rapport.Interactions;

namespace Rapport.Demo;

// Rows exactly as they go to the database. Ids are assigned by the generator (after the current maximum), so that
// lines reference their transaction without a round trip. Instants are UTC.

internal readonly record struct CustomerRow(
    long Id,
    string FirstName,
    string LastName,
    string Email,
    string? Phone,
    string Street,
    string City,
    string PostalCode,
    string? Region,
    string Country,
    DateOnly? BirthDate,
    string Language,
    long? CompanyId,
    long? OwnerId,
    string SearchText,
    DateTimeOffset CreatedAt);

internal readonly record struct TagRow(long CustomerId, string Tag);

/// <summary>One custom field value; exactly one of the value columns is set, by the field's type.</summary>
internal readonly record struct FieldValueRow(long CustomerId, long FieldId, string? Text, decimal? Number, bool? Bool);

internal readonly record struct ExternalIdRow(long Id, long CustomerId, string Source, string ExternalId, DateTimeOffset CreatedAt);

internal readonly record struct TransactionRow(long Id, long CustomerId, string ExternalId, DateTimeOffset OccurredAt, decimal Total);

internal readonly record struct LineRow(long Id, long TransactionId, long CustomerId, int LineNumber, long ProductId, string Sku, string Description, decimal Quantity, decimal UnitPrice, decimal Amount);

internal readonly record struct InteractionRow(
    long Id,
    long CustomerId,
    InteractionChannel Channel,
    InteractionDirection Direction,
    InteractionType Type,
    string Subject,
    string Notes,
    DateTimeOffset OccurredAt,
    long? CreatedByUserId);

internal readonly record struct MetricsRow(
    long CustomerId, DateTimeOffset? FirstPurchaseAt, DateTimeOffset? LastPurchaseAt, int PurchaseCount, decimal Revenue, int InteractionCount, DateTimeOffset? LastInteractionAt);

/// <summary>The rows of a run of consecutive customers, written in one database transaction.</summary>
internal sealed class DemoBatch
{
    public List<CustomerRow> Customers { get; } = [];
    public List<TagRow> Tags { get; } = [];
    public List<FieldValueRow> FieldValues { get; } = [];
    public List<ExternalIdRow> ExternalIds { get; } = [];
    public List<TransactionRow> Transactions { get; } = [];
    public List<LineRow> Lines { get; } = [];
    public List<InteractionRow> Interactions { get; } = [];
    public List<MetricsRow> Metrics { get; } = [];

    public long RowCount =>
        Customers.Count + Tags.Count + FieldValues.Count + ExternalIds.Count + Transactions.Count + Lines.Count + Interactions.Count + Metrics.Count;
}

/// <summary>Writes batches of demo rows to one provider, below EF, in the exact formats EF reads back.</summary>
internal interface IDemoWriter : IAsyncDisposable
{
    Task WriteAsync(DemoBatch batch, CancellationToken ct);

    /// <summary>Called once after the last batch (e.g. to move identity sequences past the ids written).</summary>
    Task CompleteAsync(CancellationToken ct);
}
