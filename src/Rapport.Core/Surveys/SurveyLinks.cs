using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Rapport.Data;

namespace Rapport.Surveys;

/// <summary>What a verified survey link points at.</summary>
public enum SurveyLinkKind
{
    /// <summary>A customer's personal link: <see cref="SurveyLink.Id"/> is the invitation.</summary>
    Invitation,
    /// <summary>The survey's anonymous link: <see cref="SurveyLink.Id"/> is the survey.</summary>
    Anonymous,
}

/// <summary>A link token whose signature checked out; the nonce still has to match the row (revocation).</summary>
public sealed record SurveyLink(SurveyLinkKind Kind, long Id, string Nonce);

/// <summary>
/// Signs and verifies the tokens of survey links (<c>/s/{token}</c>): <c>i{invitationId}.{nonce}.{mac}</c> or
/// <c>a{surveyId}.{nonce}.{mac}</c>, the MAC an HMAC-SHA256 (first 16 bytes, base64url) over the part before it.
/// The key comes from <c>Rapport:Surveys:LinkKey</c> (base64, at least 32 bytes; set it on every server of a
/// cluster), else from <c>survey-link.key</c> in the data directory, written with a random key on first use.
/// It is never in the repository or the database. docs/surveys.md, "Links".
/// </summary>
public sealed class SurveyLinks
{
    private const int MacBytes = 16;
    private const int MaxTokenLength = 120;
    private readonly byte[] _key;

    public SurveyLinks(IConfiguration configuration, RapportDatabase database)
    {
        _key = LoadKey(configuration, database);
    }

    internal SurveyLinks(byte[] key) => _key = key;

    /// <summary>A new random nonce (16 base64url characters).</summary>
    public static string NewNonce() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(12));

    public string InvitationToken(long invitationId, string nonce) => Sign($"i{invitationId.ToString(CultureInfo.InvariantCulture)}.{nonce}");

    public string AnonymousToken(long surveyId, string nonce) => Sign($"a{surveyId.ToString(CultureInfo.InvariantCulture)}.{nonce}");

    /// <summary>The link a token names when its signature is right; null for anything forged, cut or malformed.</summary>
    public SurveyLink? Verify(string? token)
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
            Base64Url.DecodeFromChars(token.AsSpan(lastDot + 1), given) != MacBytes)
        {
            return null;
        }

        if (!CryptographicOperations.FixedTimeEquals(Mac(body), given))
        {
            return null;
        }

        var dot = body.IndexOf('.', StringComparison.Ordinal);
        if (dot < 2 || body[0] is not ('i' or 'a') ||
            !long.TryParse(body.AsSpan(1, dot - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return null;
        }

        return new SurveyLink(body[0] == 'i' ? SurveyLinkKind.Invitation : SurveyLinkKind.Anonymous, id, body[(dot + 1)..]);
    }

    /// <summary>Compares a link's nonce with the stored one without leaking where they differ.</summary>
    public static bool NonceMatches(string stored, string given) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(stored), Encoding.UTF8.GetBytes(given));

    private string Sign(string body) => body + "." + Base64Url.EncodeToString(Mac(body));

    private byte[] Mac(string body) => HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(body))[..MacBytes];

    private static byte[] LoadKey(IConfiguration configuration, RapportDatabase database) =>
        SecretKeys.LoadOrCreate(configuration, database, "Rapport:Surveys:LinkKey", "survey-link.key");
}
