using System.Collections.Frozen;

namespace Rapport.Duplicates;

/// <summary>A phone number reduced to what identifies a line: the country calling code (empty when unknown) and the national significant number.</summary>
public readonly record struct PhoneKey(string CountryCode, string Number)
{
    /// <summary>The last 9 digits (or all, when fewer): the block and comparison key, robust to prefixes written or left out.</summary>
    public string Tail => Number.Length <= 9 ? Number : Number[^9..];

    /// <summary>
    /// Two numbers are the same line when their last 9 significant digits agree (all digits when shorter) and their
    /// country codes agree or one of them is unknown.
    /// </summary>
    public bool SameLine(PhoneKey other) =>
        string.Equals(Tail, other.Tail, StringComparison.Ordinal) &&
        (CountryCode.Length == 0 || other.CountryCode.Length == 0 || string.Equals(CountryCode, other.CountryCode, StringComparison.Ordinal));
}

/// <summary>
/// Normal forms of emails and phone numbers for duplicate detection. No phone library is available here, so the
/// phone rule is our own: digits only, extensions dropped, an international prefix (<c>+</c> or <c>00</c>) followed
/// by a known calling code is split off, a national trunk prefix (<c>0</c>, or <c>1</c> in North America) is dropped,
/// and numbers with fewer than 7 significant digits are not used.
/// </summary>
public static class ContactKeys
{
    public const int MinPhoneDigits = 7;

    /// <summary>
    /// Lower case and trimmed; the <c>+tag</c> of the local part is dropped (it reaches the same mailbox), and for
    /// Gmail the dots too, with googlemail.com read as gmail.com. Null when there is no usable address.
    /// </summary>
    public static string? Email(string? email)
    {
        var e = email?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(e))
        {
            return null;
        }

        var at = e.LastIndexOf('@');
        if (at <= 0 || at == e.Length - 1)
        {
            return e;
        }

        var local = e[..at];
        var domain = e[(at + 1)..];
        var plus = local.IndexOf('+', StringComparison.Ordinal);
        if (plus > 0)
        {
            local = local[..plus];
        }

        if (domain is "gmail.com" or "googlemail.com")
        {
            domain = "gmail.com";
            local = local.Replace(".", "", StringComparison.Ordinal);
        }

        return $"{local}@{domain}";
    }

    /// <summary>The phone's key, using the customer's country (ISO alpha-2) for numbers written without an international prefix.</summary>
    public static PhoneKey? Phone(string? phone, string? country)
    {
        if (string.IsNullOrWhiteSpace(phone))
        {
            return null;
        }

        Span<char> digits = stackalloc char[Math.Min(phone.Length, 64)];
        var n = 0;
        var international = false;
        var seenDigit = false;
        for (var i = 0; i < phone.Length && n < digits.Length; i++)
        {
            var c = phone[i];
            if (char.IsAsciiDigit(c))
            {
                digits[n++] = c;
                seenDigit = true;
            }
            else if (c == '+' && !seenDigit)
            {
                international = true;
            }
            else if (char.IsAsciiLetter(c) && seenDigit)
            {
                // "x123", "ext. 123", "poste 12": the extension is not part of the line.
                break;
            }
        }

        var number = new string(digits[..n]);
        if (!international && number.StartsWith("00", StringComparison.Ordinal))
        {
            international = true;
            number = number[2..];
        }

        var countryCode = "";
        if (international)
        {
            countryCode = CallingCodePrefix(number);
            number = number[countryCode.Length..];
            if (number.StartsWith('0'))
            {
                // "+44 (0)20 …": the trunk zero sometimes written after the country code.
                number = number[1..];
            }
        }
        else
        {
            countryCode = country is not null && CallingCodes.TryGetValue(country.Trim().ToUpperInvariant(), out var code) ? code : "";
            if (countryCode == "1" && number.Length == 11 && number.StartsWith('1'))
            {
                number = number[1..];
            }
            else if (countryCode != "1" && number.StartsWith('0'))
            {
                number = number.TrimStart('0');
            }
        }

        return number.Length >= MinPhoneDigits ? new PhoneKey(countryCode, number) : null;
    }

    /// <summary>The calling code a fully international number starts with: the longest known prefix of 1 to 3 digits.</summary>
    private static string CallingCodePrefix(string number)
    {
        for (var length = 3; length >= 1; length--)
        {
            if (number.Length > length && KnownCodes.Contains(number[..length]))
            {
                return number[..length];
            }
        }

        return "";
    }

    /// <summary>ISO 3166-1 alpha-2 → ITU calling code, for the countries customers most often come from.</summary>
    private static readonly FrozenDictionary<string, string> CallingCodes = new Dictionary<string, string>
    {
        ["US"] = "1", ["CA"] = "1", ["PR"] = "1", ["GB"] = "44", ["IE"] = "353", ["DE"] = "49", ["AT"] = "43", ["CH"] = "41",
        ["FR"] = "33", ["BE"] = "32", ["NL"] = "31", ["LU"] = "352", ["ES"] = "34", ["PT"] = "351", ["IT"] = "39", ["DK"] = "45",
        ["SE"] = "46", ["NO"] = "47", ["FI"] = "358", ["IS"] = "354", ["PL"] = "48", ["CZ"] = "420", ["SK"] = "421", ["HU"] = "36",
        ["RO"] = "40", ["BG"] = "359", ["GR"] = "30", ["HR"] = "385", ["SI"] = "386", ["EE"] = "372", ["LV"] = "371", ["LT"] = "370",
        ["UA"] = "380", ["TR"] = "90", ["IL"] = "972", ["AE"] = "971", ["SA"] = "966", ["EG"] = "20", ["ZA"] = "27", ["NG"] = "234",
        ["KE"] = "254", ["MA"] = "212", ["IN"] = "91", ["PK"] = "92", ["CN"] = "86", ["HK"] = "852", ["TW"] = "886", ["JP"] = "81",
        ["KR"] = "82", ["SG"] = "65", ["MY"] = "60", ["TH"] = "66", ["VN"] = "84", ["PH"] = "63", ["ID"] = "62", ["AU"] = "61",
        ["NZ"] = "64", ["MX"] = "52", ["BR"] = "55", ["AR"] = "54", ["CL"] = "56", ["CO"] = "57", ["PE"] = "51", ["RU"] = "7",
        ["KZ"] = "7",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenSet<string> KnownCodes = CallingCodes.Values.ToFrozenSet(StringComparer.Ordinal);
}
