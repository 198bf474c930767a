using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Common;
using Rapport.Identity;
using Rapport.Research.Sessions;

namespace Rapport.Pages.Research;

/// <summary>Interviews and focus groups, newest first; records a new one (write-crm).</summary>
public sealed class IndexModel(ListSessions list, CreateSession create, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Kind { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    [BindProperty]
    public NewSessionForm Form { get; set; } = new();

    public Page<SessionRow> Sessions { get; private set; } = new([], null);
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;

    public async Task OnGetAsync(CancellationToken ct)
    {
        Form.HeldAt ??= clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        if (!User.Can(Policies.CustomersEdit))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var errors = new FieldErrors();
        var heldAt = FormValues.Instant(errors, "heldAt", Form.HeldAt);
        var participants = SessionForms.Ids(errors, "participantIds", Form.Participants);
        SessionKind? kind = Form.Kind switch { "interview" => SessionKind.Interview, "focusGroup" => SessionKind.FocusGroup, _ => null };
        if (errors.Any)
        {
            return await RefusedAsync(errors.ToDictionary(), ct);
        }

        var result = await create.HandleAsync(
            new CreateSessionRequest(kind, Form.Title, heldAt,
                Validate.Clean(Form.Interviewer) is null ? User.GetUserId() : null, Validate.Clean(Form.Interviewer), Form.Transcript, Form.Summary, participants),
            User.GetUserId(), ct);
        if (result.IsOk)
        {
            TempData["Flash"] = $"'{result.Value!.Title}' was recorded.";
            return Redirect($"/research/{result.Value.Id}");
        }

        return await RefusedAsync(result.Errors.Count > 0 ? result.Errors : new Dictionary<string, string[]> { [""] = [result.Message ?? "The session could not be recorded."] }, ct);
    }

    private async Task<IActionResult> RefusedAsync(IReadOnlyDictionary<string, string[]> errors, CancellationToken ct)
    {
        Errors = errors;
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        SessionKind? kind = Kind switch { "interview" => SessionKind.Interview, "focusGroup" => SessionKind.FocusGroup, _ => null };
        Kind = kind is null ? null : Kind;
        var result = await list.HandleAsync(new ListSessionsQuery(kind, null, 50, After), ct);
        if (!result.IsOk)
        {
            // A damaged 'after' in the address: start from the newest.
            result = await list.HandleAsync(new ListSessionsQuery(kind, null, 50, null), ct);
        }

        Sessions = result.Value ?? new Page<SessionRow>([], null);
    }
}

public sealed class NewSessionForm
{
    public string? Kind { get; set; } = "interview";
    public string? Title { get; set; }
    public string? HeldAt { get; set; }
    /// <summary>Blank: the signed-in user.</summary>
    public string? Interviewer { get; set; }
    /// <summary>Customer ids, separated by commas, spaces or lines.</summary>
    public string? Participants { get; set; }
    public string? Transcript { get; set; }
    public string? Summary { get; set; }
}

internal static class SessionForms
{
    public static string Kind(SessionKind kind) => kind == SessionKind.FocusGroup ? "Focus group" : "Interview";

    public static IReadOnlyList<(string Value, string Label)> Kinds { get; } = [("interview", "Interview"), ("focusGroup", "Focus group")];

    /// <summary>"12, 45 77" → [12, 45, 77]; anything else than ids is a field error.</summary>
    public static List<long> Ids(FieldErrors errors, string field, string? text)
    {
        var ids = new List<long>();
        foreach (var part in (text ?? "").Split([',', ' ', '\n', '\r', '\t', ';'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0)
            {
                ids.Add(id);
            }
            else
            {
                errors.Add(field, $"'{(part.Length > 20 ? part[..20] + "…" : part)}' is not a customer id.");
                break;
            }
        }

        return ids;
    }

    public static string Stance(ExcerptStance stance) => stance == ExcerptStance.Cares ? "cares" : "indifferent or against";
}
