using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Data;
using Rapport.Metrics;
using Rapport.Transactions;

namespace Rapport.Products;

/// <summary>
/// A new product or service. <c>Sku</c> and <c>Name</c> are required; the SKU is unique and compared exactly as
/// spelled. <c>Kind</c> defaults to product, <c>Currency</c> to the reporting currency, <c>Active</c> to true.
/// A category that differs from an existing one only in letter case takes the existing spelling.
/// </summary>
public sealed record CreateProductRequest(
    string? Sku,
    string? Name,
    string? Description = null,
    string? Category = null,
    ProductKind? Kind = null,
    decimal? Price = null,
    decimal? Cost = null,
    string? Currency = null,
    bool? Active = null);

public sealed class CreateProduct(RapportDbContext db, GetProduct get, CustomerMetricsUpdater metrics, ILogger<CreateProduct> logger)
{
    public async Task<Result<ProductDetail>> HandleAsync(CreateProductRequest request, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var sku = ProductRules.Sku(errors, request.Sku);
        var name = ProductRules.Name(errors, request.Name);
        var description = ProductRules.Description(errors, request.Description);
        var category = ProductRules.Category(errors, request.Category);
        var kind = request.Kind ?? ProductKind.Product;
        ProductRules.Kind(errors, kind);
        ProductRules.Price(errors, "price", request.Price);
        ProductRules.Price(errors, "cost", request.Cost);
        var currency = Money.Currency(errors, "currency", request.Currency, metrics.ReportingCurrency);
        if (errors.Any)
        {
            return errors.ToResult<ProductDetail>();
        }

        if (await db.Products.AnyAsync(p => p.Sku == sku, ct))
        {
            return SkuTaken(sku!);
        }

        var product = new Product
        {
            Sku = sku!,
            Name = name!,
            Description = description,
            Category = await Categories.CanonicalAsync(db, category, ct),
            Kind = kind,
            Price = request.Price,
            Cost = request.Cost,
            Currency = currency!,
            Active = request.Active ?? true,
        };
        db.Products.Add(product);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            return SkuTaken(sku!);
        }

        logger.LogInformation("Created product {ProductId}", product.Id);
        return await get.HandleAsync(product.Id, ct);
    }

    internal static Result<ProductDetail> SkuTaken(string sku) =>
        Result<ProductDetail>.Conflict($"Another product already has SKU '{sku}'.", "sku");
}

internal static class Categories
{
    /// <summary>"coffee" becomes "Coffee" when a product already uses that spelling, so categories do not split by letter case.</summary>
    public static async Task<string?> CanonicalAsync(RapportDbContext db, string? category, CancellationToken ct)
    {
        if (category is null)
        {
            return null;
        }

        var folded = category.ToLowerInvariant();
#pragma warning disable CA1862 // Runs as SQL: EF translates ToLower() to lower() on both providers; StringComparison overloads do not translate.
        return await db.Products.AsNoTracking()
            .Where(p => p.Category != null && p.Category.ToLower() == folded)
#pragma warning restore CA1862
            .OrderBy(p => p.Id)
            .Select(p => p.Category)
            .FirstOrDefaultAsync(ct) ?? category;
    }
}
