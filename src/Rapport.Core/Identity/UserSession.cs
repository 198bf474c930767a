namespace Rapport.Identity;

/// <summary>
/// A staff member's sign-in, kept on the server so that it can end there: the cookie carries a random token whose
/// SHA-256 is <see cref="Id"/> (a copy of the table opens no session). Idle and absolute timeouts, revocation on
/// sign-out, disable, password and role change: <see cref="UserSessions"/>.
/// </summary>
public sealed class UserSession
{
    /// <summary>Hex SHA-256 of the token in the cookie; also the handle the sessions page uses.</summary>
    public string Id { get; set; } = "";
    public long UserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Updated at most once a minute.</summary>
    public DateTimeOffset LastSeenAt { get; set; }
    /// <summary>The absolute end: created + the absolute timeout.</summary>
    public DateTimeOffset ExpiresAt { get; set; }
    public string? Ip { get; set; }
    public string? UserAgent { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}
