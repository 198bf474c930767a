using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Rapport.Audit;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Identity;

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

/// <summary>The user's new security stamp, for the cookie of the session that stays open.</summary>
public sealed record PasswordChanged(long UserId, string SecurityStamp, int SessionsEnded);

/// <summary>
/// A signed-in user changes their own password: the current one is required (a wrong one counts towards the
/// lockout like a failed sign-in), the new one follows the password rules and differs from the current one. The
/// security stamp changes and every other session of the user ends; the caller re-issues its own cookie.
/// </summary>
public sealed class ChangePassword(RapportDbContext db, Passwords passwords, AuditLog audit, TimeProvider clock)
{
    public async Task<Result<PasswordChanged>> HandleAsync(long userId, string? currentSessionId, ChangePasswordRequest request, CancellationToken ct)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId && !u.Disabled, ct);
        if (user is null)
        {
            return Result<PasswordChanged>.NotFound($"User {userId} does not exist.");
        }

        var now = clock.GetUtcNow();
        if (user.LockedUntil is { } until && until > now)
        {
            return Result<PasswordChanged>.Invalid("currentPassword", "Too many wrong passwords: the account is locked for a few minutes.");
        }

        if (string.IsNullOrEmpty(request.CurrentPassword) || passwords.Verify(user, request.CurrentPassword) == PasswordVerificationResult.Failed)
        {
            user.FailedSignIns++;
            if (user.FailedSignIns >= SignIn.MaxFailures)
            {
                user.LockedUntil = now + SignIn.LockoutDuration;
                user.FailedSignIns = 0;
            }

            await db.SaveChangesAsync(ct);
            await audit.RecordAsync("user.password_change_failed", "user", AuditLog.Id(userId), ct: ct);
            return Result<PasswordChanged>.Invalid("currentPassword", "This is not your current password.");
        }

        var errors = new FieldErrors();
        if (Passwords.Problem(request.NewPassword) is { } problem)
        {
            errors.Add("newPassword", problem);
        }
        else if (request.NewPassword == request.CurrentPassword)
        {
            errors.Add("newPassword", "Must differ from the current password.");
        }

        if (errors.Any)
        {
            return errors.ToResult<PasswordChanged>();
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        user.PasswordHash = passwords.Hash(user, request.NewPassword!);
        user.SecurityStamp = AddUser.NewStamp();
        user.FailedSignIns = 0;
        await db.SaveChangesAsync(ct);
        var ended = await UserSessions.RevokeAllAsync(db, clock, userId, currentSessionId, ct);
        await transaction.CommitAsync(ct);
        return Result<PasswordChanged>.Ok(new PasswordChanged(userId, user.SecurityStamp, ended));
    }
}
