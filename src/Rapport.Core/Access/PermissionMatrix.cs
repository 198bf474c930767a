using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Data;
using Rapport.Identity;

namespace Rapport.Access;

/// <summary>The matrix as the API and the admin page show it: every permission, and what each role has.</summary>
public sealed record PermissionMatrixView(
    IReadOnlyList<string> Permissions,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Roles,
    IReadOnlyList<string> LockedForAdmin);

/// <summary>Replaces the permissions of the roles named (role name → every permission it should have); others unchanged.</summary>
public sealed record UpdatePermissionMatrixRequest(IReadOnlyDictionary<string, IReadOnlyList<string>?>? Roles);

public sealed class GetPermissionMatrix(AccessPolicyCache cache)
{
    public async Task<PermissionMatrixView> HandleAsync(CancellationToken ct)
    {
        var snapshot = await cache.GetAsync(ct);
        return new PermissionMatrixView(
            Permissions.All,
            Enum.GetValues<Role>().ToDictionary(
                Identity.Roles.Name,
                r => (IReadOnlyList<string>)Permissions.All.Where(p => snapshot.Allows(r, p)).ToList()),
            [.. Permissions.LockedForAdmin.Order(StringComparer.Ordinal)]);
    }
}

public sealed class UpdatePermissionMatrix(RapportDbContext db, AccessPolicyCache cache, GetPermissionMatrix get)
{
    public async Task<Result<PermissionMatrixView>> HandleAsync(UpdatePermissionMatrixRequest request, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var changes = new Dictionary<Role, HashSet<string>>();
        foreach (var (name, permissions) in request.Roles ?? new Dictionary<string, IReadOnlyList<string>?>())
        {
            var field = $"roles.{name}";
            if (!Identity.Roles.TryParse(name, out var role))
            {
                errors.Add(field, "Must be one of admin, marketing, sales, service, analyst.");
                continue;
            }

            var set = new HashSet<string>(StringComparer.Ordinal);
            foreach (var permission in permissions ?? [])
            {
                if (!Permissions.Known.Contains(permission ?? ""))
                {
                    errors.Add(field, $"'{permission}' is not a permission; the permissions are {string.Join(", ", Permissions.All)}.");
                }
                else
                {
                    set.Add(permission!);
                }
            }

            if (role == Role.Admin && !Permissions.LockedForAdmin.IsSubsetOf(set))
            {
                errors.Add(field, "The admin role keeps its admin permissions (view, edit, delete, export), so that nobody is locked out.");
            }

            changes[role] = set;
        }

        if (errors.Any)
        {
            return errors.ToResult<PermissionMatrixView>();
        }

        if (changes.Count > 0)
        {
            var roles = changes.Keys.ToList();
            var existing = await db.Set<RolePermission>().Where(p => roles.Contains(p.Role)).ToListAsync(ct);
            // Only the difference is written, so that an unchanged cell is never deleted and added back.
            db.Set<RolePermission>().RemoveRange(existing.Where(p => !changes[p.Role].Contains(Permissions.Name(p.Module, p.Action))));
            foreach (var (role, set) in changes)
            {
                var kept = existing.Where(p => p.Role == role).Select(p => Permissions.Name(p.Module, p.Action)).ToHashSet(StringComparer.Ordinal);
                db.Set<RolePermission>().AddRange(set.Where(p => !kept.Contains(p)).Select(p =>
                {
                    var (module, action) = Permissions.Split(p);
                    return new RolePermission { Role = role, Module = module, Action = action };
                }));
            }

            await db.SaveChangesAsync(ct);
            cache.Invalidate();
        }

        return Result<PermissionMatrixView>.Ok(await get.HandleAsync(ct));
    }
}
