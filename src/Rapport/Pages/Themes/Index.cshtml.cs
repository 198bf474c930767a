using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Api;
using Rapport.Common;
using Rapport.Identity;
using Rapport.Research.Review;
using Rapport.Values;

namespace Rapport.Pages.Themes;

/// <summary>
/// The review of emergent themes: recurring phrases of all free text that the taxonomy does not cover, with examples.
/// Accept one as a new value, add it to a value's vocabulary, or dismiss it (write-research); refresh the proposals.
/// </summary>
public sealed class IndexModel(
    ListThemeProposals list, ListValues values, RefreshThemeProposals refresh,
    AcceptThemeProposal accept, AddThemeToValue addToValue, DismissThemeProposal dismiss) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty]
    public long? ProposalId { get; set; }

    [BindProperty]
    public string? Key { get; set; }

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Value { get; set; }

    public IReadOnlyList<ThemeProposalDetail> Proposals { get; private set; } = [];
    public IReadOnlyList<ValueDetail> Values { get; private set; } = [];
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;
    /// <summary>The proposal <see cref="Errors"/> belong to.</summary>
    public long? FailedId { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostRefreshAsync(CancellationToken ct)
    {
        if (!User.Can(Policies.ResearchEdit))
        {
            return Forbidden();
        }

        var summary = await refresh.HandleAsync(ct);
        TempData["Flash"] = $"Read {summary.TextsRead:N0} texts: {summary.Proposed} new proposals, {summary.Kept} still proposed, {summary.Removed} no longer found.";
        return Redirect("/themes");
    }

    public async Task<IActionResult> OnPostAcceptAsync(CancellationToken ct)
    {
        if (!User.Can(Policies.ResearchEdit))
        {
            return Forbidden();
        }

        var result = ProposalId is { } id
            ? await accept.HandleAsync(id, new AcceptThemeRequest(Key, Name), ValueEndpoints.ActorOf(User), ct)
            : NoProposal();
        return await AnswerAsync(result, r => $"'{r.Phrase}' is now the value {r.ValueName}.", ct);
    }

    public async Task<IActionResult> OnPostAddToValueAsync(CancellationToken ct)
    {
        if (!User.Can(Policies.ResearchEdit))
        {
            return Forbidden();
        }

        var result = ProposalId is { } id
            ? await addToValue.HandleAsync(id, new AddThemeToValueRequest(Value), ValueEndpoints.ActorOf(User), ct)
            : NoProposal();
        return await AnswerAsync(result, r => $"'{r.Phrase}' was added to the vocabulary of {r.ValueName}.", ct);
    }

    public async Task<IActionResult> OnPostDismissAsync(CancellationToken ct)
    {
        if (!User.Can(Policies.ResearchEdit))
        {
            return Forbidden();
        }

        var result = ProposalId is { } id ? await dismiss.HandleAsync(id, ValueEndpoints.ActorOf(User), ct) : NoProposal();
        return await AnswerAsync(result, r => $"'{r.Phrase}' was dismissed; it will not be proposed again.", ct);
    }

    private static Result<ThemeProposalDetail> NoProposal() => Result<ThemeProposalDetail>.NotFound("Choose a proposal.");

    private StatusCodeResult Forbidden() => StatusCode(StatusCodes.Status403Forbidden);

    private async Task<IActionResult> AnswerAsync(Result<ThemeProposalDetail> result, Func<ThemeProposalDetail, string> done, CancellationToken ct)
    {
        if (result.IsOk)
        {
            TempData["Flash"] = done(result.Value!);
            return Redirect("/themes");
        }

        if (result.Kind == ResultKind.NotFound)
        {
            return NotFound();
        }

        Errors = result.Errors.Count > 0 ? result.Errors : new Dictionary<string, string[]> { [""] = [result.Message ?? "Refused."] };
        FailedId = ProposalId;
        Response.StatusCode = result.Kind == ResultKind.Conflict && result.Errors.Count == 0 ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var status = Status switch
        {
            "accepted" => ProposalStatus.Accepted,
            "addedToVocabulary" => ProposalStatus.AddedToVocabulary,
            "dismissed" => ProposalStatus.Dismissed,
            _ => ProposalStatus.Proposed,
        };
        Status = status == ProposalStatus.Proposed ? "proposed" : Status;
        Proposals = await list.HandleAsync(status, ct);
        Values = await values.HandleAsync(new ListValuesQuery(ValueStatus.Active), ct);
    }

    public static string Describe(ProposalStatus status) => status switch
    {
        ProposalStatus.Proposed => "proposed",
        ProposalStatus.Accepted => "accepted as a value",
        ProposalStatus.AddedToVocabulary => "added to a vocabulary",
        _ => "dismissed",
    };
}
