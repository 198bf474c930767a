using Microsoft.AspNetCore.Http.HttpResults;
using Rapport.Customers;
using Rapport.Identity;

namespace Rapport.Api;

/// <summary><c>/api/v1/custom-fields</c>: the typed fields admins define on customers. Everyone reads them; admins change them.</summary>
public static class CustomFieldEndpoints
{
    public static RouteGroupBuilder MapCustomFieldEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/custom-fields").WithTags("Custom fields");

        group.MapGet("/", async Task<Ok<IReadOnlyList<CustomFieldRow>>> (ListCustomFields list, CancellationToken ct) =>
                TypedResults.Ok(await list.HandleAsync(ct)))
            .RequireAuthorization(Policies.CustomersView)
            .WithSummary("List custom field definitions in display order");

        group.MapPost("/", async Task<Results<Created<CustomFieldRow>, ProblemHttpResult>> (
                CreateCustomFieldRequest body, CreateCustomField create, CancellationToken ct) =>
            {
                var result = await create.HandleAsync(body, ct);
                return result.IsOk ? TypedResults.Created($"/api/v1/custom-fields/{result.Value!.Id}", result.Value) : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.AdminEdit)
            .WithSummary("Define a custom field (key and type cannot change later)");

        group.MapPatch("/{id:long}", async Task<Results<Ok<CustomFieldRow>, ProblemHttpResult>> (
                long id, UpdateCustomFieldRequest body, UpdateCustomField update, CancellationToken ct) =>
            {
                var result = await update.HandleAsync(id, body, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.AdminEdit)
            .WithSummary("Change a custom field's label, options or position");

        group.MapDelete("/{id:long}", async Task<Results<NoContent, ProblemHttpResult>> (
                long id, DeleteCustomField delete, CancellationToken ct) =>
            {
                var result = await delete.HandleAsync(id, ct);
                return result.IsOk ? TypedResults.NoContent() : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.AdminDelete)
            .WithSummary("Delete a custom field and every customer's value of it");

        return api;
    }
}
