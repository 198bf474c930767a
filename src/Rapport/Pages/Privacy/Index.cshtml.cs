using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Common;
using Rapport.Identity;
using Rapport.Privacy;

namespace Rapport.Pages.Privacy;

/// <summary>/privacy: the data-subject request log by deadline, overdue and due-soon marked, with filters; log a new request.</summary>
[Authorize(Policy = Policies.PrivacyExport)]
public sealed class IndexModel(PrivacyRequests requests) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Kind { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Overdue { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public Page<PrivacyRequestDetail> Results { get; private set; } = new([], null);
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;
    public NewRequestForm New { get; private set; } = new();

    public static IReadOnlyList<(string Value, string Label)> KindChoices { get; } =
        Enum.GetValues<PrivacyRequestKind>().Select(k => (k.ToString().ToLowerInvariant(), Display.Label(k))).ToList();

    public static IReadOnlyList<(string Value, string Label)> StatusChoices { get; } =
        [("", "Not closed"), ("all", "All"), ("open", "Open"), ("inprogress", "In progress"), ("done", "Done"), ("rejected", "Rejected")];

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(NewRequestForm form, CancellationToken ct)
    {
        New = form;
        var errors = new FieldErrors();
        PrivacyRequestKind kind = default;
        if (!Enum.TryParse(form.Kind, ignoreCase: true, out kind) || !Enum.IsDefined(kind) || int.TryParse(form.Kind, out _))
        {
            errors.Add("kind", "Choose from the list.");
        }

        long? customerId = null;
        if (!string.IsNullOrWhiteSpace(form.CustomerId))
        {
            if (long.TryParse(form.CustomerId.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
            {
                customerId = id;
            }
            else
            {
                errors.Add("customerId", "A customer number, or empty.");
            }
        }

        DateTimeOffset? received = null;
        if (!string.IsNullOrWhiteSpace(form.ReceivedOn))
        {
            if (DateOnly.TryParseExact(form.ReceivedOn.Trim(), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var day))
            {
                received = new DateTimeOffset(day.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);
            }
            else
            {
                errors.Add("receivedAt", "A date such as 2026-06-01.");
            }
        }

        if (!errors.Any)
        {
            var result = await requests.CreateAsync(new CreatePrivacyRequest(kind, customerId, form.RequesterContact ?? "", received, form.Notes), User.GetUserId(), ct);
            if (result.IsOk)
            {
                TempData["Flash"] = $"Request {result.Value!.Id} logged; due {Display.Date(result.Value.DueAt)}.";
                return Redirect($"/privacy/requests/{result.Value.Id}");
            }

            Errors = result.Errors;
        }
        else
        {
            Errors = errors.ToDictionary();
        }

        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        PrivacyRequestStatus? status = null;
        var notClosed = false;
        switch (Status?.Trim().ToLowerInvariant())
        {
            case null or "":
                notClosed = true;
                break;
            case "all":
                break;
            case var s when Enum.TryParse<PrivacyRequestStatus>(s, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(s, out _):
                status = parsed;
                break;
            default:
                Errors = new Dictionary<string, string[]> { ["status"] = ["Choose from the list."] };
                return;
        }

        PrivacyRequestKind? kind = null;
        if (!string.IsNullOrWhiteSpace(Kind))
        {
            if (Enum.TryParse<PrivacyRequestKind>(Kind, ignoreCase: true, out var k) && Enum.IsDefined(k) && !int.TryParse(Kind, out _))
            {
                kind = k;
            }
            else
            {
                Errors = new Dictionary<string, string[]> { ["kind"] = ["Choose from the list."] };
                return;
            }
        }

        var result = await requests.ListAsync(new PrivacyRequestQuery(status, kind, Overdue ? true : null, null, 100, After), ct);
        if (result.IsOk)
        {
            var items = result.Value!.Items;
            Results = notClosed ? result.Value with { Items = items.Where(i => !PrivacyRequests.IsClosed(i.Status)).ToList() } : result.Value;
        }
        else
        {
            Errors = result.Errors;
        }
    }

    public string Link(string? after) =>
        "/privacy?" + string.Join("&", new[]
        {
            Status is null ? null : "status=" + Uri.EscapeDataString(Status),
            Kind is null ? null : "kind=" + Uri.EscapeDataString(Kind),
            Overdue ? "overdue=true" : null,
            after is null ? null : "after=" + Uri.EscapeDataString(after),
        }.Where(p => p is not null));

    public sealed class NewRequestForm
    {
        public string? Kind { get; set; }
        public string? CustomerId { get; set; }
        public string? RequesterContact { get; set; }
        public string? ReceivedOn { get; set; }
        public string? Notes { get; set; }
    }
}
