using System.Globalization;
using Rapport.Analytics;
using Rapport.Customers;

namespace Rapport.Pages;

/// <summary>How the analytics pages and the customer page put figures into words. Never prints NaN or infinity.</summary>
public static class AnalyticsWords
{
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    /// <summary>A share from 0 to 1 as a whole percent; the ends read "under 1 %" and "over 99 %" rather than 0 or 100.</summary>
    public static string Percent(double? share)
    {
        if (share is not { } s || !double.IsFinite(s))
        {
            return "—";
        }

        return s switch
        {
            > 0 and < 0.005 => "under 1 %",
            > 0.995 and < 1 => "over 99 %",
            _ => Math.Round(s * 100, MidpointRounding.AwayFromZero).ToString("0", Culture) + " %",
        };
    }

    public static string Percent(decimal? share) => Percent(share is { } s ? (double)s : null);

    /// <summary>A share with one decimal, for tables where small differences matter: "12.3 %".</summary>
    public static string Percent1(decimal? share) => share is { } s ? (s * 100).ToString("0.0", Culture) + " %" : "—";

    public static string Percent1(double? share) => share is { } s && double.IsFinite(s) ? (s * 100).ToString("0.0", Culture) + " %" : "—";

    /// <summary>A number with at most <paramref name="decimals"/> decimals: "2.3", "14".</summary>
    public static string Number(double? value, int decimals = 1) =>
        value is { } v && double.IsFinite(v) ? Math.Round(v, decimals).ToString("#,0." + new string('#', decimals), Culture) : "—";

    public static string Number(decimal? value, int decimals = 2) =>
        value is { } v ? Math.Round(v, decimals).ToString("#,0." + new string('#', decimals), Culture) : "—";

    /// <summary>
    /// One customer's outlook in a sentence: "92 % likely still active; expected to buy about 2.3 more times and spend
    /// $310.00 in the next 12 months."
    /// </summary>
    public static string Outlook(CustomerAnalyticsDetail a, int horizonMonths, string currency)
    {
        if (a.PAlive is not { } alive)
        {
            return "No prediction yet: the purchase model could not be fitted on the data of the latest analytics run.";
        }

        var horizon = $"in the next {Display.Plural(horizonMonths, "month")}";
        var sentence = $"{char.ToUpperInvariant(Percent(alive)[0])}{Percent(alive)[1..]} likely still active; ";
        if (a.ExpectedPurchases is not { } purchases || purchases < 0.05)
        {
            return sentence + $"not expected to buy again {horizon}.";
        }

        var times = purchases < 1.05 && purchases > 0.95 ? "about once" : $"about {Number(purchases)} more times";
        return a.PredictedRevenue is { } revenue
            ? sentence + $"expected to buy {times} and spend {Display.Money(Math.Round(revenue, 2), currency)} {horizon}."
            : sentence + $"expected to buy {times} {horizon}.";
    }

    /// <summary>Money for a headline figure: whole units up to 100,000, then "$4.76M", "$312K".</summary>
    public static string MoneyShort(decimal value, string currency)
    {
        var magnitude = Math.Abs(value);
        if (magnitude < 100_000m)
        {
            return Display.MoneyWhole(value, currency);
        }

        var (scaled, suffix) = magnitude >= 1_000_000_000m ? (value / 1_000_000_000m, "B") : magnitude >= 1_000_000m ? (value / 1_000_000m, "M") : (value / 1_000m, "K");
        var text = Display.Money(Math.Round(scaled, 2), currency);
        // "$4.76" + "M", or "4.76 CHF" → "4.76M CHF".
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? text + suffix : text[..space] + suffix + text[space..];
    }

    /// <summary>A KPI's value in its unit: "38.2 %", "$54.10", "1,204", "1.35".</summary>
    public static string Kpi(KpiUnit unit, decimal? value, string currency) => value is not { } v
        ? "—"
        : unit switch
        {
            KpiUnit.Percent => Percent1(v),
            KpiUnit.Money => Display.Money(Math.Round(v, 2), currency),
            KpiUnit.Count => Display.Number(Math.Round(v, 0)),
            _ => Number(v, 2),
        };

    /// <summary>A change of a KPI from the period before, signed: "+2.1 pts", "−$3.20", "+12".</summary>
    public static string Change(KpiUnit unit, decimal? change, string currency)
    {
        if (change is not { } c)
        {
            return "";
        }

        var sign = c > 0 ? "+" : c < 0 ? "−" : "±";
        var magnitude = Math.Abs(c);
        return sign + unit switch
        {
            KpiUnit.Percent => (magnitude * 100).ToString("0.0", Culture) + " pts",
            KpiUnit.Money => Display.Money(Math.Round(magnitude, 2), currency),
            KpiUnit.Count => Display.Number(Math.Round(magnitude, 0)),
            _ => Number(magnitude, 2),
        };
    }

    /// <summary>Whether a change is good news for a KPI of this direction: "up", "down" or "flat" for the CSS class.</summary>
    public static string Trend(KpiDirection direction, decimal? change) => change switch
    {
        null or 0 => "flat",
        > 0 when direction == KpiDirection.HigherIsBetter => "good",
        < 0 when direction == KpiDirection.LowerIsBetter => "good",
        _ when direction == KpiDirection.Neutral => "flat",
        _ => "bad",
    };

    public static string StatusLabel(KpiStatus status) => status switch
    {
        KpiStatus.OnTrack => "On track",
        KpiStatus.Behind => "Behind",
        KpiStatus.NotAvailable => "Not available",
        _ => "No target",
    };

    public static string StatusBadge(KpiStatus status) => status switch
    {
        KpiStatus.OnTrack => "badge badge-success",
        KpiStatus.Behind => "badge badge-danger",
        KpiStatus.NotAvailable => "badge badge-warning",
        _ => "badge",
    };

    /// <summary>A target as it is typed into the form: percent KPIs in percent (40 for 0.40).</summary>
    public static string TargetInput(KpiUnit unit, decimal? target) => target is not { } t
        ? ""
        : (unit == KpiUnit.Percent ? t * 100 : t).ToString("0.####", Culture);
}
