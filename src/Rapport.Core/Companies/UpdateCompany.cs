using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Data;

namespace Rapport.Companies;

/// <summary>
/// A partial update (JSON merge-patch semantics): a field left unset keeps its value, a field set to null clears it.
/// <c>Name</c> cannot be cleared.
/// </summary>
public sealed record CompanyChanges
{
    public Optional<string?> Name { get; init; }
    public Optional<string?> Domain { get; init; }
    public Optional<string?> Industry { get; init; }
    public Optional<string?> Website { get; init; }
    public Optional<string?> Phone { get; init; }
    public Optional<string?> City { get; init; }
    public Optional<string?> Country { get; init; }
}

/// <summary>
/// Applies <see cref="CompanyChanges"/> with optimistic concurrency: when <c>expectedVersion</c> (the ETag the caller
/// read) is not the current version the result is <see cref="ResultKind.PreconditionFailed"/> and nothing changes.
/// </summary>
public sealed class UpdateCompany(RapportDbContext db, GetCompany get, ILogger<UpdateCompany> logger)
{
    public async Task<Result<CompanyDetail>> HandleAsync(long id, int? expectedVersion, CompanyChanges changes, CancellationToken ct)
    {
        var company = await db.Companies.SingleOrDefaultAsync(c => c.Id == id, ct);
        if (company is null)
        {
            return Result<CompanyDetail>.NotFound($"Company {id} does not exist.");
        }

        if (expectedVersion is { } version && version != company.Version)
        {
            return Result<CompanyDetail>.PreconditionFailed(
                $"Company {id} is at version {company.Version}, not {version}: it changed since you read it. Read it again and retry with the new ETag.");
        }

        var errors = new FieldErrors();
        if (changes.Name.IsSet)
        {
            company.Name = CompanyRules.Name(errors, changes.Name.Value) ?? company.Name;
        }

        if (changes.Domain.IsSet)
        {
            company.Domain = CompanyRules.Domain(errors, changes.Domain.Value);
        }

        if (changes.Industry.IsSet)
        {
            company.Industry = CompanyRules.Line(errors, "industry", changes.Industry.Value, CompanyLimits.Industry);
        }

        if (changes.Website.IsSet)
        {
            company.Website = CompanyRules.Website(errors, changes.Website.Value);
        }

        if (changes.Phone.IsSet)
        {
            company.Phone = CompanyRules.Phone(errors, changes.Phone.Value);
        }

        if (changes.City.IsSet)
        {
            company.City = CompanyRules.Line(errors, "city", changes.City.Value, CompanyLimits.City);
        }

        if (changes.Country.IsSet)
        {
            company.Country = Countries.Check(errors, "country", changes.Country.Value);
        }

        if (errors.Any)
        {
            db.ChangeTracker.Clear();
            return errors.ToResult<CompanyDetail>();
        }

        company.NameNormalized = CompanyNames.Normalize(company.Name);
        if (db.Entry(company).Property(c => c.NameNormalized).IsModified &&
            await CreateCompany.NameTakenAsync(db, company.NameNormalized, id, ct) is { } existing)
        {
            db.ChangeTracker.Clear();
            return CreateCompany.NameConflict(company.Name, existing);
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return Result<CompanyDetail>.PreconditionFailed($"Company {id} changed while it was being updated; read it again.");
        }

        logger.LogInformation("Updated company {CompanyId} to version {Version}", id, company.Version);
        return await get.HandleAsync(id, ct);
    }
}
