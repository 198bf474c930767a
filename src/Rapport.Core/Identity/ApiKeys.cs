using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Identity;

/// <summary><c>Scopes</c>: permissions (<c>module.action</c>) the key is limited to, each one its role has; null or empty for all of its role's.</summary>
public sealed record CreateApiKeyRequest(string Name, Role Role, long? CreatedByUserId, IReadOnlyList<string>? Scopes = null);

/// <summary>The new key; <c>Key</c> is the only time the secret is shown.</summary>
public sealed record CreatedApiKey(long Id, string Name, Role Role, string Prefix, string Key, IReadOnlyList<string>? Scopes = null);

/// <summary><c>Scopes</c>: space-separated permissions the key is limited to; null for all of its role's.</summary>
public sealed record ApiKeyRow(long Id, string Name, string Prefix, Role Role, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt, string? Scopes = null);

/// <summary>
/// API keys look like <c>rpk_&lt;prefix&gt;_&lt;secret&gt;</c>: the prefix (8 characters) finds the row, the secret
/// (32 random bytes) is checked against its SHA-256 hash. A fast hash is right here: the secret has 256 bits of entropy.
/// </summary>
public static class ApiKeyFormat
{
    public const string Scheme = "rpk";

    public static (string Prefix, string Secret, string Key) New()
    {
        var prefix = RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 8);
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (prefix, secret, $"{Scheme}_{prefix}_{secret}");
    }

    public static bool TryParse(string key, out string prefix, out string secret)
    {
        prefix = secret = "";
        var parts = key.Split('_', 3);
        if (parts.Length != 3 || parts[0] != Scheme || parts[1].Length != 8 || parts[2].Length < 20)
        {
            return false;
        }

        (prefix, secret) = (parts[1], parts[2]);
        return true;
    }

    public static string Hash(string secret) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}

public sealed class CreateApiKey(RapportDbContext db, Access.AccessPolicyCache access)
{
    public async Task<Result<CreatedApiKey>> HandleAsync(CreateApiKeyRequest request, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var name = Validate.Clean(request.Name);
        Validate.Required(errors, "name", name);
        Validate.MaxLength(errors, "name", name, 100);
        if (!Enum.IsDefined(request.Role))
        {
            errors.Add("role", "Must be one of admin, marketing, sales, service, analyst.");
        }

        // Scopes narrow a key within its role, never beyond: each must be a permission the role has now (and the
        // role's later losses apply to the key too, as its rights are the intersection at every request).
        string? scopes = null;
        if (request.Scopes is { Count: > 0 } && Enum.IsDefined(request.Role))
        {
            var snapshot = await access.GetAsync(ct);
            foreach (var scope in request.Scopes)
            {
                if (scope is null || !Access.Permissions.Known.Contains(scope))
                {
                    errors.Add("scopes", $"'{scope}' is not a permission; the permissions are {string.Join(", ", Access.Permissions.All)}.");
                }
                else if (!snapshot.Allows(request.Role, scope))
                {
                    errors.Add("scopes", $"The role {Roles.Name(request.Role)} does not have '{scope}', so its key cannot either.");
                }
            }

            scopes = string.Join(' ', Access.Permissions.All.Where(request.Scopes.Contains));
        }

        if (errors.Any)
        {
            return errors.ToResult<CreatedApiKey>();
        }

        var (prefix, secret, key) = ApiKeyFormat.New();
        var row = new ApiKey
        {
            Name = name!,
            Prefix = prefix,
            SecretHash = ApiKeyFormat.Hash(secret),
            Role = request.Role,
            Scopes = scopes,
            CreatedByUserId = request.CreatedByUserId,
        };
        db.ApiKeys.Add(row);
        await db.SaveChangesAsync(ct);
        return Result<CreatedApiKey>.Ok(new CreatedApiKey(row.Id, row.Name, row.Role, prefix, key, scopes?.Split(' ')));
    }
}

public sealed class RevokeApiKey(RapportDbContext db, TimeProvider clock)
{
    public async Task<Result<ApiKeyRow>> HandleAsync(long id, CancellationToken ct)
    {
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id, ct);
        if (key is null)
        {
            return Result<ApiKeyRow>.NotFound($"API key {id} does not exist.");
        }

        key.RevokedAt ??= clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return Result<ApiKeyRow>.Ok(new ApiKeyRow(key.Id, key.Name, key.Prefix, key.Role, key.CreatedAt, key.LastUsedAt, key.RevokedAt, key.Scopes));
    }
}

public sealed class ListApiKeys(RapportDbContext db)
{
    public async Task<IReadOnlyList<ApiKeyRow>> HandleAsync(CancellationToken ct) =>
        await db.ApiKeys.AsNoTracking().OrderBy(k => k.Id)
            .Select(k => new ApiKeyRow(k.Id, k.Name, k.Prefix, k.Role, k.CreatedAt, k.LastUsedAt, k.RevokedAt, k.Scopes))
            .ToListAsync(ct);
}

/// <summary>Resolves a presented key to its role; records last use at most once a minute so reads stay reads.</summary>
public sealed class AuthenticateApiKey(RapportDbContext db, TimeProvider clock)
{
    /// <summary>Scopes: the permissions the key is limited to (space separated), null for all of its role's.</summary>
    public sealed record Caller(long KeyId, string Name, Role Role, string? Scopes, long? CreatedByUserId);

    public async Task<Caller?> HandleAsync(string presented, CancellationToken ct)
    {
        if (!ApiKeyFormat.TryParse(presented, out var prefix, out var secret))
        {
            return null;
        }

        var key = await db.ApiKeys.AsNoTracking()
            .Where(k => k.Prefix == prefix)
            .Select(k => new { k.Id, k.Name, k.Role, k.SecretHash, k.RevokedAt, k.LastUsedAt, k.Scopes, k.CreatedByUserId })
            .SingleOrDefaultAsync(ct);
        if (key is null || key.RevokedAt is not null ||
            !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(key.SecretHash), Encoding.ASCII.GetBytes(ApiKeyFormat.Hash(secret))))
        {
            return null;
        }

        var now = clock.GetUtcNow();
        if (key.LastUsedAt is null || now - key.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            await db.ApiKeys.Where(k => k.Id == key.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), ct);
        }

        return new Caller(key.Id, key.Name, key.Role, key.Scopes, key.CreatedByUserId);
    }
}
