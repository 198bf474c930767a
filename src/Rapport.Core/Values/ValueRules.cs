using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Values;

/// <summary>Input limits of the values feature; the lengths match the columns.</summary>
public static class ValueLimits
{
    public const int Key = 50;
    public const int Name = 100;
    public const int Description = 1000;
    public const int VocabularyEntry = 100;
    public const int VocabularyEntries = 200;
    public const int Evidence = 2000;
    public const int MinImportance = 1;
    public const int MaxImportance = 5;
    public const int MinStrength = 1;
    public const int MaxStrength = 3;
    public const int PartnerName = 200;
    public const int Audience = 1000;
    public const int Channel = 50;
    public const int Channels = 20;
    public const int Contact = 500;
}

/// <summary>Field checks shared by the values use cases, so the API and the pages give the same messages.</summary>
public static partial class ValueRules
{
    [GeneratedRegex("^[a-z][a-z0-9]*(_[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Spaces();

    /// <summary>Keys that would be shadowed by /values/map and /values/trends (pages and API).</summary>
    public static readonly IReadOnlySet<string> ReservedKeys = new HashSet<string>(["map", "trends"], StringComparer.Ordinal);

    public static string? Key(FieldErrors errors, string? value)
    {
        var key = Validate.Clean(value);
        if (key is null)
        {
            errors.Add("key", "Is required.");
            return null;
        }

        if (key.Length > ValueLimits.Key || !KeyPattern().IsMatch(key))
        {
            errors.Add("key", $"Must be lower snake case: a letter, then letters, digits and single underscores (e.g. fair_trade), at most {ValueLimits.Key} characters.");
            return null;
        }

        if (ReservedKeys.Contains(key))
        {
            errors.Add("key", $"'{key}' is reserved: /values/{key} is a page of its own (the shared-values map, the trends).");
            return null;
        }

        return key;
    }

    public static string? Name(FieldErrors errors, string? value)
    {
        var name = Validate.Clean(value);
        if (name is null)
        {
            errors.Add("name", "Is required.");
        }

        TextRules.SingleLine(errors, "name", name, ValueLimits.Name);
        return name;
    }

    public static string? Description(FieldErrors errors, string? value)
    {
        var description = Validate.Clean(value);
        TextRules.MultiLine(errors, "description", description, ValueLimits.Description);
        return description;
    }

    /// <summary>Entries trimmed, lower case, inner spaces collapsed, blanks and duplicates dropped, order kept.</summary>
    public static List<string> Vocabulary(FieldErrors errors, IReadOnlyList<string?>? entries)
    {
        var result = new List<string>();
        if (entries is null)
        {
            return result;
        }

        for (var i = 0; i < entries.Count; i++)
        {
            var entry = Validate.Clean(entries[i]);
            if (entry is null)
            {
                continue;
            }

            var field = $"vocabulary[{i}]";
            if (entry.Contains('\n', StringComparison.Ordinal) || Validate.HasControl(entry))
            {
                errors.Add(field, "Must be one line without control characters.");
                continue;
            }

            entry = Spaces().Replace(entry.ToLowerInvariant(), " ");
            if (entry.Length > ValueLimits.VocabularyEntry)
            {
                errors.Add(field, $"Must be at most {ValueLimits.VocabularyEntry} characters.");
                continue;
            }

            if (!result.Contains(entry, StringComparer.Ordinal))
            {
                result.Add(entry);
            }
        }

        if (result.Count > ValueLimits.VocabularyEntries)
        {
            errors.Add("vocabulary", $"At most {ValueLimits.VocabularyEntries} entries.");
        }

        return result;
    }

    public static void Importance(FieldErrors errors, string field, int? value)
    {
        if (value is null)
        {
            errors.Add(field, "Is required.");
        }
        else if (value is < ValueLimits.MinImportance or > ValueLimits.MaxImportance)
        {
            errors.Add(field, $"Must be a whole number from {ValueLimits.MinImportance} to {ValueLimits.MaxImportance}.");
        }
    }

    public static string JoinVocabulary(IEnumerable<string> entries) => string.Join('\n', entries);

    public static IReadOnlyList<string> SplitVocabulary(string? stored) =>
        string.IsNullOrEmpty(stored) ? [] : stored.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public static string Describe(ValueStatus status) => status switch
    {
        ValueStatus.Active => "active",
        ValueStatus.Retired => "retired",
        _ => "merged",
    };

    /// <summary>
    /// The value a key names, following merges to the value it now lives in (a key merged twice resolves to the
    /// last value; merging flattens, so one step suffices). Null when no value ever had the key.
    /// </summary>
    public static async Task<TaxonomyValue?> ResolveAsync(RapportDbContext db, string? key, bool tracking, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            return null;
        }

        var query = tracking ? db.TaxonomyValues : db.TaxonomyValues.AsNoTracking();
        var value = await query.SingleOrDefaultAsync(v => v.Key == key, ct);
        for (var hops = 0; value?.MergedIntoId is { } into && hops < 16; hops++)
        {
            value = await query.SingleOrDefaultAsync(v => v.Id == into, ct);
        }

        return value;
    }

    /// <summary>A value name another live (not merged) value already has, compared ignoring case and accents.</summary>
    public static async Task<bool> NameTakenAsync(RapportDbContext db, string name, long? exceptId, CancellationToken ct)
    {
        var folded = Validate.Fold(name);
        var names = await db.TaxonomyValues.AsNoTracking()
            .Where(v => v.Status != ValueStatus.Merged && v.Id != (exceptId ?? 0))
            .Select(v => v.Name)
            .ToListAsync(ct);
        return names.Any(n => Validate.Fold(n) == folded);
    }

    public static ValueChange Change(long valueId, ValueChangeKind kind, string summary, Actor actor, string? before = null, string? after = null, string? related = null) => new()
    {
        ValueId = valueId,
        Kind = kind,
        Summary = summary.Length <= 2000 ? summary : summary[..1997] + "…",
        Before = before,
        After = after,
        RelatedKey = related,
        ChangedByUserId = actor.UserId,
        ChangedBy = actor.Name.Length <= 200 ? actor.Name : actor.Name[..200],
    };

    public static Result<T> NotFound<T>(string? key) => Result<T>.NotFound($"There is no value with key '{key}'.");
}
