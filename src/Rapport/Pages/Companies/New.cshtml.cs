using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Common;
using Rapport.Companies;
using Rapport.Identity;

namespace Rapport.Pages.Companies;

public sealed class NewModel(CreateCompany create) : PageModel
{
    [BindProperty]
    public CompanyForm Form { get; set; } = new();

    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;

    public IActionResult OnGet() => User.Can(Policies.CustomersEdit) ? Page() : StatusCode(StatusCodes.Status403Forbidden);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!User.Can(Policies.CustomersEdit))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var result = await create.HandleAsync(Form.ToCreate(), ct);
        if (result.IsOk)
        {
            TempData["Flash"] = $"{result.Value!.Name} was added.";
            return Redirect($"/companies/{result.Value.Id}");
        }

        Errors = result.Errors.Count > 0 ? result.Errors : new Dictionary<string, string[]> { [""] = [result.Message ?? "The company could not be saved."] };
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }
}
