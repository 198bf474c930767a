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

        var ownership = api.MapGroup("/access/ownership").WithTags("Access control");
        ownership.MapGet("/", async (GetOwnership get, CancellationToken ct) => TypedResults.Ok(await get.HandleAsync(ct)))
            .RequireAuthorization(Policies.AdminView)
            .WithSummary("Record ownership: whether it is on, and the roles it limits to their own and their team's customers");
        ownership.MapPut("/", async Task<Results<Ok<OwnershipView>, ProblemHttpResult>> (UpdateOwnershipRequest body, UpdateOwnership update, CancellationToken ct) =>
            {
                var result = await update.HandleAsync(body, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.AdminEdit)
            .WithSummary("Turn record ownership on or off ('enabled') and name the roles it limits ('restrictedRoles'; not admin)");

        var teams = api.MapGroup("/teams").WithTags("Access control");
        teams.MapGet("/", async (Teams list, CancellationToken ct) => TypedResults.Ok(await list.ListAsync(ct)))
            .RequireAuthorization(Policies.AdminView)
            .WithSummary("Teams with their members' user ids");
        teams.MapPost("/", async Task<Results<Created<TeamRow>, ProblemHttpResult>> (TeamBody body, Teams create, CancellationToken ct) =>
            {
                var result = await create.CreateAsync(body.Name, ct);
                return result.IsOk ? TypedResults.Created($"/api/v1/teams/{result.Value!.Id}", result.Value) : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.AdminEdit)
            .WithSummary("Create a team");
        teams.MapDelete("/{id:long}", async Task<Results<NoContent, ProblemHttpResult>> (long id, Teams delete, CancellationToken ct) =>
            {
                var result = await delete.DeleteAsync(id, ct);
                return result.IsOk ? TypedResults.NoContent() : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.AdminDelete)
            .WithSummary("Delete a team; its members belong to no team");
        api.MapPut("/users/{id:long}/team", async Task<Results<Ok<UserTeam>, ProblemHttpResult>> (long id, UserTeamBody body, Teams assign, CancellationToken ct) =>
            {
                var result = await assign.AssignAsync(id, body.TeamId, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithTags("Access control")
            .RequireAuthorization(Policies.AdminEdit)
            .WithSummary("Put a user in a team (teamId), or in none (null)");

        return api;
    }

    public sealed record TeamBody(string? Name);

    public sealed record UserTeamBody(long? TeamId);
}
