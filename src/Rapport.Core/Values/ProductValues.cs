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
