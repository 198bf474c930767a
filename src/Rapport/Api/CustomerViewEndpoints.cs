using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Rapport.Customers.Views;
using Rapport.Identity;

namespace Rapport.Api;

/// <summary>
/// Saved customer-list views (docs/customer-views.md): reading needs <c>read</c>; saving a view <c>write-crm</c> (admin,
/// marketing, sales, service: analysts write nothing, as everywhere); sharing it <c>write-catalog</c> (admin, marketing);
/// only the owner or an admin changes a view (403), and another user's personal view does not exist for the caller
/// (404). Invalid fields are 400.
/// </summary>
public static class CustomerViewEndpoints
{
    public static ViewCaller CallerOf(ClaimsPrincipal user) =>
        new(user.GetUserId(), long.TryParse(user.FindFirstValue(RapportClaims.ApiKeyId), out var key) ? key : null,
            user.Can(Policies.AdminEdit), user.Can(Policies.SegmentsEdit));

    public static RouteGroupBuilder MapCustomerViewEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/customer-views").WithTags("Customer views").RequireAuthorization(Policies.CustomersView);

        group.MapGet("/", async (CustomerViews views, ClaimsPrincipal user, CancellationToken ct) =>
                TypedResults.Ok(await views.ListAsync(CallerOf(user), ct)))
            .WithSummary("The saved views the caller sees: every shared view and their own personal ones, by name");

        group.MapGet("/columns", () => TypedResults.Ok(CustomerViewRules.Columns))
            .WithSummary("The column catalogue of the customer list");

        group.MapGet("/{id:long}", async Task<Results<Ok<CustomerViewDetail>, ProblemHttpResult>> (long id, CustomerViews views, ClaimsPrincipal user, HttpResponse response, CancellationToken ct) =>
            {
                var result = await views.GetAsync(id, CallerOf(user), ct);
                if (!result.IsOk)
                {
                    return PlanEndpoints.Problem(result);
                }

                response.Headers.ETag = ETags.Of(result.Value!.Version);
                return TypedResults.Ok(result.Value);
            })
            .WithSummary("One saved view; ETag = version");

        group.MapPost("/", async Task<Results<Created<CustomerViewDetail>, ProblemHttpResult>> (CustomerViewRequest body, CustomerViews views, ClaimsPrincipal user, HttpResponse response, CancellationToken ct) =>
            {
                var caller = CallerOf(user);
                if (body.Shared == true && !caller.CanShare)
                {
                    return Forbidden("Only admin and marketing users may share a view.");
                }

                var result = await views.CreateAsync(body, caller, ct);
                if (!result.IsOk)
                {
                    return PlanEndpoints.Problem(result);
                }

                response.Headers.ETag = ETags.Of(result.Value!.Version);
                return TypedResults.Created($"/api/v1/customer-views/{result.Value.Id}", result.Value);
            })
            .RequireAuthorization(Policies.CustomersEdit)
            .WithSummary("Save a view {name, shared, definition: {q, tag, companyId, ownerId, stage, segmentId, rfmSegment, sort, columns}}; shared needs write-catalog; a view made through the API belongs to the API key");

        group.MapPut("/{id:long}", async Task<Results<Ok<CustomerViewDetail>, ProblemHttpResult>> (
                long id, CustomerViewRequest body, CustomerViews views, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user, HttpResponse response, CancellationToken ct) =>
            {
                if (ETags.IfMatch(ifMatch, required: false, out var version) is { } problem)
                {
                    return problem;
                }

                var caller = CallerOf(user);
                if (await Refuse(id, views, caller, ct) is { } refused)
                {
                    return refused;
                }

                if (body.Shared == true && !caller.CanShare)
                {
                    return Forbidden("Only admin and marketing users may share a view.");
                }

                var result = await views.UpdateAsync(id, body, version, caller, ct);
                if (!result.IsOk)
                {
                    return PlanEndpoints.Problem(result);
                }

                response.Headers.ETag = ETags.Of(result.Value!.Version);
                return TypedResults.Ok(result.Value);
            })
            .RequireAuthorization(Policies.CustomersEdit)
            .WithSummary("Replace a view's name, sharing and definition (owner or admin); If-Match optional");

        group.MapDelete("/{id:long}", async Task<Results<NoContent, ProblemHttpResult>> (
                long id, CustomerViews views, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user, CancellationToken ct) =>
            {
                if (ETags.IfMatch(ifMatch, required: false, out var version) is { } problem)
                {
                    return problem;
                }

                var caller = CallerOf(user);
                if (await Refuse(id, views, caller, ct) is { } refused)
                {
                    return refused;
                }

                var result = await views.DeleteAsync(id, version, caller, ct);
                return result.IsOk ? TypedResults.NoContent() : PlanEndpoints.Problem(result);
            })
            .RequireAuthorization(Policies.CustomersDelete)
            .WithSummary("Delete a view (owner or admin)");
        return api;
    }

    /// <summary>404 when the caller cannot see the view, 403 when they see it but may not change it.</summary>
    private static async Task<ProblemHttpResult?> Refuse(long id, CustomerViews views, ViewCaller caller, CancellationToken ct)
    {
        var view = await views.FindVisibleAsync(id, caller, ct);
        if (view is null)
        {
            return ApiProblems.NotFound($"There is no view {id}.");
        }

        return CustomerViews.CanEdit(view, caller) ? null : Forbidden("Only the view's owner or an admin may change it.");
    }

    private static ProblemHttpResult Forbidden(string detail) =>
        ApiProblems.Problem(StatusCodes.Status403Forbidden, "forbidden", "Forbidden", detail);
}
