using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Common;
using Rapport.Identity;
using Rapport.Products;

namespace Rapport.Pages.Products;

public sealed class DetailsModel(GetProduct get, DeleteProduct delete) : PageModel
{
    public ProductDetail Product { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        var product = await get.HandleAsync(id, ct);
        if (!product.IsOk)
        {
            return NotFound();
        }

        Product = product.Value!;
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(long id, int? version, CancellationToken ct)
    {
        if (!User.Can(Policies.WriteCatalog))
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
