using Microsoft.EntityFrameworkCore;
using Rapport.Data;

namespace Rapport.Products;

/// <summary>A category with how many products (all, and active ones) it holds.</summary>
public sealed record CategoryRow(string Name, int ProductCount, int ActiveCount);

/// <summary>Distinct product categories in name order; products without a category are not listed.</summary>
public sealed class ListCategories(RapportDbContext db)
{
    public async Task<IReadOnlyList<CategoryRow>> HandleAsync(CancellationToken ct) =>
        await db.Products.AsNoTracking()
            .Where(p => p.Category != null)
            .GroupBy(p => p.Category!)
            .OrderBy(g => g.Key)
            .Select(g => new CategoryRow(g.Key, g.Count(), g.Count(p => p.Active)))
            .ToListAsync(ct);
}
