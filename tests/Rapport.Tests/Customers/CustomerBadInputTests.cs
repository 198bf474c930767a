using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;
using static Rapport.Tests.Customers.CustomerTestApi;

namespace Rapport.Tests.Customers;

/// <summary>Every bad input from the issue, on the customer endpoints: each a problem-details 4xx naming the field, none a 500, none writing anything.</summary>
public sealed class CustomerBadInputTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private readonly HttpClient _sales = app.ClientAs(Role.Sales);

    private Task<int> CustomerCountAsync() => app.WithDbAsync(db => db.Customers.CountAsync());

    [Theory]
    [InlineData("""{"firstName":"Ann",""", null)]
    [InlineData("""not json at all""", null)]
    [InlineData("""{"firstName":5}""", "firstName")]
    [InlineData("""{"firstName":"Ann","birthDate":"yesterday"}""", "birthDate")]
    [InlineData("""{"firstName":"Ann","birthDate":"1990-13-01"}""", "birthDate")]
    [InlineData("""{"firstName":"Ann","companyId":"acme"}""", "companyId")]
    [InlineData("""{"firstName":"Ann","tags":"vip"}""", "tags")]
    [InlineData("""{"firstName":"Ann","tags":[1,2]}""", "tags[0]")]
    [InlineData("""{"firstName":"Ann","customFields":[]}""", "customFields")]
    [InlineData("""{"firstName":"Ann","externalIds":{"source":"x"}}""", "externalIds")]
    [InlineData("""{"firstName":"Ann","id":12}""", "id")]
    [InlineData("""{"firstName":"Ann","version":3}""", "version")]
    [InlineData("""{"firstName":"Ann","source":"import"}""", "source")]
    [InlineData("""{"firstName":"Ann","favouriteColour":"red"}""", "favouriteColour")]
    public async Task Malformed_or_mistyped_create_body_is_400_and_stores_nothing(string json, string? field)
    {
        var before = await CustomerCountAsync();
        var response = await _sales.SendAsync(Json(HttpMethod.Post, "/api/v1/customers", json));
        var problem = await ExpectProblemAsync(response, HttpStatusCode.BadRequest, field is null ? [] : [field]);
        problem.GetProperty("type").GetString().Should().BeOneOf("/problems/malformed-request", "/problems/validation");
        (await CustomerCountAsync()).Should().Be(before);
    }

    [Theory]
    [InlineData("firstName", 101)]
    [InlineData("lastName", 101)]
    [InlineData("street", 201)]
    [InlineData("city", 101)]
    [InlineData("postalCode", 21)]
    [InlineData("region", 101)]
    [InlineData("phone", 41)]
    public async Task Over_long_strings_are_400_naming_the_field(string field, int length)
    {
        var before = await CustomerCountAsync();
        var value = field == "phone" ? new string('5', length) : new string('x', length);
        var body = new Dictionary<string, object?> { ["email"] = "long@example.com", [field] = value };
        await ExpectProblemAsync(await _sales.PostAsJsonAsync("/api/v1/customers", body), HttpStatusCode.BadRequest, field);
        (await CustomerCountAsync()).Should().Be(before);
    }

    [Fact]
    public async Task Strings_at_the_limit_are_accepted()
    {
        var id = await CreateIdAsync(_sales, new { firstName = new string('f', 100), lastName = new string('l', 100), postalCode = new string('9', 20), email = new string('e', 64) + "@" + new string('d', 60) + ".com" });
        (await StoredAsync(app, id))!.FirstName.Should().HaveLength(100);
    }

    [Theory]
    [InlineData("""{"email":"not-an-email"}""", "email")]
    [InlineData("""{"email":"two@@example.com"}""", "email")]
    [InlineData("""{"email":"spaces in@example.com"}""", "email")]
    [InlineData("""{"firstName":"Ann","country":"USA"}""", "country")]
    [InlineData("""{"firstName":"Ann","country":"1A"}""", "country")]
    [InlineData("""{"firstName":"Ann","language":"english please"}""", "language")]
    [InlineData("""{"firstName":"Ann","birthDate":"1899-12-31"}""", "birthDate")]
    [InlineData("""{"firstName":"Ann","birthDate":"2026-06-16"}""", "birthDate")]
    [InlineData("""{"firstName":"Ann","phone":"call me"}""", "phone")]
    [InlineData("""{"firstName":"Ann\nNewline"}""", "firstName")]
    [InlineData("""{"firstName":"Ann","tags":[" "]}""", "tags[0]")]
    [InlineData("""{"firstName":"Ann","tags":["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"]}""", "tags[0]")]
    [InlineData("""{"firstName":"Ann","externalIds":[{"source":"shop"}]}""", "externalIds[0].externalId")]
    [InlineData("""{"firstName":"Ann","externalIds":[{"source":"a","externalId":"1"},{"source":"A","externalId":"1"}]}""", "externalIds[1]")]
    [InlineData("""{"phone":"+1 555 0100"}""", "firstName")]
    [InlineData("""{}""", "email")]
    public async Task Invalid_values_are_400_naming_the_field(string json, string field)
    {
        var before = await CustomerCountAsync();
        await ExpectProblemAsync(await _sales.SendAsync(Json(HttpMethod.Post, "/api/v1/customers", json)), HttpStatusCode.BadRequest, field);
        (await CustomerCountAsync()).Should().Be(before);
    }

    [Fact]
    public async Task More_than_fifty_tags_is_400()
    {
        var tags = Enumerable.Range(0, 51).Select(i => $"t{i}").ToArray();
        await ExpectProblemAsync(await _sales.PostAsJsonAsync("/api/v1/customers", new { firstName = "Many", tags }), HttpStatusCode.BadRequest, "tags");
    }

    [Theory]
    [InlineData("""{"firstName":5}""", "firstName")]
    [InlineData("""{"birthDate":"yesterday"}""", "birthDate")]
    [InlineData("""{"email":"nope"}""", "email")]
    [InlineData("""{"city":"Oslo","createdAt":"2020-01-01T00:00:00Z"}""", "createdAt")]
    [InlineData("""{"city":"Oslo","displayName":"X"}""", "displayName")]
    [InlineData("""{"lastName":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}""", "lastName")]
    [InlineData("""{"companyId":999999}""", "companyId")]
    [InlineData("""{"tags":"vip"}""", "tags")]
    [InlineData("""{"city":"Oslo",""", null)]
    [InlineData("""[]""", null)]
    public async Task Bad_patch_bodies_are_400_and_change_nothing(string json, string? field)
    {
        var id = await CreateIdAsync(_sales, new { firstName = "Patchy", lastName = "Target", email = "patchy@example.com" });
        var response = await _sales.SendAsync(Patch(id, json, "\"1\""));
        await ExpectProblemAsync(response, HttpStatusCode.BadRequest, field is null ? [] : [field]);
        var stored = await StoredAsync(app, id);
        stored!.Version.Should().Be(1);
        stored.City.Should().BeNull();
        stored.LastName.Should().Be("Target");
        stored.Email.Should().Be("patchy@example.com");
    }

    [Fact]
    public async Task Body_over_one_mebibyte_is_413_and_stores_nothing()
    {
        var before = await CustomerCountAsync();
        var json = $$"""{"firstName":"Big","street":"{{new string('x', 1024 * 1024 + 10)}}"}""";
        var response = await _sales.SendAsync(Json(HttpMethod.Post, "/api/v1/customers", json));
        await ExpectProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        (await CustomerCountAsync()).Should().Be(before);
    }

    [Fact]
    public async Task Body_that_is_not_json_content_is_415()
    {
        var response = await _sales.PostAsync("/api/v1/customers", new StringContent("firstName=Ann", Encoding.UTF8, "application/x-www-form-urlencoded"));
        response.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await app.WithDbAsync(db => db.Customers.CountAsync(c => c.FirstName == "Ann"))).Should().Be(0);
    }

    [Fact]
    public async Task Missing_or_bad_key_is_401_on_every_customer_endpoint()
    {
        var id = await CreateIdAsync(_sales, new { firstName = "Secret" });
        var bad = app.Anonymous();
        bad.DefaultRequestHeaders.Authorization = new("Bearer", "rpk_abcdefgh_notarealsecretnotarealsecret");
        foreach (var client in new[] { app.Anonymous(), bad })
        {
            await ExpectProblemAsync(await client.GetAsync("/api/v1/customers"), HttpStatusCode.Unauthorized);
            await ExpectProblemAsync(await client.GetAsync($"/api/v1/customers/{id}"), HttpStatusCode.Unauthorized);
            await ExpectProblemAsync(await client.GetAsync($"/api/v1/customers/{id}/timeline"), HttpStatusCode.Unauthorized);
            await ExpectProblemAsync(await client.PostAsJsonAsync("/api/v1/customers", new { firstName = "Intruder" }), HttpStatusCode.Unauthorized);
            await ExpectProblemAsync(await client.SendAsync(Patch(id, """{"city":"X"}""", "\"1\"")), HttpStatusCode.Unauthorized);
            await ExpectProblemAsync(await client.DeleteAsync($"/api/v1/customers/{id}"), HttpStatusCode.Unauthorized);
        }

        (await StoredAsync(app, id))!.Version.Should().Be(1);
        (await app.WithDbAsync(db => db.Customers.CountAsync(c => c.FirstName == "Intruder"))).Should().Be(0);
    }

    [Fact]
    public async Task Analyst_reads_but_cannot_write_customers()
    {
        var id = await CreateIdAsync(_sales, new { firstName = "ReadOnly" });
        var analyst = app.ClientAs(Role.Analyst);

        await ExpectAsync(await analyst.GetAsync("/api/v1/customers"), HttpStatusCode.OK);
        await ExpectAsync(await analyst.GetAsync($"/api/v1/customers/{id}"), HttpStatusCode.OK);
        await ExpectProblemAsync(await analyst.PostAsJsonAsync("/api/v1/customers", new { firstName = "Nope" }), HttpStatusCode.Forbidden);
        await ExpectProblemAsync(await analyst.SendAsync(Patch(id, """{"city":"X"}""", "\"1\"")), HttpStatusCode.Forbidden);
        await ExpectProblemAsync(await analyst.DeleteAsync($"/api/v1/customers/{id}"), HttpStatusCode.Forbidden);

        var stored = await StoredAsync(app, id);
        stored!.City.Should().BeNull();
        stored.Version.Should().Be(1);
    }

    [Theory]
    [InlineData(Role.Admin)]
    [InlineData(Role.Marketing)]
    [InlineData(Role.Service)]
    public async Task Every_crm_writer_role_can_create(Role role)
    {
        await CreateIdAsync(app.ClientAs(role), new { firstName = $"By{role}" });
    }
}
