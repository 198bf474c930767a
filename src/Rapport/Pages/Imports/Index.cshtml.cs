using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Common;
using Rapport.Identity;
using Rapport.Imports;

namespace Rapport.Pages.Imports;

/// <summary>The import history: every import, newest first, with its outcome and a rejects download.</summary>
public sealed class IndexModel(ListImports list) : PageModel
{
    public Page<ImportDetail> Imports { get; private set; } = new([], null);
    public string? After { get; private set; }
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;
    public bool CanImport => User.Can(Policies.ImportsEdit) && (User.Can(Policies.CustomersEdit) || User.Can(Policies.CatalogEdit));

    public async Task OnGetAsync(string? after, CancellationToken ct)
    {
        After = after;
        var result = await list.HandleAsync(after, 50, ct);
        if (result.IsOk)
        {
            Imports = result.Value!;
        }
        else
        {
            Errors = result.Errors;
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
    }

    public bool CanSeeRejects(ImportDetail import) => User.Can(Api.ImportEndpoints.PolicyFor(import.Kind));
}
