using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Customers.Changes;
using Rapport.Data;

namespace Rapport.Consent;

public sealed record SuppressionView(long Id, SuppressionKind Kind, string Reason, DateTimeOffset CreatedAt, long? CreatedByUserId, int MatchedCustomers);

public sealed record SuppressRequest(string? Email, string? Phone, string? Reason);

/// <summary>
/// The suppression list (docs/privacy.md, "Suppression"): an address (email or phone) that must not be contacted for
/// marketing again, kept as HMAC-SHA256 of the normalised address under <see cref="ConsentKeys.SuppressionKey"/>.
/// Email: trimmed, lower-case. Phone: digits only, a leading 00 read as +, at least 6 digits. Nothing refers to a
/// customer, so deleting, merging or erasing a customer leaves it; a customer written again later with that address
/// (import, API, page) is matched by the change pipeline and kept out of marketing by the consent check.
/// </summary>
public sealed class Suppressions(ConsentKeys keys, TimeProvider clock)
{
    public const int ReasonMaxLength = 200;

    public static string? NormaliseEmail(string? email) => Validate.Clean(email)?.ToLowerInvariant();

    public static string? NormalisePhone(string? phone)
    {
        if (string.IsNullOrWhiteSpace(phone))
        {
            return null;
        }

        var digits = new string([.. phone.Where(char.IsAsciiDigit)]);
        if (digits.StartsWith("00", StringComparison.Ordinal))
        {
            digits = digits[2..];
        }

        return digits.Length >= 6 ? digits : null;
    }

    public string Hash(SuppressionKind kind, string normalised)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(keys.SuppressionKey, Encoding.UTF8.GetBytes((kind == SuppressionKind.Email ? "e:" : "p:") + normalised), mac);
        return Convert.ToHexStringLower(mac);
    }

    public string? EmailHash(string? email) => NormaliseEmail(email) is { } e ? Hash(SuppressionKind.Email, e) : null;

    public string? PhoneHash(string? phone) => NormalisePhone(phone) is { } p ? Hash(SuppressionKind.Phone, p) : null;

    /// <summary>
    /// Adds the email and/or phone (either may be null) and matches the customers who have them now. Idempotent: an
    /// address already on the list keeps its first reason. Runs on the caller's context and transaction (erasure calls it
    /// inside its own). Returns the ids of the suppressions (new or existing).
    /// </summary>
    public async Task<IReadOnlyList<long>> SuppressAsync(RapportDbContext db, string? email, string? phone, string reason, CancellationToken ct, long? userId = null)
    {
        var ids = new List<long>();
        reason = Validate.Clean(reason) ?? "unspecified";
        reason = reason.Length <= ReasonMaxLength ? reason : reason[..ReasonMaxLength];
        if (NormaliseEmail(email) is { } e)
        {
            var id = await AddAsync(db, SuppressionKind.Email, Hash(SuppressionKind.Email, e), reason, userId, ct);
            var customers = await db.Customers.Where(c => c.EmailNormalized == e).Select(c => c.Id).ToListAsync(ct);
            await MatchAsync(db, id, SuppressionKind.Email, customers, ct);
            ids.Add(id);
        }

        if (NormalisePhone(phone) is { } p)
        {
            var id = await AddAsync(db, SuppressionKind.Phone, Hash(SuppressionKind.Phone, p), reason, userId, ct);
            // Phones are stored as written: narrow by the last digit, then compare normalised.
            var last = "%" + p[^1];
            var candidates = await db.Customers.Where(c => c.Phone != null && EF.Functions.Like(c.Phone, last)).Select(c => new { c.Id, c.Phone }).ToListAsync(ct);
            await MatchAsync(db, id, SuppressionKind.Phone, [.. candidates.Where(c => NormalisePhone(c.Phone) == p).Select(c => c.Id)], ct);
            ids.Add(id);
        }

        return ids;
    }

    public async Task<bool> IsSuppressedAsync(RapportDbContext db, string? email, string? phone, CancellationToken ct)
    {
        var hashes = new List<string>(2);
        if (EmailHash(email) is { } e)
        {
            hashes.Add(e);
        }

        if (PhoneHash(phone) is { } p)
        {
            hashes.Add(p);
        }

        return hashes.Count > 0 && await db.Set<Suppression>().AnyAsync(s => hashes.Contains(s.AddressHash), ct);
    }

    public async Task<Result<bool>> RemoveAsync(RapportDbContext db, long id, CancellationToken ct)
    {
        var deleted = await db.Set<Suppression>().Where(s => s.Id == id).ExecuteDeleteAsync(ct);
        return deleted == 0 ? Result<bool>.NotFound($"Suppression {id} does not exist.") : Result<bool>.Ok(true);
    }

    public async Task<IReadOnlyList<SuppressionView>> ListAsync(RapportDbContext db, int limit, CancellationToken ct) =>
        await db.Set<Suppression>().AsNoTracking().OrderByDescending(s => s.Id).Take(Math.Clamp(limit, 1, 1000))
            .Select(s => new SuppressionView(s.Id, s.Kind, s.Reason, s.CreatedAt, s.CreatedByUserId,
                db.Set<SuppressionMatch>().Count(m => m.SuppressionId == s.Id)))
            .ToListAsync(ct);

    /// <summary>
    /// Re-matches customers whose email or phone may have changed (the change pipeline calls it): their matches are
    /// rebuilt from their current addresses. Nothing to do while the list is empty.
    /// </summary>
    public async Task RematchAsync(RapportDbContext db, IReadOnlyList<long> customerIds, CancellationToken ct)
    {
        if (customerIds.Count == 0 || !await db.Set<Suppression>().AnyAsync(ct))
        {
            return;
        }

        foreach (var chunk in customerIds.Chunk(500))
        {
            var people = await db.Customers.AsNoTracking().Where(c => chunk.Contains(c.Id)).Select(c => new { c.Id, c.EmailNormalized, c.Phone }).ToListAsync(ct);
            var wanted = new List<(long Customer, string Hash)>();
            foreach (var person in people)
            {
                if (EmailHash(person.EmailNormalized) is { } e)
                {
                    wanted.Add((person.Id, e));
                }

                if (PhoneHash(person.Phone) is { } p)
                {
                    wanted.Add((person.Id, p));
                }
            }

            var hashes = wanted.Select(w => w.Hash).Distinct().ToList();
            var found = hashes.Count == 0 ? [] : await db.Set<Suppression>().AsNoTracking().Where(s => hashes.Contains(s.AddressHash))
                .Select(s => new { s.Id, s.Kind, s.AddressHash }).ToListAsync(ct);
            var ids = chunk.ToList();
            await db.Set<SuppressionMatch>().Where(m => ids.Contains(m.CustomerId)).ExecuteDeleteAsync(ct);
            var rows = (from w in wanted join s in found on w.Hash equals s.AddressHash select new SuppressionMatch { CustomerId = w.Customer, SuppressionId = s.Id, Kind = s.Kind })
                .DistinctBy(m => (m.CustomerId, m.SuppressionId)).ToList();
            if (rows.Count > 0)
            {
                db.Set<SuppressionMatch>().AddRange(rows);
                await db.SaveChangesAsync(ct);
                foreach (var row in rows)
                {
                    db.Entry(row).State = EntityState.Detached;
                }
            }
        }
    }

    private async Task<long> AddAsync(RapportDbContext db, SuppressionKind kind, string hash, string reason, long? userId, CancellationToken ct)
    {
        var existing = await db.Set<Suppression>().Where(s => s.Kind == kind && s.AddressHash == hash).Select(s => (long?)s.Id).FirstOrDefaultAsync(ct);
        if (existing is { } id)
        {
            return id;
        }

        var row = new Suppression { Kind = kind, AddressHash = hash, Reason = reason, CreatedByUserId = userId, CreatedAt = clock.GetUtcNow() };
        db.Set<Suppression>().Add(row);
        await db.SaveChangesAsync(ct);
        db.Entry(row).State = EntityState.Detached;
        return row.Id;
    }

    private static async Task MatchAsync(RapportDbContext db, long suppressionId, SuppressionKind kind, List<long> customerIds, CancellationToken ct)
    {
        if (customerIds.Count == 0)
        {
            return;
        }

        var already = await db.Set<SuppressionMatch>().Where(m => m.SuppressionId == suppressionId && customerIds.Contains(m.CustomerId)).Select(m => m.CustomerId).ToListAsync(ct);
        var rows = customerIds.Except(already).Select(c => new SuppressionMatch { CustomerId = c, SuppressionId = suppressionId, Kind = kind }).ToList();
        if (rows.Count == 0)
        {
            return;
        }

        db.Set<SuppressionMatch>().AddRange(rows);
        await db.SaveChangesAsync(ct);
        foreach (var row in rows)
        {
            db.Entry(row).State = EntityState.Detached;
        }
    }
}

/// <summary>Keeps <c>suppression_matches</c> following customers' addresses; runs first (other handlers do not read it).</summary>
public sealed class SuppressionChangeHandler(RapportDbContext db, Suppressions suppressions) : ICustomerChangeHandler
{
    public int Order => 10;

    public Task CustomerChangedAsync(long customerId, CancellationToken ct) => suppressions.RematchAsync(db, [customerId], ct);

    public Task CustomersChangedAsync(IReadOnlyList<long> customerIds, CancellationToken ct) => suppressions.RematchAsync(db, customerIds, ct);

    public Task AllChangedAsync(ChangedFacts facts, CancellationToken ct) => Task.CompletedTask;
}
