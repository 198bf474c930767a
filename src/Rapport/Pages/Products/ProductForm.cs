using Rapport.Common;
using Rapport.Customers;
using Rapport.Products;

namespace Rapport.Pages.Products;

/// <summary>The product form as posted; prices are parsed here, everything else is the use case's to judge.</summary>
public sealed class ProductForm
{
    public string? Sku { get; set; }
    public string? Name { get; set; }
    public string? Description { get; set; }
    public string? Category { get; set; }
    public string? Kind { get; set; } = "product";
    public string? Price { get; set; }
    public string? Cost { get; set; }
    public string? Currency { get; set; }
    public bool Active { get; set; } = true;
    public int? Version { get; set; }

    public static ProductForm From(ProductDetail p) => new()
    {
        Sku = p.Sku,
        Name = p.Name,
        Description = p.Description,
        Category = p.Category,
        Kind = p.Kind == ProductKind.Service ? "service" : "product",
        Price = p.Price?.ToString("0.00##", System.Globalization.CultureInfo.InvariantCulture),
        Cost = p.Cost?.ToString("0.00##", System.Globalization.CultureInfo.InvariantCulture),
        Currency = p.Currency,
        Active = p.Active,
        Version = p.Version,
    };

    private ProductKind? ParsedKind => Kind == "service" ? ProductKind.Service : ProductKind.Product;

    public CreateProductRequest ToCreate(FieldErrors errors) => new(
        Sku, Name, Description, Category, ParsedKind,
        FormValues.Number(errors, "price", Price), FormValues.Number(errors, "cost", Cost), Blank(Currency), Active);

    public ProductChanges ToChanges(FieldErrors errors) => new()
    {
        Sku = new Optional<string?>(Sku),
        Name = new Optional<string?>(Name),
        Description = new Optional<string?>(Blank(Description)),
        Category = new Optional<string?>(Blank(Category)),
        Kind = new Optional<ProductKind?>(ParsedKind),
        Price = new Optional<decimal?>(FormValues.Number(errors, "price", Price)),
        Cost = new Optional<decimal?>(FormValues.Number(errors, "cost", Cost)),
        Currency = new Optional<string?>(Currency),
        Active = new Optional<bool?>(Active),
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
