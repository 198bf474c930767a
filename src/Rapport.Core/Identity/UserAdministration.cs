using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Identity;

/// <summary>A staff user as the admin pages list them; never the password hash.</summary>
public sealed record UserRow(
    long Id,
    string Email,
    string DisplayName,
    Role Role,
    bool Disabled,
    DateTimeOffset? LockedUntil,
    DateTimeOffset? LastSignInAt,
    DateTimeOffset CreatedAt);

public sealed class ListUsers(RapportDbContext db)
{
    /// <summary>Every staff user, ordered by email.</summary>
    public async Task<IReadOnlyList<UserRow>> HandleAsync(CancellationToken ct) =>
        await db.Users.AsNoTracking()
            .OrderBy(u => u.EmailNormalized)
            .Select(u => new UserRow(u.Id, u.Email, u.DisplayName, u.Role, u.Disabled, u.LockedUntil, u.LastSignInAt, u.CreatedAt))
            .ToListAsync(ct);
}

/// <summary>
/// Disables or re-enables a user. Disabling changes the security stamp, so the user's open sessions end on their
/// next request. Nobody disables their own account, and the last enabled admin cannot be disabled.
/// </summary>
public sealed class SetUserDisabled(RapportDbContext db, TimeProvider clock)
{
    public async Task<Result<UserRow>> HandleAsync(long userId, bool disabled, long? actingUserId, CancellationToken ct)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null)
        {
            return Result<UserRow>.NotFound($"User {userId} does not exist.");
        }

        if (disabled && userId == actingUserId)
        {
            return Result<UserRow>.Conflict("You cannot disable your own account.", "disabled");
        }

        if (disabled && !user.Disabled && user.Role == Role.Admin && await UserRules.IsLastEnabledAdminAsync(db, userId, ct))
        {
            return Result<UserRow>.Conflict("This is the last enabled administrator; make someone else an administrator first.", "disabled");
        }

        if (user.Disabled != disabled)
        {
            user.Disabled = disabled;
            user.SecurityStamp = AddUser.NewStamp();
            if (!disabled)
            {
                user.FailedSignIns = 0;
                user.LockedUntil = null;
            }

            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.SaveChangesAsync(ct);
            await UserSessions.RevokeAllAsync(db, clock, userId, keep: null, ct);
            await transaction.CommitAsync(ct);
        }

        return Result<UserRow>.Ok(UserRules.Row(user));
    }
}

/// <summary>
/// Changes a user's role. The security stamp changes too, so the user signs in again with the new role.
/// Nobody changes their own role, and the last enabled admin keeps the admin role.
/// </summary>
public sealed class ChangeUserRole(RapportDbContext db, TimeProvider clock)
{
    public async Task<Result<UserRow>> HandleAsync(long userId, Role role, long? actingUserId, CancellationToken ct)
    {
        if (!Enum.IsDefined(role))
        {
            return Result<UserRow>.Invalid("role", "Must be one of admin, marketing, sales, service, analyst.");
        }

        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null)
        {
            return Result<UserRow>.NotFound($"User {userId} does not exist.");
        }

        if (user.Role == role)
        {
            return Result<UserRow>.Ok(UserRules.Row(user));
        }

        if (userId == actingUserId)
        {
            return Result<UserRow>.Conflict("You cannot change your own role.", "role");
        }

        if (user.Role == Role.Admin && !user.Disabled && await UserRules.IsLastEnabledAdminAsync(db, userId, ct))
        {
            return Result<UserRow>.Conflict("This is the last enabled administrator; make someone else an administrator first.", "role");
        }

        user.Role = role;
        user.SecurityStamp = AddUser.NewStamp();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        await UserSessions.RevokeAllAsync(db, clock, userId, keep: null, ct);
        await transaction.CommitAsync(ct);
        return Result<UserRow>.Ok(UserRules.Row(user));
    }
}

internal static class UserRules
{
    public static UserRow Row(User u) => new(u.Id, u.Email, u.DisplayName, u.Role, u.Disabled, u.LockedUntil, u.LastSignInAt, u.CreatedAt);

    public static async Task<bool> IsLastEnabledAdminAsync(RapportDbContext db, long userId, CancellationToken ct) =>
        !await db.Users.AnyAsync(u => u.Id != userId && u.Role == Role.Admin && !u.Disabled, ct);
}

public static class UserAdministrationServices
{
    public static IServiceCollection AddUserAdministration(this IServiceCollection services) => services
        .AddScoped<ListUsers>()
        .AddScoped<SetUserDisabled>()
        .AddScoped<ChangeUserRole>()
        .AddSingleton<SessionSettings>()
        .AddScoped<UserSessions>()
        .AddScoped<ChangePassword>();
}
