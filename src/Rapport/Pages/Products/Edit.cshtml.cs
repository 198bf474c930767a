using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Common;
using Rapport.Identity;
using Rapport.Products;

namespace Rapport.Pages.Products;

/// <summary>Edits a product with the version it was read at; a change by someone else in between is refused.</summary>
public sealed class EditModel(GetProduct get, UpdateProduct update, ListCategories categories) : PageModel
{
    [BindProperty]
    public ProductForm Form { get; set; } = new();

    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;
    public IReadOnlyList<CategoryRow> Categories { get; private set; } = [];
    public long Id { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        if (!User.Can(Policies.CatalogEdit))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var product = await get.HandleAsync(id, ct);
        if (!product.IsOk)
        {
            return NotFound();
        }

        Id = id;
        Form = ProductForm.From(product.Value!);
        Categories = await categories.HandleAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(long id, CancellationToken ct)
    {
        if (!User.Can(Policies.CatalogEdit))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        Id = id;
        var errors = new FieldErrors();
        var changes = Form.ToChanges(errors);
        if (errors.Any)
        {
            Errors = errors.ToDictionary();
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        }
        else
        {
            var result = await update.HandleAsync(id, Form.Version, changes, ct);
            switch (result.Kind)
            {
                case ResultKind.Ok:
                    TempData["Flash"] = $"{result.Value!.Name} was saved.";
                    return Redirect($"/products/{id}");
                case ResultKind.NotFound:
                    return NotFound();
                case ResultKind.PreconditionFailed:
                    Errors = new Dictionary<string, string[]> { [""] = ["This product was changed by someone else since you opened this form. Open it again to see the latest details, then make your change."] };
                    Response.StatusCode = StatusCodes.Status409Conflict;
                    break;
                default:
                    Errors = result.Errors.Count > 0 ? result.Errors : new Dictionary<string, string[]> { [""] = [result.Message ?? "The product could not be saved."] };
                    Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                    break;
            }
        }

        Categories = await categories.HandleAsync(ct);
        return Page();
    }
}
