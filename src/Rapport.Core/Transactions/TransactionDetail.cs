namespace Rapport.Transactions;

/// <summary>
/// A transaction with its lines. <c>Total</c> is what the customer paid in <c>Currency</c>; it may differ from the sum
/// of the line amounts (tax, shipping, discounts). <c>OccurredAt</c> is when the purchase happened (UTC).
/// </summary>
public sealed record TransactionDetail(
    long Id,
    long CustomerId,
    string? ExternalId,
    DateTimeOffset OccurredAt,
    string Currency,
    decimal Total,
    string Source,
    DateTimeOffset CreatedAt,
    IReadOnlyList<TransactionLineDetail> Lines);

/// <summary>
/// One line of a transaction, numbered from 1 in the order sent. <c>Amount</c> is quantity × unit price rounded to
/// 4 decimals. <c>ProductId</c> is set when the line names a product of the catalogue (by id or by SKU).
/// </summary>
public sealed record TransactionLineDetail(
    int LineNumber,
    long? ProductId,
    string? Sku,
    string? Description,
    decimal Quantity,
    decimal UnitPrice,
    decimal Amount);

/// <summary>A transaction in a list: the header and how many lines it has.</summary>
public sealed record TransactionRow(
    long Id,
    long CustomerId,
    string? ExternalId,
    DateTimeOffset OccurredAt,
    string Currency,
    decimal Total,
    int LineCount,
    string Source,
    DateTimeOffset CreatedAt);
