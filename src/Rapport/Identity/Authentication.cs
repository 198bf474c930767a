using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Rapport.Api;

namespace Rapport.Identity;

/// <summary>
/// What each role may do. Endpoints and pages name one of these policies; nothing is open by default.
/// See docs/security.md for the matrix.
/// </summary>
public static class Policies
{
    /// <summary>Any signed-in staff member or API key, analysts included.</summary>
    public const string Read = "read";
    /// <summary>Write customers, companies, interactions and transactions: admin, marketing, sales, service.</summary>
    public const string WriteCrm = "write-crm";
    /// <summary>Write products and the catalogue: admin, marketing.</summary>
    public const string WriteCatalog = "write-catalog";
    /// <summary>Surveys (build, publish, import responses) and the review of emergent themes: admin, marketing.</summary>
    public const string WriteResearch = "write-research";
    /// <summary>Users, API keys, custom field definitions, settings: admin.</summary>
    public const string Admin = "admin";

    public static readonly IReadOnlyDictionary<string, Role[]> Roles = new Dictionary<string, Role[]>
    {
        [Read] = [Role.Admin, Role.Marketing, Role.Sales, Role.Service, Role.Analyst],
        [WriteCrm] = [Role.Admin, Role.Marketing, Role.Sales, Role.Service],
        [WriteCatalog] = [Role.Admin, Role.Marketing],
        [WriteResearch] = [Role.Admin, Role.Marketing],
        [Admin] = [Role.Admin],
    };

    public static bool Allows(string policy, Role role) => Roles[policy].Contains(role);
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

    public static long? GetUserId(this ClaimsPrincipal principal) =>
        long.TryParse(principal.FindFirstValue(UserId), out var id) ? id : null;

    public static Role? GetRole(this ClaimsPrincipal principal) =>
        Identity.Roles.TryParse(principal.FindFirstValue(ClaimTypes.Role), out var role) ? role : null;

    public static bool Can(this ClaimsPrincipal principal, string policy) =>
        principal.GetRole() is { } role && Policies.Allows(policy, role);
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
            foreach (var (name, roles) in Policies.Roles)
            {
                o.AddPolicy(name, p => p.RequireAuthenticatedUser().RequireRole(roles.Select(Roles.Name)));
            }

            o.FallbackPolicy = o.GetPolicy(Policies.Read);
        });
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
            "Not allowed", "This API key's role does not allow this action.");
}
