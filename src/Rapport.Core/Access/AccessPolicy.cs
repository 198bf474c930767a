using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Data;
using Rapport.Identity;

namespace Rapport.Access;

/// <summary>What the matrix and the ownership setting say at one moment; immutable, shared by every request.</summary>
public sealed record AccessSnapshot(
    IReadOnlyDictionary<Role, FrozenSet<string>> Matrix,
    bool OwnershipEnabled,
    FrozenSet<Role> RestrictedRoles,
    DateTimeOffset LoadedAt)
{
    public bool Allows(Role role, string permission) =>
        Matrix.TryGetValue(role, out var granted) && granted.Contains(permission);

    /// <summary>The permissions of a role, narrowed to a key's scopes when it has some (a key never exceeds its role).</summary>
    public FrozenSet<string> Effective(Role role, IReadOnlyCollection<string>? scopes)
    {
        var granted = Matrix.TryGetValue(role, out var g) ? g : FrozenSet<string>.Empty;
        return scopes is null ? granted : granted.Where(scopes.Contains).ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>Whether record ownership limits this role to its own and its team's customers.</summary>
    public bool IsRestricted(Role role) => OwnershipEnabled && RestrictedRoles.Contains(role);
}

/// <summary>
/// The permission matrix and access settings, read once and kept in memory: a change made here reloads them at
/// once (one query per change, not per request). Another process sharing the database (a second node) sees the change
/// within <see cref="MaxAge"/>, when its copy is re-read.
/// </summary>
public sealed class AccessPolicyCache(IServiceScopeFactory scopes, TimeProvider clock) : IDisposable
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile AccessSnapshot? _current;

    public async ValueTask<AccessSnapshot> GetAsync(CancellationToken ct = default)
    {
        var current = _current;
        if (current is not null && clock.GetUtcNow() - current.LoadedAt < MaxAge && current.LoadedAt <= clock.GetUtcNow())
        {
            return current;
        }

        await _loading.WaitAsync(ct);
        try
        {
            current = _current;
            if (current is not null && clock.GetUtcNow() - current.LoadedAt < MaxAge && current.LoadedAt <= clock.GetUtcNow())
            {
                return current;
            }

            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RapportDbContext>();
            _current = current = await LoadAsync(db, clock.GetUtcNow(), ct);
            return current;
        }
        finally
        {
            _loading.Release();
        }
    }

    public void Dispose() => _loading.Dispose();

    /// <summary>Called after every change to the matrix or the settings: the next request reads them again.</summary>
    public void Invalidate() => _current = null;

    private static async Task<AccessSnapshot> LoadAsync(RapportDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var rows = await db.Set<RolePermission>().AsNoTracking().ToListAsync(ct);
        var settings = await db.Set<AccessSetting>().AsNoTracking().ToDictionaryAsync(s => s.Key, s => s.Value, ct);
        var matrix = Enum.GetValues<Role>().ToDictionary(
            r => r,
            r => rows.Where(p => p.Role == r).Select(p => Permissions.Name(p.Module, p.Action))
                .Concat(r == Role.Admin ? Permissions.LockedForAdmin : [])
                .ToFrozenSet(StringComparer.Ordinal));
        var ownership = OwnershipSettings.Parse(settings);
        return new AccessSnapshot(matrix, ownership.Enabled, ownership.RestrictedRoles.ToFrozenSet(), now);
    }
}

/// <summary>The record-ownership setting: when enabled, users of the restricted roles see only their team's customers.</summary>
public sealed record OwnershipSettings(bool Enabled, IReadOnlyList<Role> RestrictedRoles)
{
    public const string EnabledKey = "ownership.enabled";
    public const string RolesKey = "ownership.roles";

    public static OwnershipSettings Parse(IReadOnlyDictionary<string, string> settings)
    {
        var enabled = settings.TryGetValue(EnabledKey, out var e) && e == "true";
        var roles = settings.TryGetValue(RolesKey, out var r)
            ? r.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(x => Roles.TryParse(x, out var role) ? role : (Role?)null).OfType<Role>().Distinct().ToList()
            : [Role.Sales];
        return new OwnershipSettings(enabled, roles);
    }
}
