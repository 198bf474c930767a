using System.Globalization;

namespace Rapport.Imports.Csv;

/// <summary>
/// How an import file writes numbers: its decimal separator. The other of <c>.</c> and <c>,</c>, spaces (also
/// no-break and thin spaces) and apostrophes may group thousands (in groups of three). Currency symbols and
/// three-letter codes around the number are dropped; <c>-12</c>, <c>12-</c> and <c>(12)</c> are negative.
/// </summary>
public sealed record NumberFormat(char DecimalSeparator)
{
    /// <summary><c>1234.56</c>, <c>1,234.56</c>.</summary>
    public static readonly NumberFormat Dot = new('.');

    /// <summary><c>1234,56</c>, <c>1.234,56</c>, <c>1 234,56</c>.</summary>
    public static readonly NumberFormat Comma = new(',');

    public string Name => DecimalSeparator == '.' ? "1,234.56" : "1.234,56";

    public static bool TryParse(string? name, out NumberFormat format, out string? problem)
    {
        problem = null;
        switch ((name ?? "").Trim().ToLowerInvariant())
        {
            case "." or "dot" or "point" or "1,234.56" or "1234.56" or "en":
                format = Dot;
                return true;
            case "," or "comma" or "1.234,56" or "1 234,56" or "1234,56" or "de" or "fr":
                format = Comma;
                return true;
            default:
                format = Dot;
                problem = $"\"{CsvText.Clip(name ?? "")}\" is not a number format; use 1,234.56 (decimal point) or 1.234,56 (decimal comma).";
                return false;
        }
    }

    public override string ToString() => Name;
}

/// <summary>
/// What <see cref="NumberFormats.Detect"/> found. <c>Ambiguous</c>: values such as <c>1,234</c> fit both separators and
/// no other value decided, or the values disagree.
/// </summary>
public sealed record NumberFormatDetection(NumberFormat Format, bool Detected, bool Ambiguous);

/// <summary>Number-format detection and number parsing for import values.</summary>
public static class NumberFormats
{
    /// <summary>
    /// Chooses the decimal separator the samples (non-empty cells of number columns) show: a value with both <c>.</c>
    /// and <c>,</c> ends with its decimal separator; a single separator followed by other than three digits is the
    /// decimal separator; a repeated one groups thousands. Without evidence: a decimal comma in semicolon-separated
    /// files (as spreadsheets with a decimal comma write them), otherwise a decimal point.
    /// </summary>
    public static NumberFormatDetection Detect(IEnumerable<string> samples, char delimiter)
    {
        int dot = 0, comma = 0, unclear = 0;
        foreach (var raw in samples)
        {
            var text = raw.AsSpan().Trim();
            var lastDot = text.LastIndexOf('.');
            var lastComma = text.LastIndexOf(',');
            if (lastDot >= 0 && lastComma >= 0)
            {
                if (lastDot > lastComma)
                {
                    dot++;
                }
                else
                {
                    comma++;
                }
            }
            else if (lastDot >= 0 || lastComma >= 0)
            {
                var separator = lastDot >= 0 ? '.' : ',';
                var at = Math.Max(lastDot, lastComma);
                var repeated = text.IndexOf(separator) != at;
                var digitsAfter = 0;
                while (at + 1 + digitsAfter < text.Length && char.IsAsciiDigit(text[at + 1 + digitsAfter]))
                {
                    digitsAfter++;
                }

                if (repeated)
                {
                    // 1,234,567 or 1.234.567: grouping, so the other one is the decimal separator.
                    if (separator == '.')
                    {
                        comma++;
                    }
                    else
                    {
                        dot++;
                    }
                }
                else if (digitsAfter == 3)
                {
                    // 1,234 or 1.234: a thousands separator or a decimal one, nothing tells.
                    unclear++;
                }
                else
                {
                    if (separator == '.')
                    {
                        dot++;
                    }
                    else
                    {
                        comma++;
                    }
                }
            }
        }

        if (dot == 0 && comma == 0)
        {
            return new NumberFormatDetection(delimiter == ';' ? NumberFormat.Comma : NumberFormat.Dot, true, unclear > 0);
        }

        return new NumberFormatDetection(comma > dot ? NumberFormat.Comma : NumberFormat.Dot, true, comma > 0 && dot > 0);
    }

    /// <summary>Reads a number written with <paramref name="format"/>'s decimal separator.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, NumberFormat format, out decimal value)
    {
        value = 0;
        text = text.Trim();
        if (text.IsEmpty)
        {
            return false;
        }

        // Fast path: a plain number in invariant form.
        if (format.DecimalSeparator == '.' && decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        var negative = false;
        if (text[0] == '(' && text[^1] == ')')
        {
            negative = true;
            text = text[1..^1].Trim();
        }

        text = StripCurrency(text);
        if (text.IsEmpty)
        {
            return false;
        }

        if (text[0] is '-' or '+' or '\u2212')
        {
            negative ^= text[0] != '+';
            text = StripCurrency(text[1..].TrimStart());
        }
        else if (text[^1] is '-' or '\u2212')
        {
            negative = !negative;
            text = StripCurrency(text[..^1].TrimEnd());
        }

        if (text.IsEmpty || text.Length > 64)
        {
            return false;
        }

        Span<char> clean = stackalloc char[text.Length + 1];
        var n = 0;
        if (negative)
        {
            clean[n++] = '-';
        }

        var separator = format.DecimalSeparator;
        var decimalAt = text.LastIndexOf(separator);
        var integer = decimalAt >= 0 ? text[..decimalAt] : text;
        var fraction = decimalAt >= 0 ? text[(decimalAt + 1)..] : [];
        if (decimalAt >= 0 && fraction.IsEmpty && integer.IsEmpty)
        {
            return false;
        }

        // Integer part: digits, optionally grouped by threes.
        var group = -1;
        var digits = 0;
        var grouped = false;
        char grouping = '\0';
        foreach (var c in integer)
        {
            if (char.IsAsciiDigit(c))
            {
                clean[n++] = c;
                digits++;
                if (group >= 0)
                {
                    group++;
                }

                continue;
            }

            if (!IsGroupSeparator(c, separator) || digits == 0 || (grouped && group != 3) || (!grouped && digits > 3) || (grouping != '\0' && c != grouping))
            {
                return false;
            }

            grouped = true;
            grouping = c;
            group = 0;
        }

        if (grouped && group != 3)
        {
            return false;
        }

        if (decimalAt >= 0)
        {
            clean[n++] = '.';
            foreach (var c in fraction)
            {
                if (!char.IsAsciiDigit(c))
                {
                    return false;
                }

                clean[n++] = c;
            }
        }

        if (digits == 0 && fraction.IsEmpty)
        {
            return false;
        }

        return decimal.TryParse(clean[..n], NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
    }

    private static bool IsGroupSeparator(char c, char decimalSeparator) =>
        c is ' ' or '\u00A0' or '\u202F' or '\u2009' or '\'' or '\u2019' || (c is '.' or ',' && c != decimalSeparator);

    private static ReadOnlySpan<char> StripCurrency(ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty && char.GetUnicodeCategory(text[0]) == UnicodeCategory.CurrencySymbol)
        {
            text = text[1..].TrimStart();
        }

        while (!text.IsEmpty && char.GetUnicodeCategory(text[^1]) == UnicodeCategory.CurrencySymbol)
        {
            text = text[..^1].TrimEnd();
        }

        // ISO 4217 codes: "EUR 12.50", "12.50 USD", "CHF12.50".
        if (text.Length > 3 && char.IsAsciiLetterUpper(text[0]) && char.IsAsciiLetterUpper(text[1]) && char.IsAsciiLetterUpper(text[2]) && !char.IsAsciiLetter(text[3]))
        {
            text = text[3..].TrimStart();
        }

        if (text.Length > 3 && char.IsAsciiLetterUpper(text[^1]) && char.IsAsciiLetterUpper(text[^2]) && char.IsAsciiLetterUpper(text[^3]) && !char.IsAsciiLetter(text[^4]))
        {
            text = text[..^3].TrimEnd();
        }

        return text;
    }
}
