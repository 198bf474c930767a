using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Identity;
using Rapport.Products;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Interactions;

namespace Rapport.Tests.Products;

public sealed class ProductTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private readonly HttpClient _marketing = app.ClientAs(Role.Marketing);

    [Fact]
    public async Task Marketing_creates_a_product_and_reads_it_back_with_its_etag()
    {
        var created = await _marketing.PostAsJsonAsync("/api/v1/products", new
        {
            sku = " ESP-250 ",
            name = "Espresso beans 250 g",
            description = "Dark roast.\nWhole beans.",
            category = "Coffee",
            price = 9.90m,
            cost = 4.1234m,
            currency = "eur",
        });

        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        created.Headers.ETag!.Tag.Should().Be("\"1\"");
        var body = await created.ReadJsonAsync();
        var id = body.GetProperty("id").GetInt64();
        created.Headers.Location!.ToString().Should().Be($"/api/v1/products/{id}");

        var read = await _marketing.GetAsync($"/api/v1/products/{id}");
        read.Headers.ETag!.Tag.Should().Be("\"1\"");
        var product = await read.ReadJsonAsync();
        product.GetProperty("sku").GetString().Should().Be("ESP-250");
        product.GetProperty("name").GetString().Should().Be("Espresso beans 250 g");
        product.GetProperty("description").GetString().Should().Be("Dark roast.\nWhole beans.");
        product.GetProperty("kind").GetString().Should().Be("product");
        product.GetProperty("price").GetDecimal().Should().Be(9.90m);
        product.GetProperty("cost").GetDecimal().Should().Be(4.1234m);
        product.GetProperty("currency").GetString().Should().Be("EUR");
        product.GetProperty("active").GetBoolean().Should().BeTrue();
        product.GetProperty("inUse").GetBoolean().Should().BeFalse();
        product.GetProperty("version").GetInt32().Should().Be(1);

        var service = await (await _marketing.PostAsJsonAsync("/api/v1/products", new { sku = "SVC-FIT", name = "Fitting", kind = "service" })).ReadJsonAsync();
        service.GetProperty("kind").GetString().Should().Be("service");
        service.GetProperty("currency").GetString().Should().Be("USD", "the currency defaults to the reporting currency");
        service.GetProperty("price").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public async Task A_taken_sku_is_a_409_naming_sku()
    {
        (await _marketing.PostAsJsonAsync("/api/v1/products", new { sku = "DUP-1", name = "First" })).StatusCode.Should().Be(HttpStatusCode.Created);
        await (await _marketing.PostAsJsonAsync("/api/v1/products", new { sku = "DUP-1", name = "Second" })).ShouldBeProblemAsync(HttpStatusCode.Conflict, "sku");
        (await _marketing.PostAsJsonAsync("/api/v1/products", new { sku = "dup-1", name = "Other case" })).StatusCode
            .Should().Be(HttpStatusCode.Created, "SKUs are compared exactly as spelled");
        (await app.WithDbAsync(db => db.Products.CountAsync(p => p.Name == "Second"))).Should().Be(0);

        var other = await (await _marketing.PostAsJsonAsync("/api/v1/products", new { sku = "DUP-2", name = "Third" })).ReadJsonAsync();
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/products/{other.GetProperty("id").GetInt64()}") { Content = JsonContent.Create(new { sku = "DUP-1" }) };
        patch.Headers.IfMatch.ParseAdd("\"1\"");
        await (await _marketing.SendAsync(patch)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "sku");
    }

    [Fact]
    public async Task Updates_need_the_current_etag()
    {
        var id = await CreateAsync("CON-1", "Concurrency mug", "Mugs");

        await (await PatchAsync(id, null, new { price = 5m })).ShouldBeProblemAsync((HttpStatusCode)428);
        await (await PatchAsync(id, "\"7\"", new { price = 5m })).ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed);
        await (await PatchAsync(id, "seven", new { price = 5m })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "If-Match");
        (await GetAsync(id)).GetProperty("version").GetInt32().Should().Be(1, "rejected updates change nothing");

        var updated = await PatchAsync(id, "\"1\"", new { price = 5m, category = (string?)null, active = false });
        updated.StatusCode.Should().Be(HttpStatusCode.OK, await updated.Content.ReadAsStringAsync());
        updated.Headers.ETag!.Tag.Should().Be("\"2\"");
        var body = await updated.ReadJsonAsync();
        body.GetProperty("price").GetDecimal().Should().Be(5m);
        body.GetProperty("category").ValueKind.Should().Be(JsonValueKind.Null, "null clears a field");
        body.GetProperty("active").GetBoolean().Should().BeFalse();
        body.GetProperty("name").GetString().Should().Be("Concurrency mug", "absent fields keep their value");
        body.GetProperty("updatedAt").GetDateTimeOffset().Should().Be(app.Clock.GetUtcNow());

        await (await PatchAsync(id, "\"1\"", new { name = "Lost update" })).ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed);
        (await GetAsync(id)).GetProperty("name").GetString().Should().Be("Concurrency mug");

        (await PatchAsync(id, "*", new { name = "Any version" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await GetAsync(id)).GetProperty("version").GetInt32().Should().Be(3);
    }

    [Fact]
    public async Task Concurrent_updates_with_the_same_etag_let_exactly_one_win()
    {
        var id = await CreateAsync("RACE-P", "Race product", null);
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
        {
            var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/products/{id}") { Content = JsonContent.Create(new { name = $"Writer {i}" }) };
            request.Headers.IfMatch.ParseAdd("\"1\"");
            return app.ClientAs(Role.Marketing).SendAsync(request);
        }));

        responses.Count(r => r.StatusCode == HttpStatusCode.OK).Should().Be(1);
        responses.Where(r => r.StatusCode != HttpStatusCode.OK).Should().OnlyContain(r => r.StatusCode == HttpStatusCode.PreconditionFailed);
        var winner = await responses.Single(r => r.StatusCode == HttpStatusCode.OK).ReadJsonAsync();
        var stored = await GetAsync(id);
        stored.GetProperty("version").GetInt32().Should().Be(2);
        stored.GetProperty("name").GetString().Should().Be(winner.GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_product_in_use_is_deactivated_not_deleted()
    {
        var used = await CreateAsync("USED-1", "Used product", null);
        var unused = await CreateAsync("FREE-1", "Unused product", null);
        var customerId = await app.CustomerAsync();
        var sale = await app.ClientAs(Role.Sales).PostAsJsonAsync("/api/v1/transactions", new { customerId, lines = new[] { new { sku = "USED-1", unitPrice = 2m } } });
        sale.StatusCode.Should().Be(HttpStatusCode.Created);
        (await GetAsync(used)).GetProperty("inUse").GetBoolean().Should().BeTrue();

        var refused = await _marketing.DeleteAsync($"/api/v1/products/{used}");
        var problem = await refused.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        problem.GetProperty("detail").GetString().Should().Contain("deactivate");
        (await app.WithDbAsync(db => db.Products.AnyAsync(p => p.Id == used))).Should().BeTrue();

        (await PatchAsync(used, "\"1\"", new { active = false })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await GetAsync(used)).GetProperty("active").GetBoolean().Should().BeFalse();

        var stale = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/products/{unused}");
        stale.Headers.IfMatch.ParseAdd("\"9\"");
        await (await _marketing.SendAsync(stale)).ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed);

        (await _marketing.DeleteAsync($"/api/v1/products/{unused}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        await (await _marketing.GetAsync($"/api/v1/products/{unused}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await _marketing.DeleteAsync($"/api/v1/products/{unused}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Search_matches_name_or_sku_ignoring_case_and_pages_by_name()
    {
        var prefix = "Zz" + Guid.NewGuid().ToString("N")[..6];
        var names = new[] { "apple", "Banana", "cherry", "Apple", "date", "Elderberry", "fig", "apple" };
        var ids = new List<long>();
        for (var i = 0; i < names.Length; i++)
        {
            ids.Add(await CreateAsync($"{prefix}-{i}", $"{prefix} {names[i]}", i % 2 == 0 ? "Fruit" : "Fresh", kind: i == 6 ? "service" : "product"));
        }

        var walked = await _marketing.WalkAsync($"/api/v1/products?q={prefix.ToLowerInvariant()}", 3);
        walked.Select(p => p.GetProperty("name").GetString()!.ToLowerInvariant()).Should().BeInAscendingOrder(StringComparer.Ordinal);
        walked.Select(p => p.GetProperty("id").GetInt64()).Should().BeEquivalentTo(ids).And.OnlyHaveUniqueItems();
        var apples = walked.Where(p => p.GetProperty("name").GetString()!.EndsWith("apple", StringComparison.OrdinalIgnoreCase)).Select(p => p.GetProperty("id").GetInt64());
        apples.Should().BeInAscendingOrder("ties on the name are ordered by id");

        var bySku = await (await _marketing.GetAsync($"/api/v1/products?q={prefix.ToUpperInvariant()}-3")).ReadJsonAsync();
        bySku.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetInt64()).Should().Equal(ids[3]);

        var fruit = await _marketing.WalkAsync($"/api/v1/products?q={prefix}&category=Fruit&kind=product", 2);
        fruit.Select(p => p.GetProperty("id").GetInt64()).Should().BeEquivalentTo(new[] { ids[0], ids[2], ids[4] });

        await PatchAsync(ids[1], "\"1\"", new { active = false });
        var inactive = await _marketing.WalkAsync($"/api/v1/products?q={prefix}&active=false", 10);
        inactive.Select(p => p.GetProperty("id").GetInt64()).Should().Equal(ids[1]);
    }

    [Fact]
    public async Task Categories_are_listed_with_counts_and_keep_one_spelling()
    {
        var category = "Tea" + Guid.NewGuid().ToString("N")[..6];
        await CreateAsync("CAT-1-" + category, "Green", category);
        await CreateAsync("CAT-2-" + category, "Black", category.ToLowerInvariant());
        var inactive = await CreateAsync("CAT-3-" + category, "White", category.ToUpperInvariant());
        await PatchAsync(inactive, "\"1\"", new { active = false });

        var categories = await (await _marketing.GetAsync("/api/v1/products/categories")).ReadJsonAsync();
        var row = categories.EnumerateArray().Single(c => c.GetProperty("name").GetString()!.Equals(category, StringComparison.OrdinalIgnoreCase));
        row.GetProperty("name").GetString().Should().Be(category, "the first spelling wins");
        row.GetProperty("productCount").GetInt32().Should().Be(3);
        row.GetProperty("activeCount").GetInt32().Should().Be(2);
        categories.EnumerateArray().Select(c => c.GetProperty("name").GetString()).Should().BeInAscendingOrder(StringComparer.Ordinal);
    }

    public static TheoryData<string, string?> BadCreates => new()
    {
        { "[", null },
        { """{"sku": "B-1", "name": "x", "price": "cheap"}""", "price" },
        { """{"sku": "B-1", "name": "x", "active": "yes"}""", "active" },
        { """{"sku": "B-1", "name": "x", "kind": "gadget"}""", "kind" },
        { """{"sku": "B-1", "name": "x", "colour": "red"}""", "colour" },
        { """{"sku": 12, "name": "x"}""", "sku" },
        { """{"name": "x"}""", "sku" },
        { """{"sku": "B-1"}""", "name" },
        { """{"sku": "B-1", "name": "NAME201"}""", "name" },
        { """{"sku": "SKU65", "name": "x"}""", "sku" },
        { """{"sku": "B\t1", "name": "x"}""", "sku" },
        { """{"sku": "B-1", "name": "x", "description": "DESC2001"}""", "description" },
        { """{"sku": "B-1", "name": "x", "category": "CAT101"}""", "category" },
        { """{"sku": "B-1", "name": "x", "price": -0.5}""", "price" },
        { """{"sku": "B-1", "name": "x", "cost": -1}""", "cost" },
        { """{"sku": "B-1", "name": "x", "price": 0.12345}""", "price" },
        { """{"sku": "B-1", "name": "x", "currency": "dollars"}""", "currency" },
        { """{"sku": "B-1", "name": "x", "currency": "XYZ"}""", "currency" },
    };

    [Theory]
    [MemberData(nameof(BadCreates))]
    public async Task Bad_creates_are_400_naming_the_field_and_store_nothing(string body, string? field)
    {
        var before = await app.WithDbAsync(db => db.Products.CountAsync());
        var json = body.Replace("NAME201", new string('n', 201), StringComparison.Ordinal)
            .Replace("SKU65", new string('s', 65), StringComparison.Ordinal)
            .Replace("DESC2001", new string('d', 2001), StringComparison.Ordinal)
            .Replace("CAT101", new string('c', 101), StringComparison.Ordinal);

        await (await _marketing.PostAsync("/api/v1/products", ActivityKit.Json(json))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, field);
        (await app.WithDbAsync(db => db.Products.CountAsync())).Should().Be(before);
    }

    public static TheoryData<string, string?> BadPatches => new()
    {
        { "{\"name\": ", null },
        { """{"price": "cheap"}""", "price" },
        { """{"active": null}""", "active" },
        { """{"name": null}""", "name" },
        { """{"sku": ""}""", "sku" },
        { """{"kind": null}""", "kind" },
        { """{"currency": null}""", "currency" },
        { """{"currency": "usd1"}""", "currency" },
        { """{"cost": -3}""", "cost" },
        { """{"name": "NAME201"}""", "name" },
        { """{"version": 4}""", "version" },
    };

    [Theory]
    [MemberData(nameof(BadPatches))]
    public async Task Bad_patches_are_400_naming_the_field_and_change_nothing(string body, string? field)
    {
        var id = await CreateAsync("PATCH-" + Guid.NewGuid().ToString("N")[..8], "Patch target", "Things");
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/products/{id}")
        {
            Content = ActivityKit.Json(body.Replace("NAME201", new string('n', 201), StringComparison.Ordinal)),
        };
        request.Headers.IfMatch.ParseAdd("\"1\"");

        await (await _marketing.SendAsync(request)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, field);
        var stored = await app.WithDbAsync(db => db.Products.AsNoTracking().SingleAsync(p => p.Id == id));
        stored.Version.Should().Be(1);
        stored.Name.Should().Be("Patch target");
        stored.Category.Should().Be("Things");
    }

    [Theory]
    [InlineData("kind=gadget", "kind")]
    [InlineData("active=maybe", "active")]
    [InlineData("limit=1000", "limit")]
    [InlineData("after=bm90LWpzb24", "after")]
    public async Task Bad_searches_are_400_naming_the_parameter(string query, string field)
    {
        await (await _marketing.GetAsync($"/api/v1/products?{query}")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Only_admin_and_marketing_change_the_catalogue()
    {
        var id = await CreateAsync("ROLE-1", "Role check", null);
        foreach (var role in new[] { Role.Sales, Role.Service, Role.Analyst })
        {
            var client = app.ClientAs(role);
            (await client.GetAsync($"/api/v1/products/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
            (await client.GetAsync("/api/v1/products")).StatusCode.Should().Be(HttpStatusCode.OK);
            (await client.GetAsync("/api/v1/products/categories")).StatusCode.Should().Be(HttpStatusCode.OK);
            await (await client.PostAsJsonAsync("/api/v1/products", new { sku = $"ROLE-{role}", name = "x" })).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
            var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/products/{id}") { Content = JsonContent.Create(new { name = "Hacked" }) };
            patch.Headers.IfMatch.ParseAdd("\"1\"");
            await (await client.SendAsync(patch)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
            await (await client.DeleteAsync($"/api/v1/products/{id}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        }

        var anonymous = app.Anonymous();
        await (await anonymous.GetAsync("/api/v1/products")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.GetAsync("/api/v1/products/categories")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.GetAsync($"/api/v1/products/{id}")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.PostAsJsonAsync("/api/v1/products", new { sku = "ANON", name = "x" })).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.DeleteAsync($"/api/v1/products/{id}")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);

        var stored = await app.WithDbAsync(db => db.Products.AsNoTracking().SingleAsync(p => p.Id == id));
        stored.Name.Should().Be("Role check");
        (await app.ClientAs(Role.Admin).DeleteAsync($"/api/v1/products/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task A_malformed_if_match_on_delete_is_a_400_and_deletes_nothing()
    {
        var id = await CreateAsync("ETAG-DEL", "Kept", null);
        var request = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/products/{id}");
        request.Headers.TryAddWithoutValidation("If-Match", "version one");
        await (await _marketing.SendAsync(request)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "If-Match");
        (await app.WithDbAsync(db => db.Products.AnyAsync(p => p.Id == id))).Should().BeTrue();
    }

    [Fact]
    public async Task Unknown_ids_are_404()
    {
        await (await _marketing.GetAsync("/api/v1/products/424242")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await PatchAsync(424242, "\"1\"", new { name = "x" })).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await _marketing.DeleteAsync("/api/v1/products/424242")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    private async Task<long> CreateAsync(string sku, string name, string? category, string kind = "product")
    {
        var response = await _marketing.PostAsJsonAsync("/api/v1/products", new { sku, name, category, kind, price = 1m });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).GetProperty("id").GetInt64();
    }

    private async Task<JsonElement> GetAsync(long id) => await (await _marketing.GetAsync($"/api/v1/products/{id}")).ReadJsonAsync();

    private Task<HttpResponseMessage> PatchAsync(long id, string? ifMatch, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/products/{id}") { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return _marketing.SendAsync(request);
    }
}
