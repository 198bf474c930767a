using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
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
        ["/Survey/Answer"] = "customers answer surveys without an account; the signed link token is the credential (docs/surveys.md)",
        ["/Survey/Thanks"] = "the thank-you page after answering, reached through the same signed link",
        ["/Preferences/Index"] = "customers see and change their consent without an account; the signed, revocable link token is the credential (docs/privacy.md)",
        ["/Preferences/Unsubscribe"] = "RFC 8058 one-click unsubscribe: the recipient's mail provider POSTs without any session; the signed link token is the credential",
    };

    /// <summary>Pages where every signed-in user manages their own account (their password, their sessions): analysts too.</summary>
    private static readonly Dictionary<string, string> SelfServicePages = new(StringComparer.Ordinal)
    {
        ["/Account/Password"] = "anyone changes their own password (the current one is required)",
        ["/Account/Sessions"] = "anyone signs out their own other sessions",
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

                problems.AddRange(policies.Where(p => !Policies.IsKnown(p))
                    .Select(p => $"{endpoint} names '{p ?? "(roles only)"}', which is not one of {string.Join(", ", Policies.All)}"));
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

    /// <summary>
    /// The declared policy is the enforced one: each role gets through exactly the routes its policies name, as the
    /// permission matrix is installed (its defaults).
    /// </summary>
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
            var allowed = endpoint.Policies.All(p => p is not null && Policies.IsKnown(p) && Policies.AllowsByDefault(p, role));
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

            if (PathOf(location) != "/signin" || !Uri.UnescapeDataString(location.OriginalString).Contains($"ReturnUrl={page.Path}", StringComparison.Ordinal))
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

    /// <summary>
    /// Every POST handler of every page, posted by a signed-in analyst with a valid antiforgery token against records
    /// that exist: refused (403, or the access-denied page), and nothing changes.
    /// </summary>
    [Fact]
    public async Task Every_page_form_refuses_an_analyst_and_changes_nothing()
    {
        var admin = app.ClientAs(Role.Admin);
        var ids = new Dictionary<string, long>
        {
            ["/Customers/"] = await CreateAsync(admin, "/api/v1/customers", new { firstName = "Ana", lastName = "Lyst", email = "ana.lyst@example.com" }),
            ["/Companies/"] = await CreateAsync(admin, "/api/v1/companies", new { name = "Readonly Ltd" }),
            ["/Products/"] = await CreateAsync(admin, "/api/v1/products", new { sku = "RO-1", name = "Read-only mug", price = 9.5m }),
            ["/Segments/"] = await CreateAsync(admin, "/api/v1/segments", new { name = "Read-only audience", kind = "static", rules = new { all = Array.Empty<object>() } }),
        };
        var analyst = await app.SignedInAs(Role.Analyst);
        var token = await RapportAppFactory.AntiforgeryTokenAsync(analyst, "/");
        var before = await StateAsync();

        var problems = new List<string>();
        var posted = 0;
        foreach (var page in Endpoints.Where(e => e.Kind == EndpointKind.Page && !IsPublic(e) && !SelfServicePages.ContainsKey(e.PagePath ?? "")))
        {
            var id = ids.FirstOrDefault(i => page.PagePath!.StartsWith(i.Key, StringComparison.Ordinal)).Value;
            var path = AppEndpoints.Fill(page.Endpoint.RoutePattern, id == 0 ? null : new Dictionary<string, string> { ["id"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            foreach (var handler in page.PageHandlers("POST"))
            {
                posted++;
                var url = handler is null ? path : $"{path}?handler={handler}";
                using var form = new FormUrlEncodedContent(new Dictionary<string, string> { [RapportAppFactory.AntiforgeryField] = token });
                using var response = await analyst.PostAsync(url, form);
                var deniedPage = response.StatusCode == HttpStatusCode.Redirect && PathOf(response.Headers.Location) == "/forbidden";
                if (response.StatusCode != HttpStatusCode.Forbidden && !deniedPage)
                {
                    problems.Add($"{page} POST {url}: {(int)response.StatusCode} {response.Headers.Location}");
                }
            }
        }

        posted.Should().BeGreaterThan(0);
        problems.Should().BeEmpty();
        (await StateAsync()).Should().Equal(before, "an analyst's posts change nothing");
    }

    /// <summary>Row counts and versions of everything a page form can change.</summary>
    private Task<List<string>> StateAsync() => app.WithDbAsync(async db =>
    {
        var state = new List<string>
        {
            $"interactions {await db.Interactions.CountAsync()}",
            $"transactions {await db.Transactions.CountAsync()}",
            $"custom fields {await db.CustomFields.CountAsync()}",
            $"api keys {await db.ApiKeys.CountAsync(k => k.RevokedAt == null)}",
        };
        state.AddRange(await db.Customers.OrderBy(c => c.Id).Select(c => $"customer {c.Id} v{c.Version}").ToListAsync());
        state.AddRange(await db.Companies.OrderBy(c => c.Id).Select(c => $"company {c.Id} v{c.Version}").ToListAsync());
        state.AddRange(await db.Products.OrderBy(p => p.Id).Select(p => $"product {p.Id} v{p.Version}").ToListAsync());
        state.AddRange(await db.Set<Rapport.Segments.Segment>().OrderBy(s => s.Id).Select(s => $"segment {s.Id} v{s.Version} {s.MemberCount}").ToListAsync());
        state.AddRange(await db.Users.OrderBy(u => u.Id).Select(u => $"user {u.Id} {u.Role} {u.Disabled} {u.SecurityStamp}").ToListAsync());
        return state;
    });

    private static async Task<long> CreateAsync(HttpClient admin, string path, object body)
    {
        var response = await admin.PostAsJsonAsync(path, body);
        response.StatusCode.Should().Be(HttpStatusCode.Created, "{0} creates the record the page test posts against: {1}", path, await response.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
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

    private static string? PathOf(Uri? location) =>
        location is null ? null : (location.IsAbsoluteUri ? location : new Uri(new Uri("http://localhost"), location)).AbsolutePath;

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
