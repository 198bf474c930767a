using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
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
