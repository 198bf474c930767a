using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Common;
using Rapport.Companies;
using Rapport.Identity;

namespace Rapport.Pages.Companies;

/// <summary>Edits a company with the version it was read at; a change by someone else in between is refused.</summary>
public sealed class EditModel(GetCompany get, UpdateCompany update) : PageModel
{
    [BindProperty]
    public CompanyForm Form { get; set; } = new();

    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;
    public long Id { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        if (!User.Can(Policies.CustomersEdit))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var company = await get.HandleAsync(id, ct);
        if (!company.IsOk)
        {
            return NotFound();
        }

        Id = id;
        Form = CompanyForm.From(company.Value!);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(long id, CancellationToken ct)
    {
        if (!User.Can(Policies.CustomersEdit))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        Id = id;
        var result = await update.HandleAsync(id, Form.Version, Form.ToChanges(), ct);
        switch (result.Kind)
        {
            case ResultKind.Ok:
                TempData["Flash"] = $"{result.Value!.Name} was saved.";
                return Redirect($"/companies/{id}");
            case ResultKind.NotFound:
                return NotFound();
            case ResultKind.PreconditionFailed:
                Errors = new Dictionary<string, string[]> { [""] = ["This company was changed by someone else since you opened this form. Open it again to see the latest details, then make your change."] };
                Response.StatusCode = StatusCodes.Status409Conflict;
                return Page();
            default:
                Errors = result.Errors.Count > 0 ? result.Errors : new Dictionary<string, string[]> { [""] = [result.Message ?? "The company could not be saved."] };
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                return Page();
        }
    }
}
