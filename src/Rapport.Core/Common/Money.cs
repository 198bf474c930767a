namespace Rapport.Common;

/// <summary>
/// Rules for money and quantities. Amounts are stored as numeric(19,4) on PostgreSQL and REAL rounded to 4 decimals
/// on SQLite, so inputs may carry at most 4 decimal places and stay well inside both ranges.
/// </summary>
public static class Money
{
    /// <summary>Largest amount (total, price, line amount) accepted: one trillion.</summary>
    public const decimal MaxAmount = 1_000_000_000_000m;

    /// <summary>Largest quantity on one line.</summary>
    public const decimal MaxQuantity = 1_000_000m;

    public const int MaxDecimals = 4;

    /// <summary>An amount that may be zero (free items, fully discounted orders) but not negative.</summary>
    public static void NonNegativeAmount(FieldErrors errors, string field, decimal? value)
    {
        if (value is not { } v)
        {
            return;
        }

        if (v < 0)
        {
            errors.Add(field, "Must not be negative.");
        }
        else if (v > MaxAmount)
        {
            errors.Add(field, $"Must be at most {MaxAmount:0}.");
        }
        else if (v.Scale > MaxDecimals && v != Math.Round(v, MaxDecimals))
        {
            errors.Add(field, $"Must have at most {MaxDecimals} decimal places.");
        }
    }

    public static void PositiveQuantity(FieldErrors errors, string field, decimal value)
    {
        if (value <= 0)
        {
            errors.Add(field, "Must be greater than zero.");
        }
        else if (value > MaxQuantity)
        {
            errors.Add(field, $"Must be at most {MaxQuantity:0}.");
        }
        else if (value.Scale > MaxDecimals && value != Math.Round(value, MaxDecimals))
        {
            errors.Add(field, $"Must have at most {MaxDecimals} decimal places.");
        }
    }

    /// <summary>Quantity × unit price rounded half away from zero to 4 decimals, as stored in <see cref="TransactionLine.Amount"/>.</summary>
    public static decimal LineAmount(decimal quantity, decimal unitPrice) =>
        Math.Round(quantity * unitPrice, MaxDecimals, MidpointRounding.AwayFromZero);

    /// <summary>
    /// Checks an ISO 4217 code and returns it upper-cased; blank means <paramref name="fallback"/> when one is given,
    /// otherwise the field is required.
    /// </summary>
    public static string? Currency(FieldErrors errors, string field, string? value, string? fallback)
    {
        var code = Validate.Clean(value)?.ToUpperInvariant() ?? fallback;
        if (code is null)
        {
            errors.Add(field, "Is required: a three-letter ISO 4217 currency code, e.g. USD.");
            return null;
        }

        if (!IsCurrency(code))
        {
            errors.Add(field, "Must be a three-letter ISO 4217 currency code, e.g. USD.");
        }

        return code;
    }

    public static bool IsCurrency(string code) => Currencies.Contains(code);

    /// <summary>
    /// ISO 4217 codes in use (list of 2025), plus recently withdrawn codes that older orders still carry
    /// (HRK, ANG, SLL, ZWL, VEF, MRO, STD, BYR). Funds and precious-metal codes are left out: nobody pays in them.
    /// </summary>
    public static readonly IReadOnlySet<string> Currencies = new HashSet<string>(StringComparer.Ordinal)
    {
        "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF",
        "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BYR", "BZD", "CAD", "CDF", "CHF", "CLP", "CNY", "COP",
        "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL",
        "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HRK", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR",
        "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR",
        "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRO", "MRU", "MUR", "MVR", "MWK", "MXN",
        "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG",
        "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SLL", "SOS", "SRD",
        "SSP", "STD", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH",
        "UGX", "USD", "UYU", "UZS", "VED", "VEF", "VES", "VND", "VUV", "WST", "XAF", "XCD", "XCG", "XOF", "XPF", "YER",
        "ZAR", "ZMW", "ZWG", "ZWL",
    };
}
