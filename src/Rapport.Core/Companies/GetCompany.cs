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

        var customerCount = await db.Customers.CountAsync(c => c.CompanyId == id, ct);
        // From the company's people (index on company_id) to their metrics rows (primary key): never a scan of all metrics.
        var totals = await (
                from c in db.Customers.AsNoTracking()
                where c.CompanyId == id
                join m in db.CustomerMetrics.AsNoTracking() on c.Id equals m.CustomerId
                group m by 1 into g
                select new { Purchases = g.Sum(m => m.PurchaseCount), Revenue = g.Sum(m => m.Revenue) })
            .SingleOrDefaultAsync(ct);

        return Result<CompanyDetail>.Ok(new CompanyDetail(
            company.Id, company.Name, company.Domain, company.Industry, company.Website, company.Phone, company.City, company.Country,
            customerCount, totals?.Purchases ?? 0, totals?.Revenue ?? 0m, metrics.ReportingCurrency,
            company.CreatedAt, company.UpdatedAt, company.Version));
    }
}
