using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Products;

/// <summary>
/// Deletes a product that no transaction line refers to. A product in use is a conflict: deactivate it instead
/// (<see cref="UpdateProduct"/> with <c>Active = false</c>), so order history keeps its link to the catalogue.
/// When <paramref name="expectedVersion"/> is given (If-Match) it must be the current version.
/// </summary>
public sealed class DeleteProduct(RapportDbContext db, ILogger<DeleteProduct> logger)
{
    public async Task<Result<ProductDetail>> HandleAsync(long id, int? expectedVersion, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var product = await db.Products.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, ct);
        if (product is null)
        {
            return Result<ProductDetail>.NotFound($"Product {id} does not exist.");
        }

        if (expectedVersion is { } version && version != product.Version)
        {
            return Result<ProductDetail>.PreconditionFailed($"Product {id} is at version {product.Version}, not {version}; read it again.");
        }

        var lines = await db.TransactionLines.CountAsync(l => l.ProductId == id, ct);
        if (lines > 0)
        {
            return Result<ProductDetail>.Conflict(
                $"Product {id} ('{product.Sku}') appears on {lines} transaction line(s) and cannot be deleted; " +
                "deactivate it instead by setting active to false.");
        }

        if (await db.Products.Where(p => p.Id == id && p.Version == product.Version).ExecuteDeleteAsync(ct) == 0)
        {
            return Result<ProductDetail>.PreconditionFailed($"Product {id} changed while it was being deleted; read it again.");
        }

        await transaction.CommitAsync(ct);
        logger.LogInformation("Deleted product {ProductId}", id);
        return Result<ProductDetail>.Ok(new ProductDetail(
            product.Id, product.Sku, product.Name, product.Description, product.Category, product.Kind, product.Price, product.Cost,
            product.Currency, product.Active, false, product.CreatedAt, product.UpdatedAt, product.Version));
    }
}
