using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Security;

/// <summary>
/// Malformed, oversized, hostile and over-reaching bodies sent to every write endpoint the host maps (read at run
/// time, so new endpoints are covered as they land), as an admin, who gets furthest. A caller's mistake is answered
/// with a 4xx problem-details body and never a 5xx; an endpoint that reads a JSON object refuses fields it does not
/// declare (no mass assignment of ids, roles, timestamps or flags). This class has a database of its own, because the
/// dummy ids may hit real rows of it.
/// </summary>
public sealed class HostileInputTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    /// <summary>
    /// JSON endpoints whose body is free-form by design, so an unknown field is data, not an attempt to set a column;
    /// each with its reason. Everything else must refuse an unknown field.
    /// </summary>
    private static readonly Dictionary<string, string> FreeFormBodies = new(StringComparer.Ordinal)
    {
        ["/api/v1/events/batch"] = "batch ingestion reads its body itself and reports each item (docs/ingestion.md)",
        ["/api/v1/customers/batch"] = "batch ingestion reads its body itself and reports each item (docs/ingestion.md)",
    };

    private IReadOnlyList<AppEndpoint> WriteEndpoints => AppEndpoints.All(app.Services)
        .Where(e => e.Kind == EndpointKind.Api && e.Methods.Any(m => m is "POST" or "PUT" or "PATCH"))
        .ToList();

    private static bool TakesJson(AppEndpoint e) =>
        e.Endpoint.Metadata.GetOrderedMetadata<IAcceptsMetadata>().Any(a => a.ContentTypes.Any(t => t.Contains("json", StringComparison.OrdinalIgnoreCase)));

    public static TheoryData<string> Bodies => new()
    {
        "truncated",
        "not-json",
        "array",
        "deep",
        "wrong-types",
        "huge-string",
        "nul-bytes",
    };

    private static string Body(string kind) => kind switch
    {
        "truncated" => "{\"name\": \"Ann\", \"email\": ",
        "not-json" => "<xml>hello</xml>",
        "array" => "[1, 2, 3]",
        "deep" => new string('[', 5_000) + new string(']', 5_000),
        "wrong-types" => "{\"id\": \"x\", \"name\": 12, \"email\": [true], \"rules\": 3, \"customerId\": \"abc\", \"occurredAt\": false, \"total\": \"lots\"}",
        "huge-string" => "{\"name\": \"" + new string('a', 900_000) + "\"}",
        "nul-bytes" => "{\"name\": \"a\\u0000b\", \"firstName\": \"\\u0000\", \"email\": \"x\\u0000@example.com\"}",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Every_write_endpoint_answers_a_hostile_body_with_a_4xx_problem_and_never_a_5xx(string kind)
    {
        var admin = app.ClientAs(Role.Admin);
        var problems = new List<string>();
        var sent = 0;
        foreach (var endpoint in WriteEndpoints)
        {
            foreach (var method in endpoint.Methods.Where(m => m is "POST" or "PUT" or "PATCH"))
            {
                sent++;
                using var request = new HttpRequestMessage(new HttpMethod(method), endpoint.Path)
                {
                    Content = new StringContent(Body(kind), Encoding.UTF8, "application/json"),
                };
                request.Headers.IfMatch.Add(EntityTagHeaderValue.Any);
                using var response = await admin.SendAsync(request);
                var status = (int)response.StatusCode;
                if (status >= 500)
                {
                    problems.Add($"{method} {endpoint.Path}: {status} {await ShortAsync(response)}");
                }
                else if (status >= 400 && !IsProblem(response))
                {
                    problems.Add($"{method} {endpoint.Path}: {status} without a problem-details body ({response.Content.Headers.ContentType})");
                }
                else if (TakesJson(endpoint) && kind is "truncated" or "not-json" or "deep" && status is < 400 or >= 500)
                {
                    problems.Add($"{method} {endpoint.Path}: {status} for an unreadable JSON body");
                }
            }
        }

        sent.Should().BeGreaterThan(50, "the host maps many write endpoints");
        problems.Should().BeEmpty();
    }

    [Fact]
    public async Task Every_json_endpoint_refuses_fields_it_does_not_declare()
    {
        var admin = app.ClientAs(Role.Admin);
        var problems = new List<string>();
        var json = WriteEndpoints.Where(TakesJson).Where(e => !FreeFormBodies.ContainsKey(e.Path)).ToList();
        json.Should().Contain(e => e.Path == "/api/v1/customers");
        json.Count.Should().BeGreaterThan(30, "most writes take a JSON object");
        foreach (var endpoint in json)
        {
            foreach (var method in endpoint.Methods.Where(m => m is "POST" or "PUT" or "PATCH"))
            {
                // The fields an attacker would like to set: none is part of any request contract.
                const string body = "{\"zzIsAdmin\": true}";
                using var request = new HttpRequestMessage(new HttpMethod(method), endpoint.Path)
                {
                    Content = new StringContent(body, Encoding.UTF8, "application/json"),
                };
                request.Headers.IfMatch.Add(EntityTagHeaderValue.Any);
                using var response = await admin.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.BadRequest || !text.Contains("zzIsAdmin", StringComparison.Ordinal))
                {
                    problems.Add($"{method} {endpoint.Path}: {(int)response.StatusCode} {Short(text)}");
                }
            }
        }

        problems.Should().BeEmpty();
    }

    [Theory]
    [InlineData("id")]
    [InlineData("createdAt")]
    [InlineData("updatedAt")]
    [InlineData("version")]
    [InlineData("mergedIntoId")]
    [InlineData("searchText")]
    [InlineData("role")]
    public async Task A_customer_cannot_be_created_or_changed_with_server_owned_fields(string field)
    {
        var admin = app.ClientAs(Role.Admin);
        var email = $"mass.{field}.{Guid.NewGuid():N}"[..30] + "@example.com";
        var create = $"{{\"firstName\": \"Mass\", \"lastName\": \"Assign\", \"email\": \"{email}\", \"{field}\": 424242}}";
        using var created = await admin.PostAsync("/api/v1/customers", new StringContent(create, Encoding.UTF8, "application/json"));
        created.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        problem.GetProperty("errors").TryGetProperty(field, out _).Should().BeTrue("the refused field is named: {0}", problem);

        using var ok = await admin.PostAsync("/api/v1/customers", new StringContent(
            $"{{\"firstName\": \"Mass\", \"lastName\": \"Assign\", \"email\": \"{email}\"}}", Encoding.UTF8, "application/json"));
        ok.StatusCode.Should().Be(HttpStatusCode.Created);
        var id = JsonDocument.Parse(await ok.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
        using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/customers/{id}")
        {
            Content = new StringContent($"{{\"city\": \"Oslo\", \"{field}\": 424242}}", Encoding.UTF8, "application/json"),
        };
        patch.Headers.IfMatch.Add(EntityTagHeaderValue.Any);
        using var patched = await admin.SendAsync(patch);
        patched.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var after = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/customers/{id}")).RootElement;
        after.GetProperty("id").GetInt64().Should().Be(id);
        after.TryGetProperty("city", out var city).Should().BeTrue();
        city.ValueKind.Should().NotBe(JsonValueKind.String, "a refused body changes nothing, not even its valid fields");
    }

    [Fact]
    public async Task A_declared_body_over_the_limit_is_refused_with_413_before_it_is_read()
    {
        var admin = app.ClientAs(Role.Admin);
        var body = "{\"firstName\": \"" + new string('x', 2 * 1024 * 1024) + "\"}";
        using var response = await admin.PostAsync("/api/v1/customers", new StringContent(body, Encoding.UTF8, "application/json"));
        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        IsProblem(response).Should().BeTrue();
    }

    [Fact]
    public async Task A_json_endpoint_sent_another_media_type_answers_415_or_400_not_500()
    {
        var admin = app.ClientAs(Role.Admin);
        var problems = new List<string>();
        foreach (var endpoint in WriteEndpoints.Where(TakesJson))
        {
            foreach (var method in endpoint.Methods.Where(m => m is "POST" or "PUT" or "PATCH"))
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), endpoint.Path)
                {
                    Content = new StringContent("name=x", Encoding.UTF8, "application/x-www-form-urlencoded"),
                };
                request.Headers.IfMatch.Add(EntityTagHeaderValue.Any);
                using var response = await admin.SendAsync(request);
                if ((int)response.StatusCode is not (415 or 400) || !IsProblem(response))
                {
                    problems.Add($"{method} {endpoint.Path}: {(int)response.StatusCode}");
                }
            }
        }

        problems.Should().BeEmpty();
    }

    private static bool IsProblem(HttpResponseMessage response) =>
        response.Content.Headers.ContentType?.MediaType == "application/problem+json";

    private static async Task<string> ShortAsync(HttpResponseMessage response) => Short(await response.Content.ReadAsStringAsync());

    private static string Short(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
