using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Common;
using Rapport.Identity;
using Rapport.Products;
using Rapport.Values;

namespace Rapport.Pages.Products;

public sealed class DetailsModel(GetProduct get, DeleteProduct delete, GetProductValues getValues, SetProductValues setValues, ListValues listValues) : PageModel
{
    public ProductDetail Product { get; private set; } = null!;
    /// <summary>The values the product supports (docs/values.md), strongest first.</summary>
    public IReadOnlyList<ProductValueTag> ValueTags { get; private set; } = [];
    /// <summary>Active values, offered in the tagging form.</summary>
    public IReadOnlyList<ValueDetail> ActiveValues { get; private set; } = [];
    public IReadOnlyDictionary<string, string[]> ValueErrors { get; private set; } = Common.FieldErrors.None;

    /// <summary>Value key → strength 1–3, or empty for "not tagged".</summary>
    [BindProperty]
    public Dictionary<string, string?> Strengths { get; set; } = [];

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostValuesAsync(long id, CancellationToken ct)
    {
        if (!User.Can(Policies.CatalogEdit))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var tags = Strengths.Where(s => !string.IsNullOrWhiteSpace(s.Value))
            .Select(s => (ProductValueInput?)new ProductValueInput(s.Key,
                int.TryParse(s.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0))
            .ToList();
        var result = await setValues.HandleAsync(id, new SetProductValuesRequest(tags), ct);
        switch (result.Kind)
        {
            case ResultKind.Ok:
                TempData["Flash"] = "The product's values were saved.";
                return Redirect($"/products/{id}#product-values");
            case ResultKind.NotFound:
                return NotFound();
            default:
                ValueErrors = result.Errors.Count > 0 ? result.Errors : new Dictionary<string, string[]> { [""] = [result.Message ?? "The values could not be saved."] };
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                return await LoadAsync(id, ct, keepForm: true) ? Page() : NotFound();
        }
    }

    private async Task<bool> LoadAsync(long id, CancellationToken ct, bool keepForm = false)
    {
        var product = await get.HandleAsync(id, ct);
        if (!product.IsOk)
        {
            return false;
        }

        Product = product.Value!;
        ValueTags = (await getValues.HandleAsync(id, ct)).Value?.Values ?? [];
        ActiveValues = await listValues.HandleAsync(new ListValuesQuery(ValueStatus.Active), ct);
        if (!keepForm)
        {
            Strengths = ValueTags.ToDictionary(t => t.Value, t => (string?)t.Strength.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return true;
    }

    public async Task<IActionResult> OnPostDeleteAsync(long id, int? version, CancellationToken ct)
    {
        if (!User.Can(Policies.CatalogDelete))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var result = await delete.HandleAsync(id, version, ct);
        switch (result.Kind)
        {
            case ResultKind.Ok:
                TempData["Flash"] = $"{result.Value!.Name} was deleted.";
                return Redirect("/products");
            case ResultKind.NotFound:
                return NotFound();
            default:
                TempData["FlashError"] = result.Message ?? "The product could not be deleted.";
                return Redirect($"/products/{id}");
        }
    }
}
