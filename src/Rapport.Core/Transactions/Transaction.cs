namespace Rapport.Transactions;

/// <summary>An order or purchase by a customer. <c>Total</c> is what the customer paid, in <c>Currency</c>.</summary>
public sealed class Transaction : Common.ICreated
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    /// <summary>The order id in the system it came from; unique per customer.</summary>
    public string? ExternalId { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    /// <summary>ISO 4217 code, upper case.</summary>
    public string Currency { get; set; } = "";
    public decimal Total { get; set; }
    public string Source { get; set; } = "api";
    public DateTimeOffset CreatedAt { get; set; }
    public List<TransactionLine> Lines { get; set; } = [];
}

public sealed class TransactionLine
{
    public long Id { get; set; }
    public long TransactionId { get; set; }
    /// <summary>Carried on the line too so that every customer-owned row can be sharded by customer.</summary>
    public long CustomerId { get; set; }
    public int LineNumber { get; set; }
    public long? ProductId { get; set; }
    public string? Sku { get; set; }
    public string? Description { get; set; }
    public decimal Quantity { get; set; }
    public decimal UnitPrice { get; set; }
    /// <summary>Quantity × unit price, rounded to 4 decimals.</summary>
    public decimal Amount { get; set; }
}
