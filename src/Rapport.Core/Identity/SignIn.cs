using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Rapport.Data;

namespace Rapport.Identity;

public sealed record SignInRequest(string Email, string Password);

public enum SignInOutcome
{
    Succeeded,
    Failed,
    LockedOut,
}

public sealed record SignInResult(SignInOutcome Outcome, User? User, DateTimeOffset? LockedUntil);

/// <summary>
/// Checks a staff member's password. After <see cref="MaxFailures"/> failures in a row the account is locked for
/// <see cref="LockoutDuration"/>; an unknown email costs the same hashing time as a known one.
/// </summary>
public sealed class SignIn(RapportDbContext db, Passwords passwords, TimeProvider clock)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);

    public async Task<SignInResult> HandleAsync(SignInRequest request, CancellationToken ct)
    {
        var normalized = request.Email.Trim().ToLowerInvariant();
        var user = await db.Users.SingleOrDefaultAsync(u => u.EmailNormalized == normalized, ct);
        var now = clock.GetUtcNow();
        if (user is null || user.Disabled)
        {
            passwords.VerifyAgainstDummy(request.Password);
            return new SignInResult(SignInOutcome.Failed, null, null);
        }

        if (user.LockedUntil is { } until && until > now)
        {
            return new SignInResult(SignInOutcome.LockedOut, null, until);
        }

        var verified = passwords.Verify(user, request.Password);
        if (verified == PasswordVerificationResult.Failed)
        {
            user.FailedSignIns++;
            if (user.FailedSignIns >= MaxFailures)
            {
                user.LockedUntil = now + LockoutDuration;
                user.FailedSignIns = 0;
            }

            await db.SaveChangesAsync(ct);
            return user.LockedUntil > now
                ? new SignInResult(SignInOutcome.LockedOut, null, user.LockedUntil)
                : new SignInResult(SignInOutcome.Failed, null, null);
        }

        if (verified == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = passwords.Hash(user, request.Password);
        }

        user.FailedSignIns = 0;
        user.LockedUntil = null;
        user.LastSignInAt = now;
        await db.SaveChangesAsync(ct);
        return new SignInResult(SignInOutcome.Succeeded, user, null);
    }
}
