using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Rapport.Duplicates;

namespace Rapport.Pages.Duplicates;

/// <summary>What the customer page shows for an id that was merged away: a 404 page that links to the survivor.</summary>
public sealed record MergedAwayView(long Id, long SurvivorId);

public static class MergedAway
{
    /// <summary>The 404 page naming the survivor, or null when <paramref name="id"/> was not merged away (a plain 404 then).</summary>
    public static async Task<IActionResult?> PageAsync(PageModel page, long id, CancellationToken ct)
    {
        var find = page.HttpContext.RequestServices.GetRequiredService<FindMergedInto>();
        if (await find.HandleAsync(id, ct) is not { } survivor)
        {
            return null;
        }

        page.Response.StatusCode = StatusCodes.Status404NotFound;
        return new PartialViewResult
        {
            ViewName = "/Pages/Duplicates/_MergedAway.cshtml",
            ViewData = new ViewDataDictionary<MergedAwayView>(page.ViewData, new MergedAwayView(id, survivor)),
            TempData = page.TempData,
            StatusCode = StatusCodes.Status404NotFound,
        };
    }
}

/// <summary>The "Merged with …" card on a customer's page: the customers folded into this one.</summary>
public sealed class CustomerMergesViewComponent(ListMerges list) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync(long customerId)
    {
        var merges = await list.HandleAsync(customerId, HttpContext.RequestAborted);
        return View("/Pages/Duplicates/_CustomerMerges.cshtml", merges.IsOk ? merges.Value! : []);
    }
}
