using Rapport.Common;

namespace Rapport.Identity;

public enum Role
{
    Admin,
    Marketing,
    Sales,
    Service,
    /// <summary>Reads everything, writes nothing.</summary>
    Analyst,
}

/// <summary>A staff member who signs in to the UI.</summary>
public sealed class User : IStamped
{
    public long Id { get; set; }
    public string Email { get; set; } = "";
    public string EmailNormalized { get; set; } = "";
    public string DisplayName { get; set; } = "";
    /// <summary>ASP.NET Core <c>PasswordHasher</c> v3 hash (PBKDF2-HMAC-SHA512).</summary>
    public string PasswordHash { get; set; } = "";
    public Role Role { get; set; }
    public int FailedSignIns { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public DateTimeOffset? LastSignInAt { get; set; }
    public bool Disabled { get; set; }
    /// <summary>Changes when the password or role changes, invalidating existing sign-in cookies.</summary>
    public string SecurityStamp { get; set; } = "";
    /// <summary>With record ownership on, a restricted user sees customers owned by anyone in this team.</summary>
    public long? TeamId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A key for the REST API. Only a SHA-256 hash of the secret is stored; the key is shown once.</summary>
public sealed class ApiKey : Common.ICreated
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    /// <summary>The first characters of the key, shown in lists and used to find the row.</summary>
    public string Prefix { get; set; } = "";
    public string SecretHash { get; set; } = "";
    public Role Role { get; set; }
    /// <summary>Permissions (<c>module.action</c>, space separated) the key is limited to, within its role; null for all of its role's.</summary>
    public string? Scopes { get; set; }
    public long? CreatedByUserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}
