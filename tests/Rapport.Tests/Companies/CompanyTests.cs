using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Interactions;

namespace Rapport.Tests.Companies;

public sealed class CompanyTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private readonly HttpClient _sales = app.ClientAs(Role.Sales);

    [Fact]
    public async Task A_company_is_created_and_read_back_with_the_figures_of_its_people()
    {
        var created = await _sales.PostAsJsonAsync("/api/v1/companies", new
        {
            name = "  Café Lumière  ",
            domain = "Cafe-Lumiere.FR",
            industry = "Hospitality",
            website = "https://cafe-lumiere.fr/about",
            phone = "+33 1 23 45 67 89",
            city = "Lyon",
            country = "fr",
        });

        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        created.Headers.ETag!.Tag.Should().Be("\"1\"");
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetInt64();
        created.Headers.Location!.ToString().Should().Be($"/api/v1/companies/{id}");

        var empty = await GetAsync(id);
        empty.GetProperty("name").GetString().Should().Be("Café Lumière");
        empty.GetProperty("domain").GetString().Should().Be("cafe-lumiere.fr");
        empty.GetProperty("country").GetString().Should().Be("FR");
        empty.GetProperty("website").GetString().Should().Be("https://cafe-lumiere.fr/about");
        empty.GetProperty("customerCount").GetInt32().Should().Be(0);
        empty.GetProperty("revenue").GetDecimal().Should().Be(0m);
        empty.GetProperty("revenueCurrency").GetString().Should().Be("USD");
        (await app.WithDbAsync(db => db.Companies.Where(c => c.Id == id).Select(c => c.NameNormalized).SingleAsync())).Should().Be("cafe lumiere");

        var ann = await app.CustomerAsync("Ann", "Alpha", id);
        var bob = await app.CustomerAsync("Bob", "Beta", id);
        await app.CustomerAsync("Cy", "Gamma", id);
        await app.CustomerAsync("Outside", "Person");
        await RecordAsync(ann, 100.25m, "USD");
        await RecordAsync(ann, 50m, "EUR");
        await RecordAsync(bob, 20m, "USD");

        var full = await GetAsync(id);
        full.GetProperty("customerCount").GetInt32().Should().Be(3);
        full.GetProperty("purchaseCount").GetInt32().Should().Be(3);
        full.GetProperty("revenue").GetDecimal().Should().Be(120.25m, "revenue counts the reporting currency only");
    }

    [Fact]
    public async Task A_name_already_used_is_a_409_ignoring_case_and_accents()
    {
        (await _sales.PostAsJsonAsync("/api/v1/companies", new { name = "Énergie Verte" })).StatusCode.Should().Be(HttpStatusCode.Created);
        await (await _sales.PostAsJsonAsync("/api/v1/companies", new { name = "ENERGIE verte" })).ShouldBeProblemAsync(HttpStatusCode.Conflict, "name");
        (await app.WithDbAsync(db => db.Companies.CountAsync(c => c.NameNormalized == "energie verte"))).Should().Be(1);
    }

    [Fact]
    public async Task Updates_need_the_current_etag_and_null_clears()
    {
        var id = await CreateAsync("Patchable Ltd", city: "Leeds");

        await (await PatchAsync(id, null, new { city = "York" })).ShouldBeProblemAsync((HttpStatusCode)428);
        await (await PatchAsync(id, "\"2\"", new { city = "York" })).ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed);
        await (await PatchAsync(id, "W/", new { city = "York" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "If-Match");
        (await GetAsync(id)).GetProperty("city").GetString().Should().Be("Leeds");

        var ok = await PatchAsync(id, "\"1\"", new { city = (string?)null, industry = "Textiles", name = "Patchable Limited" });
        ok.StatusCode.Should().Be(HttpStatusCode.OK, await ok.Content.ReadAsStringAsync());
        ok.Headers.ETag!.Tag.Should().Be("\"2\"");
        var body = await ok.ReadJsonAsync();
        body.GetProperty("city").ValueKind.Should().Be(JsonValueKind.Null);
        body.GetProperty("industry").GetString().Should().Be("Textiles");
        body.GetProperty("name").GetString().Should().Be("Patchable Limited");
        (await app.WithDbAsync(db => db.Companies.Where(c => c.Id == id).Select(c => c.NameNormalized).SingleAsync())).Should().Be("patchable limited");

        var other = await CreateAsync("Somebody Else");
        await (await PatchAsync(other, "\"1\"", new { name = "patchable LIMITED" })).ShouldBeProblemAsync(HttpStatusCode.Conflict, "name");
    }

    [Fact]
    public async Task Search_matches_part_of_the_name_ignoring_case_and_accents_and_pages_by_name()
    {
        var tag = "q" + Guid.NewGuid().ToString("N")[..6];
        var names = new[] { $"Żabka {tag}", $"Ärzte {tag}", $"apex {tag}", $"Bäckerei {tag}", $"Zeta {tag}", $"Münch {tag}", $"other {tag}x" };
        var ids = new List<long>();
        foreach (var name in names)
        {
            ids.Add(await CreateAsync(name));
        }

        var walked = await _sales.WalkAsync($"/api/v1/companies?q={tag.ToUpperInvariant()}", 2);
        walked.Select(c => c.GetProperty("id").GetInt64()).Should().BeEquivalentTo(ids).And.OnlyHaveUniqueItems();
        walked.Select(c => c.GetProperty("name").GetString()).Should().Equal(
            $"apex {tag}", $"Ärzte {tag}", $"Bäckerei {tag}", $"Münch {tag}", $"other {tag}x", $"Żabka {tag}", $"Zeta {tag}");

        var accentless = await (await _sales.GetAsync($"/api/v1/companies?q=backerei {tag}")).ReadJsonAsync();
        accentless.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetInt64()).Should().Equal(ids[3]);
    }

    [Fact]
    public async Task The_people_of_a_company_are_listed_by_name_with_their_figures()
    {
        var id = await CreateAsync("People Inc");
        var expected = new List<long>
        {
            await app.CustomerAsync("Zoe", "adams", id),
            await app.CustomerAsync("Amy", "Adams", id),
            await app.CustomerAsync("Amy", "Adams", id),
            await app.CustomerAsync("Bea", "Brown", id),
            await app.CustomerAsync("Al", "Young", id),
        };
        await app.CustomerAsync("Not", "Here");
        await RecordAsync(expected[3], 7m, "USD");

        foreach (var limit in new[] { 1, 2, 3, 5 })
        {
            var walked = await _sales.WalkAsync($"/api/v1/companies/{id}/customers", limit);
            walked.Select(c => c.GetProperty("id").GetInt64()).Should().Equal(
                [expected[1], expected[2], expected[0], expected[3], expected[4]], $"limit {limit}: by last name, first name, then id");
        }

        var page = await (await _sales.GetAsync($"/api/v1/companies/{id}/customers?limit=10")).ReadJsonAsync();
        var bea = page.GetProperty("items").EnumerateArray().Single(c => c.GetProperty("id").GetInt64() == expected[3]);
        bea.GetProperty("name").GetString().Should().Be("Bea Brown");
        bea.GetProperty("purchaseCount").GetInt32().Should().Be(1);
        bea.GetProperty("revenue").GetDecimal().Should().Be(7m);

        await (await _sales.GetAsync("/api/v1/companies/424242/customers")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await _sales.GetAsync($"/api/v1/companies/{id}/customers?after=WyJhIl0")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "after");
    }

    [Fact]
    public async Task Deleting_a_company_keeps_its_people_without_a_company()
    {
        var id = await CreateAsync("Closing Down Co");
        var person = await app.CustomerAsync("Pat", "Person", id);
        var versionBefore = await app.WithDbAsync(db => db.Customers.Where(c => c.Id == person).Select(c => c.Version).SingleAsync());

        var stale = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/companies/{id}");
        stale.Headers.IfMatch.ParseAdd("\"5\"");
        await (await _sales.SendAsync(stale)).ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed);

        (await _sales.DeleteAsync($"/api/v1/companies/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        var customer = await app.WithDbAsync(db => db.Customers.AsNoTracking().SingleAsync(c => c.Id == person));
        customer.CompanyId.Should().BeNull();
        customer.Version.Should().Be(versionBefore + 1, "the customer's record changed, so a previously read ETag is stale");
        customer.UpdatedAt.Should().Be(app.Clock.GetUtcNow());
        await (await _sales.GetAsync($"/api/v1/companies/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await _sales.DeleteAsync($"/api/v1/companies/{id}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    public static TheoryData<string, string?> BadCreates => new()
    {
        { "{\"name\": \"x\",}", null },
        { """{"name": 5}""", "name" },
        { """{"name": "x", "employees": 10}""", "employees" },
        { """{}""", "name" },
        { """{"name": "   "}""", "name" },
        { """{"name": "NAME201"}""", "name" },
        { """{"name": "x", "website": "acme.com"}""", "website" },
        { """{"name": "x", "website": "ftp://acme.com"}""", "website" },
        { """{"name": "x", "website": "javascript:alert(1)"}""", "website" },
        { """{"name": "x", "website": "https://URL501"}""", "website" },
        { """{"name": "x", "domain": "https://acme.com"}""", "domain" },
        { """{"name": "x", "domain": "acme"}""", "domain" },
        { """{"name": "x", "country": "ZZ"}""", "country" },
        { """{"name": "x", "country": "USA"}""", "country" },
        { """{"name": "x", "phone": "call me"}""", "phone" },
        { """{"name": "x", "phone": "PHONE41"}""", "phone" },
        { """{"name": "x", "city": "CITY101"}""", "city" },
        { """{"name": "x", "industry": "two\nlines"}""", "industry" },
    };

    [Theory]
    [MemberData(nameof(BadCreates))]
    public async Task Bad_creates_are_400_naming_the_field_and_store_nothing(string body, string? field)
    {
        var before = await app.WithDbAsync(db => db.Companies.CountAsync());
        var json = body.Replace("NAME201", new string('n', 201), StringComparison.Ordinal)
            .Replace("URL501", "acme.com/" + new string('p', 492), StringComparison.Ordinal)
            .Replace("PHONE41", new string('1', 41), StringComparison.Ordinal)
            .Replace("CITY101", new string('c', 101), StringComparison.Ordinal);

        await (await _sales.PostAsync("/api/v1/companies", ActivityKit.Json(json))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, field);
        (await app.WithDbAsync(db => db.Companies.CountAsync())).Should().Be(before);
    }

    public static TheoryData<string, string?> BadPatches => new()
    {
        { "nope", null },
        { """{"name": null}""", "name" },
        { """{"website": "not a url"}""", "website" },
        { """{"country": "XX"}""", "country" },
        { """{"city": 12}""", "city" },
        { """{"id": 3}""", "id" },
    };

    [Theory]
    [MemberData(nameof(BadPatches))]
    public async Task Bad_patches_are_400_naming_the_field_and_change_nothing(string body, string? field)
    {
        var id = await CreateAsync("Patch " + Guid.NewGuid().ToString("N")[..8], city: "Bath");
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/companies/{id}") { Content = ActivityKit.Json(body) };
        request.Headers.IfMatch.ParseAdd("\"1\"");

        await (await _sales.SendAsync(request)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, field);
        var stored = await app.WithDbAsync(db => db.Companies.AsNoTracking().SingleAsync(c => c.Id == id));
        stored.Version.Should().Be(1);
        stored.City.Should().Be("Bath");
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("after=e30", "after")]
    [InlineData("q=Q101", "q")]
    public async Task Bad_searches_are_400_naming_the_parameter(string query, string field)
    {
        var url = "/api/v1/companies?" + query.Replace("Q101", new string('q', 101), StringComparison.Ordinal);
        await (await _sales.GetAsync(url)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Analysts_read_but_cannot_write_and_anonymous_callers_get_401()
    {
        var id = await CreateAsync("Read Only Corp");
        var analyst = app.ClientAs(Role.Analyst);
        (await analyst.GetAsync($"/api/v1/companies/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await analyst.GetAsync("/api/v1/companies")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await analyst.GetAsync($"/api/v1/companies/{id}/customers")).StatusCode.Should().Be(HttpStatusCode.OK);
        await (await analyst.PostAsJsonAsync("/api/v1/companies", new { name = "Analyst Co" })).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/companies/{id}") { Content = JsonContent.Create(new { name = "Renamed" }) };
        patch.Headers.IfMatch.ParseAdd("\"1\"");
        await (await analyst.SendAsync(patch)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await analyst.DeleteAsync($"/api/v1/companies/{id}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);

        var anonymous = app.Anonymous();
        await (await anonymous.GetAsync("/api/v1/companies")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.GetAsync($"/api/v1/companies/{id}")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.GetAsync($"/api/v1/companies/{id}/customers")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.PostAsJsonAsync("/api/v1/companies", new { name = "Anon Co" })).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.DeleteAsync($"/api/v1/companies/{id}")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);

        var stored = await app.WithDbAsync(db => db.Companies.AsNoTracking().SingleAsync(c => c.Id == id));
        stored.Name.Should().Be("Read Only Corp");
        stored.Version.Should().Be(1);
    }

    [Fact]
    public async Task Bad_if_match_on_delete_and_bad_people_queries_are_400()
    {
        var id = await CreateAsync("Guarded Co");
        var person = await app.CustomerAsync("Gus", "Guarded", id);
        var request = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/companies/{id}");
        request.Headers.TryAddWithoutValidation("If-Match", "\"one\"");
        await (await _sales.SendAsync(request)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "If-Match");
        await (await _sales.GetAsync($"/api/v1/companies/{id}/customers?limit=0")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "limit");
        await (await _sales.GetAsync($"/api/v1/companies/{id}/customers?limit=x")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "limit");
        (await app.WithDbAsync(db => db.Customers.Where(c => c.Id == person).Select(c => c.CompanyId).SingleAsync())).Should().Be(id);
    }

    [Fact]
    public async Task Unknown_ids_are_404()
    {
        await (await _sales.GetAsync("/api/v1/companies/424242")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await PatchAsync(424242, "\"1\"", new { name = "x" })).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await _sales.DeleteAsync("/api/v1/companies/424242")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    private async Task<long> CreateAsync(string name, string? city = null)
    {
        var response = await _sales.PostAsJsonAsync("/api/v1/companies", new { name, city });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).GetProperty("id").GetInt64();
    }

    private async Task<JsonElement> GetAsync(long id)
    {
        var response = await _sales.GetAsync($"/api/v1/companies/{id}");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    private async Task RecordAsync(long customerId, decimal total, string currency) =>
        (await _sales.PostAsJsonAsync("/api/v1/transactions", new { customerId, total, currency })).StatusCode.Should().Be(HttpStatusCode.Created);

    private Task<HttpResponseMessage> PatchAsync(long id, string? ifMatch, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/companies/{id}") { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return _sales.SendAsync(request);
    }
}
