using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Data;

namespace Rapport.Companies;

public sealed record ListCompanyCustomersQuery(long CompanyId, int? Limit = null, string? After = null);

/// <summary>
/// One of a company's people with their purchase figures (zero until their metrics row exists).
/// <c>Revenue</c> is in the reporting currency.
/// </summary>
public sealed record CompanyCustomerRow(
    long Id,
    string Name,
    string? Email,
    string? Phone,
    string? City,
    string? Country,
    int PurchaseCount,
    decimal Revenue,
    DateTimeOffset? LastPurchaseAt);

/// <summary>
/// The people of a company sorted by last name, first name (ignoring letter case), then id; keyset-paged.
/// An unknown company is not found.
/// </summary>
public sealed class ListCompanyCustomers(RapportDbContext db)
{
    public async Task<Result<Page<CompanyCustomerRow>>> HandleAsync(ListCompanyCustomersQuery query, CancellationToken ct)
    {
        var errors = new FieldErrors();
        Cursor.TryLimit(query.Limit, errors, out var limit);
        var after = DecodeAfter(query.After, errors);
        if (errors.Any)
        {
            return errors.ToResult<Page<CompanyCustomerRow>>();
        }

        if (!await db.Companies.AnyAsync(c => c.Id == query.CompanyId, ct))
        {
            return Result<Page<CompanyCustomerRow>>.NotFound($"Company {query.CompanyId} does not exist.");
        }

        var people =
            from c in db.Customers.AsNoTracking()
            where c.CompanyId == query.CompanyId
            join m in db.CustomerMetrics.AsNoTracking() on c.Id equals m.CustomerId into metrics
            from m in metrics.DefaultIfEmpty()
            select new
            {
                Last = (c.LastName ?? "").ToLower(),
                First = (c.FirstName ?? "").ToLower(),
                Customer = c,
                Metrics = m,
            };

        if (after is var (last, first, id))
        {
            people = people.Where(x =>
                string.Compare(x.Last, last) > 0 ||
                (x.Last == last && (string.Compare(x.First, first) > 0 || (x.First == first && x.Customer.Id > id))));
        }

        var rows = await people
            .OrderBy(x => x.Last).ThenBy(x => x.First).ThenBy(x => x.Customer.Id)
            .Take(limit + 1)
            .Select(x => new
            {
                x.Last,
                x.First,
                Row = new CompanyCustomerRow(
                    x.Customer.Id,
                    CustomerNames.Display(x.Customer.FirstName, x.Customer.LastName, x.Customer.Email, x.Customer.Id),
                    x.Customer.Email,
                    x.Customer.Phone,
                    x.Customer.City,
                    x.Customer.Country,
                    x.Metrics == null ? 0 : x.Metrics.PurchaseCount,
                    x.Metrics == null ? 0m : x.Metrics.Revenue,
                    x.Metrics == null ? null : x.Metrics.LastPurchaseAt),
            })
            .ToListAsync(ct);

        var hasMore = rows.Count > limit;
        if (hasMore)
        {
            rows.RemoveRange(limit, rows.Count - limit);
        }

        var next = hasMore ? Cursor.Encode(rows[^1].Last, rows[^1].First, rows[^1].Row.Id) : null;
        return Result<Page<CompanyCustomerRow>>.Ok(new Page<CompanyCustomerRow>([.. rows.Select(x => x.Row)], next));
    }

    private static (string Last, string First, long Id)? DecodeAfter(string? after, FieldErrors errors)
    {
        if (!Cursor.TryDecode(after, out var keys) ||
            (keys.Length != 0 && (keys.Length != 3 ||
                keys[0].ValueKind != JsonValueKind.String || keys[1].ValueKind != JsonValueKind.String || !keys[2].TryGetInt64(out _))))
        {
            errors.Add("after", "Is not a cursor from this list; pass the 'next' value of the previous page unchanged.");
            return null;
        }

        return keys.Length == 0 ? null : (keys[0].GetString()!, keys[1].GetString()!, keys[2].GetInt64());
    }
}
