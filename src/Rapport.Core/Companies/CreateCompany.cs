using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Companies;

/// <summary>
/// A new company. <c>Name</c> is required and must not already be used by another company (ignoring letter case and
/// accents). <c>Website</c> is an absolute http(s) URL; <c>Country</c> an ISO 3166-1 alpha-2 code, any case.
/// </summary>
public sealed record CreateCompanyRequest(
    string? Name,
    string? Domain = null,
    string? Industry = null,
    string? Website = null,
    string? Phone = null,
    string? City = null,
    string? Country = null);

public sealed class CreateCompany(RapportDbContext db, GetCompany get, ILogger<CreateCompany> logger)
{
    public async Task<Result<CompanyDetail>> HandleAsync(CreateCompanyRequest request, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var company = new Company
        {
            Name = CompanyRules.Name(errors, request.Name) ?? "",
            Domain = CompanyRules.Domain(errors, request.Domain),
            Industry = CompanyRules.Line(errors, "industry", request.Industry, CompanyLimits.Industry),
            Website = CompanyRules.Website(errors, request.Website),
            Phone = CompanyRules.Phone(errors, request.Phone),
            City = CompanyRules.Line(errors, "city", request.City, CompanyLimits.City),
            Country = Countries.Check(errors, "country", request.Country),
        };
        if (errors.Any)
        {
            return errors.ToResult<CompanyDetail>();
        }

        company.NameNormalized = CompanyNames.Normalize(company.Name);
        if (await NameTakenAsync(db, company.NameNormalized, null, ct) is { } existing)
        {
            return NameConflict(company.Name, existing);
        }

        db.Companies.Add(company);
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Created company {CompanyId}", company.Id);
        return await get.HandleAsync(company.Id, ct);
    }

    internal static Task<long?> NameTakenAsync(RapportDbContext db, string normalized, long? exceptId, CancellationToken ct) =>
        db.Companies.AsNoTracking()
            .Where(c => c.NameNormalized == normalized && c.Id != exceptId)
            .Select(c => (long?)c.Id)
            .FirstOrDefaultAsync(ct);

    internal static Result<CompanyDetail> NameConflict(string name, long existingId) =>
        Result<CompanyDetail>.Conflict($"Company {existingId} is already called '{name}' (ignoring case and accents).", "name");
}
