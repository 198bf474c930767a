using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Data;
using Rapport.Duplicates;
using Rapport.Identity;

namespace Rapport.Api;

/// <summary>
/// <c>/api/v1/duplicates</c>: list candidate pairs, run detection, dismiss a pair; <c>/api/v1/customers/{id}/merge</c>
/// and <c>/merges</c>: merge two customers and read a customer's merge history. See docs/duplicates.md.
/// </summary>
public static class DuplicateEndpoints
{
    /// <summary>
    /// Body of a merge: the customer folded into the one in the URL, the side whose value each named field keeps
    /// (<c>survivor</c> or <c>merged</c>; unnamed fields keep the survivor's value, or the other's when the survivor has
    /// none), and optionally the merged customer's version as read (stale → 412).
    /// </summary>
    public sealed record MergeBody(long? MergeId, Dictionary<string, MergeSide>? Fields, int? MergeVersion);

    public static RouteGroupBuilder MapDuplicateEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/duplicates").WithTags("Duplicates");

        group.MapGet("/", async Task<Results<Ok<Page<CandidateRow>>, ProblemHttpResult>> (
                string? status, double? minScore, int? limit, string? after, ListCandidates list, CancellationToken ct) =>
            {
                var result = await list.HandleAsync(new ListCandidatesRequest(status, minScore, limit, after), ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.CustomersView)
            .WithSummary("Candidate duplicate pairs with both customers' key fields, highest score first; keyset-paginated")
            .WithDescription("status: open (default), dismissed or all. minScore: 0..1. limit: 1..200 (default 50). after: the 'next' cursor of the previous page.");

        group.MapPost("/detect", async (DetectDuplicates detect, CancellationToken ct) => TypedResults.Ok(await detect.RunAsync(ct)))
            .RequireAuthorization(Policies.CustomersEdit)
            .WithSummary("Run duplicate detection over all customers now; answers what changed")
            .WithDescription("New pairs become open candidates, open pairs that no longer match are removed, dismissed pairs stay dismissed.");

        group.MapPost("/{id:long}/dismiss", async Task<Results<Ok<CandidateRow>, ProblemHttpResult>> (
                long id, DismissCandidate dismiss, HttpContext http, CancellationToken ct) =>
            {
                var result = await dismiss.HandleAsync(id, http.User.GetUserId(), ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.CustomersEdit)
            .WithSummary("Mark a pair as two different customers; detection never proposes it again");

        var customers = api.MapGroup("/customers").WithTags("Duplicates").AddEndpointFilter<MergedCustomerFilter>();

        customers.MapPost("/{id:long}/merge", async Task<Results<Ok<MergeResult>, ProblemHttpResult>> (
                long id, MergeBody body, [FromHeader(Name = "If-Match")] string? ifMatch, MergeCustomers merge,
                Access.CustomerOwnership ownership, HttpContext http, HttpResponse response, CancellationToken ct) =>
            {
                if (ETags.IfMatch(ifMatch, required: false, out var version) is { } problem)
                {
                    return problem;
                }

                if (body.MergeId is not { } mergeId)
                {
                    return ApiProblems.Validation("mergeId", "Is required: the id of the customer to fold into this one.");
                }

                if (!await ownership.CanSeeAsync(mergeId, ct))
                {
                    return ApiProblems.Validation("mergeId", $"Customer {mergeId} does not exist.");
                }

                var result = await merge.HandleAsync(
                    new MergeCustomersRequest(id, mergeId, body.Fields, version, body.MergeVersion, CustomerSources.Api, http.User.GetUserId()), ct);
                if (!result.IsOk)
                {
                    return ApiProblems.From(result);
                }

                response.Headers.ETag = ETags.Of(result.Value!.Customer.Version);
                return TypedResults.Ok(result.Value);
            })
            .RequireAuthorization(Policies.CustomersEdit)
            .WithSummary("Merge another customer into this one: chosen values, all history, tags and external ids; the other is deleted")
            .WithDescription("Body: {\"mergeId\": 12, \"fields\": {\"email\": \"merged\", \"customFields.roast\": \"survivor\"}, \"mergeVersion\": 3}. " +
                "If-Match (optional) is this customer's ETag. Merging a customer with itself, unknown fields or an unknown mergeId: 400; stale: 412; " +
                "both holding the same order id: 409.");

        customers.MapGet("/{id:long}/merges", async Task<Results<Ok<IReadOnlyList<CustomerMergeRow>>, ProblemHttpResult>> (
                long id, ListMerges list, CancellationToken ct) =>
            {
                var result = await list.HandleAsync(id, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.CustomersView)
            .WithSummary("The customers merged into this one, newest first, with the field choices and what was moved");

        return api;
    }
}

/// <summary>
/// On <c>/customers/{id}</c> routes: a 404 for an id that was merged away becomes a 404 whose detail names the
/// customer it was merged into, with that id in <c>mergedInto</c>, so clients can follow it.
/// </summary>
public sealed class MergedCustomerFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        // Handlers return Results<…> unions; the problem is the result inside.
        var inner = result is Microsoft.AspNetCore.Http.INestedHttpResult nested ? nested.Result : result;
        if (inner is not ProblemHttpResult { StatusCode: StatusCodes.Status404NotFound } ||
            !long.TryParse(context.HttpContext.GetRouteValue("id") as string, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
        {
            return result;
        }

        var db = context.HttpContext.RequestServices.GetRequiredService<RapportDbContext>();
        var survivor = await MergedCustomers.SurvivorOfAsync(db, id, context.HttpContext.RequestAborted);
        if (survivor is null)
        {
            return result;
        }

        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status404NotFound,
            Type = ApiProblems.Type("merged"),
            Title = "Merged into another customer",
            Detail = $"Customer {id} was merged into customer {survivor}; use /api/v1/customers/{survivor}.",
        };
        problem.Extensions["mergedInto"] = survivor;
        context.HttpContext.Response.Headers.Location = $"/api/v1/customers/{survivor}";
        return TypedResults.Problem(problem);
    }
}
