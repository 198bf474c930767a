using Microsoft.AspNetCore.Http.HttpResults;
using Rapport.Identity;

namespace Rapport.Api;

public static class ApiKeyEndpoints
{
    /// <summary><c>Scopes</c>: optional permissions (<c>module.action</c>) the key is limited to, within its role.</summary>
    public sealed record CreateApiKeyBody(string? Name, Role? Role, IReadOnlyList<string>? Scopes = null);

    public static RouteGroupBuilder MapApiKeyEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/api-keys").WithTags("API keys").RequireAuthorization(Policies.AdminEdit);

        group.MapGet("/", async (ListApiKeys list, CancellationToken ct) => TypedResults.Ok(await list.HandleAsync(ct)))
            .WithSummary("List API keys (never their secrets)");

        group.MapPost("/", async Task<Results<Created<CreatedApiKey>, ProblemHttpResult>> (CreateApiKeyBody body, CreateApiKey create, CancellationToken ct) =>
            {
                if (body.Role is null)
                {
                    return ApiProblems.Validation("role", "Is required: one of admin, marketing, sales, service, analyst.");
                }

                var result = await create.HandleAsync(new CreateApiKeyRequest(body.Name ?? "", body.Role.Value, null, body.Scopes), ct);
                return result.IsOk ? TypedResults.Created($"/api/v1/api-keys/{result.Value!.Id}", result.Value) : ApiProblems.From(result);
            })
            .WithSummary("Create an API key; the response is the only time the key is shown");

        group.MapDelete("/{id:long}", async Task<Results<Ok<ApiKeyRow>, ProblemHttpResult>> (long id, RevokeApiKey revoke, CancellationToken ct) =>
            {
                var result = await revoke.HandleAsync(id, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithSummary("Revoke an API key");

        return api;
    }
}
