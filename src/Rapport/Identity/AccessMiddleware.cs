using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Rapport.Access;

namespace Rapport.Identity;

/// <summary>A permission of the matrix (<c>module.action</c>) the caller's role (and key scopes) must have.</summary>
public sealed record PermissionRequirement(string Permission) : IAuthorizationRequirement;

/// <summary>Answers every permission policy from the cached matrix: no query per request.</summary>
internal sealed class PermissionHandler(AccessPolicyCache cache) : AuthorizationHandler<PermissionRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement)
    {
        if (context.User.GetRole() is not { } role)
        {
            return;
        }

        var snapshot = await cache.GetAsync();
        if (snapshot.Effective(role, context.User.GetScopes()).Contains(requirement.Permission))
        {
            context.Succeed(requirement);
        }
    }
}

/// <summary>
/// After authentication, puts the caller's current permissions on the principal (one claim each) so that
/// <see cref="RapportClaims.Can"/> in pages and handlers answers from the same cached matrix as the policies, and
/// fills the request's <see cref="AccessContext"/> (record ownership) for the use cases.
/// </summary>
public static class AccessMiddleware
{
    public const string Issuer = "rapport:access";
    private const string AuthenticationType = "rapport.permissions";

    public static IApplicationBuilder UseAccessPolicy(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated == true && user.GetRole() is { } role)
        {
            var snapshot = await context.RequestServices.GetRequiredService<AccessPolicyCache>().GetAsync(context.RequestAborted);
            var granted = snapshot.Effective(role, user.GetScopes());
            var permissions = new ClaimsIdentity(granted.Select(p => new Claim(RapportClaims.Permission, p, ClaimValueTypes.String, Issuer)), AuthenticationType);
            // A new principal, so that nothing here reaches the cookie if the sign-in ticket is renewed on this request.
            context.User = new ClaimsPrincipal(user.Identities.Where(i => i.AuthenticationType != AuthenticationType).Append(permissions));

            var access = context.RequestServices.GetRequiredService<AccessContext>();
            access.Permissions = granted;
            access.UserId = user.GetUserId() ?? (long.TryParse(user.FindFirstValue(RapportClaims.ActsForUserId), out var creator) ? creator : null);
            access.Restricted = snapshot.IsRestricted(role);
        }

        await next();
    });
}

/// <summary>Each page folder needs view on its module (docs/security.md lists the modules).</summary>
public static class PageAccessConventions
{
    private static readonly (string Folder, string Policy)[] Folders =
    [
        ("/Customers", Policies.CustomersView), ("/Companies", Policies.CustomersView), ("/Duplicates", Policies.CustomersView),
        ("/Tasks", Policies.CustomersView), ("/Exports", Policies.CustomersExport),
        ("/Products", Policies.CatalogView), ("/Values", Policies.CatalogView),
        ("/Research", Policies.ResearchView), ("/Surveys", Policies.ResearchView), ("/Themes", Policies.ResearchView),
        ("/Analytics", Policies.AnalyticsView), ("/DataQuality", Policies.AnalyticsView),
        ("/Segments", Policies.SegmentsView), ("/Stages", Policies.SegmentsView), ("/Plan", Policies.SegmentsView), ("/Playbooks", Policies.SegmentsView),
        ("/Imports", Policies.ImportsView),
        ("/Admin", Policies.AdminView),
    ];

    public static Microsoft.AspNetCore.Mvc.ApplicationModels.PageConventionCollection AuthorizeByModule(
        this Microsoft.AspNetCore.Mvc.ApplicationModels.PageConventionCollection conventions)
    {
        foreach (var (folder, policy) in Folders)
        {
            conventions.AuthorizeFolder(folder, policy);
        }

        return conventions;
    }
}

/// <summary>
/// Record ownership for every route addressed by a customer's id, whatever feature maps it: <c>/api/v1/customers/{id}…</c>
/// (detail, timeline, stage, values, merges, vCard, and what later features hang there), <c>/customers/{id}…</c> pages,
/// and <c>/api/v1/interactions/{id}</c> and <c>/api/v1/transactions/{id}</c> through their customer. Another owner's
/// customer answers 404 exactly as a missing one, so that its existence is not revealed.
/// </summary>
public static class CustomerOwnershipRoutes
{
    public static IApplicationBuilder UseCustomerOwnership(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var ownership = context.RequestServices.GetRequiredService<CustomerOwnership>();
        if (ownership.Restricted &&
            context.GetEndpoint() is RouteEndpoint endpoint &&
            long.TryParse(context.GetRouteValue("id") as string, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
        {
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            var db = context.RequestServices.GetRequiredService<Data.RapportDbContext>();
            var ct = context.RequestAborted;
            long? customerId = pattern.StartsWith("/api/v1/customers/{id", StringComparison.OrdinalIgnoreCase) ||
                               pattern.StartsWith("/customers/{id", StringComparison.OrdinalIgnoreCase)
                ? id
                : pattern.StartsWith("/api/v1/interactions/{id", StringComparison.OrdinalIgnoreCase)
                    ? await db.Interactions.Where(i => i.Id == id).Select(i => (long?)i.CustomerId).FirstOrDefaultAsync(ct) ?? 0
                    : pattern.StartsWith("/api/v1/transactions/{id", StringComparison.OrdinalIgnoreCase)
                        ? await db.Transactions.Where(t => t.Id == id).Select(t => (long?)t.CustomerId).FirstOrDefaultAsync(ct) ?? 0
                        : null;
            // 0: the interaction or transaction does not exist; its own endpoint answers that 404.
            if (customerId is > 0 and var owner && !await ownership.CanSeeAsync(owner, ct))
            {
                if (pattern.StartsWith("/api/", StringComparison.OrdinalIgnoreCase))
                {
                    var what = pattern.StartsWith("/api/v1/customers", StringComparison.OrdinalIgnoreCase) ? "Customer"
                        : pattern.StartsWith("/api/v1/interactions", StringComparison.OrdinalIgnoreCase) ? "Interaction" : "Transaction";
                    await Api.ApiProblems.WriteAsync(context, StatusCodes.Status404NotFound, "not-found", "Not found", $"{what} {id} does not exist.");
                }
                else
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                }

                return;
            }
        }

        await next();
    });
}
