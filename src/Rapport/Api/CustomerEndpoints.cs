using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Rapport.Audit;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Identity;

namespace Rapport.Api;

/// <summary>
/// <c>/api/v1/customers</c>: search, create, read, update with <c>ETag</c>/<c>If-Match</c>, delete, and the timeline.
/// The ETag of a customer is its version in quotes (<c>"3"</c>).
/// </summary>
public static class CustomerEndpoints
{
    public static RouteGroupBuilder MapCustomerEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/customers").WithTags("Customers").AddEndpointFilter<MergedCustomerFilter>();

        group.MapGet("/", async Task<Results<Ok<Page<CustomerRow>>, ProblemHttpResult>> (
                string? q, string? tag, long? companyId, long? ownerId, string? sort, int? limit, string? after,
                string? stage, long? segmentId, string? rfmSegment, SearchCustomers search, CancellationToken ct) =>
            {
                var result = await search.HandleAsync(new SearchCustomersRequest(q, tag, companyId, ownerId, sort, limit, after, stage, segmentId, rfmSegment), ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.CustomersView)
            .WithSummary("Search customers by name, email, tag, company, owner, stage, segment or RFM segment; keyset-paginated")
            .WithDescription("q: words matched in name and email, ignoring case and accents (a complete email address matches exactly). " +
                "sort: name (default), -name, createdAt, -createdAt, revenue, -revenue, lastPurchase, -lastPurchase. " +
                "stage: prospecting, consideration, purchase, connection or loyalty. segmentId: members of that segment. rfmSegment: an RFM segment key. " +
                "limit: 1..200 (default 50). after: the 'next' cursor of the previous page.");

        group.MapPost("/", async Task<Results<Created<CustomerDetail>, ProblemHttpResult>> (
                CreateCustomerRequest body, CreateCustomer create, HttpResponse response, CancellationToken ct) =>
            {
                var result = await create.HandleAsync(body, CustomerSources.Api, ct);
                if (!result.IsOk)
                {
                    return ApiProblems.From(result);
                }

                response.Headers.ETag = ETags.Of(result.Value!.Version);
                return TypedResults.Created($"/api/v1/customers/{result.Value.Id}", result.Value);
            })
            .RequireAuthorization(Policies.CustomersEdit)
            .WithIdempotency()
            .WithSummary("Create a customer; the response carries its ETag");

        group.MapGet("/{id:long}", async Task<Results<Ok<CustomerDetail>, StatusCodeHttpResult, ProblemHttpResult>> (
                long id, [FromHeader(Name = "If-None-Match")] string? ifNoneMatch, GetCustomer get, AuditLog audit, HttpResponse response, CancellationToken ct) =>
            {
                var result = await get.HandleAsync(id, ct);
                if (!result.IsOk)
                {
                    return ApiProblems.From(result);
                }

                await audit.ViewedAsync(AuditActions.CustomerViewed, "customer", AuditLog.Id(id), id, ct: ct);

                var etag = ETags.Of(result.Value!.Version);
                response.Headers.ETag = etag;
                if (ifNoneMatch is not null && ifNoneMatch.Split(',').Any(t => t.Trim() is var tag && (tag == "*" || tag == etag || tag == "W/" + etag)))
                {
                    return TypedResults.StatusCode(StatusCodes.Status304NotModified);
                }

                return TypedResults.Ok(result.Value);
            })
            .RequireAuthorization(Policies.CustomersView)
            .WithSummary("Read a customer's full profile with tags, custom fields, external ids and metrics; ETag is the version")
            .WithDescription("With If-None-Match holding the current ETag the answer is 304 Not Modified without a body.");

        group.MapPatch("/{id:long}", async Task<Results<Ok<CustomerDetail>, ProblemHttpResult>> (
                long id, UpdateCustomerRequest body, [FromHeader(Name = "If-Match")] string? ifMatch,
                UpdateCustomer update, HttpResponse response, CancellationToken ct) =>
            {
                if (ETags.IfMatch(ifMatch, required: true, out var version) is { } problem)
                {
                    return problem;
                }

                var result = await update.HandleAsync(id, body, version, ct);
                if (!result.IsOk)
                {
                    return ApiProblems.From(result);
                }

                response.Headers.ETag = ETags.Of(result.Value!.Version);
                return TypedResults.Ok(result.Value);
            })
            .RequireAuthorization(Policies.CustomersEdit)
            .WithSummary("Update some fields of a customer; requires If-Match with the current ETag")
            .WithDescription("Only the fields present change; null clears a field. tags and externalIds replace the lists; " +
                "customFields is merged by key (null clears a key). Missing If-Match: 428; stale: 412.");

        group.MapDelete("/{id:long}", async Task<Results<NoContent, ProblemHttpResult>> (
                long id, [FromHeader(Name = "If-Match")] string? ifMatch, DeleteCustomer delete, CancellationToken ct) =>
            {
                if (ETags.IfMatch(ifMatch, required: false, out var version) is { } problem)
                {
                    return problem;
                }

                var result = await delete.HandleAsync(id, version, ct);
                return result.IsOk ? TypedResults.NoContent() : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.CustomersDelete)
            .WithSummary("Delete a customer with their history; If-Match is optional and checked when given");

        group.MapGet("/{id:long}/timeline", async Task<Results<Ok<Page<TimelineItem>>, ProblemHttpResult>> (
                long id, int? limit, string? after, GetTimeline timeline, AuditLog audit, CancellationToken ct) =>
            {
                var result = await timeline.HandleAsync(id, limit, after, ct);
                if (result.IsOk)
                {
                    await audit.ViewedAsync(AuditActions.TimelineViewed, "customer", AuditLog.Id(id), id, ct: ct);
                }

                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.CustomersView)
            .WithSummary("A customer's interactions and transactions, newest first; keyset-paginated");

        return api;
    }
}
