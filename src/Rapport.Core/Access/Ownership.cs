using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Data;
using Rapport.Identity;

namespace Rapport.Access;

/// <summary>The record-ownership setting as the API shows it; role names in lower case.</summary>
public sealed record OwnershipView(bool Enabled, IReadOnlyList<string> RestrictedRoles);

public sealed record UpdateOwnershipRequest(bool? Enabled, IReadOnlyList<string>? RestrictedRoles);

public sealed record TeamRow(long Id, string Name, IReadOnlyList<long> MemberIds);

public sealed record UserTeam(long UserId, long? TeamId);

public sealed class GetOwnership(AccessPolicyCache cache)
{
    public async Task<OwnershipView> HandleAsync(CancellationToken ct)
    {
        var snapshot = await cache.GetAsync(ct);
        return new OwnershipView(snapshot.OwnershipEnabled, [.. snapshot.RestrictedRoles.Order().Select(Roles.Name)]);
    }
}

/// <summary>Turns record ownership on or off and names the roles it restricts (sales by default; never admin).</summary>
public sealed class UpdateOwnership(RapportDbContext db, AccessPolicyCache cache, GetOwnership get, TimeProvider clock)
{
    public async Task<Result<OwnershipView>> HandleAsync(UpdateOwnershipRequest request, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var roles = new List<Role>();
        foreach (var name in request.RestrictedRoles ?? [])
        {
            if (!Roles.TryParse(name, out var role))
            {
                errors.Add("restrictedRoles", $"'{name}' is not a role: admin, marketing, sales, service, analyst.");
            }
            else if (role == Role.Admin)
            {
                errors.Add("restrictedRoles", "Admins always see every customer (they assign owners and teams).");
            }
            else if (!roles.Contains(role))
            {
                roles.Add(role);
            }
        }

        if (errors.Any)
        {
            return errors.ToResult<OwnershipView>();
        }

        var now = clock.GetUtcNow();
        if (request.Enabled is { } enabled)
        {
            await SetAsync(OwnershipSettings.EnabledKey, enabled ? "true" : "false", now, ct);
        }

        if (request.RestrictedRoles is not null)
        {
            await SetAsync(OwnershipSettings.RolesKey, string.Join(',', roles.Select(Roles.Name)), now, ct);
        }

        await db.SaveChangesAsync(ct);
        cache.Invalidate();
        return Result<OwnershipView>.Ok(await get.HandleAsync(ct));
    }

    private async Task SetAsync(string key, string value, DateTimeOffset now, CancellationToken ct)
    {
        var row = await db.Set<AccessSetting>().SingleOrDefaultAsync(s => s.Key == key, ct);
        if (row is null)
        {
            db.Set<AccessSetting>().Add(new AccessSetting { Key = key, Value = value, UpdatedAt = now });
        }
        else
        {
            (row.Value, row.UpdatedAt) = (value, now);
        }
    }
}

public sealed class Teams(RapportDbContext db, TimeProvider clock)
{
    public async Task<IReadOnlyList<TeamRow>> ListAsync(CancellationToken ct)
    {
        var teams = await db.Set<Team>().AsNoTracking().OrderBy(t => t.Name).Select(t => new { t.Id, t.Name }).ToListAsync(ct);
        var members = (await db.Users.AsNoTracking().Where(u => u.TeamId != null).Select(u => new { u.Id, u.TeamId }).ToListAsync(ct))
            .ToLookup(u => u.TeamId!.Value, u => u.Id);
        return [.. teams.Select(t => new TeamRow(t.Id, t.Name, [.. members[t.Id].Order()]))];
    }

    public async Task<Result<TeamRow>> CreateAsync(string? name, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var clean = Validate.Clean(name);
        Validate.Required(errors, "name", clean);
        Validate.MaxLength(errors, "name", clean, 100);
        if (errors.Any)
        {
            return errors.ToResult<TeamRow>();
        }

        if (await db.Set<Team>().AnyAsync(t => t.Name == clean, ct))
        {
            return Result<TeamRow>.Conflict($"A team named \"{clean}\" exists already.", "name");
        }

        var team = new Team { Name = clean!, CreatedAt = clock.GetUtcNow() };
        db.Set<Team>().Add(team);
        await db.SaveChangesAsync(ct);
        return Result<TeamRow>.Ok(new TeamRow(team.Id, team.Name, []));
    }

    /// <summary>Deletes a team; its members keep their accounts and belong to no team.</summary>
    public async Task<Result<bool>> DeleteAsync(long id, CancellationToken ct)
    {
        await db.Users.Where(u => u.TeamId == id).ExecuteUpdateAsync(s => s.SetProperty(u => u.TeamId, (long?)null), ct);
        return await db.Set<Team>().Where(t => t.Id == id).ExecuteDeleteAsync(ct) == 0
            ? Result<bool>.NotFound($"Team {id} does not exist.")
            : Result<bool>.Ok(true);
    }

    /// <summary>Puts a user in a team, or in none (null).</summary>
    public async Task<Result<UserTeam>> AssignAsync(long userId, long? teamId, CancellationToken ct)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null)
        {
            return Result<UserTeam>.NotFound($"User {userId} does not exist.");
        }

        if (teamId is { } id && !await db.Set<Team>().AnyAsync(t => t.Id == id, ct))
        {
            return Result<UserTeam>.Invalid("teamId", $"Team {id} does not exist.");
        }

        user.TeamId = teamId;
        await db.SaveChangesAsync(ct);
        return Result<UserTeam>.Ok(new UserTeam(userId, teamId));
    }
}
