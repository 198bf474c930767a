using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Data;
using Rapport.Interactions;
using Rapport.Stages;

namespace Rapport.Playbooks;

/// <summary>
/// Replaces a stage's playbook (every field; see <see cref="UpdatePlaybookRequest"/> for the rules) with optimistic
/// concurrency: a stale <c>expectedVersion</c> is <see cref="ResultKind.PreconditionFailed"/> and nothing changes.
/// </summary>
public sealed class UpdatePlaybook(RapportDbContext db, GetPlaybook get, TimeProvider clock, ILogger<UpdatePlaybook> logger)
{
    public async Task<Result<PlaybookDetail>> HandleAsync(Stage stage, int? expectedVersion, UpdatePlaybookRequest request, long? userId, CancellationToken ct)
    {
        var playbook = await db.Set<Playbook>().SingleOrDefaultAsync(p => p.Stage == stage, ct);
        if (playbook is null)
        {
            return Result<PlaybookDetail>.NotFound($"There is no playbook for stage {stage.Key()}.");
        }

        if (expectedVersion is { } version && version != playbook.Version)
        {
            return Result<PlaybookDetail>.PreconditionFailed(
                $"The {stage.Key()} playbook is at version {playbook.Version}, not {version}: it changed since you read it. Read it again and retry with the new ETag.");
        }

        var errors = Check(request, out var templates, out var notes);
        if (errors.Any)
        {
            return errors.ToResult<PlaybookDetail>();
        }

        playbook.MinDaysBetweenContacts = request.MinDaysBetweenContacts!.Value;
        playbook.MaxContactsPerThirtyDays = request.MaxContactsPerThirtyDays!.Value;
        playbook.MaxDaysWithoutContact = request.MaxDaysWithoutContact;
        playbook.Channels = string.Join(',', request.Channels!);
        playbook.Emphasis = request.Emphasis!.Value;
        playbook.Templates = templates.Count == 0 ? null : string.Join('\n', templates);
        playbook.Notes = notes;
        if (db.ChangeTracker.HasChanges())
        {
            // Playbook is versioned but not stamped (one row per stage, no creation time): stamp it here.
            playbook.UpdatedByUserId = userId;
            playbook.UpdatedAt = clock.GetUtcNow();
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return Result<PlaybookDetail>.PreconditionFailed($"The {stage.Key()} playbook changed while it was being updated; read it again.");
        }

        logger.LogInformation("Updated the {Stage} playbook to version {Version}", stage, playbook.Version);
        return await get.HandleAsync(stage, ct);
    }

    private static FieldErrors Check(UpdatePlaybookRequest r, out List<string> templates, out string? notes)
    {
        var errors = new FieldErrors();
        if (r.MinDaysBetweenContacts is not { } minDays)
        {
            errors.Add("minDaysBetweenContacts", "Is required.");
        }
        else if (minDays is < 0 or > PlaybookRules.MaxMinDays)
        {
            errors.Add("minDaysBetweenContacts", $"Must be between 0 and {PlaybookRules.MaxMinDays} days.");
        }

        if (r.MaxContactsPerThirtyDays is not { } perThirty)
        {
            errors.Add("maxContactsPerThirtyDays", "Is required.");
        }
        else if (perThirty is < 1 or > PlaybookRules.MaxPerThirtyDays)
        {
            errors.Add("maxContactsPerThirtyDays", $"Must be between 1 and {PlaybookRules.MaxPerThirtyDays}.");
        }
        else if (r.MinDaysBetweenContacts is >= 0 and <= PlaybookRules.MaxMinDays && perThirty > PlaybookRules.MostInThirtyDays(r.MinDaysBetweenContacts.Value))
        {
            errors.Add("maxContactsPerThirtyDays",
                $"With at least {r.MinDaysBetweenContacts} days between contacts, at most {PlaybookRules.MostInThirtyDays(r.MinDaysBetweenContacts.Value)} fit in 30 days.");
        }

        if (r.MaxDaysWithoutContact is { } maxDays)
        {
            if (maxDays is < 1 or > PlaybookRules.MaxWithoutContact)
            {
                errors.Add("maxDaysWithoutContact", $"Must be between 1 and {PlaybookRules.MaxWithoutContact} days, or null for no follow-up tasks.");
            }
            else if (r.MinDaysBetweenContacts is { } min && maxDays <= min)
            {
                errors.Add("maxDaysWithoutContact", $"Must be more than the minimum days between contacts ({min}): otherwise no contact would ever be both allowed and in time.");
            }
        }

        if (r.Channels is not { Count: > 0 } channels)
        {
            errors.Add("channels", $"Name at least one channel: {LogInteraction.Names<InteractionChannel>()}.");
        }
        else if (channels.Any(c => !Enum.IsDefined(c)))
        {
            errors.Add("channels", $"Must be among {LogInteraction.Names<InteractionChannel>()}.");
        }
        else if (channels.Distinct().Count() != channels.Count)
        {
            errors.Add("channels", "Name each channel once.");
        }

        if (r.Emphasis is not { } emphasis)
        {
            errors.Add("emphasis", $"Is required: one of {LogInteraction.Names<ContentEmphasis>()}.");
        }
        else if (!Enum.IsDefined(emphasis))
        {
            errors.Add("emphasis", $"Must be one of {LogInteraction.Names<ContentEmphasis>()}.");
        }

        templates = (r.Templates ?? []).Select(Validate.Clean).OfType<string>().ToList();
        if (templates.Count > PlaybookRules.MaxTemplates)
        {
            errors.Add("templates", $"At most {PlaybookRules.MaxTemplates} templates (got {templates.Count}).");
        }

        foreach (var template in templates)
        {
            TextRules.SingleLine(errors, "templates", template, PlaybookRules.TemplateMaxLength);
        }

        notes = Validate.Clean(r.Notes);
        TextRules.MultiLine(errors, "notes", notes, PlaybookRules.NotesMaxLength);
        return errors;
    }
}
