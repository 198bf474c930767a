using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Security;

/// <summary>
/// Walks every endpoint the host maps (read at run time, so new features are covered as they land) and proves what
/// the issue asks: anonymous callers get 401 problem details from the API and the sign-in page from the UI; analysts
/// cannot write; the only anonymous endpoints are the ones listed here, each with its reason.
/// </summary>
public sealed class EndpointAuthorizationTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    /// <summary>Pages anyone may open, by view path.</summary>
    private static readonly Dictionary<string, string> PublicPages = new(StringComparer.Ordinal)
    {
        ["/SignIn"] = "the way in",
        ["/SignOut"] = "signing out must work with an expired or invalid cookie too; anonymous GET is sent to /signin",
        ["/Error"] = "explains an error status to anyone, signed in or not",
    };

    /// <summary>Other endpoints anyone may call, by route pattern.</summary>
    private static readonly Dictionary<string, string> PublicRoutes = new(StringComparer.Ordinal)
    {
        ["/health"] = "load balancers and monitors probe it without credentials; it reveals only up/down",
        ["/openapi/{documentName}.json"] = "the API description is public so clients can be generated before a key exists",
    };

    private IReadOnlyList<AppEndpoint> Endpoints => AppEndpoints.All(app.Services);

    private static bool IsPublic(AppEndpoint e) => e.Kind switch
    {
        EndpointKind.StaticAsset => true, // CSS, JS, fonts and icons of wwwroot: needed by the sign-in page itself
        EndpointKind.Page => PublicPages.ContainsKey(e.PagePath ?? ""),
        _ => PublicRoutes.ContainsKey(e.Pattern),
    };

    [Fact]
    public void The_host_maps_the_endpoints_this_test_relies_on()
    {
        var endpoints = Endpoints;
        endpoints.Should().Contain(e => e.Kind == EndpointKind.Api && e.Methods.Contains("GET"));
        endpoints.Should().Contain(e => e.Kind == EndpointKind.Api && !e.Methods.Contains("GET"));
        endpoints.Should().Contain(e => e.Kind == EndpointKind.Page && !IsPublic(e));
        endpoints.Should().Contain(e => e.Kind == EndpointKind.StaticAsset);
        foreach (var page in PublicPages.Keys)
        {
            endpoints.Should().Contain(e => e.PagePath == page, "public page {0} is mapped", page);
        }

        foreach (var route in PublicRoutes.Keys)
        {
            endpoints.Should().Contain(e => e.Pattern == route, "public route {0} is mapped", route);
        }
    }

    [Fact]
    public void Only_the_allow_listed_endpoints_are_anonymous_and_every_other_one_names_a_known_policy()
    {
        var problems = new List<string>();
        foreach (var endpoint in Endpoints)
        {
            if (endpoint.AllowsAnonymous && !IsPublic(endpoint))
            {
                problems.Add($"{endpoint} allows anonymous callers but is not on the allow-list");
            }

            if (!endpoint.AllowsAnonymous && !IsPublic(endpoint) && endpoint.Kind is EndpointKind.Api or EndpointKind.Page)
            {
                var policies = endpoint.Policies;
                if (policies.Count == 0)
                {
                    problems.Add($"{endpoint} names no authorization policy");
                }

                problems.AddRange(policies.Where(p => p is null || !Policies.Roles.ContainsKey(p))
                    .Select(p => $"{endpoint} names '{p ?? "(roles only)"}', which is not one of {string.Join(", ", Policies.Roles.Keys)}"));
            }
        }

        problems.Should().BeEmpty();
    }

    [Fact]
    public async Task Every_api_route_answers_401_problem_details_to_an_anonymous_caller_for_every_method()
    {
        var client = app.Anonymous();
        var problems = new List<string>();
        var checkedRequests = 0;
        foreach (var endpoint in Endpoints.Where(e => e.Kind == EndpointKind.Api))
        {
            foreach (var method in endpoint.Methods)
            {
                checkedRequests++;
                using var response = await client.SendAsync(Request(method, endpoint.Path));
                if (await ProblemAsync(response, HttpStatusCode.Unauthorized) is { } problem)
                {
                    problems.Add($"{method} {endpoint.Path}: {problem}");
                }
                else if (!response.Headers.WwwAuthenticate.Any(h => h.Scheme == "Bearer"))
                {
                    problems.Add($"{method} {endpoint.Path}: 401 without 'WWW-Authenticate: Bearer'");
                }
            }
        }

        checkedRequests.Should().BeGreaterThan(0);
        problems.Should().BeEmpty();
    }

    [Fact]
    public async Task Every_non_GET_api_route_answers_403_to_an_analyst_key()
    {
        var analyst = app.ClientAs(Role.Analyst);
        var problems = new List<string>();
        var checkedRequests = 0;
        foreach (var endpoint in Endpoints.Where(e => e.Kind == EndpointKind.Api))
        {
            foreach (var method in endpoint.Methods.Where(m => m is not ("GET" or "HEAD" or "OPTIONS")))
            {
                checkedRequests++;
                using var response = await analyst.SendAsync(Request(method, endpoint.Path));
                if (await ProblemAsync(response, HttpStatusCode.Forbidden) is { } problem)
                {
                    problems.Add($"{method} {endpoint.Path}: {problem}");
                }
            }
        }

        checkedRequests.Should().BeGreaterThan(0);
        problems.Should().BeEmpty();
    }

    /// <summary>The declared policy is the enforced one: each role gets through exactly the routes its policy names.</summary>
    [Theory]
    [InlineData(Role.Admin)]
    [InlineData(Role.Marketing)]
    [InlineData(Role.Sales)]
    [InlineData(Role.Service)]
    [InlineData(Role.Analyst)]
    public async Task Each_role_is_let_through_exactly_where_the_declared_policy_allows(Role role)
    {
        var client = app.ClientAs(role);
        var problems = new List<string>();
        foreach (var endpoint in Endpoints.Where(e => e.Kind == EndpointKind.Api && e.Policies.Count > 0))
        {
            var allowed = endpoint.Policies.All(p => p is not null && Policies.Roles.ContainsKey(p) && Policies.Allows(p, role));
            // Reads only: writes with dummy ids and empty bodies would change the shared database under other tests.
            foreach (var method in endpoint.Methods.Where(m => m == "GET" || !allowed))
            {
                using var response = await client.SendAsync(Request(method, endpoint.Path));
                var status = (int)response.StatusCode;
                if (allowed && status is 401 or 403)
                {
                    problems.Add($"{method} {endpoint.Path}: {status} although {Roles.Name(role)} may ({string.Join(", ", endpoint.Policies)})");
                }
                else if (!allowed && status != 403)
                {
                    problems.Add($"{method} {endpoint.Path}: {status} although {Roles.Name(role)} may not ({string.Join(", ", endpoint.Policies)})");
                }
                else if (status >= 500)
                {
                    problems.Add($"{method} {endpoint.Path}: {status}");
                }
            }
        }

        problems.Should().BeEmpty();
    }

    [Fact]
    public async Task Every_page_sends_an_anonymous_GET_to_signin_except_the_public_ones()
    {
        var client = app.Anonymous();
        var problems = new List<string>();
        var pages = Endpoints.Where(e => e.Kind == EndpointKind.Page).ToList();
        foreach (var page in pages.Where(p => !IsPublic(p)))
        {
            using var response = await client.GetAsync(page.Path);
            var location = response.Headers.Location;
            if (response.StatusCode != HttpStatusCode.Redirect || location is null)
            {
                problems.Add($"{page} GET {page.Path}: {(int)response.StatusCode} instead of a redirect to /signin");
                continue;
            }

            var target = location.IsAbsoluteUri ? location : new Uri(new Uri("http://localhost"), location);
            if (target.AbsolutePath != "/signin" || !Uri.UnescapeDataString(target.Query).Contains($"ReturnUrl={page.Path}", StringComparison.Ordinal))
            {
                problems.Add($"{page} GET {page.Path}: redirects to {location} instead of /signin?ReturnUrl={page.Path}");
            }
        }

        foreach (var page in pages.Where(IsPublic))
        {
            using var response = await client.GetAsync(page.Path);
            var status = (int)response.StatusCode;
            var toSignIn = response.Headers.Location?.OriginalString.StartsWith("/signin?", StringComparison.OrdinalIgnoreCase) == true;
            if (status >= 500 || status == 401 || toSignIn)
            {
                problems.Add($"public {page} GET {page.Path}: {status} {response.Headers.Location}");
            }
        }

        pages.Should().Contain(p => !IsPublic(p));
        problems.Should().BeEmpty();
    }

    [Fact]
    public async Task Allow_listed_routes_and_assets_answer_anonymous_callers()
    {
        var client = app.Anonymous();
        (await client.GetAsync("/health")).StatusCode.Should().Be(HttpStatusCode.OK);

        var openApi = await client.GetAsync("/openapi/v1.json");
        openApi.StatusCode.Should().Be(HttpStatusCode.OK);
        JsonDocument.Parse(await openApi.Content.ReadAsStringAsync()).RootElement.GetProperty("paths").EnumerateObject()
            .Should().Contain(p => p.Name.StartsWith("/api/v1/", StringComparison.Ordinal));

        var docs = await client.GetAsync("/api/docs/index.html");
        docs.StatusCode.Should().Be(HttpStatusCode.OK, "the browsable API documentation is public");

        var signIn = await client.GetAsync("/signin");
        signIn.StatusCode.Should().Be(HttpStatusCode.OK);

        var assets = Endpoints.Where(e => e.Kind == EndpointKind.StaticAsset && e.Methods.Contains("GET")).Select(e => e.Path).Distinct().ToList();
        assets.Should().Contain(a => a.EndsWith(".css", StringComparison.Ordinal)).And.Contain(a => a.EndsWith(".js", StringComparison.Ordinal));
        foreach (var asset in assets)
        {
            (await client.GetAsync(asset)).StatusCode.Should().Be(HttpStatusCode.OK, "static asset {0} is public", asset);
        }
    }

    [Fact]
    public async Task Other_endpoints_off_the_allow_list_turn_anonymous_callers_away()
    {
        var client = app.Anonymous();
        var problems = new List<string>();
        foreach (var endpoint in Endpoints.Where(e => e.Kind == EndpointKind.Other && !IsPublic(e)))
        {
            foreach (var method in endpoint.Methods)
            {
                using var response = await client.SendAsync(Request(method, endpoint.Path));
                var redirectsToSignIn = response.StatusCode == HttpStatusCode.Redirect &&
                    response.Headers.Location?.OriginalString.Contains("/signin", StringComparison.OrdinalIgnoreCase) == true;
                if (response.StatusCode != HttpStatusCode.Unauthorized && !redirectsToSignIn)
                {
                    problems.Add($"{method} {endpoint.Path} ({endpoint.Pattern}): {(int)response.StatusCode}");
                }
            }
        }

        problems.Should().BeEmpty();
    }

    private static HttpRequestMessage Request(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        return request;
    }

    /// <summary>Null when the response is the expected RFC 9457 problem; otherwise what is wrong with it.</summary>
    private static async Task<string?> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            return $"{(int)response.StatusCode} instead of {(int)expected}";
        }

        if (response.Content.Headers.ContentType is not MediaTypeHeaderValue { MediaType: "application/problem+json" })
        {
            return $"{(int)expected} with content type '{response.Content.Headers.ContentType}' instead of application/problem+json";
        }

        try
        {
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            return body.TryGetProperty("status", out var status) && status.GetInt32() == (int)expected &&
                   body.TryGetProperty("type", out var type) && type.GetString()?.StartsWith("/problems/", StringComparison.Ordinal) == true &&
                   body.TryGetProperty("title", out _)
                ? null
                : $"{(int)expected} whose body lacks status/type/title: {body}";
        }
        catch (JsonException)
        {
            return $"{(int)expected} whose body is not JSON";
        }
    }
}
