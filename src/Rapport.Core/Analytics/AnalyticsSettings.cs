using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Rapport.Analytics;

/// <summary>
/// How analytics are computed, from configuration (<c>Rapport:Analytics:*</c>); every value has a default a shop can
/// start with. Invalid values stop the host at start-up with a message naming the setting.
/// </summary>
public sealed record AnalyticsSettings
{
    /// <summary>The purchase model: <c>bgnbd</c> (default; fast, robust) or <c>paretonbd</c>.</summary>
    public string Model { get; init; } = "bgnbd";

    /// <summary>The horizon of expected purchases, predicted revenue and CLV, in months.</summary>
    public int HorizonMonths { get; init; } = 12;

    /// <summary>Monthly discount rate of CLV (0.01 = 1 % a month, about 12.7 % a year).</summary>
    public double MonthlyDiscountRate { get; init; } = 0.01;

    /// <summary>Share of revenue kept as profit, applied to CLV (1 = CLV in revenue terms).</summary>
    public double Margin { get; init; } = 1.0;

    /// <summary>The RFM window: purchases older than this many months do not count towards frequency and monetary value.</summary>
    public int RfmWindowMonths { get; init; } = 12;

    /// <summary>When the nightly recompute runs (UTC, HH:mm).</summary>
    public TimeOnly NightlyAt { get; init; } = new(2, 0);

    public static AnalyticsSettings FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection("Rapport:Analytics");
        var defaults = new AnalyticsSettings();
        var model = (section["Model"] ?? defaults.Model).Trim().ToLowerInvariant();
        if (model is not ("bgnbd" or "paretonbd"))
        {
            throw new InvalidOperationException($"Rapport:Analytics:Model '{section["Model"]}' is not known; use 'bgnbd' or 'paretonbd'.");
        }

        return new AnalyticsSettings
        {
            Model = model,
            HorizonMonths = Read(section, "HorizonMonths", defaults.HorizonMonths, 1, 120),
            MonthlyDiscountRate = Read(section, "MonthlyDiscountRate", defaults.MonthlyDiscountRate, 0, 1),
            Margin = Read(section, "Margin", defaults.Margin, 0, 1),
            RfmWindowMonths = Read(section, "RfmWindowMonths", defaults.RfmWindowMonths, 1, 240),
            NightlyAt = section["NightlyAt"] is { Length: > 0 } at
                ? TimeOnly.TryParseExact(at, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
                    ? time
                    : throw new InvalidOperationException($"Rapport:Analytics:NightlyAt '{at}' is not a time of day (HH:mm, UTC).")
                : defaults.NightlyAt,
        };
    }

    private static int Read(IConfigurationSection section, string key, int fallback, int min, int max)
    {
        if (section[key] is not { Length: > 0 } text)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new InvalidOperationException($"Rapport:Analytics:{key} '{text}' must be a whole number from {min} to {max}.");
    }

    private static double Read(IConfigurationSection section, string key, double fallback, double min, double max)
    {
        if (section[key] is not { Length: > 0 } text)
        {
            return fallback;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new InvalidOperationException($"Rapport:Analytics:{key} '{text}' must be a number from {min} to {max}.");
    }
}
