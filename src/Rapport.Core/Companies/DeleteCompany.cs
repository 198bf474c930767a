using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Companies;

/// <summary>What deleting a company did: its people stay, no longer linked to it.</summary>
public sealed record DeletedCompany(long Id, string Name, int CustomersDetached);

/// <summary>
/// Deletes a company. Its people keep existing: their company is cleared (the foreign key's ON DELETE SET NULL rule),
/// and each of them gets a new version and updated time, because their record changed — an ETag read before is stale.
/// When <c>expectedVersion</c> is given (If-Match) it must be the company's current version.
/// </summary>
public sealed class DeleteCompany(RapportDbContext db, TimeProvider clock, ILogger<DeleteCompany> logger)
{
    public async Task<Result<DeletedCompany>> HandleAsync(long id, int? expectedVersion, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var company = await db.Companies.AsNoTracking()
            .Where(c => c.Id == id)
            .Select(c => new { c.Name, c.Version })
            .SingleOrDefaultAsync(ct);
        if (company is null)
        {
            return Result<DeletedCompany>.NotFound($"Company {id} does not exist.");
        }

        if (expectedVersion is { } version && version != company.Version)
        {
            return Result<DeletedCompany>.PreconditionFailed($"Company {id} is at version {company.Version}, not {version}; read it again.");
        }

        var now = clock.GetUtcNow();
        var detached = await db.Customers
            .Where(c => c.CompanyId == id)
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.CompanyId, (long?)null)
                .SetProperty(c => c.Version, c => c.Version + 1)
                .SetProperty(c => c.UpdatedAt, now), ct);
        if (await db.Companies.Where(c => c.Id == id && c.Version == company.Version).ExecuteDeleteAsync(ct) == 0)
        {
            return Result<DeletedCompany>.PreconditionFailed($"Company {id} changed while it was being deleted; read it again.");
        }

        await transaction.CommitAsync(ct);
        logger.LogInformation("Deleted company {CompanyId}; {CustomerCount} customers detached", id, detached);
        return Result<DeletedCompany>.Ok(new DeletedCompany(id, company.Name, detached));
    }
}
