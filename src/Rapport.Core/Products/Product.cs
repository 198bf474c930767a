using Rapport.Common;

namespace Rapport.Products;

public enum ProductKind
{
    Product,
    Service,
}

public sealed class Product : IStamped, IVersioned
{
    public long Id { get; set; }
    /// <summary>Stock keeping unit; unique, compared case-sensitively as the shop system spells it.</summary>
    public string Sku { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public string? Category { get; set; }
    public ProductKind Kind { get; set; }
    /// <summary>List price in <c>Currency</c>.</summary>
    public decimal? Price { get; set; }
    /// <summary>Unit cost in <c>Currency</c>, when known; used for profit.</summary>
    public decimal? Cost { get; set; }
    public string Currency { get; set; } = "";
    public bool Active { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; }
}
