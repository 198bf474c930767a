using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Api;

/// <summary>API-wide error behaviour: every error is RFC 9457 problem details with a stable <c>/problems/…</c> type.</summary>
public sealed class ProblemDetailsTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private static async Task<JsonElement> ProblemOf(HttpResponseMessage response)
    {
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("type").GetString().Should().StartWith("/problems/");
        problem.GetProperty("status").GetInt32().Should().Be((int)response.StatusCode);
        problem.GetProperty("detail").GetString().Should().NotBeNullOrWhiteSpace();
        return problem;
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_415_problem()
    {
        var response = await app.ClientAs(Role.Sales).PostAsync("/api/v1/customers", new StringContent("firstName=Ann", Encoding.UTF8, "text/plain"));
        response.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
        (await ProblemOf(response)).GetProperty("type").GetString().Should().Be("/problems/unsupported-media-type");
    }

    [Fact]
    public async Task A_method_the_route_does_not_take_is_a_405_problem()
    {
        var response = await app.ClientAs(Role.Admin).PutAsJsonAsync("/api/v1/customers", new { firstName = "Ann" });
        response.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);
        (await ProblemOf(response)).GetProperty("type").GetString().Should().Be("/problems/method-not-allowed");
    }

    [Fact]
    public async Task An_unknown_api_route_is_a_404_problem()
    {
        var response = await app.ClientAs(Role.Admin).GetAsync("/api/v1/no-such-thing");
        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        await ProblemOf(response);
    }

    [Fact]
    public async Task A_number_sent_as_a_string_is_a_wrong_type_naming_the_field()
    {
        var response = await app.ClientAs(Role.Admin).PostAsync("/api/v1/products",
            new StringContent("""{"sku":"X-1","name":"Mug","price":"12.50","currency":"USD"}""", Encoding.UTF8, "application/json"));
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = await ProblemOf(response);
        problem.GetProperty("errors").TryGetProperty("price", out _).Should().BeTrue();
        (await app.WithDbAsync(db => Task.FromResult(db.Products.Count()))).Should().Be(0);
    }

    [Fact]
    public async Task The_openapi_document_describes_partial_update_fields_with_their_real_types()
    {
        var document = await app.Anonymous().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var schemas = document.GetProperty("components").GetProperty("schemas");
        var optionalString = schemas.GetProperty("OptionalOfstring");
        optionalString.GetProperty("type").EnumerateArray().Select(t => t.GetString()).Should().Contain("string");
    }
}
