using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Identity;

public sealed class ApiKeyTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    [Fact]
    public async Task Health_answers_200_without_credentials()
    {
        var response = await app.Anonymous().GetAsync("/health");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Admin_creates_a_key_that_works_until_revoked()
    {
        var admin = app.ClientAs(Role.Admin);
        var created = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "shop", role = "sales" });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var key = body.GetProperty("key").GetString()!;
        var id = body.GetProperty("id").GetInt64();

        var client = app.Anonymous();
        client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        (await client.GetAsync("/api/v1/api-keys")).StatusCode.Should().Be(HttpStatusCode.Forbidden, "a sales key cannot manage keys");

        (await admin.DeleteAsync($"/api/v1/api-keys/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        var revoked = await client.GetAsync("/api/v1/api-keys");
        revoked.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        revoked.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    [Fact]
    public async Task Unknown_field_is_a_400_naming_the_field()
    {
        var response = await app.ClientAs(Role.Admin).PostAsJsonAsync("/api/v1/api-keys", new { name = "x", role = "admin", colour = "red" });
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("errors").TryGetProperty("colour", out _).Should().BeTrue();
    }
}
