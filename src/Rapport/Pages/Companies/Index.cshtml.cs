using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Common;
using Rapport.Companies;

namespace Rapport.Pages.Companies;

public sealed class IndexModel(SearchCompanies search) : PageModel
{
    public const int PageSize = 25;

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public Page<CompanyRow> Results { get; private set; } = new([], null);
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var result = await search.HandleAsync(new SearchCompaniesQuery(Q, PageSize, After), ct);
        if (result.IsOk)
        {
            Results = result.Value!;
        }
        else
        {
            Errors = result.Errors;
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        }

        return Request.Headers["HX-Target"] == "company-results" ? Partial("_CompanyResults", this) : Page();
    }

    public string Link(string? after) => "/companies" + QueryString.Create(new Dictionary<string, string?>
    {
        ["q"] = string.IsNullOrWhiteSpace(Q) ? null : Q,
        ["after"] = after,
    }.Where(p => p.Value is not null)).ToUriComponent();
}
