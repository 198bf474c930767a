using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Rapport.Data;

namespace Rapport.Identity;

/// <summary><c>Rapport:Sessions:IdleMinutes</c> (30) and <c>Rapport:Sessions:AbsoluteHours</c> (12).</summary>
public sealed class SessionSettings(IConfiguration configuration)
{
    public TimeSpan Idle { get; } = TimeSpan.FromMinutes(configuration.GetValue("Rapport:Sessions:IdleMinutes", 30.0));
    public TimeSpan Absolute { get; } = TimeSpan.FromHours(configuration.GetValue("Rapport:Sessions:AbsoluteHours", 12.0));
}

/// <summary>A session as the user's sessions page and the admin's user page list it.</summary>
public sealed record UserSessionRow(string Id, DateTimeOffset CreatedAt, DateTimeOffset LastSeenAt, DateTimeOffset ExpiresAt, string? Ip, string? UserAgent);

/// <summary>
/// Server-side sessions: started at sign-in, checked on every request (idle and absolute timeouts, revoked, the user
/// disabled or their stamp changed), ended on sign-out, and all of a user's ended when they are disabled or their
/// password or role changes. The last-seen time is written at most once a minute, so reads stay reads.
/// </summary>
public sealed class UserSessions(RapportDbContext db, SessionSettings settings, TimeProvider clock)
{
    public const int MaxUserAgent = 400;
    public static readonly TimeSpan SeenGranularity = TimeSpan.FromMinutes(1);

    /// <summary>Opens a session; returns the token for the cookie (shown nowhere else).</summary>
    public async Task<string> StartAsync(long userId, string? ip, string? userAgent, CancellationToken ct)
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = clock.GetUtcNow();
        db.Set<UserSession>().Add(new UserSession
        {
            Id = IdOf(token),
            UserId = userId,
            CreatedAt = now,
            LastSeenAt = now,
            ExpiresAt = now + settings.Absolute,
            Ip = ip is { Length: > 64 } ? ip[..64] : ip,
            UserAgent = userAgent is { Length: > MaxUserAgent } ? userAgent[..MaxUserAgent] : userAgent,
        });
        await db.SaveChangesAsync(ct);
        return token;
    }

    public static string IdOf(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token))).ToLowerInvariant();

    /// <summary>
    /// True when the token's session belongs to the user, is neither revoked nor past its idle or absolute end, and
    /// the user is enabled with the same security stamp. One query; a second, at most once a minute, for last-seen.
    /// </summary>
    public async Task<bool> ValidateAsync(string? token, long userId, string? stamp, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token))
        {
            return false;
        }

        var id = IdOf(token);
        var found = await (
                from s in db.Set<UserSession>().AsNoTracking()
                join u in db.Users on s.UserId equals u.Id
                where s.Id == id
                select new { s.UserId, s.LastSeenAt, s.ExpiresAt, s.RevokedAt, u.Disabled, u.SecurityStamp })
            .SingleOrDefaultAsync(ct);
        var now = clock.GetUtcNow();
        if (found is null || found.UserId != userId || found.RevokedAt is not null || found.Disabled || found.SecurityStamp != stamp ||
            now >= found.ExpiresAt || now - found.LastSeenAt >= settings.Idle)
        {
            return false;
        }

        if (now - found.LastSeenAt >= SeenGranularity)
        {
            await db.Set<UserSession>().Where(s => s.Id == id).ExecuteUpdateAsync(u => u.SetProperty(s => s.LastSeenAt, now), ct);
        }

        return true;
    }

    /// <summary>Ends one session (sign-out); false when it is not the user's or already ended.</summary>
    public async Task<bool> RevokeAsync(long userId, string sessionId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return await db.Set<UserSession>()
            .Where(s => s.Id == sessionId && s.UserId == userId && s.RevokedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.RevokedAt, now), ct) > 0;
    }

    /// <summary>Ends every open session of a user except <paramref name="keep"/>; returns how many.</summary>
    public Task<int> RevokeAllAsync(long userId, string? keep, CancellationToken ct) => RevokeAllAsync(db, clock, userId, keep, ct);

    public static Task<int> RevokeAllAsync(RapportDbContext db, TimeProvider clock, long userId, string? keep, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return db.Set<UserSession>()
            .Where(s => s.UserId == userId && s.RevokedAt == null && (keep == null || s.Id != keep))
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.RevokedAt, now), ct);
    }

    /// <summary>A user's open sessions (not revoked, not expired), the most recently seen first.</summary>
    public async Task<IReadOnlyList<UserSessionRow>> ListAsync(long userId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var idleSince = now - settings.Idle;
        var rows = await db.Set<UserSession>().AsNoTracking()
            .Where(s => s.UserId == userId && s.RevokedAt == null && s.ExpiresAt > now && s.LastSeenAt > idleSince)
            .Select(s => new UserSessionRow(s.Id, s.CreatedAt, s.LastSeenAt, s.ExpiresAt, s.Ip, s.UserAgent))
            .ToListAsync(ct);
        return rows.OrderByDescending(r => r.LastSeenAt).ToList();
    }
}
