using Rapport.Common;

namespace Rapport.Products;

public enum ProductKind
{
    Product,
    Service,
}

public sealed class Product : IStamped, IVersioned
{
    private string _name = "";

    public long Id { get; set; }
    /// <summary>Stock keeping unit; unique, compared case-sensitively as the shop system spells it.</summary>
    public string Sku { get; set; } = "";
    /// <summary>Setting the name also sets <see cref="NameNormalized"/>, so no writer (API, UI, import, demo) can forget it.</summary>
    public string Name
    {
        get => _name;
        set
        {
            _name = value;
            var folded = Validate.Fold(value);
            NameNormalized = folded.Length <= 200 ? folded : folded[..200];
        }
    }

    /// <summary>The name folded to lower case without accents, for portable case-insensitive search and sorting.</summary>
    public string NameNormalized { get; private set; } = "";
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
