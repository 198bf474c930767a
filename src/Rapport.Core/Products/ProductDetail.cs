using Rapport.Common;
using Rapport.Interactions;
using Rapport.Transactions;

namespace Rapport.Products;

/// <summary>
/// A product or service of the catalogue. <c>Price</c> and <c>Cost</c> are per unit in <c>Currency</c>.
/// <c>InUse</c> is true when transaction lines refer to it: such a product can be deactivated but not deleted.
/// <c>Version</c> is the ETag for updates.
/// </summary>
public sealed record ProductDetail(
    long Id,
    string Sku,
    string Name,
    string? Description,
    string? Category,
    ProductKind Kind,
    decimal? Price,
    decimal? Cost,
    string Currency,
    bool Active,
    bool InUse,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int Version);

/// <summary>A product in a search result.</summary>
public sealed record ProductRow(
    long Id,
    string Sku,
    string Name,
    string? Category,
    ProductKind Kind,
    decimal? Price,
    string Currency,
    bool Active);

/// <summary>Input limits for products; the lengths match the columns.</summary>
public static class ProductLimits
{
    public const int Sku = 64;
    public const int Name = 200;
    public const int Description = 2000;
    public const int Category = 100;
}

/// <summary>Field checks shared by creating and updating a product, so both give the same messages.</summary>
internal static class ProductRules
{
    public static string? Sku(FieldErrors errors, string? value)
    {
        var sku = Validate.Clean(value);
        if (sku is null)
        {
            errors.Add("sku", "Is required.");
        }

        TextRules.SingleLine(errors, "sku", sku, ProductLimits.Sku);
        return sku;
    }

    public static string? Name(FieldErrors errors, string? value)
    {
        var name = Validate.Clean(value);
        if (name is null)
        {
            errors.Add("name", "Is required.");
        }

        TextRules.SingleLine(errors, "name", name, ProductLimits.Name);
        return name;
    }

    public static string? Description(FieldErrors errors, string? value)
    {
        var description = Validate.Clean(value);
        TextRules.MultiLine(errors, "description", description, ProductLimits.Description);
        return description;
    }

    public static string? Category(FieldErrors errors, string? value)
    {
        var category = Validate.Clean(value);
        TextRules.SingleLine(errors, "category", category, ProductLimits.Category);
        return category;
    }

    public static void Kind(FieldErrors errors, ProductKind kind)
    {
        if (!Enum.IsDefined(kind))
        {
            errors.Add("kind", "Must be product or service.");
        }
    }

    public static void Price(FieldErrors errors, string field, decimal? value) => Money.NonNegativeAmount(errors, field, value);
}
