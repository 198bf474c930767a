using Microsoft.AspNetCore.Http.HttpResults;
using Rapport.Audit;
using Rapport.Common;
using Rapport.Identity;

namespace Rapport.Api;

/// <summary><c>GET /api/v1/audit</c>: the audit log, newest first, filtered and keyset-paged (admin only). docs/audit.md.</summary>
public static class AuditEndpoints
{
    public static RouteGroupBuilder MapAuditEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/audit").WithTags("Audit").RequireAuthorization(Policies.AdminView);

        group.MapGet("/", async Task<Results<Ok<Page<AuditEntry>>, ProblemHttpResult>> (
                string? actorKind, long? actorId, string? action, string? entityType, string? entityId, long? customerId,
                DateTimeOffset? from, DateTimeOffset? to, int? limit, string? after, AuditLog audit, CancellationToken ct) =>
            {
                var result = await audit.SearchAsync(new AuditQuery(actorKind, actorId, action, entityType, entityId, customerId, from, to, limit, after), ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithSummary("Search the audit log: who did what, when and from where; personal values are masked")
            .WithDescription("Filters: actorKind (user, api_key, system, anonymous), actorId, action (exact, or a prefix ending in * such as sign_in.*), " +
                "entityType, entityId, customerId, from (inclusive) and to (exclusive) as ISO 8601 instants. Newest first; ?limit=&after= keyset paging.");

        return api;
    }
}
