using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Data;
using Rapport.Metrics;

namespace Rapport.Companies;

/// <summary>A company with the count of its people and their purchases and revenue.</summary>
public sealed class GetCompany(RapportDbContext db, CustomerMetricsUpdater metrics)
{
    public async Task<Result<CompanyDetail>> HandleAsync(long id, CancellationToken ct)
    {
        var company = await db.Companies.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
        if (company is null)
        {
            return Result<CompanyDetail>.NotFound($"Company {id} does not exist.");
        }

        var people = db.Customers.Where(c => c.CompanyId == id);
        var customerCount = await people.CountAsync(ct);
        var totals = await db.CustomerMetrics.AsNoTracking()
            .Where(m => people.Any(c => c.Id == m.CustomerId))
            .GroupBy(_ => 1)
            .Select(g => new { Purchases = g.Sum(m => m.PurchaseCount), Revenue = g.Sum(m => m.Revenue) })
            .SingleOrDefaultAsync(ct);

        return Result<CompanyDetail>.Ok(new CompanyDetail(
            company.Id, company.Name, company.Domain, company.Industry, company.Website, company.Phone, company.City, company.Country,
            customerCount, totals?.Purchases ?? 0, totals?.Revenue ?? 0m, metrics.ReportingCurrency,
            company.CreatedAt, company.UpdatedAt, company.Version));
    }
}
