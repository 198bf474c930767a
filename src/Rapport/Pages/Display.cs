using System.Globalization;

namespace Rapport.Pages;

/// <summary>
/// How pages write numbers, money and time. Instants are shown in UTC (labelled), the zone they are stored in,
/// so every user reads the same value; money always carries its currency.
/// </summary>
public static class Display
{
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    public static string Number(long value) => value.ToString("N0", Culture);

    public static string Number(decimal value) => value == decimal.Truncate(value) ? value.ToString("N0", Culture) : value.ToString("N2", Culture);

    public static string Money(decimal? value, string? currency)
    {
        if (value is null)
        {
            return "—";
        }

        var amount = Math.Abs(value.Value).ToString("N2", Culture);
        var sign = value < 0 ? "-" : "";
        return (currency ?? "").ToUpperInvariant() switch
        {
            "USD" => $"{sign}${amount}",
            "EUR" => $"{sign}€{amount}",
            "GBP" => $"{sign}£{amount}",
            "" => $"{sign}{amount}",
            var code => $"{sign}{amount} {code}",
        };
    }

    /// <summary>Whole units, for headline figures: "$12,345".</summary>
    public static string MoneyWhole(decimal value, string currency) =>
        Money(Math.Round(value, 0, MidpointRounding.AwayFromZero), currency).Replace(".00", "", StringComparison.Ordinal);

    public static string Date(DateTimeOffset? value) => value is null ? "—" : value.Value.UtcDateTime.ToString("d MMM yyyy", Culture);

    public static string Date(DateOnly? value) => value is null ? "—" : value.Value.ToString("d MMM yyyy", Culture);

    public static string DateTime(DateTimeOffset? value) =>
        value is null ? "—" : value.Value.UtcDateTime.ToString("d MMM yyyy, HH:mm", Culture) + " UTC";

    /// <summary>ISO 8601 for <c>&lt;time datetime&gt;</c>.</summary>
    public static string Iso(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", Culture);

    /// <summary>"today", "yesterday", "12 days ago", "3 months ago", "2 years ago".</summary>
    public static string Ago(DateTimeOffset? value, DateTimeOffset now)
    {
        if (value is null)
        {
            return "never";
        }

        var days = (int)Math.Floor((now.UtcDateTime.Date - value.Value.UtcDateTime.Date).TotalDays);
        return days switch
        {
            < 0 => "in the future",
            0 => "today",
            1 => "yesterday",
            < 45 => $"{days} days ago",
            < 365 => Plural((int)Math.Round(days / 30.4), "month") + " ago",
            _ => Plural((int)Math.Floor(days / 365.25), "year") + " ago",
        };
    }

    public static string Plural(long count, string noun, string? plural = null) =>
        $"{Number(count)} {(count == 1 ? noun : plural ?? noun + "s")}";

    /// <summary>Enum member names as words: InPerson → "in person".</summary>
    public static string Words(Enum value)
    {
        var name = value.ToString();
        var sb = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]))
            {
                sb.Append(' ');
            }

            sb.Append(char.ToLowerInvariant(name[i]));
        }

        return sb.ToString();
    }

    /// <summary>Enum member names as a label: InPerson → "In person".</summary>
    public static string Label(Enum value)
    {
        var words = Words(value);
        return words.Length == 0 ? words : char.ToUpperInvariant(words[0]) + words[1..];
    }
}
