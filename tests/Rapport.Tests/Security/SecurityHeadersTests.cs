using Rapport.Identity;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Security;

/// <summary>Every page, API answer and asset carries the headers docs/security.md promises, whatever its status.</summary>
public sealed class SecurityHeadersTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'";

    [Fact]
    public async Task Pages_api_answers_and_assets_carry_the_security_headers()
    {
        var admin = await app.SignedInAs(Role.Admin);
        var api = app.ClientAs(Role.Admin);
        var endpoints = AppEndpoints.All(app.Services);
        var requests = endpoints.Where(e => e.Kind == EndpointKind.Page).Select(e => (admin, e.Path))
            .Concat(endpoints.Where(e => e.Kind == EndpointKind.Api && e.Methods.Contains("GET")).Select(e => (api, e.Path)))
            .Concat(endpoints.Where(e => e.Kind == EndpointKind.StaticAsset).Take(5).Select(e => (app.Anonymous(), e.Path)))
            .Append((app.Anonymous(), "/health"))
            .Append((app.Anonymous(), "/signin"))
            .Append((app.Anonymous(), "/no/such/page"))
            .Append((app.Anonymous(), "/api/v1/customers"))
            .Distinct()
            .ToList();

        var problems = new List<string>();
        foreach (var (client, path) in requests)
        {
            using var response = await client.GetAsync(path);
            string? Header(string name) => response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;
            foreach (var (name, expected) in new[]
            {
                ("X-Content-Type-Options", "nosniff"),
                ("X-Frame-Options", "DENY"),
                ("Referrer-Policy", "same-origin"),
                ("Content-Security-Policy", ContentSecurityPolicy),
            })
            {
                if (Header(name) != expected)
                {
                    problems.Add($"GET {path} ({(int)response.StatusCode}): {name} is '{Header(name)}'");
                }
            }
        }

        requests.Should().HaveCountGreaterThan(10);
        problems.Should().BeEmpty();
    }

    [Fact]
    public async Task The_API_documentation_page_has_the_framing_and_sniffing_headers()
    {
        // Swagger UI needs inline script and style, so it is the one place without the strict CSP (docs/security.md).
        using var response = await app.Anonymous().GetAsync("/api/docs/index.html");

        response.Headers.GetValues("X-Frame-Options").Should().Equal("DENY");
        response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
    }
}
