using System.Collections.Frozen;
using System.Globalization;
using System.Net.Mail;
using System.Text;
using System.Text.RegularExpressions;

namespace Rapport.Common;

/// <summary>Small checks shared by every use case, so a field gets the same message wherever it is written.</summary>
public static partial class Validate
{
    /// <summary>Trims; returns null for blank input.</summary>
    public static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    public static void MaxLength(FieldErrors errors, string field, string? value, int max)
    {
        if (value is not null && value.Length > max)
        {
            errors.Add(field, $"Must be at most {max} characters (got {value.Length}).");
        }
    }

    public static void Required(FieldErrors errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, "Is required.");
        }
    }

    /// <summary>Whether the text has a control character (as <see cref="char.IsControl(char)"/>: U+0000–U+001F, U+007F–U+009F).</summary>
    public static bool HasControl(ReadOnlySpan<char> value) =>
        value.ContainsAnyInRange('\u0000', '\u001F') || value.ContainsAnyInRange('\u007F', '\u009F');

    public static bool IsEmail(string value)
    {
        if (value.Length > 254 || value.Contains(' ', StringComparison.Ordinal) || value.AsSpan().Count('@') != 1)
        {
            return false;
        }

        var at = value.IndexOf('@', StringComparison.Ordinal);
        if (at < 1 || at == value.Length - 1 || !value[(at + 1)..].Contains('.', StringComparison.Ordinal) || value.EndsWith('.'))
        {
            return false;
        }

        return IsPlainAddress(value, at) || (MailAddress.TryCreate(value, out var parsed) && parsed.Address == value);
    }

    /// <summary>
    /// The everyday shape, checked without <see cref="MailAddress"/> (which dominated the validation time of a large
    /// import): a dot-atom local part of letters, digits and <c>! # $ % &amp; ' * + / = ? ^ _ ` { | } ~ -</c>, and a domain of
    /// letter-digit-hyphen labels. Every such address is one MailAddress accepts unchanged (tested); anything else
    /// takes the full check.
    /// </summary>
    private static bool IsPlainAddress(string value, int at)
    {
        var local = value.AsSpan(0, at);
        var domain = value.AsSpan(at + 1);
        if (local.Length > 64 || local[0] == '.' || local[^1] == '.' || local.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in local)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '.' || "!#$%&'*+/=?^_`{|}~-".Contains(c, StringComparison.Ordinal)))
            {
                return false;
            }
        }

        var labelStart = 0;
        for (var i = 0; i <= domain.Length; i++)
        {
            if (i < domain.Length && domain[i] != '.')
            {
                if (!(char.IsAsciiLetterOrDigit(domain[i]) || domain[i] == '-'))
                {
                    return false;
                }

                continue;
            }

            var label = domain[labelStart..i];
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            labelStart = i + 1;
        }

        return true;
    }

    public static void Email(FieldErrors errors, string field, string? value)
    {
        if (value is not null && !IsEmail(value))
        {
            errors.Add(field, "Is not a valid email address.");
        }
    }

    public static string? NormalizeEmail(string? email) => email?.Trim().ToLowerInvariant();

    /// <summary>Longest language tag accepted (BCP 47 allows long private-use tags; 35 covers all registered ones).</summary>
    public const int LanguageMaxLength = 35;

    /// <summary>
    /// A BCP 47 language tag such as <c>en</c>, <c>fr-CA</c> or <c>zh-Hant-TW</c>, stored in its canonical case.
    /// Checked by shape: with invariant globalization the culture lookup accepts or rejects tags arbitrarily.
    /// </summary>
    public static string? Language(FieldErrors errors, string field, string? value)
    {
        var clean = Validate.Clean(value)?.Replace('_', '-');
        if (clean is null)
        {
            return null;
        }

        var match = LanguageTag().Match(clean);
        if (clean.Length > LanguageMaxLength || !match.Success)
        {
            errors.Add(field, "Must be a language tag such as en or fr-CA.");
            return clean;
        }

        var tag = match.Groups["language"].Value.ToLowerInvariant();
        if (match.Groups["script"].Success)
        {
            var script = match.Groups["script"].Value;
            tag += "-" + char.ToUpperInvariant(script[0]) + script[1..].ToLowerInvariant();
        }

        if (match.Groups["region"].Success)
        {
            tag += "-" + match.Groups["region"].Value.ToUpperInvariant();
        }

        foreach (var variant in match.Groups["variant"].Captures.Select(c => c.Value))
        {
            tag += "-" + variant.ToLowerInvariant();
        }

        return tag;
    }

    private static readonly FrozenDictionary<char, string> Unaccented = Build();

    /// <summary>
    /// Lower case without accents: "José Núñez" → "jose nunez", "Straße" → "strasse". Used for portable
    /// case-insensitive search columns. <c>string.Normalize</c> cannot decompose under invariant globalization (as
    /// Rapport runs), so the Latin letters that carry marks come from an explicit table, the same on every machine.
    /// Idempotent.
    /// </summary>
    public static string Fold(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var sb = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c is >= '\u0300' and <= '\u036f')
            {
                continue; // a combining mark left over from decomposed input
            }

            if (Unaccented.TryGetValue(c, out var plain))
            {
                sb.Append(plain);
            }
            else
            {
                sb.Append(char.ToLowerInvariant(c));
            }
        }

        return sb.ToString();
    }

    private static FrozenDictionary<char, string> Build()
    {
        (string From, string To)[] groups =
        [
            ("àáâãäåāăą", "a"), ("æ", "ae"), ("çćĉċč", "c"), ("ďđð", "d"), ("èéêëēĕėęě", "e"), ("ĝğġģ", "g"),
            ("ĥħ", "h"), ("ìíîïĩīĭįı", "i"), ("ĳ", "ij"), ("ĵ", "j"), ("ķ", "k"), ("ĺļľŀł", "l"), ("ñńņňŉ", "n"),
            ("òóôõöøōŏő", "o"), ("œ", "oe"), ("ŕŗř", "r"), ("śŝşšș", "s"), ("ß", "ss"), ("ţťŧț", "t"), ("þ", "th"),
            ("ùúûüũūŭůűų", "u"), ("ŵ", "w"), ("ýÿŷ", "y"), ("źżž", "z"),
        ];
        var table = new Dictionary<char, string>();
        foreach (var (from, to) in groups)
        {
            foreach (var c in from)
            {
                table[c] = to;
                table[char.ToUpperInvariant(c)] = to;
            }
        }

        return table.ToFrozenDictionary();
    }

    [GeneratedRegex("^(?<language>[A-Za-z]{2,3})(-(?<script>[A-Za-z]{4}))?(-(?<region>[A-Za-z]{2}|[0-9]{3}))?(-(?<variant>[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*$")]
    private static partial Regex LanguageTag();
}
