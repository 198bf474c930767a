using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Data;
using Rapport.Interactions;

namespace Rapport.Products;

/// <summary>
/// Product search; every filter is optional. <c>Q</c> matches part of the name or SKU, ignoring letter case.
/// <c>Category</c> is an exact category (see <see cref="ListCategories"/>). <c>Limit</c> 1..200 (default 50);
/// <c>After</c> is the previous page's <c>Next</c>.
/// </summary>
public sealed record SearchProductsQuery(
    string? Q = null,
    string? Category = null,
    bool? Active = null,
    ProductKind? Kind = null,
    int? Limit = null,
    string? After = null);

/// <summary>Products sorted by name (ignoring letter case), then id; keyset-paged.</summary>
public sealed class SearchProducts(RapportDbContext db)
{
    public const int QueryMaxLength = 100;

    public async Task<Result<Page<ProductRow>>> HandleAsync(SearchProductsQuery query, CancellationToken ct)
    {
        var errors = new FieldErrors();
        Cursor.TryLimit(query.Limit, errors, out var limit);
        Keyset.TryDecode(query.After, errors, out (string Text, long Id)? after);
        var q = Validate.Clean(query.Q);
        Validate.MaxLength(errors, "q", q, QueryMaxLength);
        var category = Validate.Clean(query.Category);
        Validate.MaxLength(errors, "category", category, ProductLimits.Category);
        if (query.Kind is { } k && !Enum.IsDefined(k))
        {
            errors.Add("kind", "Must be product or service.");
        }

        if (errors.Any)
        {
            return errors.ToResult<Page<ProductRow>>();
        }

        var products = db.Products.AsNoTracking();
        if (q is not null)
        {
            // Names are matched on their stored folding (no accents, lower case), the same on both providers;
            // SKUs are ASCII, where lower() also agrees on SQLite and PostgreSQL.
            var folded = Validate.Fold(q);
#pragma warning disable CA1862 // Runs as SQL: EF translates ToLower() to lower() on both providers; StringComparison overloads do not translate.
            products = products.Where(p => p.NameNormalized.Contains(folded) || p.Sku.ToLower().Contains(folded));
#pragma warning restore CA1862
        }

        if (category is not null)
        {
            products = products.Where(p => p.Category == category);
        }

        if (query.Active is { } active)
        {
            products = products.Where(p => p.Active == active);
        }

        if (query.Kind is { } kind)
        {
            products = products.Where(p => p.Kind == kind);
        }

        var sorted = products.Select(p => new { Key = p.NameNormalized, Product = p });
        if (after is var (afterKey, afterId))
        {
            sorted = sorted.Where(x => string.Compare(x.Key, afterKey) > 0 || (x.Key == afterKey && x.Product.Id > afterId));
        }

        var rows = await sorted
            .OrderBy(x => x.Key).ThenBy(x => x.Product.Id)
            .Take(limit + 1)
            .Select(x => new
            {
                x.Key,
                Row = new ProductRow(x.Product.Id, x.Product.Sku, x.Product.Name, x.Product.Category, x.Product.Kind, x.Product.Price, x.Product.Currency, x.Product.Active),
            })
            .ToListAsync(ct);
        var page = Keyset.ToPage(rows, limit, x => Keyset.Encode(x.Key, x.Row.Id));
        return Result<Page<ProductRow>>.Ok(new Page<ProductRow>([.. page.Items.Select(x => x.Row)], page.Next));
    }
}
