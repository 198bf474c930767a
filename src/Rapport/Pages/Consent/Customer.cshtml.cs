using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Api;
using Rapport.Consent;
using Rapport.Identity;

namespace Rapport.Pages.Consent;

/// <summary>
/// A customer's consent on its own page (<c>/customers/{id}/consent</c>: the card of the customer page, full width) and
/// the card's actions for write-crm staff: record an event (grant, deny or withdraw, source staff), show the customer's
/// preferences link, revoke it. Each action goes back to the page it was asked from.
/// </summary>
public sealed class CustomerModel(RecordConsent record, PreferenceLinks links, Rapport.Customers.GetCustomer getCustomer) : PageModel
{
    public long CustomerId { get; private set; }
    public string Name { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        var customer = await getCustomer.HandleAsync(id, ct);
        if (!customer.IsOk)
        {
            return NotFound();
        }

        CustomerId = id;
        Name = Rapport.Customers.CustomerNames.Display(customer.Value!.FirstName, customer.Value.LastName, customer.Value.Email, id);
        return Page();
    }

    public async Task<IActionResult> OnPostRecordAsync(long id, string? channel, string? purpose, string? status, string? legalBasis, string? noticeVersion, string? sourceReference, string? returnUrl, CancellationToken ct)
    {
        if (!User.Can(Policies.PrivacyEdit))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var result = await record.HandleAsync(id,
            new RecordConsentRequest([new ConsentEventRequest(channel, purpose, status, legalBasis, noticeVersion, "staff", sourceReference)]),
            ConsentEndpoints.ContextOf(User, ConsentSource.Staff), ct);
        if (result.Kind == Common.ResultKind.NotFound)
        {
            return NotFound();
        }

        TempData[result.IsOk ? "Flash" : "ConsentError"] = result.IsOk
            ? "Consent recorded."
            : "Not recorded: " + string.Join(" ", result.Errors.Select(e => $"{e.Key.Replace("events[0].", "", StringComparison.Ordinal)}: {string.Join(" ", e.Value)}"));
        return Back(id, returnUrl);
    }

    public async Task<IActionResult> OnPostLinkAsync(long id, bool revoke, string? returnUrl, CancellationToken ct)
    {
        if (!User.Can(Policies.PrivacyEdit))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var result = revoke ? await links.RevokeAsync(id, ConsentEndpoints.BaseUrl(Request), ct) : await links.GetAsync(id, ConsentEndpoints.BaseUrl(Request), ct);
        if (!result.IsOk)
        {
            return NotFound();
        }

        TempData["ConsentLink"] = result.Value!.PreferencesUrl ?? result.Value.PreferencesPath;
        if (revoke)
        {
            TempData["Flash"] = "Earlier preferences and unsubscribe links of this customer no longer work.";
        }

        return Back(id, returnUrl);
    }

    private RedirectResult Back(long id, string? returnUrl) =>
        Redirect(!string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) ? returnUrl : $"/customers/{id}/consent");
}
