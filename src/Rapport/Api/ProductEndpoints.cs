using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Rapport.Common;
using Rapport.Identity;
using Rapport.Products;

namespace Rapport.Api;

public static class ProductEndpoints
{
    public static RouteGroupBuilder MapProductEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/products").WithTags("Products").RequireAuthorization(Policies.CatalogView);

        group.MapGet("/", async Task<Results<Ok<Page<ProductRow>>, ProblemHttpResult>> (
                string? q, string? category, bool? active, string? kind, int? limit, string? after, SearchProducts search, CancellationToken ct) =>
            {
                var errors = new FieldErrors();
                var parsedKind = ApiEnums.Parse<ProductKind>(kind, "kind", errors);
                if (errors.Any)
                {
                    return ApiProblems.Validation(errors.ToDictionary());
                }

                var result = await search.HandleAsync(new SearchProductsQuery(q, category, active, parsedKind, limit, after), ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithSummary("Search products by name or SKU (q), category, active and kind; sorted by name, keyset paging")
            .WithDescription("q: part of the name or SKU, ignoring letter case. category: exact, see /products/categories. " +
                "kind: product or service. " + "limit: 1..200 (default 50). after: the 'next' cursor of the previous page, unchanged.");

        group.MapGet("/categories", async (ListCategories list, CancellationToken ct) => TypedResults.Ok(await list.HandleAsync(ct)))
            .WithSummary("Product categories with the number of products in each");

        group.MapPost("/", async Task<Results<Created<ProductDetail>, ProblemHttpResult>> (CreateProductRequest body, CreateProduct create, HttpResponse response, CancellationToken ct) =>
            {
                var result = await create.HandleAsync(body, ct);
                if (!result.IsOk)
                {
                    return ApiProblems.From(result);
                }

                response.Headers.ETag = ETags.Of(result.Value!.Version);
                return TypedResults.Created($"/api/v1/products/{result.Value.Id}", result.Value);
            })
            .RequireAuthorization(Policies.CatalogEdit)
            .WithSummary("Create a product or service");

        group.MapGet("/{id:long}", async Task<Results<Ok<ProductDetail>, ProblemHttpResult>> (long id, GetProduct get, HttpResponse response, CancellationToken ct) =>
            {
                var result = await get.HandleAsync(id, ct);
                if (!result.IsOk)
                {
                    return ApiProblems.From(result);
                }

                response.Headers.ETag = ETags.Of(result.Value!.Version);
                return TypedResults.Ok(result.Value);
            })
            .WithSummary("Read a product; the ETag header is its version, for If-Match on PATCH");

        group.MapPatch("/{id:long}", async Task<Results<Ok<ProductDetail>, ProblemHttpResult>> (
                long id, ProductChanges body, UpdateProduct update, [FromHeader(Name = "If-Match")] string? ifMatch, HttpResponse response, CancellationToken ct) =>
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
            .WithSummary("Change some fields of a product (merge patch: absent keeps, null clears); requires If-Match");

        group.MapDelete("/{id:long}", async Task<Results<NoContent, ProblemHttpResult>> (long id, DeleteProduct delete, [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct) =>
            {
                if (ETags.IfMatch(ifMatch, required: false, out var version) is { } problem)
                {
                    return problem;
                }

                var result = await delete.HandleAsync(id, version, ct);
                return result.IsOk ? TypedResults.NoContent() : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.CatalogDelete)
            .WithSummary("Delete a product that no transaction uses (409 otherwise: deactivate it instead)");

        return api;
    }
}
