using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Consent;

/// <summary>A customer's preferences link: the path of the page, the one-click unsubscribe URL and the mail headers.</summary>
/// <summary>
/// A customer's preferences link. The URLs and the RFC 8058 headers are absolute, from <c>Rapport:PublicBaseUrl</c> or
/// else the request's own address (null when neither is known, e.g. from the CLI).
/// </summary>
public sealed record PreferencesLink(long CustomerId, string Token, string PreferencesPath, string UnsubscribePath, string? PreferencesUrl, string? UnsubscribeUrl,
    string? ListUnsubscribe, string? ListUnsubscribePost);

/// <summary>The two headers of RFC 8058 for a marketing email (campaigns add them to every message).</summary>
public sealed record ListUnsubscribeHeaders(string ListUnsubscribe, string ListUnsubscribePost);

/// <summary>
/// Signs and checks the tokens of preferences links (<c>/preferences/{token}</c>, <c>/unsubscribe/{token}</c>):
/// <c>p{customerId}.{nonce}.{mac}</c>, the MAC an HMAC-SHA256 (first 16 bytes, base64url) under
/// <see cref="ConsentKeys.LinkKey"/>, as survey links are signed. The nonce is kept in <c>preference_links</c>: a link
/// works until it is revoked (a new nonce), without expiry, since it sits in emails people keep for years.
/// </summary>
public sealed class PreferenceLinks(RapportDbContext db, ConsentKeys keys, IConfiguration configuration, TimeProvider clock)
{
    private const int MacBytes = 16, MaxTokenLength = 120;

    /// <summary>The customer's current link, made on first use; null when the customer does not exist.</summary>
    public async Task<Result<PreferencesLink>> GetAsync(long customerId, string? baseUrl, CancellationToken ct)
    {
        if (!await db.Customers.AnyAsync(c => c.Id == customerId, ct))
        {
            return Result<PreferencesLink>.NotFound($"Customer {customerId} does not exist.");
        }

        var link = await db.Set<PreferenceLink>().AsNoTracking().SingleOrDefaultAsync(l => l.CustomerId == customerId, ct)
            ?? await NewNonceAsync(customerId, ct);
        return Result<PreferencesLink>.Ok(Describe(customerId, link.Nonce, baseUrl));
    }

    /// <summary>Makes every earlier link of the customer stop working and returns the new one.</summary>
    public async Task<Result<PreferencesLink>> RevokeAsync(long customerId, string? baseUrl, CancellationToken ct)
    {
        if (!await db.Customers.AnyAsync(c => c.Id == customerId, ct))
        {
            return Result<PreferencesLink>.NotFound($"Customer {customerId} does not exist.");
        }

        await db.Set<PreferenceLink>().Where(l => l.CustomerId == customerId).ExecuteDeleteAsync(ct);
        var link = await NewNonceAsync(customerId, ct);
        return Result<PreferencesLink>.Ok(Describe(customerId, link.Nonce, baseUrl));
    }

    /// <summary>RFC 8058 headers: <c>List-Unsubscribe: &lt;https://…/unsubscribe/{token}&gt;</c> and <c>List-Unsubscribe-Post: List-Unsubscribe=One-Click</c>.</summary>
    public async Task<Result<ListUnsubscribeHeaders>> HeadersAsync(long customerId, string baseUrl, CancellationToken ct)
    {
        var link = await GetAsync(customerId, baseUrl, ct);
        return link.IsOk
            ? Result<ListUnsubscribeHeaders>.Ok(new ListUnsubscribeHeaders(link.Value!.ListUnsubscribe!, link.Value.ListUnsubscribePost!))
            : link.As<ListUnsubscribeHeaders>();
    }

    /// <summary>The customer a token names when its signature is right and its nonce is the current one; null otherwise.</summary>
    public async Task<long?> ResolveAsync(string? token, CancellationToken ct)
    {
        if (Verify(token) is not var (customerId, nonce))
        {
            return null;
        }

        var stored = await db.Set<PreferenceLink>().AsNoTracking().Where(l => l.CustomerId == customerId).Select(l => l.Nonce).SingleOrDefaultAsync(ct);
        return stored is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(stored), Encoding.UTF8.GetBytes(nonce)) ? customerId : null;
    }

    public string Token(long customerId, string nonce) => Sign($"p{customerId.ToString(CultureInfo.InvariantCulture)}.{nonce}");

    /// <summary>The signed parts of a token, or null for anything forged, cut or malformed.</summary>
    public (long CustomerId, string Nonce)? Verify(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return null;
        }

        var lastDot = token.LastIndexOf('.');
        if (lastDot <= 0)
        {
            return null;
        }

        var body = token[..lastDot];
        Span<byte> given = stackalloc byte[MacBytes];
        if (!Base64Url.IsValid(token.AsSpan(lastDot + 1), out var length) || length != MacBytes ||
            Base64Url.DecodeFromChars(token.AsSpan(lastDot + 1), given) != MacBytes ||
            !CryptographicOperations.FixedTimeEquals(Mac(body), given))
        {
            return null;
        }

        var dot = body.IndexOf('.', StringComparison.Ordinal);
        if (dot < 2 || body[0] != 'p' || !long.TryParse(body.AsSpan(1, dot - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return null;
        }

        return (id, body[(dot + 1)..]);
    }

    private PreferencesLink Describe(long customerId, string nonce, string? baseUrl)
    {
        var token = Token(customerId, nonce);
        var root = (configuration["Rapport:PublicBaseUrl"] is { Length: > 0 } configured ? configured : baseUrl)?.TrimEnd('/');
        var preferences = "/preferences/" + token;
        var unsubscribe = "/unsubscribe/" + token;
        return root is null
            ? new PreferencesLink(customerId, token, preferences, unsubscribe, null, null, null, null)
            : new PreferencesLink(customerId, token, preferences, unsubscribe, root + preferences, root + unsubscribe, $"<{root + unsubscribe}>", "List-Unsubscribe=One-Click");
    }

    private async Task<PreferenceLink> NewNonceAsync(long customerId, CancellationToken ct)
    {
        var link = new PreferenceLink { CustomerId = customerId, Nonce = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(12)), CreatedAt = clock.GetUtcNow() };
        db.Set<PreferenceLink>().Add(link);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Two first uses at once: keep the one that was stored.
            db.Entry(link).State = EntityState.Detached;
            return await db.Set<PreferenceLink>().AsNoTracking().SingleAsync(l => l.CustomerId == customerId, ct);
        }

        db.Entry(link).State = EntityState.Detached;
        return link;
    }

    private string Sign(string body) => body + "." + Base64Url.EncodeToString(Mac(body));

    private byte[] Mac(string body) => HMACSHA256.HashData(keys.LinkKey, Encoding.UTF8.GetBytes(body))[..MacBytes];
}
