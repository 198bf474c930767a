using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Rapport.Access;
using Rapport.Api;

namespace Rapport.Identity;

/// <summary>
/// The authorization policies: one per permission of the matrix (<c>module.action</c>, see <see cref="Permissions"/>),
/// each granted to the roles the matrix (table <c>role_permissions</c>, editable by admins) gives it, plus
/// <see cref="SignedIn"/>. Endpoints and pages name one of these; nothing is open by default. See docs/security.md.
/// </summary>
public static class Policies
{
    /// <summary>Any signed-in staff member or API key, whatever the matrix says (the dashboard, one's own tasks).</summary>
    public const string SignedIn = "signed-in";
    public const string CustomersView = Permissions.CustomersView;
    public const string CustomersEdit = Permissions.CustomersEdit;
    public const string CustomersDelete = Permissions.CustomersDelete;
    public const string CustomersExport = Permissions.CustomersExport;
    public const string CustomersViewSensitive = Permissions.CustomersViewSensitive;
    public const string CatalogView = Permissions.CatalogView;
    public const string CatalogEdit = Permissions.CatalogEdit;
    public const string CatalogDelete = Permissions.CatalogDelete;
    public const string CatalogExport = Permissions.CatalogExport;
    public const string ResearchView = Permissions.ResearchView;
    public const string ResearchEdit = Permissions.ResearchEdit;
    public const string ResearchDelete = Permissions.ResearchDelete;
    public const string ResearchExport = Permissions.ResearchExport;
    public const string AnalyticsView = Permissions.AnalyticsView;
    public const string AnalyticsEdit = Permissions.AnalyticsEdit;
    public const string AnalyticsDelete = Permissions.AnalyticsDelete;
    public const string AnalyticsExport = Permissions.AnalyticsExport;
    public const string SegmentsView = Permissions.SegmentsView;
    public const string SegmentsEdit = Permissions.SegmentsEdit;
    public const string SegmentsDelete = Permissions.SegmentsDelete;
    public const string SegmentsExport = Permissions.SegmentsExport;
    public const string ImportsView = Permissions.ImportsView;
    public const string ImportsEdit = Permissions.ImportsEdit;
    public const string ImportsDelete = Permissions.ImportsDelete;
    public const string ImportsExport = Permissions.ImportsExport;
    public const string PrivacyView = Permissions.PrivacyView;
    public const string PrivacyEdit = Permissions.PrivacyEdit;
    public const string PrivacyDelete = Permissions.PrivacyDelete;
    public const string PrivacyExport = Permissions.PrivacyExport;
    public const string AdminView = Permissions.AdminView;
    public const string AdminEdit = Permissions.AdminEdit;
    public const string AdminDelete = Permissions.AdminDelete;
    public const string AdminExport = Permissions.AdminExport;

    /// <summary>Every policy name the host registers.</summary>
    public static readonly IReadOnlyList<string> All = [SignedIn, .. Permissions.All];

    public static bool IsKnown(string? policy) => policy == SignedIn || Permissions.Known.Contains(policy ?? "");

    /// <summary>What a role may do with the matrix as installed (before any admin edit).</summary>
    public static bool AllowsByDefault(string policy, Role role) =>
        policy == SignedIn || (Permissions.Defaults.TryGetValue(role, out var granted) && granted.Contains(policy));
}

public static class RapportClaims
{
    public const string UserId = "rapport:user_id";
    public const string ApiKeyId = "rapport:api_key_id";
    public const string SecurityStamp = "rapport:stamp";
    /// <summary>The server-side session's token (its SHA-256 is the <c>user_sessions</c> id).</summary>
    public const string SessionToken = "rapport:session";

    /// <summary>The id of the current request's server-side session, if it has one.</summary>
    public static string? GetSessionId(this ClaimsPrincipal principal) =>
        principal.FindFirstValue(SessionToken) is { Length: > 0 } token ? UserSessions.IdOf(token) : null;
    /// <summary>On an API key limited to some permissions: those permissions, space separated.</summary>
    public const string Scopes = "rapport:scopes";
    /// <summary>One per permission the caller has now; added on every request by <see cref="AccessMiddleware"/>, never stored in a cookie.</summary>
    public const string Permission = "rapport:permission";
    /// <summary>The user a caller acts for: the signed-in user, or the user who created the API key.</summary>
    public const string ActsForUserId = "rapport:acts_for";
    public const string TeamId = "rapport:team_id";
    /// <summary>Present when record ownership limits this caller to their own and their team's customers.</summary>
    public const string OwnershipRestricted = "rapport:restricted";

    public static long? GetUserId(this ClaimsPrincipal principal) =>
        long.TryParse(principal.FindFirstValue(UserId), out var id) ? id : null;

    public static Role? GetRole(this ClaimsPrincipal principal) =>
        Identity.Roles.TryParse(principal.FindFirstValue(ClaimTypes.Role), out var role) ? role : null;

    /// <summary>
    /// Whether the caller may do what <paramref name="policy"/> names, from the same cached matrix the authorization
    /// handler reads (the permissions are put on the principal at the start of each request).
    /// </summary>
    public static bool Can(this ClaimsPrincipal principal, string policy) =>
        policy == Policies.SignedIn
            ? principal.Identity?.IsAuthenticated == true
            : principal.HasClaim(c => c.Type == Permission && c.Value == policy && c.Issuer == AccessMiddleware.Issuer);

    public static IReadOnlyCollection<string>? GetScopes(this ClaimsPrincipal principal) =>
        principal.FindFirstValue(Scopes) is { } scopes ? scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries) : null;
}

public static class Authentication
{
    public const string ApiKeyScheme = "ApiKey";
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;
    private const string SelectorScheme = "RapportSelector";

    public static IServiceCollection AddRapportAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication(SelectorScheme)
            .AddPolicyScheme(SelectorScheme, SelectorScheme, o =>
            {
                // The REST API takes API keys only, so cookies can never be replayed against it cross-site;
                // pages take the sign-in cookie with antiforgery on every form.
                o.ForwardDefaultSelector = ctx => ctx.Request.Path.StartsWithSegments("/api/v1") ? ApiKeyScheme : CookieScheme;
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(ApiKeyScheme, null)
            .AddCookie(CookieScheme, o =>
            {
                o.Cookie.Name = "rapport.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.LoginPath = "/signin";
                o.LogoutPath = "/signout";
                o.AccessDeniedPath = "/forbidden";
                o.ExpireTimeSpan = TimeSpan.FromHours(12);
                o.SlidingExpiration = true;
                o.Events.OnValidatePrincipal = ValidateUserAsync;
            });

        services.AddAuthorization(o =>
        {
            o.AddPolicy(Policies.SignedIn, p => p.RequireAuthenticatedUser());
            foreach (var permission in Permissions.All)
            {
                o.AddPolicy(permission, p => p.RequireAuthenticatedUser().AddRequirements(new PermissionRequirement(permission)));
            }

            o.FallbackPolicy = o.GetPolicy(Policies.SignedIn);
        });
        services.AddSingleton<IAuthorizationHandler, PermissionHandler>();
        return services;
    }

    public static ClaimsPrincipal PrincipalFor(User user, string sessionToken) => new(new ClaimsIdentity(
        [
            new Claim(RapportClaims.SessionToken, sessionToken),
            new Claim(RapportClaims.UserId, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new Claim(ClaimTypes.Name, user.DisplayName),
            new Claim(ClaimTypes.Email, user.Email),
            new Claim(ClaimTypes.Role, Roles.Name(user.Role)),
            new Claim(RapportClaims.SecurityStamp, user.SecurityStamp),
        ],
        CookieScheme));

    /// <summary>
    /// Each request checks its server-side session (idle and absolute timeouts, revoked) and the user: a disabled
    /// user, or one whose password or role changed (the security stamp), is signed out on the next request.
    /// </summary>
    private static async Task ValidateUserAsync(CookieValidatePrincipalContext context)
    {
        var id = context.Principal?.GetUserId();
        var stamp = context.Principal?.FindFirstValue(RapportClaims.SecurityStamp);
        var token = context.Principal?.FindFirstValue(RapportClaims.SessionToken);
        var sessions = context.HttpContext.RequestServices.GetRequiredService<UserSessions>();
        if (id is null || !await sessions.ValidateAsync(token, id.Value, stamp, context.HttpContext.RequestAborted))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieScheme);
        }
    }
}

/// <summary><c>Authorization: Bearer rpk_…</c>. A missing or bad key is a 401 problem with a <c>WWW-Authenticate</c> header.</summary>
internal sealed class ApiKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AuthenticateApiKey authenticate)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("The Authorization header must be 'Bearer <API key>'.");
        }

        var caller = await authenticate.HandleAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (caller is null)
        {
            return AuthenticateResult.Fail("The API key is not valid or has been revoked.");
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(RapportClaims.ApiKeyId, caller.KeyId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Claim(ClaimTypes.Name, $"API key {caller.Name}"),
                new Claim(ClaimTypes.Role, Roles.Name(caller.Role)),
            ],
            Scheme.Name);
        if (caller.Scopes is not null)
        {
            identity.AddClaim(new Claim(RapportClaims.Scopes, caller.Scopes));
        }

        if (caller.CreatedByUserId is { } creator)
        {
            identity.AddClaim(new Claim(RapportClaims.ActsForUserId, creator.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure;
        Response.Headers.WWWAuthenticate = "Bearer";
        await ApiProblems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "unauthorized",
            "Authentication required", failure?.Message ?? "Send an API key as 'Authorization: Bearer <key>'.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiProblems.WriteAsync(Context, StatusCodes.Status403Forbidden, "forbidden",
            "Not allowed", "This API key's role or scopes do not allow this action.");
}
