using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Data;
using Rapport.Values;

namespace Rapport.Research.Sessions;

/// <summary>The checks shared by the session use cases, so a field gets the same message wherever it is written.</summary>
internal static class SessionRules
{
    public static string? Title(FieldErrors errors, string? value, bool required = true)
    {
        var title = Validate.Clean(value);
        if (title is null)
        {
            if (required)
            {
                errors.Add("title", "Is required.");
            }

            return null;
        }

        TextRules.SingleLine(errors, "title", title, SessionLimits.Title);
        return title;
    }

    /// <summary>
    /// Line breaks become <c>\n</c>: browsers read CR LF as one character, so the offsets a reader selects in the page
    /// are those of the stored text only when it has none. Not trimmed (excerpt offsets would move).
    /// </summary>
    public static string Transcript(FieldErrors errors, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return "";
        }

        if (value.Length > SessionLimits.Transcript * 2)
        {
            errors.Add("transcript", $"Must be at most {SessionLimits.Transcript:N0} characters (got {value.Length:N0}).");
            return "";
        }

        var text = value.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        if (text.Length > SessionLimits.Transcript)
        {
            errors.Add("transcript", $"Must be at most {SessionLimits.Transcript:N0} characters (got {text.Length:N0}).");
            return "";
        }

        TextRules.MultiLine(errors, "transcript", text, SessionLimits.Transcript);
        return text;
    }

    public static string? Summary(FieldErrors errors, string? value)
    {
        var summary = Validate.Clean(value)?.Replace("\r\n", "\n", StringComparison.Ordinal);
        TextRules.MultiLine(errors, "summary", summary, SessionLimits.Summary);
        return summary;
    }

    public static string? InterviewerName(FieldErrors errors, string? value)
    {
        var name = Validate.Clean(value);
        TextRules.SingleLine(errors, "interviewerName", name, SessionLimits.InterviewerName);
        return name;
    }

    public static DateTimeOffset? HeldAt(FieldErrors errors, DateTimeOffset? value, DateTimeOffset now, bool required = true)
    {
        if (value is null)
        {
            if (required)
            {
                errors.Add("heldAt", "Is required: when the session took place.");
            }

            return null;
        }

        var at = TextRules.ToStoredPrecision(value.Value);
        TextRules.EventTime(errors, "heldAt", at, now);
        return at;
    }

    public static void Kind(FieldErrors errors, SessionKind? kind)
    {
        if (kind is null)
        {
            errors.Add("kind", "Is required: interview or focusGroup.");
        }
        else if (!Enum.IsDefined(kind.Value))
        {
            errors.Add("kind", "Must be interview or focusGroup.");
        }
    }

    /// <summary>The interviewer's user (must exist); with no name given, the name is the user's.</summary>
    public static async Task<string?> InterviewerAsync(RapportDbContext db, FieldErrors errors, long? userId, string? name, CancellationToken ct)
    {
        if (userId is not { } id)
        {
            return name;
        }

        var user = await db.Users.AsNoTracking().Where(u => u.Id == id).Select(u => u.DisplayName).SingleOrDefaultAsync(ct);
        if (user is null)
        {
            errors.Add("interviewerUserId", $"User {id} does not exist.");
            return name;
        }

        return name ?? user;
    }

    /// <summary>Distinct, at most <see cref="SessionLimits.Participants"/>, every one an existing customer.</summary>
    public static async Task<List<long>> ParticipantsAsync(RapportDbContext db, FieldErrors errors, IReadOnlyList<long>? ids, string field, CancellationToken ct)
    {
        var distinct = (ids ?? []).Distinct().ToList();
        if (distinct.Count > SessionLimits.Participants)
        {
            errors.Add(field, $"A session has at most {SessionLimits.Participants} participants (got {distinct.Count}).");
            return [];
        }

        if (distinct.Count == 0)
        {
            return distinct;
        }

        var found = await db.Customers.AsNoTracking().Where(c => distinct.Contains(c.Id)).Select(c => c.Id).ToListAsync(ct);
        var missing = distinct.Except(found).ToList();
        if (missing.Count > 0)
        {
            errors.Add(field, missing.Count == 1
                ? $"Customer {missing[0]} does not exist."
                : $"Customers {string.Join(", ", missing.Take(10))}{(missing.Count > 10 ? " …" : "")} do not exist.");
        }

        return distinct;
    }

    /// <summary>
    /// Codes: each exactly one of a value key (an active value of the taxonomy) and a theme label; no value or theme twice.
    /// Returns (valueId, theme, stance) triples.
    /// </summary>
    public static async Task<List<ResearchExcerptCode>> CodesAsync(RapportDbContext db, FieldErrors errors, IReadOnlyList<ExcerptCodeRequest?>? codes, CancellationToken ct)
    {
        var list = codes ?? [];
        if (list.Count == 0)
        {
            errors.Add("codes", "Tag the excerpt with at least one value or theme.");
            return [];
        }

        if (list.Count > SessionLimits.CodesPerExcerpt)
        {
            errors.Add("codes", $"At most {SessionLimits.CodesPerExcerpt} codes per excerpt (got {list.Count}).");
            return [];
        }

        var keys = list.Select(c => Validate.Clean(c?.Value)?.ToLowerInvariant()).Where(k => k is not null).Distinct().ToList();
        var values = keys.Count == 0
            ? new Dictionary<string, (long Id, ValueStatus Status)>()
            : await db.TaxonomyValues.AsNoTracking().Where(v => keys.Contains(v.Key))
                .ToDictionaryAsync(v => v.Key, v => (v.Id, v.Status), StringComparer.Ordinal, ct);
        var result = new List<ResearchExcerptCode>();
        var seenValues = new HashSet<long>();
        var seenThemes = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++)
        {
            var field = $"codes[{i}]";
            var code = list[i];
            var key = Validate.Clean(code?.Value)?.ToLowerInvariant();
            var theme = Validate.Clean(code?.Theme)?.ToLowerInvariant();
            if (code?.Stance is { } s && !Enum.IsDefined(s))
            {
                errors.Add($"{field}.stance", "Must be cares or indifferent.");
                continue;
            }

            var stance = code?.Stance ?? ExcerptStance.Cares;
            if ((key is null) == (theme is null))
            {
                errors.Add(field, "Give exactly one of value (a value's key) and theme (a free label).");
                continue;
            }

            if (key is not null)
            {
                if (!values.TryGetValue(key, out var value))
                {
                    errors.Add($"{field}.value", $"There is no value '{key}'.");
                }
                else if (value.Status != ValueStatus.Active)
                {
                    errors.Add($"{field}.value", $"Value '{key}' is {value.Status.ToString().ToLowerInvariant()}: code with an active value.");
                }
                else if (!seenValues.Add(value.Id))
                {
                    errors.Add($"{field}.value", $"Value '{key}' is coded twice.");
                }
                else
                {
                    result.Add(new ResearchExcerptCode { ValueId = value.Id, Stance = stance });
                }

                continue;
            }

            TextRules.SingleLine(errors, $"{field}.theme", theme, SessionLimits.Theme);
            if (!seenThemes.Add(theme!))
            {
                errors.Add($"{field}.theme", $"Theme '{theme}' is coded twice.");
                continue;
            }

            result.Add(new ResearchExcerptCode { Theme = theme, Stance = stance });
        }

        return result;
    }

    public static Result<T> NotFound<T>(long id) => Result<T>.NotFound($"There is no research session {id}.");
}
