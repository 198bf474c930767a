using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Duplicates;
using Rapport.Identity;

namespace Rapport.Pages.Duplicates;

/// <summary>One profile field of the pair, as shown side by side. <c>Key</c> is the merge field name.</summary>
public sealed record CompareRow(string Key, string Label, string? A, string? B)
{
    public bool Same => string.Equals(A ?? "", B ?? "", StringComparison.Ordinal);

    /// <summary>The side picked before the reviewer chooses: A's value, or B's when A has none.</summary>
    public string DefaultSide => string.IsNullOrEmpty(A) && !string.IsNullOrEmpty(B) ? "b" : "a";

    public string Slug => Key.Replace('.', '-');
}

/// <summary>
/// Two customers side by side with a choice per differing field, which one to keep, and Merge / Not the same
/// buttons. Choices are posted by side (a or b) so they stay what the reviewer saw whichever customer is kept; the
/// versions the page was rendered with are posted too, so a change made meanwhile stops the merge.
/// </summary>
public sealed class CompareModel(
    GetCandidate getCandidate,
    GetCustomer getCustomer,
    ListCustomFields listCustomFields,
    MergeCustomers merge,
    DismissCandidate dismiss) : PageModel
{
    public const string FieldPrefix = "f.";

    public CandidateRow Candidate { get; private set; } = null!;
    public CustomerDetail A { get; private set; } = null!;
    public CustomerDetail B { get; private set; } = null!;
    public IReadOnlyList<CompareRow> Rows { get; private set; } = [];
    public string? Message { get; private set; }
    public bool CanWrite => User.Can(Policies.CustomersEdit);

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostMergeAsync(long id, string? keep, int? versionA, int? versionB, CancellationToken ct)
    {
        if (!CanWrite)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        var keepB = keep == "b";
        var (survivor, merged) = keepB ? (B, A) : (A, B);
        var fields = new Dictionary<string, MergeSide>(StringComparer.Ordinal);
        foreach (var row in Rows.Where(r => !r.Same))
        {
            var side = Request.Form[FieldPrefix + row.Key].ToString();
            if (side is "a" or "b")
            {
                fields[row.Key] = (side == "b") == keepB ? MergeSide.Survivor : MergeSide.Merged;
            }
        }

        var result = await merge.HandleAsync(
            new MergeCustomersRequest(survivor.Id, merged.Id, fields, keepB ? versionB : versionA, keepB ? versionA : versionB, CustomerSources.Ui, User.GetUserId()), ct);
        if (result.IsOk)
        {
            TempData["Flash"] = $"{merged.DisplayName} (customer {merged.Id}) was merged into {result.Value!.Customer.DisplayName}.";
            return Done($"/customers/{survivor.Id}");
        }

        var message = result.Kind switch
        {
            ResultKind.PreconditionFailed => "One of the two customers was changed since you opened this page, so nothing was merged. Reload the page to compare the latest details.",
            _ => string.Join(" ", result.Errors.SelectMany(e => e.Value).DefaultIfEmpty(result.Message ?? "The customers could not be merged.")),
        };
        return Refused(result.Kind == ResultKind.PreconditionFailed ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity, message);
    }

    public async Task<IActionResult> OnPostDismissAsync(long id, CancellationToken ct)
    {
        if (!CanWrite)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var result = await dismiss.HandleAsync(id, User.GetUserId(), ct);
        if (!result.IsOk)
        {
            return NotFound();
        }

        TempData["Flash"] = $"{result.Value!.A.DisplayName} and {result.Value.B.DisplayName} are marked as different people; they will not be proposed again.";
        return Done("/duplicates");
    }

    /// <summary>htmx follows HX-Redirect; a plain form post gets a normal redirect.</summary>
    private IActionResult Done(string location)
    {
        if (Request.Headers.ContainsKey("HX-Request"))
        {
            Response.Headers["HX-Redirect"] = location;
            return new NoContentResult();
        }

        return Redirect(location);
    }

    private IActionResult Refused(int status, string message)
    {
        Response.StatusCode = status;
        if (Request.Headers.ContainsKey("HX-Request"))
        {
            return Content($"<div class=\"alert alert-danger\" role=\"alert\"><p>{System.Net.WebUtility.HtmlEncode(message)}</p></div>", "text/html");
        }

        Message = message;
        return Page();
    }

    private async Task<bool> LoadAsync(long id, CancellationToken ct)
    {
        var candidate = await getCandidate.HandleAsync(id, ct);
        if (!candidate.IsOk)
        {
            return false;
        }

        var a = await getCustomer.HandleAsync(candidate.Value!.A.Id, ct);
        var b = await getCustomer.HandleAsync(candidate.Value.B.Id, ct);
        if (!a.IsOk || !b.IsOk)
        {
            return false;
        }

        (Candidate, A, B) = (candidate.Value, a.Value!, b.Value!);
        var custom = await listCustomFields.HandleAsync(ct);
        Rows =
        [
            .. MergeFields.Standard.Select(f => new CompareRow(f.Key, f.Label, Text(A, f.Key), Text(B, f.Key))),
            .. custom.Select(f => new CompareRow(MergeFields.CustomPrefix + f.Key, f.Label, Custom(A, f.Key), Custom(B, f.Key)))
                .Where(r => r.A is not null || r.B is not null),
        ];
        return true;
    }

    private static string? Text(CustomerDetail c, string key) => key switch
    {
        "firstName" => c.FirstName,
        "lastName" => c.LastName,
        "email" => c.Email,
        "phone" => c.Phone,
        "street" => c.Street,
        "postalCode" => c.PostalCode,
        "city" => c.City,
        "region" => c.Region,
        "country" => c.Country,
        "birthDate" => c.BirthDate is null ? null : Display.Date(c.BirthDate),
        "language" => c.Language,
        "companyId" => c.Company?.Name,
        "ownerId" => c.Owner?.Name,
        _ => null,
    };

    private static string? Custom(CustomerDetail c, string key) =>
        c.CustomFields.TryGetValue(key, out var v) ? v.Value switch
        {
            null => null,
            bool flag => flag ? "Yes" : "No",
            decimal d => d.ToString("0.####", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            var other => other.ToString(),
        } : null;
}
