using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Data;
using Rapport.Transactions;

namespace Rapport.Products;

/// <summary>
/// A partial update (JSON merge-patch semantics): a field left unset keeps its value, a field set to null clears it.
/// <c>Sku</c>, <c>Name</c>, <c>Kind</c>, <c>Currency</c> and <c>Active</c> cannot be cleared.
/// </summary>
public sealed record ProductChanges
{
    public Optional<string?> Sku { get; init; }
    public Optional<string?> Name { get; init; }
    public Optional<string?> Description { get; init; }
    public Optional<string?> Category { get; init; }
    public Optional<ProductKind?> Kind { get; init; }
    public Optional<decimal?> Price { get; init; }
    public Optional<decimal?> Cost { get; init; }
    public Optional<string?> Currency { get; init; }
    /// <summary>Set to false to take a product out of the catalogue while keeping it on past orders.</summary>
    public Optional<bool?> Active { get; init; }
}

/// <summary>
/// Applies <see cref="ProductChanges"/> with optimistic concurrency: when <c>expectedVersion</c> (the ETag the caller
/// read) is not the current version the result is <see cref="ResultKind.PreconditionFailed"/> and nothing changes.
/// Pass null only where no earlier read exists (the API requires If-Match).
/// </summary>
public sealed class UpdateProduct(RapportDbContext db, GetProduct get, ILogger<UpdateProduct> logger)
{
    public async Task<Result<ProductDetail>> HandleAsync(long id, int? expectedVersion, ProductChanges changes, CancellationToken ct)
    {
        var product = await db.Products.SingleOrDefaultAsync(p => p.Id == id, ct);
        if (product is null)
        {
            return Result<ProductDetail>.NotFound($"Product {id} does not exist.");
        }

        if (expectedVersion is { } version && version != product.Version)
        {
            return Stale(id, product.Version, version);
        }

        var errors = new FieldErrors();
        if (changes.Sku.IsSet)
        {
            product.Sku = ProductRules.Sku(errors, changes.Sku.Value) ?? product.Sku;
        }

        if (changes.Name.IsSet)
        {
            product.Name = ProductRules.Name(errors, changes.Name.Value) ?? product.Name;
        }

        if (changes.Description.IsSet)
        {
            product.Description = ProductRules.Description(errors, changes.Description.Value);
        }

        if (changes.Category.IsSet)
        {
            var category = ProductRules.Category(errors, changes.Category.Value);
            if (!errors.Any && !string.Equals(category, product.Category, StringComparison.Ordinal))
            {
                product.Category = await Categories.CanonicalAsync(db, category, ct);
            }
        }

        if (changes.Kind.IsSet)
        {
            if (changes.Kind.Value is { } kind)
            {
                ProductRules.Kind(errors, kind);
                product.Kind = kind;
            }
            else
            {
                errors.Add("kind", "Cannot be cleared: product or service.");
            }
        }

        if (changes.Price.IsSet)
        {
            ProductRules.Price(errors, "price", changes.Price.Value);
            product.Price = changes.Price.Value;
        }

        if (changes.Cost.IsSet)
        {
            ProductRules.Price(errors, "cost", changes.Cost.Value);
            product.Cost = changes.Cost.Value;
        }

        if (changes.Currency.IsSet)
        {
            product.Currency = Money.Currency(errors, "currency", changes.Currency.Value, null) ?? product.Currency;
        }

        if (changes.Active.IsSet)
        {
            if (changes.Active.Value is { } active)
            {
                product.Active = active;
            }
            else
            {
                errors.Add("active", "Cannot be cleared: true or false.");
            }
        }

        if (errors.Any)
        {
            db.ChangeTracker.Clear();
            return errors.ToResult<ProductDetail>();
        }

        if (db.Entry(product).Property(p => p.Sku).IsModified && await db.Products.AnyAsync(p => p.Sku == product.Sku && p.Id != id, ct))
        {
            db.ChangeTracker.Clear();
            return CreateProduct.SkuTaken(product.Sku);
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return Result<ProductDetail>.PreconditionFailed($"Product {id} changed while it was being updated; read it again.");
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            return CreateProduct.SkuTaken(product.Sku);
        }

        logger.LogInformation("Updated product {ProductId} to version {Version}", id, product.Version);
        return await get.HandleAsync(id, ct);
    }

    private static Result<ProductDetail> Stale(long id, int current, int expected) =>
        Result<ProductDetail>.PreconditionFailed($"Product {id} is at version {current}, not {expected}: it changed since you read it. Read it again and retry with the new ETag.");
}
