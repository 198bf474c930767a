using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Products;

public sealed class GetProduct(RapportDbContext db)
{
    public async Task<Result<ProductDetail>> HandleAsync(long id, CancellationToken ct)
    {
        var product = await db.Products.AsNoTracking()
            .Where(p => p.Id == id)
            .Select(p => new ProductDetail(
                p.Id, p.Sku, p.Name, p.Description, p.Category, p.Kind, p.Price, p.Cost, p.Currency, p.Active,
                db.TransactionLines.Any(l => l.ProductId == p.Id),
                p.CreatedAt, p.UpdatedAt, p.Version))
            .SingleOrDefaultAsync(ct);
        return product is null
            ? Result<ProductDetail>.NotFound($"Product {id} does not exist.")
            : Result<ProductDetail>.Ok(product);
    }
}
