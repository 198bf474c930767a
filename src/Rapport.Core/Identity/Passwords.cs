using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Rapport.Identity;

/// <summary>PBKDF2 through ASP.NET Core's <see cref="PasswordHasher{TUser}"/> (v3: HMAC-SHA512) at OWASP's 210,000 iterations.</summary>
public sealed class Passwords
{
    public const int Iterations = 210_000;
    public const int MinLength = 10;

    private readonly PasswordHasher<User> _hasher = new(Options.Create(new PasswordHasherOptions
    {
        CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3,
        IterationCount = Iterations,
    }));

    public string Hash(User user, string password) => _hasher.HashPassword(user, password);

    private readonly Lazy<User> _dummy;

    public Passwords() => _dummy = new(() =>
    {
        var user = new User();
        user.PasswordHash = _hasher.HashPassword(user, Generate());
        return user;
    });

    /// <summary>Spends the same time as a real check, so that response times do not reveal which emails exist.</summary>
    public void VerifyAgainstDummy(string password) => Verify(_dummy.Value, password);

    public PasswordVerificationResult Verify(User user, string password) =>
        _hasher.VerifyHashedPassword(user, user.PasswordHash, password);

    /// <summary>A random password of 20 characters from an unambiguous alphabet.</summary>
    public static string Generate()
    {
        const string alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return RandomNumberGenerator.GetString(alphabet, 20);
    }

    public static string? Problem(string? password) =>
        password is null || password.Length < MinLength ? $"Must be at least {MinLength} characters." :
        password.Length > 200 ? "Must be at most 200 characters." : null;
}
