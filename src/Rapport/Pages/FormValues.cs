using System.Globalization;
using Rapport.Common;

namespace Rapport.Pages;

/// <summary>
/// Turns what an HTML form posts (always text) into the typed values use cases take. Only the shape of the input is
/// checked here (is it a date?); what is allowed is the use case's decision.
/// </summary>
public static class FormValues
{
    public static DateOnly? Date(FieldErrors errors, string field, string? value)
    {
        var text = Validate.Clean(value);
        if (text is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        errors.Add(field, "Is not a date; use the form yyyy-mm-dd.");
        return null;
    }

    /// <summary>A <c>datetime-local</c> value, read as UTC (the pages show and take times in UTC).</summary>
    public static DateTimeOffset? Instant(FieldErrors errors, string field, string? value)
    {
        var text = Validate.Clean(value);
        if (text is null)
        {
            return null;
        }

        string[] formats = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.fff"];
        if (DateTime.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
        {
            return new DateTimeOffset(instant, TimeSpan.Zero);
        }

        errors.Add(field, "Is not a date and time.");
        return null;
    }

    public static decimal? Number(FieldErrors errors, string field, string? value)
    {
        var text = Validate.Clean(value);
        if (text is null)
        {
            return null;
        }

        if (decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        errors.Add(field, "Is not a number; use digits with a point for decimals, e.g. 12.50.");
        return null;
    }

    /// <summary>Comma-separated tags; blanks are dropped.</summary>
    public static IReadOnlyList<string?> Tags(string? value) =>
        (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The first message for a field, or null.</summary>
    public static string? ErrorFor(IReadOnlyDictionary<string, string[]> errors, string field) =>
        errors.TryGetValue(field, out var messages) && messages.Length > 0 ? string.Join(" ", messages) : null;
}
