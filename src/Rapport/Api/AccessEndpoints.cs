using Microsoft.AspNetCore.Http.HttpResults;
using Rapport.Access;
using Rapport.Identity;

namespace Rapport.Api;

/// <summary>The permission matrix (<c>/api/v1/permissions</c>); docs/security.md.</summary>
public static class AccessEndpoints
{
    public static RouteGroupBuilder MapAccessEndpoints(this RouteGroupBuilder api)
    {
        var permissions = api.MapGroup("/permissions").WithTags("Access control");

        permissions.MapGet("/", async (GetPermissionMatrix get, CancellationToken ct) => TypedResults.Ok(await get.HandleAsync(ct)))
            .RequireAuthorization(Policies.AdminView)
            .WithSummary("The permission matrix: every permission (module.action) and the ones each role has");

        permissions.MapPut("/", async Task<Results<Ok<PermissionMatrixView>, ProblemHttpResult>> (
                UpdatePermissionMatrixRequest body, UpdatePermissionMatrix update, CancellationToken ct) =>
            {
                var result = await update.HandleAsync(body, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.AdminEdit)
            .WithSummary("Replace the permissions of the roles named in 'roles' (role → every permission it should have); roles not named keep theirs")
            .WithDescription("The admin role always keeps admin.view, admin.edit, admin.delete and admin.export. Takes effect on the next request, without a restart.");

        return api;
    }
}
