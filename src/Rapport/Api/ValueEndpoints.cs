using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Rapport.Common;
using Rapport.Identity;
using Rapport.Values;

namespace Rapport.Api;

/// <summary>
/// The value taxonomy, the business's importance ratings, products' value tags and partners (docs/values.md).
/// Reads need <c>read</c>; every write needs <c>write-catalog</c> (admin, marketing): the values a business stands for
/// are reference data kept by marketing, like the catalogue.
/// </summary>
public static class ValueEndpoints
{
    /// <summary>Who acts, for the values history: the signed-in user, or the API key by its name.</summary>
    public static Actor ActorOf(ClaimsPrincipal user) => new(user.GetUserId(), user.Identity?.Name ?? "unknown");

    public static RouteGroupBuilder MapValueEndpoints(this RouteGroupBuilder api)
    {
        MapValues(api.MapGroup("/values").WithTags("Values").RequireAuthorization(Policies.CatalogView));
        MapProductValues(api.MapGroup("/products").WithTags("Values").RequireAuthorization(Policies.CatalogView));
        MapPartners(api.MapGroup("/partners").WithTags("Partners").RequireAuthorization(Policies.CatalogView));
        api.MapGet("/product-values", async Task<Results<Ok<ProductValueMatrix>, ProblemHttpResult>> (
                string? category, bool? includeInactive, GetProductValueMatrix matrix, CancellationToken ct) =>
            {
                var result = await matrix.HandleAsync(category, includeInactive ?? false, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithTags("Values")
            .RequireAuthorization(Policies.CatalogView)
            .WithSummary("Products × values: each active value's products and each product's strength (1–3) per value, and the values no product supports")
            .WithDescription($"category narrows the products; includeInactive adds inactive products. At most {GetProductValueMatrix.MaxProducts} products (truncated says when more matched).");
        return api;
    }

    private static Results<Ok<ValueDetail>, ProblemHttpResult> Answer(Result<ValueDetail> result, HttpResponse response)
    {
        if (!result.IsOk)
        {
            return ApiProblems.From(result);
        }

        response.Headers.ETag = ETags.Of(result.Value!.Version);
        return TypedResults.Ok(result.Value);
    }

    private static void MapValues(RouteGroupBuilder group)
    {
        group.MapGet("/", async Task<Results<Ok<IReadOnlyList<ValueDetail>>, ProblemHttpResult>> (string? status, ListValues list, CancellationToken ct) =>
            {
                var errors = new FieldErrors();
                var parsed = ApiEnums.Parse<ValueStatus>(status, "status", errors);
                if (errors.Any)
                {
                    return ApiProblems.Validation(errors.ToDictionary());
                }

                return TypedResults.Ok(await list.HandleAsync(new ListValuesQuery(parsed), ct));
            })
            .WithSummary("The value taxonomy with the business's current importance ratings, by name")
            .WithDescription("status: active, retired or merged (merged values are retired into another value); without it, every value.");

        group.MapPost("/", async Task<Results<Created<ValueDetail>, ProblemHttpResult>> (
                CreateValueRequest body, CreateValue create, ClaimsPrincipal user, HttpResponse response, CancellationToken ct) =>
            {
                var result = await create.HandleAsync(body, ActorOf(user), ct);
                if (!result.IsOk)
                {
                    return ApiProblems.From(result);
                }

                response.Headers.ETag = ETags.Of(result.Value!.Version);
                return TypedResults.Created($"/api/v1/values/{result.Value.Key}", result.Value);
            })
            .RequireAuthorization(Policies.CatalogEdit)
            .WithIdempotency()
            .WithSummary("Add a value to the taxonomy (key: lower snake case, unique for ever)");

        group.MapGet("/{key}", async Task<Results<Ok<ValueDetail>, ProblemHttpResult>> (string key, GetValue get, HttpResponse response, CancellationToken ct) =>
                Answer(await get.HandleAsync(key, ct), response))
            .WithSummary("Read a value; a merged value's key answers the value it was merged into. ETag = version");

        group.MapPatch("/{key}", async Task<Results<Ok<ValueDetail>, ProblemHttpResult>> (
                string key, ValueChanges body, UpdateValue update, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user, HttpResponse response, CancellationToken ct) =>
            {
                if (ETags.IfMatch(ifMatch, required: true, out var version) is { } problem)
                {
                    return problem;
                }

                return Answer(await update.HandleAsync(key, version, body, ActorOf(user), ct), response);
            })
            .RequireAuthorization(Policies.CatalogEdit)
            .WithSummary("Change a value's name, description or vocabulary (merge patch; vocabulary replaces the list); requires If-Match");

        group.MapPost("/{key}/merge", async Task<Results<Ok<ValueDetail>, ProblemHttpResult>> (
                string key, MergeValueRequest body, MergeValue merge, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user, HttpResponse response, CancellationToken ct) =>
            {
                if (ETags.IfMatch(ifMatch, required: false, out var version) is { } problem)
                {
                    return problem;
                }

                return Answer(await merge.HandleAsync(key, body.Into, version, ActorOf(user), ct), response);
            })
            .RequireAuthorization(Policies.CatalogEdit)
            .WithSummary("Merge this value into another ({\"into\": key}): vocabulary, product tags and partner ratings move; answers the target");

        group.MapPost("/{key}/retire", async Task<Results<Ok<ValueDetail>, ProblemHttpResult>> (
                string key, ChangeValueStatus status, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user, HttpResponse response, CancellationToken ct) =>
            {
                if (ETags.IfMatch(ifMatch, required: false, out var version) is { } problem)
                {
                    return problem;
                }

                return Answer(await status.RetireAsync(key, version, ActorOf(user), ct), response);
            })
            .RequireAuthorization(Policies.CatalogEdit)
            .WithSummary("Retire a value (kept with its history; no longer offered for tags and ratings)");

        group.MapPost("/{key}/reinstate", async Task<Results<Ok<ValueDetail>, ProblemHttpResult>> (
                string key, ChangeValueStatus status, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user, HttpResponse response, CancellationToken ct) =>
            {
                if (ETags.IfMatch(ifMatch, required: false, out var version) is { } problem)
                {
                    return problem;
                }

                return Answer(await status.ReinstateAsync(key, version, ActorOf(user), ct), response);
            })
            .RequireAuthorization(Policies.CatalogEdit)
            .WithSummary("Reinstate a retired value (a merged value cannot be reinstated: 409)");

        group.MapGet("/{key}/history", async Task<Results<Ok<ValueHistory>, ProblemHttpResult>> (string key, GetValueHistory history, CancellationToken ct) =>
            {
                var result = await history.HandleAsync(key, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithSummary("The value's own history (by its own key, not resolved) and every importance rating, oldest first");

        group.MapPut("/{key}/importance", async Task<Results<Ok<ValueDetail>, ProblemHttpResult>> (
                string key, RateImportanceRequest body, RateValueImportance rate, ClaimsPrincipal user, HttpResponse response, CancellationToken ct) =>
                Answer(await rate.HandleAsync(key, body, ActorOf(user), ct), response))
            .RequireAuthorization(Policies.CatalogEdit)
            .WithSummary("Rate the value's importance to the business: {importance 1-5, evidence, ownerId}; earlier ratings stay in the history");
    }

    private static void MapProductValues(RouteGroupBuilder group)
    {
        group.MapGet("/{id:long}/values", async Task<Results<Ok<ProductValues>, ProblemHttpResult>> (long id, GetProductValues get, CancellationToken ct) =>
            {
                var result = await get.HandleAsync(id, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithSummary("The values a product supports, with strength 1 (somewhat) to 3 (what it is about)");

        group.MapPut("/{id:long}/values", async Task<Results<Ok<ProductValues>, ProblemHttpResult>> (
                long id, SetProductValuesRequest body, SetProductValues set, CancellationToken ct) =>
            {
                var result = await set.HandleAsync(id, body, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.CatalogEdit)
            .WithSummary("Replace a product's value tags: {values: [{value: key, strength: 1-3}]}");
    }

    private static void MapPartners(RouteGroupBuilder group)
    {
        group.MapGet("/", async (ListPartners list, CancellationToken ct) => TypedResults.Ok(await list.HandleAsync(ct)))
            .WithSummary("Partners and influencers with their value ratings and fit score (0-100), by name");

        group.MapPost("/", async Task<Results<Created<PartnerDetail>, ProblemHttpResult>> (
                CreatePartnerRequest body, CreatePartner create, HttpResponse response, CancellationToken ct) =>
            {
                var result = await create.HandleAsync(body, ct);
                if (!result.IsOk)
                {
                    return ApiProblems.From(result);
                }

                response.Headers.ETag = ETags.Of(result.Value!.Version);
                return TypedResults.Created($"/api/v1/partners/{result.Value.Id}", result.Value);
            })
            .RequireAuthorization(Policies.CatalogEdit)
            .WithIdempotency()
            .WithSummary("Add a partner or influencer");

        group.MapGet("/{id:long}", async Task<Results<Ok<PartnerDetail>, ProblemHttpResult>> (long id, GetPartner get, HttpResponse response, CancellationToken ct) =>
            {
                var result = await get.HandleAsync(id, ct);
                if (!result.IsOk)
                {
                    return ApiProblems.From(result);
                }

                response.Headers.ETag = ETags.Of(result.Value!.Version);
                return TypedResults.Ok(result.Value);
            })
            .WithSummary("Read a partner with its value ratings and fit score; ETag = version");

        group.MapPatch("/{id:long}", async Task<Results<Ok<PartnerDetail>, ProblemHttpResult>> (
                long id, PartnerChanges body, UpdatePartner update, [FromHeader(Name = "If-Match")] string? ifMatch, HttpResponse response, CancellationToken ct) =>
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
            .RequireAuthorization(Policies.CatalogEdit)
            .WithSummary("Change a partner (merge patch); requires If-Match");

        group.MapDelete("/{id:long}", async Task<Results<NoContent, ProblemHttpResult>> (
                long id, DeletePartner delete, [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct) =>
            {
                if (ETags.IfMatch(ifMatch, required: false, out var version) is { } problem)
                {
                    return problem;
                }

                var result = await delete.HandleAsync(id, version, ct);
                return result.IsOk ? TypedResults.NoContent() : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.CatalogDelete)
            .WithSummary("Delete a partner with its value ratings");

        group.MapPut("/{id:long}/values", async Task<Results<Ok<PartnerDetail>, ProblemHttpResult>> (
                long id, SetPartnerValuesRequest body, SetPartnerValues set, CancellationToken ct) =>
            {
                var result = await set.HandleAsync(id, body, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.CatalogEdit)
            .WithSummary("Replace a partner's value ratings: {values: [{value: key, rating: 1-5}]}");
    }
}
