using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Identity;

public sealed record AddUserRequest(string Email, Role Role, string? Password, string? DisplayName);

/// <summary>The user created, and the password when it was generated (shown once).</summary>
public sealed record AddedUser(long Id, string Email, Role Role, string? GeneratedPassword);

/// <summary>Creates a staff user; generates a password when none is given.</summary>
public sealed class AddUser(RapportDbContext db, Passwords passwords)
{
    public async Task<Result<AddedUser>> HandleAsync(AddUserRequest request, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var email = Validate.Clean(request.Email);
        Validate.Required(errors, "email", email);
        Validate.Email(errors, "email", email);
        if (!Enum.IsDefined(request.Role))
        {
            errors.Add("role", "Must be one of admin, marketing, sales, service, analyst.");
        }

        var generated = request.Password is null ? Passwords.Generate() : null;
        var password = request.Password ?? generated!;
        if (Passwords.Problem(password) is { } problem)
        {
            errors.Add("password", problem);
        }

        var displayName = Validate.Clean(request.DisplayName) ?? email?.Split('@')[0] ?? "";
        Validate.MaxLength(errors, "displayName", displayName, 100);
        if (errors.Any)
        {
            return errors.ToResult<AddedUser>();
        }

        var normalized = Validate.NormalizeEmail(email)!;
        if (await db.Users.AnyAsync(u => u.EmailNormalized == normalized, ct))
        {
            return Result<AddedUser>.Conflict($"A user with email {email} already exists.", "email");
        }

        var user = new User
        {
            Email = email!,
            EmailNormalized = normalized,
            DisplayName = displayName,
            Role = request.Role,
            SecurityStamp = NewStamp(),
        };
        user.PasswordHash = passwords.Hash(user, password);
        db.Users.Add(user);
        await db.SaveChangesAsync(ct);
        return Result<AddedUser>.Ok(new AddedUser(user.Id, user.Email, user.Role, generated));
    }

    public static string NewStamp() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
}

public static class Roles
{
    public static bool TryParse(string? value, out Role role) =>
        Enum.TryParse(value, ignoreCase: true, out role) && Enum.IsDefined(role) && !int.TryParse(value, out _);

    public static string Name(Role role) => role.ToString().ToLowerInvariant();
}
