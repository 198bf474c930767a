using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Data;

namespace Rapport.Duplicates;

/// <summary>The fields a reviewer needs to tell two customers apart at a glance.</summary>
public sealed record CandidateCustomer(
    long Id,
    string DisplayName,
    string? Email,
    string? Phone,
    string? Street,
    string? PostalCode,
    string? City,
    string? Country,
    string? CompanyName,
    DateTimeOffset CreatedAt);

/// <summary>A pair that may be one person. <c>A</c> is the customer with the smaller id; <c>Reasons</c>: email, phone, name, address, company.</summary>
public sealed record CandidateRow(
    long Id,
    double Score,
    IReadOnlyList<string> Reasons,
    DuplicateStatus Status,
    DateTimeOffset DetectedAt,
    DateTimeOffset? ResolvedAt,
    CandidateCustomer A,
    CandidateCustomer B);

/// <param name="Status">open (default), dismissed or all.</param>
/// <param name="MinScore">Only pairs scoring at least this (0 to 1).</param>
public sealed record ListCandidatesRequest(string? Status = null, double? MinScore = null, int? Limit = null, string? After = null);

/// <summary>Candidates by score, highest first (then newest id first); keyset-paginated.</summary>
public sealed class ListCandidates(RapportDbContext db)
{
    public async Task<Result<Page<CandidateRow>>> HandleAsync(ListCandidatesRequest request, CancellationToken ct)
    {
        var errors = new FieldErrors();
        DuplicateStatus? status = request.Status?.Trim().ToLowerInvariant() switch
        {
            null or "" or "open" => DuplicateStatus.Open,
            "dismissed" => DuplicateStatus.Dismissed,
            "all" => null,
            _ => Invalid(errors, "status", "Must be open, dismissed or all."),
        };
        if (request.MinScore is { } min && (double.IsNaN(min) || min < 0 || min > 1))
        {
            errors.Add("minScore", "Must be between 0 and 1.");
        }

        Cursor.TryLimit(request.Limit, errors, out var limit);
        double? afterScore = null;
        long? afterId = null;
        if (!Cursor.TryDecode(request.After, out var keys) || (keys.Length > 0 && !TryKeys(keys, out afterScore, out afterId)))
        {
            errors.Add("after", "Is not a cursor from this list; start again without it.");
        }

        if (errors.Any)
        {
            return errors.ToResult<Page<CandidateRow>>();
        }

        var query = db.DuplicateCandidates.AsNoTracking();
        if (status is { } s)
        {
            query = query.Where(c => c.Status == s);
        }

        if (request.MinScore is { } minScore)
        {
            query = query.Where(c => c.Score >= minScore);
        }

        if (afterScore is { } score && afterId is { } id)
        {
            query = query.Where(c => c.Score < score || (c.Score == score && c.Id < id));
        }

        var rows = await Project(db, query.OrderByDescending(c => c.Score).ThenByDescending(c => c.Id).Take(limit + 1), ct);
        var next = rows.Count > limit ? Cursor.Encode(rows[limit - 1].Score, rows[limit - 1].Id) : null;
        return Result<Page<CandidateRow>>.Ok(new Page<CandidateRow>(rows.Take(limit).ToList(), next));
    }

    private static DuplicateStatus? Invalid(FieldErrors errors, string field, string message)
    {
        errors.Add(field, message);
        return null;
    }

    private static bool TryKeys(JsonElement[] keys, out double? score, out long? id)
    {
        (score, id) = (null, null);
        if (keys.Length != 2 || keys[0].ValueKind != JsonValueKind.Number || !keys[1].TryGetInt64(out var i))
        {
            return false;
        }

        (score, id) = (keys[0].GetDouble(), i);
        return true;
    }

    /// <summary>Candidates with both customers' key fields, in the order of <paramref name="query"/>.</summary>
    internal static async Task<List<CandidateRow>> Project(RapportDbContext db, IQueryable<DuplicateCandidate> query, CancellationToken ct)
    {
        var rows = await (
                from d in query
                join a in db.Customers on d.CustomerIdA equals a.Id
                join b in db.Customers on d.CustomerIdB equals b.Id
                select new
                {
                    d.Id, d.Score, d.Reasons, d.Status, d.DetectedAt, d.ResolvedAt,
                    A = new { a.Id, a.FirstName, a.LastName, a.Email, a.Phone, a.Street, a.PostalCode, a.City, a.Country, Company = a.Company == null ? null : a.Company.Name, a.CreatedAt },
                    B = new { b.Id, b.FirstName, b.LastName, b.Email, b.Phone, b.Street, b.PostalCode, b.City, b.Country, Company = b.Company == null ? null : b.Company.Name, b.CreatedAt },
                })
            .ToListAsync(ct);
        return rows.Select(r => new CandidateRow(
                r.Id, r.Score, r.Reasons.Split(',', StringSplitOptions.RemoveEmptyEntries), r.Status, r.DetectedAt, r.ResolvedAt,
                new CandidateCustomer(r.A.Id, CustomerNames.Display(r.A.FirstName, r.A.LastName, r.A.Email, r.A.Id), r.A.Email, r.A.Phone, r.A.Street, r.A.PostalCode, r.A.City, r.A.Country, r.A.Company, r.A.CreatedAt),
                new CandidateCustomer(r.B.Id, CustomerNames.Display(r.B.FirstName, r.B.LastName, r.B.Email, r.B.Id), r.B.Email, r.B.Phone, r.B.Street, r.B.PostalCode, r.B.City, r.B.Country, r.B.Company, r.B.CreatedAt)))
            .ToList();
    }
}

public sealed class GetCandidate(RapportDbContext db)
{
    public async Task<Result<CandidateRow>> HandleAsync(long id, CancellationToken ct)
    {
        var rows = await ListCandidates.Project(db, db.DuplicateCandidates.AsNoTracking().Where(c => c.Id == id), ct);
        return rows.Count == 0 ? Result<CandidateRow>.NotFound($"There is no duplicate candidate {id}.") : Result<CandidateRow>.Ok(rows[0]);
    }
}

/// <summary>Records that a pair is two different people: detection keeps the pair as Dismissed and never proposes it again.</summary>
public sealed class DismissCandidate(RapportDbContext db, GetCandidate get, TimeProvider clock, ILogger<DismissCandidate> logger)
{
    public async Task<Result<CandidateRow>> HandleAsync(long id, long? userId, CancellationToken ct)
    {
        var candidate = await db.DuplicateCandidates.SingleOrDefaultAsync(c => c.Id == id, ct);
        if (candidate is null)
        {
            return Result<CandidateRow>.NotFound($"There is no duplicate candidate {id}.");
        }

        if (candidate.Status == DuplicateStatus.Open)
        {
            candidate.Status = DuplicateStatus.Dismissed;
            candidate.ResolvedAt = clock.GetUtcNow();
            candidate.ResolvedByUserId = userId;
            await db.SaveChangesAsync(ct);
            logger.LogInformation("Duplicate candidate {CandidateId} dismissed", id);
        }

        db.ChangeTracker.Clear();
        return await get.HandleAsync(id, ct);
    }
}
