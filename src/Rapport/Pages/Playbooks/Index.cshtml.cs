using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Common;
using Rapport.Identity;
using Rapport.Interactions;
using Rapport.Playbooks;
using Rapport.Stages;

namespace Rapport.Pages.Playbooks;

/// <summary>
/// /playbooks: one card per stage with its cadence, channels, emphasis and templates; admins and marketing edit them
/// in place (the same <see cref="UpdatePlaybook"/> as the API, with the version the page was rendered with).
/// </summary>
public sealed class IndexModel(ListPlaybooks list, UpdatePlaybook update) : PageModel
{
    public IReadOnlyList<PlaybookDetail> Playbooks { get; private set; } = [];
    public bool CanWrite => User.Can(Policies.SegmentsEdit);

    /// <summary>The stage whose form was refused, with what was posted and the messages.</summary>
    public Stage? Failed { get; private set; }
    public PlaybookForm? FailedForm { get; private set; }
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;

    public async Task OnGetAsync(CancellationToken ct) => Playbooks = await list.HandleAsync(ct);

    public async Task<IActionResult> OnPostAsync(string? stage, PlaybookForm form, CancellationToken ct)
    {
        if (!CanWrite)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        if (!Rapport.Stages.Stages.TryParse(stage, out var s))
        {
            return NotFound();
        }

        var errors = new FieldErrors();
        var request = form.ToRequest(errors);
        if (!errors.Any)
        {
            var result = await update.HandleAsync(s, form.Version, request, User.GetUserId(), ct);
            if (result.IsOk)
            {
                TempData["Flash"] = $"The {s} playbook was saved.";
                return Redirect($"/playbooks#playbook-{s.Key()}");
            }

            if (result.Kind == ResultKind.NotFound)
            {
                return NotFound();
            }

            errors = new FieldErrors();
            foreach (var (field, messages) in result.Errors)
            {
                foreach (var message in messages)
                {
                    errors.Add(field, message);
                }
            }

            if (result.Kind == ResultKind.PreconditionFailed)
            {
                errors.Add("version", "Someone changed this playbook since you opened the page. Reload to see their version, then make your change again.");
            }
        }

        Playbooks = await list.HandleAsync(ct);
        Failed = s;
        FailedForm = form;
        Errors = errors.ToDictionary();
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    public PlaybookForm FormFor(PlaybookDetail p) => Failed == p.Stage && FailedForm is not null ? FailedForm : PlaybookForm.From(p);

    public string? ErrorFor(PlaybookDetail p, string field) => Failed == p.Stage ? FormValues.ErrorFor(Errors, field) : null;

    public static IReadOnlyList<(string Value, string Label)> EmphasisChoices { get; } =
        Enum.GetValues<ContentEmphasis>().Select(e => (e.ToString().ToLowerInvariant(), e.ToString())).ToList();
}

/// <summary>The playbook form as posted; numbers as text so that a typo is a message, not a binding failure.</summary>
public sealed class PlaybookForm
{
    public string? MinDays { get; set; }
    public string? MaxPerThirtyDays { get; set; }
    public string? MaxDaysWithoutContact { get; set; }
    public List<string> Channels { get; set; } = [];
    public string? Emphasis { get; set; }
    public string? Templates { get; set; }
    public string? Notes { get; set; }
    public int? Version { get; set; }

    public static PlaybookForm From(PlaybookDetail p) => new()
    {
        MinDays = p.MinDaysBetweenContacts.ToString(CultureInfo.InvariantCulture),
        MaxPerThirtyDays = p.MaxContactsPerThirtyDays.ToString(CultureInfo.InvariantCulture),
        MaxDaysWithoutContact = p.MaxDaysWithoutContact?.ToString(CultureInfo.InvariantCulture),
        Channels = p.Channels.Select(c => c.ToString()).ToList(),
        Emphasis = p.Emphasis.ToString().ToLowerInvariant(),
        Templates = string.Join('\n', p.Templates),
        Notes = p.Notes,
        Version = p.Version,
    };

    public UpdatePlaybookRequest ToRequest(FieldErrors errors)
    {
        var channels = new List<InteractionChannel>();
        foreach (var c in Channels)
        {
            if (Enum.TryParse<InteractionChannel>(c, ignoreCase: true, out var channel) && Enum.IsDefined(channel) && !int.TryParse(c, out _))
            {
                channels.Add(channel);
            }
            else
            {
                errors.Add("channels", "Choose channels from the list.");
            }
        }

        ContentEmphasis? emphasis = null;
        if (Enum.TryParse<ContentEmphasis>(Emphasis, ignoreCase: true, out var e) && Enum.IsDefined(e) && !int.TryParse(Emphasis, out _))
        {
            emphasis = e;
        }
        else if (!string.IsNullOrWhiteSpace(Emphasis))
        {
            errors.Add("emphasis", "Choose from the list.");
        }

        return new UpdatePlaybookRequest(
            Whole(errors, "minDaysBetweenContacts", MinDays),
            Whole(errors, "maxContactsPerThirtyDays", MaxPerThirtyDays),
            Whole(errors, "maxDaysWithoutContact", MaxDaysWithoutContact),
            channels,
            emphasis,
            (Templates ?? "").Split('\n'),
            Notes);
    }

    private static int? Whole(FieldErrors errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (int.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
        {
            return n;
        }

        errors.Add(field, "Must be a whole number.");
        return null;
    }
}
