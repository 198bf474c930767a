using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Rapport.Common;
using Rapport.Companies;
using Rapport.Identity;

namespace Rapport.Api;

public static class CompanyEndpoints
{
    public static RouteGroupBuilder MapCompanyEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/companies").WithTags("Companies").RequireAuthorization(Policies.CustomersView);

        group.MapGet("/", async Task<Results<Ok<Page<CompanyRow>>, ProblemHttpResult>> (string? q, int? limit, string? after, SearchCompanies search, CancellationToken ct) =>
            {
                var result = await search.HandleAsync(new SearchCompaniesQuery(q, limit, after), ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithSummary("Search companies by name (q, ignoring case and accents); sorted by name, keyset paging")
            .WithDescription("limit: 1..200 (default 50). after: the 'next' cursor of the previous page, unchanged.");

        group.MapPost("/", async Task<Results<Created<CompanyDetail>, ProblemHttpResult>> (CreateCompanyRequest body, CreateCompany create, HttpResponse response, CancellationToken ct) =>
            {
                var result = await create.HandleAsync(body, ct);
                if (!result.IsOk)
                {
                    return ApiProblems.From(result);
                }

                response.Headers.ETag = ETags.Of(result.Value!.Version);
                return TypedResults.Created($"/api/v1/companies/{result.Value.Id}", result.Value);
            })
            .RequireAuthorization(Policies.CustomersEdit)
            .WithSummary("Create a company");

        group.MapGet("/{id:long}", async Task<Results<Ok<CompanyDetail>, ProblemHttpResult>> (long id, GetCompany get, HttpResponse response, CancellationToken ct) =>
            {
                var result = await get.HandleAsync(id, ct);
                if (!result.IsOk)
                {
                    return ApiProblems.From(result);
                }

                response.Headers.ETag = ETags.Of(result.Value!.Version);
                return TypedResults.Ok(result.Value);
            })
            .WithSummary("Read a company with its number of customers and their purchases and revenue");

        group.MapPatch("/{id:long}", async Task<Results<Ok<CompanyDetail>, ProblemHttpResult>> (
                long id, CompanyChanges body, UpdateCompany update, [FromHeader(Name = "If-Match")] string? ifMatch, HttpResponse response, CancellationToken ct) =>
            {
                if (ETags.IfMatch(ifMatch, required: true, out var version) is { } problem)
                {
                    return problem;
                }

                var result = await update.HandleAsync(id, version, body, ct);
                if (!result.IsOk)
                {
                    return ApiProblems.From(result);
                }

                response.Headers.ETag = ETags.Of(result.Value!.Version);
                return TypedResults.Ok(result.Value);
            })
            .RequireAuthorization(Policies.CustomersEdit)
            .WithSummary("Change some fields of a company (merge patch: absent keeps, null clears); requires If-Match");

        group.MapDelete("/{id:long}", async Task<Results<NoContent, ProblemHttpResult>> (long id, DeleteCompany delete, [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct) =>
            {
                if (ETags.IfMatch(ifMatch, required: false, out var version) is { } problem)
                {
                    return problem;
                }

                var result = await delete.HandleAsync(id, version, ct);
                return result.IsOk ? TypedResults.NoContent() : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.CustomersDelete)
            .WithSummary("Delete a company; its customers stay, no longer linked to it");

        group.MapGet("/{id:long}/customers", async Task<Results<Ok<Page<CompanyCustomerRow>>, ProblemHttpResult>> (
                long id, int? limit, string? after, ListCompanyCustomers list, CancellationToken ct) =>
            {
                var result = await list.HandleAsync(new ListCompanyCustomersQuery(id, limit, after), ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithSummary("The people of a company, by name, with their purchase figures; keyset paging")
            .WithDescription("Sorted by last name, first name (ignoring letter case), then id. " + "limit: 1..200 (default 50). after: the 'next' cursor of the previous page, unchanged.");

        return api;
    }
}
