using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Products;
using Rapport.Values;

namespace Rapport.Pages.Values;

/// <summary>/product-values: which products support which values, how strongly, and which values no product supports.</summary>
public sealed class ProductMatrixModel(GetProductValueMatrix matrix, ListCategories categories) : PageModel
{
    public ProductValueMatrix? Matrix { get; private set; }
    public IReadOnlyList<CategoryRow> Categories { get; private set; } = [];
    public string? Category { get; private set; }
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = Common.FieldErrors.None;

    public async Task OnGetAsync(string? category, CancellationToken ct)
    {
        Category = string.IsNullOrWhiteSpace(category) ? null : category.Trim();
        Categories = await categories.HandleAsync(ct);
        var result = await matrix.HandleAsync(Category, includeInactive: false, ct);
        if (result.IsOk)
        {
            Matrix = result.Value;
        }
        else
        {
            Errors = result.Errors;
        }
    }

    public static string Strength(int strength) => strength switch
    {
        3 => "core",
        2 => "clearly",
        _ => "somewhat",
    };
}
