using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Rapport.Webhooks;

/// <summary>
/// The <c>Rapport-Signature</c> header: <c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256&gt;</c>, where the HMAC key is
/// the subscription's secret (its UTF-8 bytes, <c>whsec_</c> prefix included) and the message is
/// <c>"&lt;t&gt;.&lt;body&gt;"</c>. Receivers recompute it, compare in constant time and refuse old timestamps
/// (docs/webhooks.md, "Verifying a request").
/// </summary>
public static class WebhookSignature
{
    public const string Header = "Rapport-Signature";
    public const string EventIdHeader = "Rapport-Event-Id";
    public const string EventTypeHeader = "Rapport-Event-Type";

    /// <summary>How old a signed timestamp a receiver should accept, in either direction (replay protection).</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    public static string Create(string secret, DateTimeOffset signedAt, string body)
    {
        var t = signedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={t},v1={Hex(secret, t, body)}";
    }

    /// <summary>What a receiver does: parse, check the timestamp is within <paramref name="tolerance"/> of now, compare the HMAC in constant time.</summary>
    public static bool Verify(string secret, string? header, string body, DateTimeOffset now, TimeSpan tolerance)
    {
        string? t = null;
        var candidates = new List<string>();
        foreach (var part in (header ?? "").Split(',', StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith("t=", StringComparison.Ordinal))
            {
                t = part[2..];
            }
            else if (part.StartsWith("v1=", StringComparison.Ordinal))
            {
                candidates.Add(part[3..]);
            }
        }

        if (t is null || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ||
            Math.Abs(now.ToUnixTimeSeconds() - seconds) > tolerance.TotalSeconds)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Hex(secret, t, body));
        return candidates.Any(c => CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(c)));
    }

    private static string Hex(string secret, string t, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}")));
}
