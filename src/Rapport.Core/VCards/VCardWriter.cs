using System.Globalization;
using System.Text;

namespace Rapport.VCards;

public enum VCardVersion
{
    /// <summary>RFC 6350, the default.</summary>
    V4,
    /// <summary>RFC 2426, for older address books (Outlook, older Android).</summary>
    V3,
}

/// <summary>What a card is written from: one customer's profile. Empty strings count as absent.</summary>
public sealed record VCardContact
{
    /// <summary>Written as UID; the reader maps UID back to the external id.</summary>
    public string? Uid { get; init; }
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    /// <summary>FN when the card has no name (e.g. the email, or "Customer 42").</summary>
    public required string DisplayName { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
    public string? Street { get; init; }
    public string? City { get; init; }
    public string? Region { get; init; }
    public string? PostalCode { get; init; }
    /// <summary>ISO 3166-1 alpha-2; written as the English country name (and as the RFC 8605 CC parameter in 4.0).</summary>
    public string? Country { get; init; }
    public DateOnly? BirthDate { get; init; }
    public string? Language { get; init; }
    public string? Company { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    public DateTimeOffset? Revision { get; init; }
}

/// <summary>
/// Writes vCards (4.0 by default, 3.0 on request) with CRLF line ends, text escaped (<c>\\ \, \; \n</c>) and lines
/// folded at 75 octets without ever splitting a UTF-8 sequence or a surrogate pair.
/// </summary>
public static class VCardWriter
{
    public const string MediaType = "text/vcard";
    public const int MaxLineOctets = 75;
    private const string ProductId = "-//Rapport//Rapport customer export//EN";

    /// <summary>Parses <c>4.0</c>/<c>4</c>/<c>3.0</c>/<c>3</c>; null or empty is 4.0.</summary>
    public static bool TryParseVersion(string? text, out VCardVersion version)
    {
        version = VCardVersion.V4;
        switch (text?.Trim())
        {
            case null or "" or "4" or "4.0":
                return true;
            case "3" or "3.0":
                version = VCardVersion.V3;
                return true;
            default:
                return false;
        }
    }

    public static string ToText(VCardContact contact, VCardVersion version = VCardVersion.V4)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        Write(text, contact, version);
        return text.ToString();
    }

    public static void Write(TextWriter output, VCardContact contact, VCardVersion version = VCardVersion.V4)
    {
        var v4 = version == VCardVersion.V4;
        Line(output, "BEGIN:VCARD");
        Line(output, v4 ? "VERSION:4.0" : "VERSION:3.0");
        Line(output, "PRODID:" + ProductId);
        if (Given(contact.Uid) is { } uid)
        {
            Line(output, "UID:" + Escape(uid));
        }

        if (v4)
        {
            Line(output, "KIND:individual");
        }

        var first = Given(contact.FirstName);
        var last = Given(contact.LastName);
        var formatted = string.Join(' ', new[] { first, last }.Where(s => s is not null));
        Line(output, "FN:" + Escape(formatted.Length > 0 ? formatted : contact.DisplayName));
        if (first is not null || last is not null || !v4)
        {
            // N is required in 3.0; family; given; additional; prefixes; suffixes.
            Line(output, $"N:{Escape(last)};{Escape(first)};;;");
        }

        if (Given(contact.Email) is { } email)
        {
            Line(output, v4 ? "EMAIL;PREF=1:" + Escape(email) : "EMAIL;TYPE=INTERNET,PREF:" + Escape(email));
        }

        if (Given(contact.Phone) is { } phone)
        {
            Line(output, v4 ? "TEL;TYPE=voice;PREF=1:" + Escape(phone) : "TEL;TYPE=VOICE,PREF:" + Escape(phone));
        }

        var street = Given(contact.Street);
        var city = Given(contact.City);
        var region = Given(contact.Region);
        var postal = Given(contact.PostalCode);
        var code = Given(contact.Country)?.ToUpperInvariant();
        if (street is not null || city is not null || region is not null || postal is not null || code is not null)
        {
            var country = CountryNames.NameOf(code) ?? code;
            var cc = v4 && code is not null && CountryNames.NameOf(code) is not null ? $";CC={code}" : "";
            var type = v4 ? "" : ";TYPE=PREF";
            Line(output, $"ADR{type}{cc}:;;{Escape(street)};{Escape(city)};{Escape(region)};{Escape(postal)};{Escape(country)}");
        }

        if (Given(contact.Company) is { } company)
        {
            Line(output, "ORG:" + Escape(company));
        }

        if (contact.BirthDate is { } birth)
        {
            Line(output, "BDAY:" + birth.ToString(v4 ? "yyyyMMdd" : "yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        if (v4 && Given(contact.Language) is { } language)
        {
            Line(output, "LANG:" + Escape(language));
        }

        var tags = contact.Tags.Where(t => !string.IsNullOrWhiteSpace(t)).ToList();
        if (tags.Count > 0)
        {
            Line(output, "CATEGORIES:" + string.Join(',', tags.Select(Escape)));
        }

        if (contact.Revision is { } revision)
        {
            Line(output, "REV:" + revision.UtcDateTime.ToString(v4 ? "yyyyMMdd'T'HHmmss'Z'" : "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        }

        Line(output, "END:VCARD");
    }

    /// <summary>Escapes a text value: backslash, comma, semicolon and line breaks (RFC 6350 3.4).</summary>
    public static string Escape(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var text = new StringBuilder(value.Length + 8);
        for (var i = 0; i < value.Length; i++)
        {
            switch (value[i])
            {
                case '\\':
                    text.Append(@"\\");
                    break;
                case ',':
                    text.Append(@"\,");
                    break;
                case ';':
                    text.Append(@"\;");
                    break;
                case '\r' when i + 1 < value.Length && value[i + 1] == '\n':
                    break;
                case '\r' or '\n':
                    text.Append(@"\n");
                    break;
                default:
                    text.Append(value[i]);
                    break;
            }
        }

        return text.ToString();
    }

    /// <summary>Writes one content line folded at <see cref="MaxLineOctets"/> octets; a continuation starts with a space.</summary>
    internal static void Line(TextWriter output, string line)
    {
        var octets = 0;
        var start = 0;
        for (var i = 0; i < line.Length; i++)
        {
            var width = char.IsHighSurrogate(line[i]) && i + 1 < line.Length && char.IsLowSurrogate(line[i + 1]) ? 2 : 1;
            var size = width == 2 ? 4 : Encoding.UTF8.GetByteCount(line.AsSpan(i, 1));
            if (octets + size > MaxLineOctets)
            {
                output.Write(line.AsSpan(start, i - start));
                output.Write("\r\n ");
                start = i;
                octets = 1;
            }

            octets += size;
            i += width - 1;
        }

        output.Write(line.AsSpan(start));
        output.Write("\r\n");
    }

    private static string? Given(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
