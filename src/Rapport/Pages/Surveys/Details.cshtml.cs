using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Identity;
using Rapport.Surveys;
using Rapport.Values;

namespace Rapport.Pages.Surveys;

/// <summary>
/// One survey: its texts and settings, the question builder (add, edit, remove, reorder, required), publish and
/// close, invitations with their personal links, the anonymous link, and links to responses, import and results.
/// </summary>
public sealed class DetailsModel(
    GetSurvey get, ListValues values, ListSurveyInvitations invitations,
    UpdateSurvey update, DeleteSurvey delete, PublishSurvey publish, CloseSurvey close,
    AddSurveyQuestion addQuestion, UpdateSurveyQuestion updateQuestion, RemoveSurveyQuestion removeQuestion, ReorderSurveyQuestions reorder,
    InviteCustomers invite) : PageModel
{
    public SurveyDetail Survey { get; private set; } = null!;
    public IReadOnlyList<ValueDetail> Values { get; private set; } = [];
    public IReadOnlyList<SurveyInvitationDetail> Invitations { get; private set; } = [];
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;
    /// <summary>Which form <see cref="Errors"/> belong to: edit, add, question-{id}, invite or status.</summary>
    public string? FailedForm { get; private set; }
    public InviteCustomersResult? Invited { get; private set; }

    [BindProperty]
    public SurveyEditForm Edit { get; set; } = new();

    [BindProperty]
    public QuestionForm Question { get; set; } = new();

    [BindProperty]
    public long? QuestionId { get; set; }

    [BindProperty]
    public int? Version { get; set; }

    [BindProperty]
    public string? InviteIds { get; set; }

    [BindProperty]
    public string? InviteTag { get; set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostEditAsync(long id, CancellationToken ct)
    {
        if (!User.Can(Policies.ResearchEdit))
        {
            return Forbidden();
        }

        var errors = new FieldErrors();
        var closes = FormValues.Instant(errors, "closesAt", Edit.ClosesAt);
        var result = errors.Any ? errors.ToResult<SurveyDetail>() : await update.HandleAsync(id, Version, new SurveyChanges
        {
            Title = new Optional<string?>(Edit.Title),
            Intro = new Optional<string?>(Edit.Intro),
            ThankYou = new Optional<string?>(Edit.ThankYou),
            ClosesAt = new Optional<DateTimeOffset?>(closes),
            AnonymousEnabled = new Optional<bool?>(Edit.AnonymousEnabled),
        }, ct);
        return await AnswerAsync(id, "edit", result, "The survey was saved.", ct);
    }

    public async Task<IActionResult> OnPostAddQuestionAsync(long id, CancellationToken ct)
    {
        if (!User.Can(Policies.ResearchEdit))
        {
            return Forbidden();
        }

        var errors = new FieldErrors();
        var kind = SurveyForms.ParseKind(errors, Question.Kind);
        var result = errors.Any ? errors.ToResult<SurveyDetail>() : await addQuestion.HandleAsync(id, Input(kind), ct);
        return await AnswerAsync(id, "add", result, "The question was added.", ct);
    }

    public async Task<IActionResult> OnPostEditQuestionAsync(long id, CancellationToken ct)
    {
        if (!User.Can(Policies.ResearchEdit))
        {
            return Forbidden();
        }

        var survey = await get.HandleAsync(id, ct);
        if (!survey.IsOk)
        {
            return NotFound();
        }

        var errors = new FieldErrors();
        var kind = SurveyForms.ParseKind(errors, Question.Kind);
        SurveyQuestionChanges changes = survey.Value!.Status == SurveyStatus.Draft
            ? new()
            {
                Prompt = new Optional<string?>(Question.Prompt),
                HelpText = new Optional<string?>(Question.HelpText),
                Required = new Optional<bool?>(Question.Required),
                Kind = new Optional<SurveyQuestionKind?>(kind),
                Options = new Optional<IReadOnlyList<string?>?>(SurveyForms.Lines(Question.Options)),
                Value = new Optional<string?>(Question.Value),
                Key = new Optional<string?>(Question.Key),
            }
            : new() { Prompt = new Optional<string?>(Question.Prompt), HelpText = new Optional<string?>(Question.HelpText) };
        var result = errors.Any ? errors.ToResult<SurveyDetail>() : await updateQuestion.HandleAsync(id, QuestionId ?? 0, changes, ct);
        return await AnswerAsync(id, $"question-{QuestionId}", result, "The question was saved.", ct);
    }

    public async Task<IActionResult> OnPostRemoveQuestionAsync(long id, CancellationToken ct) =>
        !User.Can(Policies.ResearchEdit) ? Forbidden()
            : await AnswerAsync(id, "status", await removeQuestion.HandleAsync(id, QuestionId ?? 0, ct), "The question was removed.", ct);

    public async Task<IActionResult> OnPostMoveUpAsync(long id, CancellationToken ct) =>
        !User.Can(Policies.ResearchEdit) ? Forbidden()
            : await AnswerAsync(id, "status", await reorder.MoveAsync(id, QuestionId ?? 0, -1, ct), null, ct);

    public async Task<IActionResult> OnPostMoveDownAsync(long id, CancellationToken ct) =>
        !User.Can(Policies.ResearchEdit) ? Forbidden()
            : await AnswerAsync(id, "status", await reorder.MoveAsync(id, QuestionId ?? 0, 1, ct), null, ct);

    public async Task<IActionResult> OnPostPublishAsync(long id, CancellationToken ct) =>
        !User.Can(Policies.ResearchEdit) ? Forbidden()
            : await AnswerAsync(id, "status", await publish.HandleAsync(id, Version, ct), "The survey is open: share its links.", ct);

    public async Task<IActionResult> OnPostCloseAsync(long id, CancellationToken ct) =>
        !User.Can(Policies.ResearchEdit) ? Forbidden()
            : await AnswerAsync(id, "status", await close.HandleAsync(id, Version, ct), "The survey is closed; its links no longer take answers.", ct);

    public async Task<IActionResult> OnPostDeleteAsync(long id, CancellationToken ct)
    {
        if (!User.Can(Policies.ResearchDelete))
        {
            return Forbidden();
        }

        var result = await delete.HandleAsync(id, ct);
        if (result.IsOk)
        {
            TempData["Flash"] = "The draft was deleted.";
            return Redirect("/surveys");
        }

        return await AnswerAsync(id, "status", result.As<SurveyDetail>(), null, ct);
    }

    public async Task<IActionResult> OnPostInviteAsync(long id, CancellationToken ct)
    {
        if (!User.Can(Policies.ResearchEdit))
        {
            return Forbidden();
        }

        var errors = new FieldErrors();
        var ids = new List<long>();
        foreach (var part in (InviteIds ?? "").Split([',', ' ', '\n', '\r', ';'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (long.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var customerId))
            {
                ids.Add(customerId);
            }
            else
            {
                errors.Add("customerIds", $"'{(part.Length > 20 ? part[..20] + "…" : part)}' is not a customer id.");
                break;
            }
        }

        var result = errors.Any ? errors.ToResult<InviteCustomersResult>() : await invite.HandleAsync(id, new InviteCustomersRequest(ids, InviteTag), ct);
        if (!result.IsOk)
        {
            return await AnswerAsync(id, "invite", result.Kind == ResultKind.NotFound ? result.As<SurveyDetail>() : Result<SurveyDetail>.Invalid(result.Errors.Count > 0 ? result.Errors : new Dictionary<string, string[]> { [""] = [result.Message ?? "Nobody was invited."] }), null, ct);
        }

        TempData["Flash"] = $"{Display.Plural(result.Value!.Invited, "customer")} invited ({result.Value.AlreadyInvited} already were). Their personal links are listed below.";
        return Redirect($"/surveys/{id}#invitations");
    }

    private SurveyQuestionInput Input(SurveyQuestionKind? kind) =>
        new(kind, Question.Prompt, Question.HelpText, Question.Required, SurveyForms.Lines(Question.Options), Question.Value, Question.Key);

    private StatusCodeResult Forbidden() => StatusCode(StatusCodes.Status403Forbidden);

    private async Task<IActionResult> AnswerAsync(long id, string form, Result<SurveyDetail> result, string? flash, CancellationToken ct)
    {
        if (result.IsOk)
        {
            if (flash is not null)
            {
                TempData["Flash"] = flash;
            }

            return Redirect($"/surveys/{id}" + (form.StartsWith("question-", StringComparison.Ordinal) || form == "add" ? "#questions" : ""));
        }

        if (result.Kind == ResultKind.NotFound && !await LoadAsync(id, ct))
        {
            return NotFound();
        }

        FailedForm = form;
        Errors = result.Errors.Count > 0 ? result.Errors : new Dictionary<string, string[]> { [""] = [result.Message ?? "That did not work."] };
        Response.StatusCode = result.Kind switch
        {
            ResultKind.Conflict => StatusCodes.Status409Conflict,
            ResultKind.PreconditionFailed => StatusCodes.Status409Conflict,
            ResultKind.NotFound => StatusCodes.Status404NotFound,
            _ => StatusCodes.Status422UnprocessableEntity,
        };
        await LoadAsync(id, ct, keepForms: true);
        return Page();
    }

    private async Task<bool> LoadAsync(long id, CancellationToken ct, bool keepForms = false)
    {
        var result = await get.HandleAsync(id, ct);
        if (!result.IsOk)
        {
            return false;
        }

        Survey = result.Value!;
        Values = await values.HandleAsync(new ListValuesQuery(ValueStatus.Active), ct);
        Invitations = (await invitations.HandleAsync(id, ct)).Value ?? [];
        if (!keepForms)
        {
            Edit = SurveyEditForm.From(Survey);
        }

        return true;
    }
}
