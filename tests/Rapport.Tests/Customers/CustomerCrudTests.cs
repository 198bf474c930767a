// CA1861: request bodies spell out their JSON arrays inline so each test reads as the request it sends; they run once.
#pragma warning disable CA1861
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;
using static Rapport.Tests.Customers.CustomerTestApi;

namespace Rapport.Tests.Customers;

public sealed class CustomerCrudTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private readonly HttpClient _sales = app.ClientAs(Role.Sales);

    [Fact]
    public async Task Create_stores_the_normalised_profile_and_returns_it_with_location_and_etag()
    {
        var companyId = await app.WithDbAsync(async db =>
        {
            var company = new Rapport.Companies.Company { Name = "Acme Ltd", NameNormalized = "acme ltd" };
            db.Companies.Add(company);
            await db.SaveChangesAsync();
            return company.Id;
        });

        var response = await _sales.PostAsJsonAsync("/api/v1/customers", new
        {
            firstName = "  José ",
            lastName = "Núñez",
            email = "Jose.Nunez@Example.COM",
            phone = "+34 600 123 456",
            street = "Calle Mayor 1",
            city = "Madrid",
            postalCode = "28013",
            region = "Madrid",
            country = "es",
            birthDate = "1985-04-12",
            language = "es-ES",
            companyId,
            tags = new[] { " VIP ", "newsletter", "vip" },
            externalIds = new[] { new { source = "Shopify", externalId = "C-1001" } },
        });

        await ExpectAsync(response, HttpStatusCode.Created);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("id").GetInt64();
        response.Headers.Location!.ToString().Should().Be($"/api/v1/customers/{id}");
        ETagOf(response).Should().Be("\"1\"");
        body.GetProperty("displayName").GetString().Should().Be("José Núñez");
        body.GetProperty("firstName").GetString().Should().Be("José");
        body.GetProperty("country").GetString().Should().Be("ES");
        body.GetProperty("birthDate").GetString().Should().Be("1985-04-12");
        body.GetProperty("company").GetProperty("name").GetString().Should().Be("Acme Ltd");
        body.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).Should().Equal("newsletter", "vip");
        body.GetProperty("externalIds")[0].GetProperty("source").GetString().Should().Be("shopify");
        body.GetProperty("metrics").GetProperty("purchaseCount").GetInt32().Should().Be(0);
        body.GetProperty("source").GetString().Should().Be("api");
        body.GetProperty("version").GetInt32().Should().Be(1);

        var stored = await StoredAsync(app, id);
        stored!.EmailNormalized.Should().Be("jose.nunez@example.com");
        stored.Email.Should().Be("Jose.Nunez@Example.COM");
        stored.SearchText.Should().Be("jose nunez jose.nunez@example.com");
        stored.Tags.Select(t => t.Tag).Should().BeEquivalentTo("vip", "newsletter");
        stored.Source.Should().Be("api");
        (await app.WithDbAsync(db => db.CustomerMetrics.AnyAsync(m => m.CustomerId == id))).Should().BeTrue("the metrics row is created with the customer");
    }

    [Fact]
    public async Task Get_returns_the_customer_with_etag_and_unknown_id_is_404_problem()
    {
        var id = await CreateIdAsync(_sales, new { email = "only-email@example.com" });
        var response = await app.ClientAs(Role.Analyst).GetAsync($"/api/v1/customers/{id}");
        await ExpectAsync(response, HttpStatusCode.OK);
        ETagOf(response).Should().Be("\"1\"");
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("displayName").GetString().Should().Be("only-email@example.com");

        await ExpectProblemAsync(await _sales.GetAsync("/api/v1/customers/999999999"), HttpStatusCode.NotFound);
        var nonNumeric = await _sales.GetAsync("/api/v1/customers/abc");
        nonNumeric.StatusCode.Should().Be(HttpStatusCode.NotFound, "the {id:long} route constraint does not match");
        nonNumeric.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    [Fact]
    public async Task Get_with_the_current_etag_in_if_none_match_is_304_until_the_customer_changes()
    {
        var id = await CreateIdAsync(_sales, new { firstName = "Cached" });
        var conditional = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/customers/{id}");
        conditional.Headers.TryAddWithoutValidation("If-None-Match", "\"1\"");
        var notModified = await _sales.SendAsync(conditional);
        notModified.StatusCode.Should().Be(HttpStatusCode.NotModified);
        ETagOf(notModified).Should().Be("\"1\"");

        await ExpectAsync(await _sales.SendAsync(Patch(id, """{"city":"Turku"}""", "\"1\"")), HttpStatusCode.OK);
        var again = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/customers/{id}");
        again.Headers.TryAddWithoutValidation("If-None-Match", "\"1\"");
        var changed = await _sales.SendAsync(again);
        await ExpectAsync(changed, HttpStatusCode.OK);
        ETagOf(changed).Should().Be("\"2\"");
    }

    [Fact]
    public async Task Patch_with_current_etag_changes_only_the_fields_sent_and_null_clears()
    {
        var created = await CreateAsync(_sales, new { firstName = "Anna", lastName = "Berg", city = "Oslo", phone = "+47 22 00 00 00", tags = new[] { "lead" } });
        var id = created.GetProperty("id").GetInt64();
        app.Clock.Advance(TimeSpan.FromMinutes(5));

        var response = await _sales.SendAsync(Patch(id, """{"lastName":"Bergström","phone":null}""", "\"1\""));

        await ExpectAsync(response, HttpStatusCode.OK);
        ETagOf(response).Should().Be("\"2\"");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("lastName").GetString().Should().Be("Bergström");
        body.GetProperty("phone").ValueKind.Should().Be(JsonValueKind.Null);
        body.GetProperty("city").GetString().Should().Be("Oslo", "fields not sent stay");
        body.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).Should().Equal("lead");
        var stored = await StoredAsync(app, id);
        stored!.Version.Should().Be(2);
        stored.SearchText.Should().Be("anna bergstrom");
        stored.UpdatedAt.Should().Be(app.Clock.GetUtcNow());
    }

    [Fact]
    public async Task Patch_of_tags_only_bumps_version_and_updated_at()
    {
        var id = await CreateIdAsync(_sales, new { firstName = "Tag", lastName = "Only", tags = new[] { "a", "b" } });
        app.Clock.Advance(TimeSpan.FromHours(1));

        var response = await _sales.SendAsync(Patch(id, """{"tags":["B","c"]}""", "\"1\""));

        await ExpectAsync(response, HttpStatusCode.OK);
        ETagOf(response).Should().Be("\"2\"");
        var stored = await StoredAsync(app, id);
        stored!.Tags.Select(t => t.Tag).Should().BeEquivalentTo("b", "c");
        stored.Version.Should().Be(2);
        stored.UpdatedAt.Should().Be(app.Clock.GetUtcNow());
    }

    [Fact]
    public async Task Patch_that_changes_nothing_keeps_the_version()
    {
        var id = await CreateIdAsync(_sales, new { firstName = "Same", tags = new[] { "x" } });
        var response = await _sales.SendAsync(Patch(id, """{"firstName":"Same","tags":["x"]}""", "\"1\""));
        await ExpectAsync(response, HttpStatusCode.OK);
        ETagOf(response).Should().Be("\"1\"");
    }

    [Fact]
    public async Task Patch_accepts_merge_patch_json_and_if_match_star()
    {
        var id = await CreateIdAsync(_sales, new { firstName = "Merge", lastName = "Patch", tags = new[] { "old" } });
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/customers/{id}")
        {
            Content = new StringContent("""{"city":"Ghent","tags":null}""", System.Text.Encoding.UTF8, "application/merge-patch+json"),
        };
        request.Headers.TryAddWithoutValidation("If-Match", "*");

        var response = await _sales.SendAsync(request);

        await ExpectAsync(response, HttpStatusCode.OK);
        ETagOf(response).Should().Be("\"2\"");
        var stored = await StoredAsync(app, id);
        stored!.City.Should().Be("Ghent");
        stored.Tags.Should().BeEmpty("null empties the list");
    }

    [Fact]
    public async Task Patch_with_stale_etag_is_412_and_changes_nothing()
    {
        var id = await CreateIdAsync(_sales, new { firstName = "Stale", lastName = "Check" });
        await ExpectAsync(await _sales.SendAsync(Patch(id, """{"city":"Lyon"}""", "\"1\"")), HttpStatusCode.OK);

        var response = await _sales.SendAsync(Patch(id, """{"city":"Paris","tags":["late"]}""", "\"1\""));

        await ExpectProblemAsync(response, HttpStatusCode.PreconditionFailed);
        var stored = await StoredAsync(app, id);
        stored!.City.Should().Be("Lyon");
        stored.Tags.Should().BeEmpty();
        stored.Version.Should().Be(2);
    }

    [Fact]
    public async Task Concurrent_patches_with_the_same_etag_let_exactly_one_win()
    {
        var id = await CreateIdAsync(_sales, new { firstName = "Race", lastName = "Condition" });

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            app.ClientAs(Role.Sales).SendAsync(Patch(id, $$"""{"city":"City {{i}}"}""", "\"1\""))));

        responses.Count(r => r.StatusCode == HttpStatusCode.OK).Should().Be(1);
        responses.Count(r => r.StatusCode == HttpStatusCode.PreconditionFailed).Should().Be(5);
        var winner = await responses.Single(r => r.StatusCode == HttpStatusCode.OK).Content.ReadFromJsonAsync<JsonElement>();
        var stored = await StoredAsync(app, id);
        stored!.Version.Should().Be(2);
        stored.City.Should().Be(winner.GetProperty("city").GetString());
    }

    [Fact]
    public async Task Patch_without_if_match_is_428_and_changes_nothing()
    {
        var id = await CreateIdAsync(_sales, new { firstName = "No", lastName = "Header" });
        var problem = await ExpectProblemAsync(await _sales.SendAsync(Patch(id, """{"city":"Rome"}""", null)), (HttpStatusCode)428);
        problem.GetProperty("type").GetString().Should().Be("/problems/precondition-required");
        (await StoredAsync(app, id))!.City.Should().BeNull();
    }

    [Fact]
    public async Task Patch_with_malformed_if_match_is_400_naming_the_header()
    {
        var id = await CreateIdAsync(_sales, new { firstName = "Bad", lastName = "Etag" });
        await ExpectProblemAsync(await _sales.SendAsync(Patch(id, """{"city":"Rome"}""", "version-one")), HttpStatusCode.BadRequest, "If-Match");
        (await StoredAsync(app, id))!.City.Should().BeNull();
    }

    [Fact]
    public async Task Patch_of_unknown_customer_is_404()
    {
        await ExpectProblemAsync(await _sales.SendAsync(Patch(987654321, """{"city":"Rome"}""", "\"1\"")), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Patch_that_would_leave_no_name_or_email_is_400()
    {
        var id = await CreateIdAsync(_sales, new { firstName = "Solo" });
        await ExpectProblemAsync(await _sales.SendAsync(Patch(id, """{"firstName":null}""", "\"1\"")), HttpStatusCode.BadRequest, "firstName", "email");
        (await StoredAsync(app, id))!.FirstName.Should().Be("Solo");
    }

    [Fact]
    public async Task Delete_removes_the_customer_and_their_history()
    {
        var id = await CreateIdAsync(_sales, new { firstName = "Gone", tags = new[] { "bye" } });
        await AddTransactionAsync(app, id, app.Clock.GetUtcNow().AddDays(-1), 10m, "D-1", ("Thing", 1m, 10m));
        await AddInteractionAsync(app, id, app.Clock.GetUtcNow().AddDays(-2));

        var response = await _sales.DeleteAsync($"/api/v1/customers/{id}");

        await ExpectAsync(response, HttpStatusCode.NoContent);
        (await StoredAsync(app, id)).Should().BeNull();
        (await app.WithDbAsync(db => db.Transactions.CountAsync(t => t.CustomerId == id))).Should().Be(0);
        (await app.WithDbAsync(db => db.Interactions.CountAsync(t => t.CustomerId == id))).Should().Be(0);
        (await app.WithDbAsync(db => db.CustomerTags.CountAsync(t => t.CustomerId == id))).Should().Be(0);
        await ExpectProblemAsync(await _sales.DeleteAsync($"/api/v1/customers/{id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Delete_with_stale_if_match_is_412_and_keeps_the_customer()
    {
        var id = await CreateIdAsync(_sales, new { firstName = "Keep" });
        await ExpectAsync(await _sales.SendAsync(Patch(id, """{"city":"Bern"}""", "\"1\"")), HttpStatusCode.OK);

        var request = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/customers/{id}");
        request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        await ExpectProblemAsync(await _sales.SendAsync(request), HttpStatusCode.PreconditionFailed);
        (await StoredAsync(app, id)).Should().NotBeNull();

        var current = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/customers/{id}");
        current.Headers.TryAddWithoutValidation("If-Match", "\"2\"");
        await ExpectAsync(await _sales.SendAsync(current), HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task External_id_taken_by_another_customer_is_409_naming_external_ids()
    {
        await CreateIdAsync(_sales, new { firstName = "First", externalIds = new[] { new { source = "erp", externalId = "X-77" } } });

        var response = await _sales.PostAsJsonAsync("/api/v1/customers", new { firstName = "Second", externalIds = new[] { new { source = "ERP", externalId = "X-77" } } });

        await ExpectProblemAsync(response, HttpStatusCode.Conflict, "externalIds");
        (await app.WithDbAsync(db => db.Customers.CountAsync(c => c.FirstName == "Second"))).Should().Be(0);
    }

    [Fact]
    public async Task Concurrent_creates_with_the_same_external_id_store_one_customer()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            app.ClientAs(Role.Sales).PostAsJsonAsync("/api/v1/customers", new { firstName = $"Racer{i}", externalIds = new[] { new { source = "race", externalId = "R-1" } } })));

        responses.Count(r => r.StatusCode == HttpStatusCode.Created).Should().Be(1);
        foreach (var conflict in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await ExpectProblemAsync(conflict, HttpStatusCode.Conflict, "externalIds");
        }

        (await app.WithDbAsync(db => db.CustomerExternalIds.CountAsync(x => x.Source == "race"))).Should().Be(1);
        (await app.WithDbAsync(db => db.Customers.CountAsync(c => c.FirstName!.StartsWith("Racer")))).Should().Be(1, "a rejected create leaves no customer behind");
    }

    [Fact]
    public async Task Patch_replaces_external_ids_and_rejects_one_held_by_another_customer()
    {
        await CreateIdAsync(_sales, new { firstName = "Holder", externalIds = new[] { new { source = "shop", externalId = "S-1" } } });
        var id = await CreateIdAsync(_sales, new { firstName = "Mover", externalIds = new[] { new { source = "shop", externalId = "S-2" } } });

        await ExpectProblemAsync(await _sales.SendAsync(Patch(id, """{"externalIds":[{"source":"shop","externalId":"S-1"}]}""", "\"1\"")), HttpStatusCode.Conflict, "externalIds");
        (await StoredAsync(app, id))!.ExternalIds.Select(x => x.ExternalId).Should().Equal("S-2");

        await ExpectAsync(await _sales.SendAsync(Patch(id, """{"externalIds":[{"source":"shop","externalId":"S-3"},{"source":"erp","externalId":"E-3"}]}""", "\"1\"")), HttpStatusCode.OK);
        (await StoredAsync(app, id))!.ExternalIds.Select(x => $"{x.Source}:{x.ExternalId}").Should().BeEquivalentTo("shop:S-3", "erp:E-3");
    }

    [Fact]
    public async Task Unknown_company_or_owner_is_a_field_error()
    {
        var response = await _sales.PostAsJsonAsync("/api/v1/customers", new { firstName = "Ref", companyId = 424242, ownerId = 434343 });
        await ExpectProblemAsync(response, HttpStatusCode.BadRequest, "companyId", "ownerId");
    }

    [Fact]
    public async Task Owner_can_be_set_and_cleared()
    {
        var ownerId = await app.WithDbAsync(async db =>
        {
            var user = new User { Email = "owner@example.com", EmailNormalized = "owner@example.com", DisplayName = "Olivia Owner", PasswordHash = "x", Role = Role.Sales, SecurityStamp = "s" };
            db.Users.Add(user);
            await db.SaveChangesAsync();
            return user.Id;
        });
        var id = await CreateIdAsync(_sales, new { firstName = "Owned", ownerId });
        (await GetAsync(_sales, id)).GetProperty("owner").GetProperty("name").GetString().Should().Be("Olivia Owner");

        await ExpectAsync(await _sales.SendAsync(Patch(id, """{"ownerId":null}""", "\"1\"")), HttpStatusCode.OK);
        (await GetAsync(_sales, id)).GetProperty("owner").ValueKind.Should().Be(JsonValueKind.Null);
    }
}
