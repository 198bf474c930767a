using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Api;
using Rapport.Identity;
using Rapport.Values.Profiles;

namespace Rapport.Pages.Customers;

/// <summary>A customer's whole value profile with all its evidence, and the profiling switch (write-crm).</summary>
public sealed class ValuesModel(GetCustomerValues get, SetProfiling setProfiling) : PageModel
{
    public CustomerValues Profile { get; private set; } = null!;
    public bool CanWrite => User.Can(Policies.CustomersEdit);

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        var result = await get.HandleAsync(id, ct);
        if (!result.IsOk)
        {
            return NotFound();
        }

        Profile = result.Value!;
        return Page();
    }

    /// <summary>Switches profiling on or off, then goes back to the page it was asked from (this one or the 360 page).</summary>
    public async Task<IActionResult> OnPostProfilingAsync(long id, bool enabled, string? returnTo, CancellationToken ct)
    {
        if (!CanWrite)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var result = await setProfiling.HandleAsync(id, new SetProfilingRequest(enabled), ValueEndpoints.ActorOf(User), ct);
        if (!result.IsOk)
        {
            return NotFound();
        }

        TempData["Flash"] = enabled ? "Profiling is on: the value profile was computed again." : "Profiling is off: the value scores and alignment were deleted; the evidence is kept.";
        return Redirect(returnTo == "customer" ? $"/customers/{id}#customer-values" : $"/customers/{id}/values");
    }
}
