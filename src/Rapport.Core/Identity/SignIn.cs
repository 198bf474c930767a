using Microsoft.AspNetCore.Identity;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Rapport.Audit;
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
/// Every attempt is audited (<c>sign_in.succeeded</c>, <c>sign_in.failed</c>, <c>sign_in.locked_out</c>); a failed
/// attempt's typed email is kept only as a short hash (<see cref="EmailHash"/>), never in clear.
/// </summary>
public sealed class SignIn(RapportDbContext db, Passwords passwords, AuditLog audit, TimeProvider clock)
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
            await FailedAsync("sign_in.failed", user?.Id, normalized, ct);
            return new SignInResult(SignInOutcome.Failed, null, null);
        }

        if (user.LockedUntil is { } until && until > now)
        {
            await FailedAsync("sign_in.locked_out", user.Id, normalized, ct);
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
            await FailedAsync(user.LockedUntil > now ? "sign_in.locked_out" : "sign_in.failed", user.Id, normalized, ct);
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
        var actor = new AuditActor(AuditActorKinds.User, user.Id, user.DisplayName, audit.CurrentActor.Ip);
        await audit.RecordAsync(actor, "sign_in.succeeded", "user", AuditLog.Id(user.Id), ct: ct);
        return new SignInResult(SignInOutcome.Succeeded, user, null);
    }

    private Task FailedAsync(string action, long? userId, string normalizedEmail, CancellationToken ct) =>
        audit.RecordAsync(audit.CurrentActor with { Kind = AuditActorKinds.Anonymous, Id = null, Label = null }, action,
            "user", userId is { } id ? AuditLog.Id(id) : null, details: new { emailHash = EmailHash(normalizedEmail) }, ct: ct);

    /// <summary>
    /// The first 16 hex digits of the SHA-256 of the normalised email: repeated attempts against one address can be
    /// told apart from a spray over many without the address being stored.
    /// </summary>
    public static string EmailHash(string normalizedEmail) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedEmail)))[..16].ToLowerInvariant();
}
