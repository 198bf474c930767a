using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Rapport.Webhooks;

/// <summary>
/// Settings under <c>Rapport:Webhooks</c> (see docs/webhooks.md, "Operations"). Durations are written with a unit:
/// <c>500ms</c>, <c>30s</c>, <c>2m</c>, <c>1h</c>, <c>1d</c>.
/// </summary>
public sealed record WebhookOptions
{
    /// <summary>Accept <c>http://</c> subscription URLs (development and tests); otherwise only <c>https://</c>.</summary>
    public bool AllowHttp { get; init; }

    /// <summary>Accept loopback, private, link-local and other non-public addresses as receivers.</summary>
    public bool AllowPrivateNetworks { get; init; }

    /// <summary>Whether this instance sends deliveries. Turn off on servers that should only write.</summary>
    public bool DispatcherEnabled { get; init; } = true;

    /// <summary>How long one HTTP attempt may take, connection included.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Waits before the 2nd, 3rd, … attempt; after the last one fails the delivery is Failed.</summary>
    public IReadOnlyList<TimeSpan> RetrySchedule { get; init; } =
        [TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromHours(1), TimeSpan.FromHours(6), TimeSpan.FromHours(24)];

    /// <summary>Random extra wait added to each retry, as a fraction of it (0.2 = up to 20 % later).</summary>
    public double Jitter { get; init; } = 0.2;

    /// <summary>The longest <c>Retry-After</c> honoured on 429/503; longer values are cut to this.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How often the dispatcher looks for due deliveries when nothing woke it.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the cached list of active subscriptions is trusted before it is read again.</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long succeeded and failed deliveries (with their attempts) stay in the log; pending ones stay until done.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Deliveries sent at the same time by one instance.</summary>
    public int Concurrency { get; init; } = 8;

    /// <summary>How long a claimed delivery stays reserved for the instance that claimed it (longer than <see cref="Timeout"/>).</summary>
    public TimeSpan ClaimDuration => Timeout + TimeSpan.FromMinutes(1);

    /// <summary>Attempts in all: the first plus one per retry.</summary>
    public int MaxAttempts => RetrySchedule.Count + 1;

    public static WebhookOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Rapport:Webhooks");
        var defaults = new WebhookOptions();
        var options = new WebhookOptions
        {
            AllowHttp = Bool(section, "AllowHttp", defaults.AllowHttp),
            AllowPrivateNetworks = Bool(section, "AllowPrivateNetworks", defaults.AllowPrivateNetworks),
            DispatcherEnabled = Bool(section, "Dispatcher", defaults.DispatcherEnabled),
            Timeout = Duration(section, "Timeout", defaults.Timeout),
            RetrySchedule = section["RetrySchedule"] is { Length: > 0 } schedule
                ? [.. schedule.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(s => ParseDuration("RetrySchedule", s))]
                : defaults.RetrySchedule,
            Jitter = section["Jitter"] is { Length: > 0 } jitter ? double.Parse(jitter, CultureInfo.InvariantCulture) : defaults.Jitter,
            MaxRetryAfter = Duration(section, "MaxRetryAfter", defaults.MaxRetryAfter),
            PollInterval = Duration(section, "PollInterval", defaults.PollInterval),
            RefreshInterval = Duration(section, "RefreshInterval", defaults.RefreshInterval),
            Retention = Duration(section, "Retention", defaults.Retention),
            Concurrency = section["Concurrency"] is { Length: > 0 } concurrency ? int.Parse(concurrency, CultureInfo.InvariantCulture) : defaults.Concurrency,
        };
        if (options.Jitter is < 0 or > 1 || options.Concurrency < 1 || options.Timeout <= TimeSpan.Zero || options.PollInterval <= TimeSpan.Zero)
        {
            throw new InvalidOperationException("Rapport:Webhooks: Jitter must be 0..1, Concurrency at least 1, Timeout and PollInterval positive.");
        }

        return options;
    }

    private static bool Bool(IConfigurationSection section, string key, bool fallback) =>
        section[key] is { Length: > 0 } value
            ? bool.TryParse(value, out var parsed) ? parsed : throw new InvalidOperationException($"Rapport:Webhooks:{key} must be true or false.")
            : fallback;

    private static TimeSpan Duration(IConfigurationSection section, string key, TimeSpan fallback) =>
        section[key] is { Length: > 0 } value ? ParseDuration(key, value) : fallback;

    /// <summary>Parses <c>500ms</c>, <c>30s</c>, <c>2m</c>, <c>1h</c> or <c>1d</c>.</summary>
    public static TimeSpan ParseDuration(string key, string text)
    {
        var value = text.Trim();
        var (number, unit) = value.EndsWith("ms", StringComparison.OrdinalIgnoreCase)
            ? (value[..^2], "ms")
            : (value[..^1], value[^1..].ToLowerInvariant());
        if (value.Length < 2 || !double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
        {
            throw new InvalidOperationException($"Rapport:Webhooks:{key}: '{text}' is not a duration like 30s, 2m, 1h.");
        }

        return unit switch
        {
            "ms" => TimeSpan.FromMilliseconds(amount),
            "s" => TimeSpan.FromSeconds(amount),
            "m" => TimeSpan.FromMinutes(amount),
            "h" => TimeSpan.FromHours(amount),
            "d" => TimeSpan.FromDays(amount),
            _ => throw new InvalidOperationException($"Rapport:Webhooks:{key}: '{text}' is not a duration like 30s, 2m, 1h."),
        };
    }
}
