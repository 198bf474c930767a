namespace Rapport.BrowserTests;

/// <summary>
/// A browser test. Skipped, with the reason, when there is no Chromium on this machine, unless
/// <c>RAPPORT_REQUIRE_BROWSER=1</c> (CI), where a missing browser must fail the run instead.
/// (xunit 2 decides skips when it discovers tests, so the decision is made here, in the attribute.)
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (BrowserEnvironment.MissingBrowserReason() is { } reason)
        {
            Skip = reason;
        }
    }
}

public static class BrowserEnvironment
{
    /// <summary>The Chromium executable: <c>RAPPORT_CHROMIUM</c>, default <c>/usr/bin/chromium</c> (Debian's package).</summary>
    public static string Chromium => Environment.GetEnvironmentVariable("RAPPORT_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public static bool Required => Environment.GetEnvironmentVariable("RAPPORT_REQUIRE_BROWSER") == "1";

    /// <summary>Why browser tests cannot run here, or null when they can (or must).</summary>
    public static string? MissingBrowserReason() =>
        File.Exists(Chromium) || Required
            ? null
            : $"No Chromium at {Chromium}: install it (apt-get install chromium) or set RAPPORT_CHROMIUM. CI sets RAPPORT_REQUIRE_BROWSER=1 and runs these tests.";
}
