using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Rapport.Common;

namespace Rapport.Webhooks;

/// <summary>Validation shared by creating and editing subscriptions, and the signing-secret format.</summary>
public static class WebhookSubscriptionRules
{
    public const int UrlMaxLength = 2000;
    public const int DescriptionMaxLength = 200;
    public const string SecretPrefix = "whsec_";

    /// <summary>A new signing secret: 32 bytes from the operating system's CSPRNG, base64url, prefixed <c>whsec_</c>.</summary>
    public static string NewSecret() =>
        SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The event types stored as <c>customer.created,transaction.created</c>.</summary>
    public static IReadOnlyList<string> ParseTypes(string stored) =>
        stored.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>At least one known type; stored without repeats in the order of <see cref="WebhookEvents.All"/>.</summary>
    public static string? EventTypes(FieldErrors errors, IReadOnlyList<string?>? types)
    {
        var given = (types ?? []).Select(t => t?.Trim() ?? "").ToList();
        var unknown = given.Where(t => !WebhookEvents.IsKnown(t)).ToList();
        if (unknown.Count > 0)
        {
            errors.Add("eventTypes", $"Unknown event type{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown.Select(u => $"'{u}'"))}; use {string.Join(", ", WebhookEvents.All)}.");
            return null;
        }

        if (given.Count == 0)
        {
            errors.Add("eventTypes", $"Choose at least one of {string.Join(", ", WebhookEvents.All)}.");
            return null;
        }

        return string.Join(',', WebhookEvents.All.Where(given.Contains));
    }

    public static string? Description(FieldErrors errors, string? description)
    {
        var clean = Validate.Clean(description);
        TextRules.SingleLine(errors, "description", clean, DescriptionMaxLength);
        return clean;
    }

    /// <summary>
    /// An absolute <c>https</c> URL (<c>http</c> only when <see cref="WebhookOptions.AllowHttp"/>), without user name,
    /// password or fragment. Unless <see cref="WebhookOptions.AllowPrivateNetworks"/>, a host that is a non-public IP
    /// address or a local name (<c>localhost</c>, <c>*.local</c>, <c>*.internal</c>) is refused here; names are checked
    /// again, address by address, when the dispatcher connects (<see cref="IsPublic"/>).
    /// </summary>
    public static string? Url(FieldErrors errors, string? url, WebhookOptions options)
    {
        var clean = Validate.Clean(url);
        if (clean is null)
        {
            errors.Add("url", "Is required.");
            return null;
        }

        if (clean.Length > UrlMaxLength)
        {
            errors.Add("url", $"Must be at most {UrlMaxLength} characters.");
            return null;
        }

        if (!Uri.TryCreate(clean, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || string.IsNullOrEmpty(uri.Host))
        {
            errors.Add("url", "Must be an absolute https:// URL, e.g. https://example.com/hooks/rapport.");
            return null;
        }

        if (uri.Scheme == "http" && !options.AllowHttp)
        {
            errors.Add("url", "Must use https:// (plain http is allowed only when Rapport:Webhooks:AllowHttp is true).");
            return null;
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            errors.Add("url", "Must not contain a user name or password; the receiver checks the Rapport-Signature header instead.");
            return null;
        }

        if (!string.IsNullOrEmpty(uri.Fragment))
        {
            errors.Add("url", "Must not contain a #fragment.");
            return null;
        }

        if (!options.AllowPrivateNetworks && IsLocalHost(uri))
        {
            errors.Add("url", "Must point to a public address: loopback, private and link-local hosts are refused (Rapport:Webhooks:AllowPrivateNetworks).");
            return null;
        }

        return uri.AbsoluteUri;
    }

    private static bool IsLocalHost(Uri uri)
    {
        if (IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var address))
        {
            return !IsPublic(address);
        }

        var host = uri.IdnHost.TrimEnd('.').ToLowerInvariant();
        return host is "localhost" || host.EndsWith(".localhost", StringComparison.Ordinal) ||
               host.EndsWith(".local", StringComparison.Ordinal) || host.EndsWith(".internal", StringComparison.Ordinal) ||
               !host.Contains('.', StringComparison.Ordinal);
    }

    /// <summary>
    /// Whether an address is on the public internet: not loopback, unspecified, private (RFC 1918, IPv6 unique local),
    /// shared (100.64/10), link-local (169.254/16 with cloud metadata, fe80::/10), multicast, reserved or documentation.
    /// </summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return false;
        }

        var b = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return !(b[0] == 0 || b[0] == 10 || b[0] == 127 || b[0] >= 224 ||
                     (b[0] == 100 && b[1] >= 64 && b[1] <= 127) ||
                     (b[0] == 169 && b[1] == 254) ||
                     (b[0] == 172 && b[1] >= 16 && b[1] <= 31) ||
                     (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2) ||
                     (b[0] == 192 && b[1] == 168) ||
                     (b[0] == 198 && b[1] is 18 or 19) ||
                     (b[0] == 198 && b[1] == 51 && b[2] == 100) ||
                     (b[0] == 203 && b[1] == 0 && b[2] == 113));
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast ||
                     (b[0] & 0xfe) == 0xfc ||
                     (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) ||
                     (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) ||
                     b.Take(10).All(x => x == 0));
        }

        return false;
    }
}
