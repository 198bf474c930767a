using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Data;
using Rapport.Interactions;

namespace Rapport.Companies;

/// <summary>
/// Company search. <c>Q</c> matches part of the name, ignoring letter case and accents. <c>Limit</c> 1..200
/// (default 50); <c>After</c> is the previous page's <c>Next</c>.
/// </summary>
public sealed record SearchCompaniesQuery(string? Q = null, int? Limit = null, string? After = null);

/// <summary>Companies sorted by name (folded), then id; keyset-paged.</summary>
public sealed class SearchCompanies(RapportDbContext db)
{
    public const int QueryMaxLength = 100;

    public async Task<Result<Page<CompanyRow>>> HandleAsync(SearchCompaniesQuery query, CancellationToken ct)
    {
        var errors = new FieldErrors();
        Cursor.TryLimit(query.Limit, errors, out var limit);
        Keyset.TryDecode(query.After, errors, out (string Text, long Id)? after);
        var q = Validate.Clean(query.Q);
        Validate.MaxLength(errors, "q", q, QueryMaxLength);
        if (errors.Any)
        {
            return errors.ToResult<Page<CompanyRow>>();
        }

        var companies = db.Companies.AsNoTracking();
        if (q is not null)
        {
            var folded = Validate.Fold(q);
            companies = companies.Where(c => c.NameNormalized.Contains(folded));
        }

        if (after is var (afterKey, afterId))
        {
            companies = companies.Where(c => string.Compare(c.NameNormalized, afterKey) > 0 || (c.NameNormalized == afterKey && c.Id > afterId));
        }

        var rows = await companies
            .OrderBy(c => c.NameNormalized).ThenBy(c => c.Id)
            .Take(limit + 1)
            .Select(c => new
            {
                Key = c.NameNormalized,
                Row = new CompanyRow(c.Id, c.Name, c.Domain, c.Industry, c.City, c.Country, db.Customers.Count(p => p.CompanyId == c.Id)),
            })
            .ToListAsync(ct);
        var page = Keyset.ToPage(rows, limit, x => Keyset.Encode(x.Key, x.Row.Id));
        return Result<Page<CompanyRow>>.Ok(new Page<CompanyRow>([.. page.Items.Select(x => x.Row)], page.Next));
    }
}
