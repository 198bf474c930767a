using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Exports;

namespace Rapport.Pages.Exports;

/// <summary><c>/customers/{id}/vcard</c>: the customer's vCard for the signed-in user (the API has the same at <c>/api/v1/customers/{id}/vcard</c>).</summary>
public sealed class CustomerVCardModel(ExportVCard vcard) : PageModel
{
    public async Task<IActionResult> OnGetAsync(long id, string? version, CancellationToken ct)
    {
        var result = await vcard.HandleAsync(id, version, ct);
        if (!result.IsOk)
        {
            return result.Kind == Common.ResultKind.NotFound ? NotFound() : BadRequest();
        }

        Response.Headers.CacheControl = "no-store";
        return File(System.Text.Encoding.UTF8.GetBytes(result.Value!.Text), "text/vcard; charset=utf-8", result.Value.FileName);
    }
}
