using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Identity;
using Rapport.Research.Sessions;
using Rapport.Values;

namespace Rapport.Pages.Research;

/// <summary>
/// One session: its facts, participants, the transcript with coded excerpts highlighted, and (write-crm) coding a
/// passage: select it in the transcript (research.js fills the start, length and quote), or type the quote or the
/// offsets, which is the form without JavaScript.
/// </summary>
public sealed class DetailsModel(
    GetSession get, ListValues values, UpdateSession update, DeleteSession delete,
    AddParticipants addParticipants, RemoveParticipant removeParticipant, AddExcerpt addExcerpt, DeleteExcerpt deleteExcerpt) : PageModel
{
    public SessionDetail Session { get; private set; } = null!;
    public IReadOnlyList<ValueDetail> Values { get; private set; } = [];
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;
    /// <summary>Which form <see cref="Errors"/> belong to: edit, participants or excerpt.</summary>
    public string? FailedForm { get; private set; }

    [BindProperty]
    public EditSessionForm Edit { get; set; } = new();

    [BindProperty]
    public ExcerptForm Excerpt { get; set; } = new();

    [BindProperty]
    public string? Participants { get; set; }

    [BindProperty]
    public long? CustomerId { get; set; }

    [BindProperty]
    public long? ExcerptId { get; set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostEditAsync(long id, CancellationToken ct)
    {
        if (!User.Can(Policies.CustomersEdit))
        {
            return Forbidden();
        }

        var errors = new FieldErrors();
        var heldAt = FormValues.Instant(errors, "heldAt", Edit.HeldAt);
        SessionKind? kind = Edit.Kind switch { "interview" => SessionKind.Interview, "focusGroup" => SessionKind.FocusGroup, _ => null };
        if (errors.Any)
        {
            return await RefusedAsync(id, "edit", errors.ToDictionary(), ct);
        }

        var changes = new SessionChanges
        {
            Kind = new Optional<SessionKind?>(kind),
            Title = new Optional<string?>(Edit.Title),
            HeldAt = new Optional<DateTimeOffset?>(heldAt),
            InterviewerName = new Optional<string?>(Edit.Interviewer),
            Summary = new Optional<string?>(Edit.Summary),
            Transcript = new Optional<string?>(Edit.Transcript),
        };
        return await AnswerAsync(id, "edit", await update.HandleAsync(id, Edit.Version, changes, ct), "The session was saved.", ct);
    }

    public async Task<IActionResult> OnPostDeleteAsync(long id, CancellationToken ct)
    {
        if (!User.Can(Policies.CustomersDelete))
        {
            return Forbidden();
        }

        var result = await delete.HandleAsync(id, ct);
        if (!result.IsOk)
        {
            return NotFound();
        }

        TempData["Flash"] = "The session was deleted.";
        return Redirect("/research");
    }

    public async Task<IActionResult> OnPostParticipantsAsync(long id, CancellationToken ct)
    {
        if (!User.Can(Policies.CustomersEdit))
        {
            return Forbidden();
        }

        var errors = new FieldErrors();
        var ids = SessionForms.Ids(errors, "customerIds", Participants);
        if (errors.Any)
        {
            return await RefusedAsync(id, "participants", errors.ToDictionary(), ct);
        }

        return await AnswerAsync(id, "participants", await addParticipants.HandleAsync(id, ids, ct), "Participants were added.", ct);
    }

    public async Task<IActionResult> OnPostRemoveParticipantAsync(long id, CancellationToken ct)
    {
        if (!User.Can(Policies.CustomersEdit))
        {
            return Forbidden();
        }

        if (CustomerId is not { } customerId)
        {
            return await RefusedAsync(id, "participants", new Dictionary<string, string[]> { ["customerIds"] = ["Choose a participant to remove."] }, ct);
        }

        return await AnswerAsync(id, "participants", await removeParticipant.HandleAsync(id, customerId, ct), "The participant was removed.", ct);
    }

    public async Task<IActionResult> OnPostExcerptAsync(long id, CancellationToken ct)
    {
        if (!User.Can(Policies.CustomersEdit))
        {
            return Forbidden();
        }

        var errors = new FieldErrors();
        var start = Number(errors, "start", Excerpt.Start);
        var length = Number(errors, "length", Excerpt.Length);
        long? speaker = long.TryParse(Excerpt.Speaker, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : null;
        var stance = Excerpt.Stance == "indifferent" ? ExcerptStance.Indifferent : ExcerptStance.Cares;
        var codes = (Excerpt.Values ?? []).Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => new ExcerptCodeRequest(v, null, stance))
            .Concat((Excerpt.Themes ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => new ExcerptCodeRequest(null, t, stance)))
            .ToList<ExcerptCodeRequest?>();
        if (errors.Any)
        {
            return await RefusedAsync(id, "excerpt", errors.ToDictionary(), ct);
        }

        var result = await addExcerpt.HandleAsync(id, new AddExcerptRequest(start, length, Excerpt.Text, speaker, Excerpt.Note, codes), User.GetUserId(), ct);
        if (result.Kind == ResultKind.NotFound)
        {
            return NotFound();
        }

        if (!result.IsOk)
        {
            return await RefusedAsync(id, "excerpt", result.Errors.Count > 0 ? result.Errors : new Dictionary<string, string[]> { [""] = [result.Message ?? "The excerpt could not be coded."] }, ct);
        }

        TempData["Flash"] = "The excerpt was coded.";
        return Redirect($"/research/{id}#excerpt-{result.Value!.Id}");
    }

    public async Task<IActionResult> OnPostDeleteExcerptAsync(long id, CancellationToken ct)
    {
        if (!User.Can(Policies.CustomersDelete))
        {
            return Forbidden();
        }

        var result = ExcerptId is { } excerptId ? await deleteExcerpt.HandleAsync(id, excerptId, ct) : Result<long>.NotFound("No excerpt.");
        if (!result.IsOk)
        {
            return NotFound();
        }

        TempData["Flash"] = "The excerpt was deleted.";
        return Redirect($"/research/{id}#excerpts");
    }

    /// <summary>The transcript as HTML: every coded passage in a <c>mark</c> (overlapping ones nest as split segments), all text encoded.</summary>
    public IHtmlContent TranscriptHtml()
    {
        var text = Session.Transcript;
        var cuts = new SortedSet<int> { 0, text.Length };
        foreach (var e in Session.Excerpts)
        {
            cuts.Add(Math.Clamp(e.Start, 0, text.Length));
            cuts.Add(Math.Clamp(e.Start + e.Length, 0, text.Length));
        }

        var html = new StringBuilder(text.Length + 64 * Session.Excerpts.Count);
        var encoder = HtmlEncoder.Default;
        var bounds = cuts.ToList();
        for (var i = 0; i + 1 < bounds.Count; i++)
        {
            var (from, to) = (bounds[i], bounds[i + 1]);
            var segment = encoder.Encode(text[from..to]);
            var covering = Session.Excerpts.Where(e => e.Start <= from && e.Start + e.Length >= to).Select(e => e.Id).ToList();
            if (covering.Count == 0)
            {
                html.Append(segment);
                continue;
            }

            html.Append(CultureInfo.InvariantCulture, $"<mark class=\"excerpt{(covering.Count > 1 ? " excerpt-overlap" : "")}\" data-excerpts=\"{string.Join(' ', covering)}\">")
                .Append(segment).Append("</mark>");
        }

        return new HtmlString(html.ToString());
    }

    public string SpeakerName(long? customerId) => customerId is { } id
        ? Session.Participants.FirstOrDefault(p => p.CustomerId == id)?.Name ?? $"customer {id}"
        : "all participants";

    private static int? Number(FieldErrors errors, string field, string? text)
    {
        var clean = Validate.Clean(text);
        if (clean is null)
        {
            return null;
        }

        if (int.TryParse(clean, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return n;
        }

        errors.Add(field, "Must be a whole number of characters.");
        return null;
    }

    private StatusCodeResult Forbidden() => StatusCode(StatusCodes.Status403Forbidden);

    private async Task<IActionResult> AnswerAsync(long id, string form, Result<SessionDetail> result, string done, CancellationToken ct)
    {
        if (result.IsOk)
        {
            TempData["Flash"] = done;
            return Redirect($"/research/{id}");
        }

        if (result.Kind == ResultKind.NotFound && !await LoadAsync(id, ct))
        {
            return NotFound();
        }

        var status = result.Kind switch
        {
            ResultKind.PreconditionFailed => StatusCodes.Status409Conflict,
            ResultKind.Conflict => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status422UnprocessableEntity,
        };
        var message = result.Kind == ResultKind.PreconditionFailed ? "The session was changed by someone else — reload and try again." : result.Message;
        return await RefusedAsync(id, form, result.Errors.Count > 0 ? result.Errors : new Dictionary<string, string[]> { [""] = [message ?? "Refused."] }, ct, status);
    }

    private async Task<IActionResult> RefusedAsync(long id, string form, IReadOnlyDictionary<string, string[]> errors, CancellationToken ct, int status = StatusCodes.Status422UnprocessableEntity)
    {
        var posted = (Edit, Excerpt);
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        (Edit, Excerpt) = posted;
        Errors = errors;
        FailedForm = form;
        Response.StatusCode = status;
        return Page();
    }

    private async Task<bool> LoadAsync(long id, CancellationToken ct)
    {
        var result = await get.HandleAsync(id, ct);
        if (!result.IsOk)
        {
            return false;
        }

        Session = result.Value!;
        Values = await values.HandleAsync(new ListValuesQuery(ValueStatus.Active), ct);
        Edit = new EditSessionForm
        {
            Kind = Session.Kind == SessionKind.FocusGroup ? "focusGroup" : "interview",
            Title = Session.Title,
            HeldAt = Session.HeldAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture),
            Interviewer = Session.InterviewerName,
            Summary = Session.Summary,
            Transcript = Session.Transcript,
            Version = Session.Version,
        };
        return true;
    }
}

public sealed class EditSessionForm
{
    public string? Kind { get; set; }
    public string? Title { get; set; }
    public string? HeldAt { get; set; }
    public string? Interviewer { get; set; }
    public string? Summary { get; set; }
    public string? Transcript { get; set; }
    public int? Version { get; set; }
}

/// <summary>The coding form: the passage (start and length, or the quote), a speaker, values and themes with one stance.</summary>
public sealed class ExcerptForm
{
    public string? Start { get; set; }
    public string? Length { get; set; }
    public string? Text { get; set; }
    public string? Speaker { get; set; }
    public string? Note { get; set; }
    public List<string>? Values { get; set; }
    /// <summary>Free theme labels, separated by commas.</summary>
    public string? Themes { get; set; }
    public string? Stance { get; set; }
}
