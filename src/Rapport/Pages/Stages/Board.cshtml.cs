using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Rapport.Data;
using Rapport.Identity;
using Rapport.Segments;
using Rapport.Stages;

namespace Rapport.Pages.Stages;

/// <summary>
/// The stage board: a column per stage with its count and the most recently active customers, filtered by owner and
/// segment; "more" pages a column (htmx, or a plain link that shows more of it). Dragging a card to another column
/// (stages.js) or the form on the customer page posts an override here.
/// </summary>
public sealed class BoardModel(GetStageBoard board, ListUsers users, RapportDbContext db, SetStageOverride setOverride, RemoveStageOverride removeOverride) : PageModel
{
    public const int PageSize = 20;

    [BindProperty(SupportsGet = true)]
    public long? Owner { get; set; }

    [BindProperty(SupportsGet = true)]
    public long? Segment { get; set; }

    /// <summary>The column shown longer (no-JS "more"), with <see cref="Take"/> cards.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Expand { get; set; }

    [BindProperty(SupportsGet = true)]
    public int? Take { get; set; }

    public IReadOnlyList<StageBoardColumn> Columns { get; private set; } = [];
    public IReadOnlyList<(string Value, string Label)> Owners { get; private set; } = [];
    public IReadOnlyList<(string Value, string Label)> Segments { get; private set; } = [];
    public bool CanWrite => User.Can(Policies.CustomersEdit);

    public async Task OnGetAsync(CancellationToken ct)
    {
        var columns = new List<StageBoardColumn>();
        foreach (var stage in Rapport.Stages.Stages.All)
        {
            var take = Expand == stage.Key() && Take is { } t ? Math.Clamp(t, PageSize, GetStageBoard.MaxTake) : PageSize;
            columns.Add(await board.HandleAsync(new StageBoardQuery(stage, Owner, Segment, 0, take), ct));
        }

        Columns = columns;
        Owners = [("", "Any owner"), .. (await users.HandleAsync(ct)).Select(u => (u.Id.ToString(CultureInfo.InvariantCulture), u.DisplayName))];
        Segments = [("", "Any segment"), .. (await db.Set<Segment>().AsNoTracking().OrderBy(s => s.Name).Select(s => new { s.Id, s.Name }).ToListAsync(ct))
            .Select(s => (s.Id.ToString(CultureInfo.InvariantCulture), s.Name))];
    }

    /// <summary>The next cards of one column (htmx): the cards and a new "more" button.</summary>
    public async Task<IActionResult> OnGetColumnAsync(string stage, int skip, CancellationToken ct)
    {
        if (!Rapport.Stages.Stages.TryParse(stage, out var s))
        {
            return NotFound();
        }

        var column = await board.HandleAsync(new StageBoardQuery(s, Owner, Segment, skip, PageSize), ct);
        return Partial("_BoardCards", new BoardCardsView(column, this));
    }

    public async Task<IActionResult> OnPostOverrideAsync(long customerId, string? stage, string? reason, string? expiresOn, string? returnUrl, CancellationToken ct)
    {
        if (!CanWrite)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        DateTimeOffset? expires = null;
        if (!string.IsNullOrWhiteSpace(expiresOn))
        {
            if (!DateOnly.TryParseExact(expiresOn.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                return Back(returnUrl, "The expiry must be a date.", error: true);
            }

            // An override "until 3 May" holds through that day (UTC).
            expires = new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        }

        var result = await setOverride.HandleAsync(customerId, new SetStageOverrideRequest(stage, reason, expires), User.GetUserId(), ct);
        if (result.Kind == Common.ResultKind.NotFound)
        {
            return NotFound();
        }

        return result.IsOk
            ? Back(returnUrl, $"Stage set to {result.Value!.Stage} by override.", error: false)
            : Back(returnUrl, "The override was not saved: " + string.Join(" ", result.Errors.SelectMany(e => e.Value.Select(m => $"{Field(e.Key)} {m}"))), error: true);
    }

    public async Task<IActionResult> OnPostRemoveOverrideAsync(long customerId, string? returnUrl, CancellationToken ct)
    {
        if (!CanWrite)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var result = await removeOverride.HandleAsync(customerId, ct);
        return result.IsOk
            ? Back(returnUrl, $"Override removed; the rules place this customer in {result.Value!.Stage}.", error: false)
            : Back(returnUrl, result.Message ?? "There was no override.", error: true);
    }

    private static string Field(string key) => key switch
    {
        "reason" => "Reason:",
        "stage" => "Stage:",
        "expiresAt" => "Expiry:",
        _ => "",
    };

    private RedirectResult Back(string? returnUrl, string message, bool error)
    {
        TempData[error ? "StageError" : "Flash"] = message;
        return Redirect(!string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) ? returnUrl : "/stages/board");
    }

    public string ColumnUrl(Stage stage, int skip) =>
        $"/stages/board?handler=Column&stage={stage.Key()}&skip={skip}{Filters}";

    public string MoreUrl(StageBoardColumn column) =>
        $"/stages/board?expand={column.Stage.Key()}&take={Math.Min(GetStageBoard.MaxTake, column.Skip + column.Cards.Count + PageSize)}{Filters}#column-{column.Stage.Key()}";

    private string Filters =>
        (Owner is { } o ? $"&owner={o}" : "") + (Segment is { } s ? $"&segment={s}" : "");
}

public sealed record BoardCardsView(StageBoardColumn Column, BoardModel Page);
