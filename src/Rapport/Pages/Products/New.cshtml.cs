using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Common;
using Rapport.Identity;
using Rapport.Products;

namespace Rapport.Pages.Products;

public sealed class NewModel(CreateProduct create, ListCategories categories) : PageModel
{
    [BindProperty]
    public ProductForm Form { get; set; } = new();

    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;
    public IReadOnlyList<CategoryRow> Categories { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!User.Can(Policies.CatalogEdit))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        Categories = await categories.HandleAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!User.Can(Policies.CatalogEdit))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var errors = new FieldErrors();
        var request = Form.ToCreate(errors);
        if (!errors.Any)
        {
            var result = await create.HandleAsync(request, ct);
            if (result.IsOk)
            {
                TempData["Flash"] = $"{result.Value!.Name} was added to the catalogue.";
                return Redirect($"/products/{result.Value.Id}");
            }

            Errors = result.Errors.Count > 0 ? result.Errors : new Dictionary<string, string[]> { [""] = [result.Message ?? "The product could not be saved."] };
        }
        else
        {
            Errors = errors.ToDictionary();
        }

        Categories = await categories.HandleAsync(ct);
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }
}
