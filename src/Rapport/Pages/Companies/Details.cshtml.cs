using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Common;
using Rapport.Companies;
using Rapport.Identity;

namespace Rapport.Pages.Companies;

public sealed class DetailsModel(GetCompany get, ListCompanyCustomers people, DeleteCompany delete, TimeProvider clock) : PageModel
{
    public const int PeoplePageSize = 25;

    public CompanyDetail Company { get; private set; } = null!;
    public Page<CompanyCustomerRow> People { get; private set; } = new([], null);
    public DateTimeOffset Now => clock.GetUtcNow();

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        var company = await get.HandleAsync(id, ct);
        if (!company.IsOk)
        {
            return NotFound();
        }

        Company = company.Value!;
        var page = await people.HandleAsync(new ListCompanyCustomersQuery(id, PeoplePageSize, After), ct);
        if (!page.IsOk)
        {
            return Redirect($"/companies/{id}");
        }

        People = page.Value!;
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(long id, int? version, CancellationToken ct)
    {
        if (!User.Can(Policies.CustomersDelete))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var result = await delete.HandleAsync(id, version, ct);
        switch (result.Kind)
        {
            case ResultKind.Ok:
                TempData["Flash"] = $"{result.Value!.Name} was deleted; {Display.Plural(result.Value.CustomersDetached, "person", "people")} kept without a company.";
                return Redirect("/companies");
            case ResultKind.PreconditionFailed:
                TempData["FlashError"] = "This company was changed by someone else since you opened the page, so it was not deleted. Check the latest details first.";
                return Redirect($"/companies/{id}");
            default:
                return NotFound();
        }
    }
}
