using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Common;
using Rapport.Products;

namespace Rapport.Pages.Products;

/// <summary>The catalogue: search by name or SKU, filter by category and by active or retired, keyset paging.</summary>
public sealed class IndexModel(SearchProducts search, ListCategories categories) : PageModel
{
    public const int PageSize = 25;

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Category { get; set; }

    /// <summary><c>active</c> (the default), <c>inactive</c> or <c>all</c>.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public Page<ProductRow> Results { get; private set; } = new([], null);
    public IReadOnlyList<CategoryRow> Categories { get; private set; } = [];
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;

    public string StatusValue => Status is "inactive" or "all" ? Status : "active";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        bool? active = StatusValue switch { "active" => true, "inactive" => false, _ => null };
        var result = await search.HandleAsync(new SearchProductsQuery(Q, string.IsNullOrWhiteSpace(Category) ? null : Category, active, null, PageSize, After), ct);
        if (result.IsOk)
        {
            Results = result.Value!;
        }
        else
        {
            Errors = result.Errors;
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        }

        if (Request.Headers["HX-Target"] == "product-results")
        {
            return Partial("_ProductResults", this);
        }

        Categories = await categories.HandleAsync(ct);
        return Page();
    }

    public string Link(string? after) => "/products" + QueryString.Create(new Dictionary<string, string?>
    {
        ["q"] = string.IsNullOrWhiteSpace(Q) ? null : Q,
        ["category"] = string.IsNullOrWhiteSpace(Category) ? null : Category,
        ["status"] = StatusValue == "active" ? null : StatusValue,
        ["after"] = after,
    }.Where(p => p.Value is not null)).ToUriComponent();
}
