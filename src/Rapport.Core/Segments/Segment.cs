namespace Rapport.Segments;

public enum SegmentKind
{
    /// <summary>Members follow the rules: kept current as customers' data changes.</summary>
    Dynamic,
    /// <summary>A snapshot: the members the rules matched when it was taken, changed only by hand or by a new snapshot.</summary>
    Static,
}

/// <summary>A named audience defined by a rule tree (docs/segments.md).</summary>
public sealed class Segment : Common.IStamped, Common.IVersioned
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public SegmentKind Kind { get; set; }
    /// <summary>The rule tree as JSON (<c>{"all":[…]}</c> …), as validated when saved.</summary>
    public string Rules { get; set; } = "{\"all\":[]}";
    /// <summary>Members now (kept with the members table).</summary>
    public int MemberCount { get; set; }
    /// <summary>When the members were last computed in full (creation, rule change, snapshot).</summary>
    public DateTimeOffset? EvaluatedAt { get; set; }
    public long? CreatedByUserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>A customer in a segment. Customer-owned (sharded by <c>customer_id</c>).</summary>
public sealed class SegmentMember
{
    public long SegmentId { get; set; }
    public long CustomerId { get; set; }
    public DateTimeOffset AddedAt { get; set; }
}

public enum SegmentEventKind
{
    Entered,
    Left,
}

/// <summary>
/// A customer entered or left a dynamic segment after a change to their data (not at a segment's initial build).
/// Kept for automation. Customer-owned.
/// </summary>
public sealed class SegmentEvent
{
    public long Id { get; set; }
    public long SegmentId { get; set; }
    public long CustomerId { get; set; }
    public SegmentEventKind Kind { get; set; }
    public DateTimeOffset At { get; set; }
}

public enum PurchaseFactKind
{
    /// <summary>A product category (<c>products.category</c>).</summary>
    Category,
    /// <summary>A product, by SKU.</summary>
    Product,
}

/// <summary>
/// One customer's purchases of one category or product, summed (docs/segments.md): what "purchased" rules read instead
/// of the transaction lines. Customer-owned; rebuilt for a customer whenever their data changes.
/// </summary>
public sealed class CustomerPurchaseFact
{
    public long CustomerId { get; set; }
    public PurchaseFactKind Kind { get; set; }
    public string Key { get; set; } = "";
    public DateTimeOffset FirstAt { get; set; }
    public DateTimeOffset LastAt { get; set; }
    /// <summary>Transactions with at least one line of this category or product.</summary>
    public int PurchaseCount { get; set; }
    /// <summary>Sum of those lines' amounts in the reporting currency (lines in other currencies count as purchases only).</summary>
    public decimal Amount { get; set; }
}
