using System.Buffers;
using System.Globalization;

namespace Rapport.Common;

/// <summary>Checks on free text and record sources shared by the interaction, transaction, product and company use cases.</summary>
public static class TextRules
{
    public const int SourceMaxLength = 50;

    private static readonly SearchValues<char> ControlsButLineBreaksAndTabs = SearchValues.Create(
        [.. Enumerable.Range(0, 0xA0).Select(c => (char)c).Where(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'))]);

    /// <summary>A one-line value (name, subject, SKU): no control characters such as tabs or line breaks.</summary>
    public static void SingleLine(FieldErrors errors, string field, string? value, int maxLength)
    {
        if (value is null)
        {
            return;
        }

        Validate.MaxLength(errors, field, value, maxLength);
        if (Validate.HasControl(value))
        {
            errors.Add(field, "Must be a single line without control characters.");
        }
    }

    /// <summary>Multi-line text (notes, descriptions): line breaks and tabs are fine, other control characters are not.</summary>
    public static void MultiLine(FieldErrors errors, string field, string? value, int maxLength)
    {
        if (value is null)
        {
            return;
        }

        Validate.MaxLength(errors, field, value, maxLength);
        if (value.AsSpan().ContainsAny(ControlsButLineBreaksAndTabs))
        {
            errors.Add(field, "Must not contain control characters other than line breaks and tabs.");
        }
    }

    /// <summary>
    /// Where a record came from (<c>ui</c>, <c>api</c>, <c>import</c>, <c>demo</c> or an integration such as
    /// <c>shopify</c>): a short token, stored lower case. Blank means <paramref name="fallback"/>.
    /// </summary>
    public static string Source(FieldErrors errors, string? value, string fallback)
    {
        var source = Validate.Clean(value)?.ToLowerInvariant() ?? fallback;
        if (source.Length > SourceMaxLength ||
            !char.IsAsciiLetterOrDigit(source[0]) ||
            !source.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            errors.Add("source", $"Must be a short name of at most {SourceMaxLength} letters, digits, '-', '_' or '.', e.g. shopify.");
        }

        return source;
    }

    /// <summary>
    /// Instants are kept to the microsecond: PostgreSQL stores no finer, so what a write returns equals what a later
    /// read returns on both providers.
    /// </summary>
    public static DateTimeOffset ToStoredPrecision(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % 10), TimeSpan.Zero);
    }

    /// <summary>The earliest instant accepted for business events; earlier values are almost always data-entry errors.</summary>
    public static readonly DateTimeOffset EarliestInstant = new(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// An event time (when an interaction or purchase happened): between 1900 and one day after <paramref name="now"/>
    /// (a day of slack for clocks and time zones of the systems that send them).
    /// </summary>
    public static void EventTime(FieldErrors errors, string field, DateTimeOffset value, DateTimeOffset now)
    {
        if (value < EarliestInstant)
        {
            errors.Add(field, "Must be on or after 1900-01-01.");
        }
        else if (value > now.AddDays(1))
        {
            errors.Add(field, $"Must not be more than one day in the future (now is {now.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}).");
        }
    }
}
