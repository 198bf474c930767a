using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Rapport.Audit;
using Rapport.Common;

namespace Rapport.Pages.Admin;

/// <summary>/admin/audit: the audit log, newest first, with filters (actor, action, entity, customer, time range) and keyset paging.</summary>
public sealed class AuditModel(AuditLog audit) : AdminPageModel
{
    [BindProperty(SupportsGet = true)] public string? ActorKind { get; set; }
    [BindProperty(SupportsGet = true)] public long? ActorId { get; set; }
    [BindProperty(SupportsGet = true, Name = "action")] public string? ActionName { get; set; }
    [BindProperty(SupportsGet = true)] public string? EntityType { get; set; }
    [BindProperty(SupportsGet = true)] public string? EntityId { get; set; }
    [BindProperty(SupportsGet = true)] public long? CustomerId { get; set; }
    /// <summary>A UTC day (yyyy-MM-dd), inclusive.</summary>
    [BindProperty(SupportsGet = true)] public string? From { get; set; }
    /// <summary>A UTC day (yyyy-MM-dd), inclusive.</summary>
    [BindProperty(SupportsGet = true)] public string? To { get; set; }
    [BindProperty(SupportsGet = true)] public string? After { get; set; }

    public Page<AuditEntry> Entries { get; private set; } = new([], null);
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var errors = new FieldErrors();
        var from = Day(errors, "from", From, 0);
        var to = Day(errors, "to", To, 1);
        if (!errors.Any)
        {
            var result = await audit.SearchAsync(new AuditQuery(
                string.IsNullOrWhiteSpace(ActorKind) ? null : ActorKind, ActorId, ActionName, EntityType, EntityId, CustomerId, from, to, Cursor.DefaultLimit, After), ct);
            if (result.IsOk)
            {
                Entries = result.Value!;
                return Page();
            }

            Errors = result.Errors;
        }
        else
        {
            Errors = errors.ToDictionary();
        }

        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    private static DateTimeOffset? Day(FieldErrors errors, string field, string? text, int addDays)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return new DateTimeOffset(day.AddDays(addDays).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        }

        errors.Add(field, "Must be a date (yyyy-mm-dd).");
        return null;
    }

    /// <summary>The query string of the current filters with another cursor.</summary>
    public string NextUrl(string next)
    {
        var q = new Dictionary<string, string?>
        {
            ["actorKind"] = ActorKind, ["actorId"] = ActorId?.ToString(CultureInfo.InvariantCulture), ["action"] = ActionName,
            ["entityType"] = EntityType, ["entityId"] = EntityId, ["customerId"] = CustomerId?.ToString(CultureInfo.InvariantCulture),
            ["from"] = From, ["to"] = To, ["after"] = next,
        };
        return "/admin/audit" + Microsoft.AspNetCore.Http.QueryString.Create(q.Where(p => !string.IsNullOrEmpty(p.Value)));
    }

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;
}
