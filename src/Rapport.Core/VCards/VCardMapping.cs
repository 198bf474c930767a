using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Rapport.Common;
using Rapport.Ingestion;
using Rapport.Interactions;

namespace Rapport.VCards;

/// <summary>
/// Turns a card's properties into an <see cref="IncomingCustomer"/> and a timeline note. The mapping (also in
/// docs/exports.md): N (else FN) → first/last name; the preferred EMAIL, TEL and ADR (PREF=1 in 4.0, TYPE=pref in
/// 3.0/2.1, else the first) → email, phone, address; ADR country name (or RFC 8605 CC) → ISO code; ORG → company;
/// BDAY → birth date; LANG → language; CATEGORIES → tags; UID → external id. NOTE, the other emails, phones and
/// addresses, TITLE, ROLE, NICKNAME, URL, department and a birthday without a year become one staff note.
/// </summary>
internal static class VCardMapping
{
    public const string NoteSubject = "From vCard";

    /// <summary>Apple Contacts writes this year (with X-APPLE-OMIT-YEAR) for a birthday whose year is unknown.</summary>
    private const int AppleNoYear = 1604;

    public sealed record Mapped(IncomingCustomer? Customer, IncomingInteraction? Note, string? Error);

    public static Mapped Map(IReadOnlyList<VCardProperty> properties, long startLine)
    {
        var version = properties.FirstOrDefault(p => p.Name == "VERSION")?.Text.Trim();
        if (version is not null and not ("2.1" or "3.0" or "4.0"))
        {
            return Fail($"Line {startLine}: vCard version {version} is not supported (2.1, 3.0 and 4.0 are).");
        }

        var kind = (properties.FirstOrDefault(p => p.Name == "KIND") ?? properties.FirstOrDefault(p => p.Name == "X-ADDRESSBOOKSERVER-KIND"))?.Text.Trim();
        if (string.Equals(kind, "group", StringComparison.OrdinalIgnoreCase))
        {
            return Fail($"Line {startLine}: this card is a contact group (KIND:group), not a person.");
        }

        var note = new List<string>();
        var extras = new List<string>();

        var (firstName, lastName) = Names(properties);

        var emails = Preferred(properties, "EMAIL")
            .Select(p => (Property: p, Value: OneLine(StripScheme(p.Text, "mailto:"))))
            .Where(e => e.Value.Length > 0)
            .ToList();
        var email = emails.FirstOrDefault(e => Validate.IsEmail(e.Value));
        Others(extras, "Other emails", emails.Where(e => e != email));

        var phones = Preferred(properties, "TEL")
            .Select(p => (Property: p, Value: OneLine(StripScheme(p.Text, "tel:"))))
            .Where(t => t.Value.Length > 0)
            .ToList();
        var phone = phones.FirstOrDefault(t => IsPhone(t.Value));
        Others(extras, "Other phones", phones.Where(t => t != phone));

        var addresses = Preferred(properties, "ADR").Select(p => (Property: p, Address: Address.From(p))).Where(a => !a.Address.IsEmpty).ToList();
        var address = addresses.FirstOrDefault().Address;
        Others(extras, "Other addresses", addresses.Skip(1).Select(a => (a.Property, a.Address.OneLine())));
        string? country = null;
        if (address is not null)
        {
            country = address.CountryCode;
            if (country is null && address.Country is not null)
            {
                extras.Add($"Country (not recognised): {address.Country}");
            }
        }

        string? company = null;
        if (properties.FirstOrDefault(p => p.Name == "ORG") is { } org)
        {
            var units = org.Components().Select(OneLine).Where(u => u.Length > 0).ToList();
            company = units.FirstOrDefault();
            if (units.Count > 1)
            {
                extras.Add($"Department: {string.Join(", ", units.Skip(1))}");
            }
        }

        foreach (var (name, label) in new[] { ("TITLE", "Title"), ("ROLE", "Role"), ("NICKNAME", "Nickname"), ("URL", "Website") })
        {
            var values = properties.Where(p => p.Name == name).Select(p => OneLine(p.Text)).Where(v => v.Length > 0).ToList();
            if (values.Count > 0)
            {
                extras.Add($"{label}: {string.Join(", ", values)}");
            }
        }

        DateOnly? birthDate = null;
        if (properties.FirstOrDefault(p => p.Name == "BDAY") is { } bday)
        {
            birthDate = Birthday(bday, extras);
        }

        var language = Preferred(properties, "LANG").Select(p => OneLine(p.Text)).FirstOrDefault(l => l.Length > 0);
        var tags = properties.Where(p => p.Name == "CATEGORIES")
            .SelectMany(p => p.Items())
            .Select(OneLine)
            .Where(t => t.Length > 0)
            .DistinctBy(t => t.ToLowerInvariant())
            .ToList();
        var uid = properties.FirstOrDefault(p => p.Name == "UID") is { } u ? Validate.Clean(OneLine(u.Text)) : null;

        if (firstName is null && lastName is null && email.Value is null)
        {
            return Fail($"Line {startLine}: the card has no name and no valid email (N, FN or EMAIL is needed).");
        }

        foreach (var text in properties.Where(p => p.Name == "NOTE").Select(p => p.Text.Replace("\r\n", "\n", StringComparison.Ordinal).Trim()))
        {
            if (text.Length > 0)
            {
                note.Add(text);
            }
        }

        if (extras.Count > 0)
        {
            note.Add(string.Join('\n', extras));
        }

        var customer = new IncomingCustomer
        {
            ExternalId = uid,
            Email = email.Value,
            FirstName = firstName,
            LastName = lastName,
            Phone = phone.Value,
            Street = address?.Street,
            City = address?.City,
            PostalCode = address?.PostalCode,
            Region = address?.Region,
            Country = country,
            BirthDate = birthDate,
            Language = language,
            CompanyName = company,
            Tags = tags.Count > 0 ? tags : null,
        };
        return new Mapped(customer, note.Count > 0 ? NoteFor(customer, string.Join("\n\n", note)) : null, null);

        static Mapped Fail(string error) => new(null, null, error);
    }

    private static IncomingInteraction NoteFor(IncomingCustomer customer, string text)
    {
        if (text.Length > LogInteractionRequest.NotesMaxLength)
        {
            text = text[..(LogInteractionRequest.NotesMaxLength - 1)] + "…";
        }

        // The same card imported again gives the same id, so the note is updated rather than added twice.
        var identity = $"{customer.ExternalId}\n{customer.Email}\n{customer.FirstName}\n{customer.LastName}\n{text}";
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..32];
        return new IncomingInteraction
        {
            ExternalId = $"vcard-note-{hash}",
            Customer = new CustomerRef(customer.ExternalId, customer.Email, customer.FirstName, customer.LastName),
            Channel = InteractionChannel.Other,
            Direction = InteractionDirection.Internal,
            Type = InteractionType.Note,
            Subject = NoteSubject,
            Notes = text,
        };
    }

    private static (string? First, string? Last) Names(IReadOnlyList<VCardProperty> properties)
    {
        if (properties.FirstOrDefault(p => p.Name == "N") is { } n)
        {
            // Components are unescaped already; a component holding several values (given names) lists them with commas.
            var parts = VCardProperty.Split(n.Value, ';');
            string Part(int i) => i < parts.Count ? OneLine(string.Join(' ', VCardProperty.Split(parts[i], ',').Select(v => VCardProperty.Unescape(v).Trim()))) : "";
            var family = Part(0);
            var given = string.Join(' ', new[] { Part(1), Part(2) }.Where(s => s.Length > 0));
            if (family.Length > 0 || given.Length > 0)
            {
                return (Validate.Clean(given), Validate.Clean(family));
            }
        }

        var full = properties.FirstOrDefault(p => p.Name == "FN") is { } fn ? OneLine(fn.Text) : "";
        if (full.Length == 0)
        {
            return (null, null);
        }

        // Without N, the formatted name is split at its last space: "Ana María López" → "Ana María" + "López".
        var space = full.LastIndexOf(' ');
        return space < 0 ? (full, null) : (full[..space].Trim(), full[(space + 1)..].Trim());
    }

    private static DateOnly? Birthday(VCardProperty bday, List<string> extras)
    {
        var text = OneLine(bday.Text);
        if (text.Length == 0)
        {
            return null;
        }

        var noYear = bday.Param("X-APPLE-OMIT-YEAR").Count > 0;
        var valueType = bday.Param("VALUE");
        var date = text.Split('T')[0].Replace("-", "", StringComparison.Ordinal);
        if (text.StartsWith("--", StringComparison.Ordinal) && date.Length == 4)
        {
            date = "----" + date;
            noYear = true;
        }

        if (!(valueType.Count > 0 && string.Equals(valueType[0], "text", StringComparison.OrdinalIgnoreCase)) &&
            date.Length == 8 &&
            int.TryParse(date.AsSpan(4, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var month) &&
            int.TryParse(date.AsSpan(6, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var day) &&
            month is >= 1 and <= 12 && day >= 1)
        {
            var hasYear = int.TryParse(date.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year >= 1;
            if (!hasYear || noYear || year == AppleNoYear)
            {
                if (day <= DateTime.DaysInMonth(2000, month))
                {
                    extras.Add($"Birthday (no year): {new DateOnly(2000, month, day).ToString("d MMMM", CultureInfo.InvariantCulture)}");
                    return null;
                }
            }
            else if (day <= DateTime.DaysInMonth(year, month))
            {
                return new DateOnly(year, month, day);
            }
        }

        extras.Add($"Birthday: {text}");
        return null;
    }

    /// <summary>The properties of one name, most preferred first (stable, so ties keep file order).</summary>
    private static List<VCardProperty> Preferred(IReadOnlyList<VCardProperty> properties, string name) =>
        properties.Where(p => p.Name == name).OrderBy(p => p.PreferenceRank).ToList();

    private static void Others(List<string> extras, string label, IEnumerable<(VCardProperty Property, string Value)> others)
    {
        var items = others.Select(o => Types(o.Property) is { Length: > 0 } types ? $"{o.Value} ({types})" : o.Value).ToList();
        if (items.Count > 0)
        {
            extras.Add($"{label}: {string.Join("; ", items)}");
        }
    }

    private static string Types(VCardProperty property)
    {
        var types = property.Param("TYPE")
            .Where(t => !t.Equals("pref", StringComparison.OrdinalIgnoreCase) && !t.Equals("internet", StringComparison.OrdinalIgnoreCase) &&
                        !t.Equals("voice", StringComparison.OrdinalIgnoreCase) && !t.Equals("x400", StringComparison.OrdinalIgnoreCase))
            .Select(t => t.ToLowerInvariant())
            .Distinct()
            .ToList();
        return string.Join(", ", types);
    }

    private static bool IsPhone(string value) =>
        value.Length <= Customers.CustomerLimits.Phone &&
        value.All(c => char.IsAsciiDigit(c) || c is '+' or '-' or '(' or ')' or '.' or ' ' or '/') &&
        value.Count(char.IsAsciiDigit) >= 3;

    private static string StripScheme(string value, string scheme) =>
        value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? value[scheme.Length..] : value;

    /// <summary>Line breaks and tabs become spaces, runs of spaces one space; trimmed.</summary>
    internal static string OneLine(string value)
    {
        if (!value.Any(char.IsControl) && !value.Contains("  ", StringComparison.Ordinal))
        {
            return value.Trim();
        }

        return string.Join(' ', value.Split([' ', '\r', '\n', '\t', '\f', '\v'], StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>An ADR value: <c>post office box; extended; street; locality; region; postal code; country</c>.</summary>
    private sealed record Address(string? Street, string? City, string? Region, string? PostalCode, string? Country, string? CountryCode)
    {
        public bool IsEmpty => Street is null && City is null && Region is null && PostalCode is null && Country is null;

        public static Address From(VCardProperty adr)
        {
            var parts = adr.Components();
            string? Part(int i) => i < parts.Count
                ? Validate.Clean(string.Join(", ", parts[i].Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(VCardMapping.OneLine)))
                : null;
            var streetParts = new[] { Part(2), Part(1), Part(0) is { } box ? (box.Any(char.IsLetter) ? box : $"PO Box {box}") : null }.Where(s => s is not null);
            var street = Validate.Clean(string.Join(", ", streetParts));
            var country = Part(6);
            var cc = adr.Param("CC");
            var code = CountryNames.Resolve(cc.Count > 0 ? cc[0] : null) ?? CountryNames.Resolve(country);
            return new Address(street, Part(3), Part(4), Part(5), country, code);
        }

        public string OneLine() => string.Join(", ", new[] { Street, PostalCode is null ? City : $"{PostalCode} {City}".Trim(), Region, Country ?? CountryCode }
            .Where(s => !string.IsNullOrEmpty(s)));
    }
}
