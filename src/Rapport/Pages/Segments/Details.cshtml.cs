using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Rapport.Api;
using Rapport.Common;
using Rapport.Data;
using Rapport.Identity;
using Rapport.Segments;

namespace Rapport.Pages.Segments;

public sealed record SegmentEventLine(SegmentEventRow Event, string CustomerName);

/// <summary>/segments/{id}: the rules in words, the members (keyset pages), the CSV, recent entered/left events; writers edit, delete, snapshot.</summary>
public sealed class DetailsModel(GetSegment get, ListSegmentMembers members, ListSegmentEvents events, ListSegmentFields fields, RapportDbContext db, TimeProvider clock)
    : PageModel
{
    public const int MembersPageSize = 25;
    public const int EventsShown = 10;

    public SegmentDetail Segment { get; private set; } = null!;
    public string RulesText { get; private set; } = "";
    public Page<MemberRow> Members { get; private set; } = new([], null);
    public IReadOnlyList<SegmentEventLine> Events { get; private set; } = [];
    public bool CanWrite => User.Can(Policies.SegmentsEdit);
    public DateTimeOffset Now => clock.GetUtcNow();

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        var segment = await get.HandleAsync(id, ct);
        if (!segment.IsOk)
        {
            return NotFound();
        }

        Segment = segment.Value!;
        var names = await db.Set<Segment>().AsNoTracking().Select(s => new { s.Id, s.Name }).ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        RulesText = new RuleText(await fields.HandleAsync(ct), names).Of(Segment.Rules);

        var page = await members.HandleAsync(new SegmentMembersQuery(id, MembersPageSize, After), ct);
        if (!page.IsOk)
        {
            return Redirect($"/segments/{id}");
        }

        Members = page.Value!;
        var recent = await events.HandleAsync(new SegmentEventsQuery(id, EventsShown, null), ct);
        var rows = recent.Value?.Items ?? [];
        var ids = rows.Select(r => r.CustomerId).Distinct().ToList();
        var people = await db.Customers.AsNoTracking().Where(c => ids.Contains(c.Id))
            .Select(c => new MemberRow(c.Id, c.FirstName, c.LastName, c.Email, c.City, c.Country)).ToDictionaryAsync(c => c.Id, ct);
        Events = [.. rows.Select(r => new SegmentEventLine(r, people.TryGetValue(r.CustomerId, out var p) ? SegmentFormPage.CustomerName(p) : $"Customer {r.CustomerId}"))];
        return Page();
    }

    /// <summary>The members as CSV, as the API's members.csv (pages take the sign-in cookie, the API only API keys).</summary>
    public async Task<IActionResult> OnGetCsvAsync(long id, CancellationToken ct)
    {
        if (!User.Can(Policies.SegmentsExport))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        if (!await db.Set<Segment>().AnyAsync(s => s.Id == id, ct))
        {
            return NotFound();
        }

        return new MembersCsv(db, id);
    }

    private sealed class MembersCsv(RapportDbContext db, long id) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context) =>
            SegmentMembersCsv.WriteAsync(
                db, context.HttpContext.RequestServices.GetRequiredService<Access.CustomerOwnership>().Visible(db.Customers), id,
                context.HttpContext.Response, context.HttpContext.RequestAborted);
    }

    public async Task<IActionResult> OnPostDeleteAsync(long id, int? version, [FromServices] DeleteSegment delete, CancellationToken ct)
    {
        if (!CanWrite)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var result = await delete.HandleAsync(id, version, ct);
        switch (result.Kind)
        {
            case ResultKind.Ok:
                TempData["Flash"] = "The segment was deleted.";
                return Redirect("/segments");
            case ResultKind.NotFound:
                return NotFound();
            case ResultKind.PreconditionFailed:
                TempData["FlashError"] = "This segment was changed by someone else since you opened the page, so it was not deleted. Check the latest rules first.";
                return Redirect($"/segments/{id}");
            default:
                TempData["FlashError"] = result.Message ?? "The segment could not be deleted.";
                return Redirect($"/segments/{id}");
        }
    }

    public async Task<IActionResult> OnPostSnapshotAsync(long id, [FromServices] SnapshotSegment snapshot, CancellationToken ct)
    {
        if (!CanWrite)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var result = await snapshot.HandleAsync(id, ct);
        switch (result.Kind)
        {
            case ResultKind.Ok:
                TempData["Flash"] = $"A new snapshot was taken: {Display.Plural(result.Value!.MemberCount, "member")}.";
                return Redirect($"/segments/{id}");
            case ResultKind.NotFound:
                return NotFound();
            default:
                TempData["FlashError"] = result.Message ?? "The snapshot could not be taken.";
                return Redirect($"/segments/{id}");
        }
    }
}
