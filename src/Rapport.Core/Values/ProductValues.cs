using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Values;

/// <summary>A value a product supports, 1 (somewhat) … 3 (it is what the product is about).</summary>
public sealed record ProductValueTag(string Value, string Name, int Strength, ValueStatus Status);

/// <summary>One tag in a request: the value's key and the strength (1–3).</summary>
public sealed record ProductValueInput(string? Value, int? Strength);

/// <summary>The whole list of a product's value tags; it replaces the previous one ([] removes every tag).</summary>
public sealed record SetProductValuesRequest(IReadOnlyList<ProductValueInput?>? Values);

public sealed record ProductValues(long ProductId, IReadOnlyList<ProductValueTag> Values);

/// <summary>The values a product is tagged with, strongest first, then by name.</summary>
public sealed class GetProductValues(RapportDbContext db)
{
    public async Task<Result<ProductValues>> HandleAsync(long productId, CancellationToken ct)
    {
        if (!await db.Products.AnyAsync(p => p.Id == productId, ct))
        {
            return Result<ProductValues>.NotFound($"Product {productId} does not exist.");
        }

        var tags = await (from pv in db.ProductValues.AsNoTracking()
                          join v in db.TaxonomyValues.AsNoTracking() on pv.ValueId equals v.Id
                          where pv.ProductId == productId
                          select new ProductValueTag(v.Key, v.Name, pv.Strength, v.Status)).ToListAsync(ct);
        return Result<ProductValues>.Ok(new ProductValues(productId,
            tags.OrderByDescending(t => t.Strength).ThenBy(t => t.Name, StringComparer.OrdinalIgnoreCase).ToList()));
    }
}

/// <summary>
/// Replaces a product's value tags. Each value must exist and be active (a merged key is stored as the value it was
/// merged into); a value named twice is a 400 on the second. Tags are not part of the product's version (ETag):
/// they are their own small resource, replaced as a whole.
/// </summary>
public sealed class SetProductValues(RapportDbContext db, GetProductValues get, ILogger<SetProductValues> logger)
{
    public const int MaxTags = 50;

    public async Task<Result<ProductValues>> HandleAsync(long productId, SetProductValuesRequest request, CancellationToken ct)
    {
        if (!await db.Products.AnyAsync(p => p.Id == productId, ct))
        {
            return Result<ProductValues>.NotFound($"Product {productId} does not exist.");
        }

        var errors = new FieldErrors();
        var chosen = await ValueTagRules.ResolveAsync(db, errors, request.Values?.Select(v => (v?.Value, v?.Strength)).ToList(), "strength",
            ValueLimits.MinStrength, ValueLimits.MaxStrength, MaxTags, ct);
        if (errors.Any)
        {
            return errors.ToResult<ProductValues>();
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.ProductValues.Where(p => p.ProductId == productId).ExecuteDeleteAsync(ct);
        db.ProductValues.AddRange(chosen.Select(c => new ProductValue { ProductId = productId, ValueId = c.ValueId, Strength = c.Level }));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        logger.LogInformation("Product {ProductId} tagged with {Count} values", productId, chosen.Count);
        return await get.HandleAsync(productId, ct);
    }
}

/// <summary>Checks a list of (value key, level) pairs shared by product tags and partner ratings.</summary>
internal static class ValueTagRules
{
    public static async Task<List<(long ValueId, int Level)>> ResolveAsync(
        RapportDbContext db, FieldErrors errors, IReadOnlyList<(string? Key, int? Level)>? items, string levelField, int min, int max, int maxItems, CancellationToken ct)
    {
        var result = new List<(long ValueId, int Level)>();
        if (items is null)
        {
            errors.Add("values", "Is required: the whole list ([] removes every one).");
            return result;
        }

        if (items.Count > maxItems)
        {
            errors.Add("values", $"At most {maxItems} values.");
            return result;
        }

        var all = await db.TaxonomyValues.AsNoTracking().ToListAsync(ct);
        var byKey = all.ToDictionary(v => v.Key, StringComparer.Ordinal);
        var byId = all.ToDictionary(v => v.Id);
        for (var i = 0; i < items.Count; i++)
        {
            var (key, level) = items[i];
            var field = $"values[{i}]";
            var clean = Validate.Clean(key);
            TaxonomyValue? value = null;
            if (clean is null)
            {
                errors.Add($"{field}.value", "Is required: a value key.");
            }
            else if (!byKey.TryGetValue(clean, out value))
            {
                errors.Add($"{field}.value", $"There is no value with key '{clean}'.");
            }
            else
            {
                for (var hops = 0; value.MergedIntoId is { } into && hops < 16; hops++)
                {
                    value = byId[into];
                }

                if (value.Status != ValueStatus.Active)
                {
                    errors.Add($"{field}.value", $"Value '{value.Key}' is retired.");
                    value = null;
                }
                else if (result.Any(r => r.ValueId == value.Id))
                {
                    errors.Add($"{field}.value", $"Value '{value.Key}' is named twice.");
                    value = null;
                }
            }

            if (level is null)
            {
                errors.Add($"{field}.{levelField}", "Is required.");
            }
            else if (level < min || level > max)
            {
                errors.Add($"{field}.{levelField}", $"Must be a whole number from {min} to {max}.");
            }
            else if (value is not null)
            {
                result.Add((value.Id, level.Value));
            }
        }

        return result;
    }
}

/// <summary>A column of the products × values matrix: an active value, how many products support it and how strongly.</summary>
public sealed record MatrixValue(string Key, string Name, int? Importance, int Products, int CoreProducts);

/// <summary>A row: a product and its strength (1–3) per value key; values it does not support are absent.</summary>
public sealed record MatrixProduct(long Id, string Sku, string Name, string? Category, bool Active, IReadOnlyDictionary<string, int> Strengths);

/// <param name="Unsupported">Active values no product supports, most important to the business first: the supply side of the gap report.</param>
/// <param name="Untagged">Products (of those listed) tagged with no value.</param>
/// <param name="Truncated">True when more products matched than <see cref="GetProductValueMatrix.MaxProducts"/>.</param>
public sealed record ProductValueMatrix(
    IReadOnlyList<MatrixValue> Values,
    IReadOnlyList<MatrixProduct> Products,
    IReadOnlyList<MatrixValue> Unsupported,
    int Untagged,
    bool Truncated);

/// <summary>
/// Products × values (issue 5, part 8): every active value as a column (most important to the business first, then by
/// name), products as rows by category and name, each cell the strength the product supports the value with. A
/// category narrows the rows. Retired and merged values are left out (their tags moved with a merge).
/// </summary>
public sealed class GetProductValueMatrix(RapportDbContext db)
{
    public const int MaxProducts = 1000;

    public async Task<Result<ProductValueMatrix>> HandleAsync(string? category, bool includeInactive, CancellationToken ct)
    {
        if (category is { Length: > 100 })
        {
            return Result<ProductValueMatrix>.Invalid("category", "Must be at most 100 characters.");
        }

        var values = await db.TaxonomyValues.AsNoTracking().Where(v => v.Status == ValueStatus.Active)
            .Select(v => new { v.Id, v.Key, v.Name }).ToListAsync(ct);
        var ids = values.Select(v => v.Id).ToList();
        // The newest rating of each value is its current importance (ratings are append-only).
        var ratings = await db.ValueRatings.AsNoTracking().Where(r => ids.Contains(r.ValueId))
            .Select(r => new { r.ValueId, r.Id, r.Importance }).ToListAsync(ct);
        var importance = ratings.GroupBy(r => r.ValueId).ToDictionary(g => g.Key, g => g.MaxBy(r => r.Id)!.Importance);

        var products = db.Products.AsNoTracking().AsQueryable();
        if (!includeInactive)
        {
            products = products.Where(p => p.Active);
        }

        if (!string.IsNullOrWhiteSpace(category))
        {
            var wanted = category.Trim();
            products = products.Where(p => p.Category == wanted);
        }

        var rows = await products.OrderBy(p => p.Category).ThenBy(p => p.NameNormalized).ThenBy(p => p.Id).Take(MaxProducts + 1)
            .Select(p => new { p.Id, p.Sku, p.Name, p.Category, p.Active }).ToListAsync(ct);
        var truncated = rows.Count > MaxProducts;
        if (truncated)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        var productIds = rows.Select(p => p.Id).ToList();
        var keyOf = values.ToDictionary(v => v.Id, v => v.Key);
        var tags = await db.ProductValues.AsNoTracking().Where(t => productIds.Contains(t.ProductId) && ids.Contains(t.ValueId))
            .Select(t => new { t.ProductId, t.ValueId, t.Strength }).ToListAsync(ct);
        var byProduct = tags.GroupBy(t => t.ProductId).ToDictionary(g => g.Key, g => g.ToDictionary(t => keyOf[t.ValueId], t => t.Strength, StringComparer.Ordinal));

        var columns = values
            .Select(v => new MatrixValue(v.Key, v.Name, importance.TryGetValue(v.Id, out var i) ? i : null,
                tags.Count(t => t.ValueId == v.Id), tags.Count(t => t.ValueId == v.Id && t.Strength == 3)))
            .OrderByDescending(v => v.Importance ?? 0).ThenBy(v => v.Name, StringComparer.OrdinalIgnoreCase).ToList();
        var matrixRows = rows.Select(p => new MatrixProduct(p.Id, p.Sku, p.Name, p.Category, p.Active,
            byProduct.TryGetValue(p.Id, out var s) ? s : new Dictionary<string, int>(StringComparer.Ordinal))).ToList();
        return Result<ProductValueMatrix>.Ok(new ProductValueMatrix(columns, matrixRows,
            columns.Where(c => c.Products == 0).ToList(), matrixRows.Count(r => r.Strengths.Count == 0), truncated));
    }
}
