using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Interactions;
using Rapport.Values;

namespace Rapport.Tests.Values;

public sealed class ValueApiTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private readonly HttpClient _marketing = app.ClientAs(Role.Marketing);

    [Fact]
    public async Task A_new_database_starts_with_the_twelve_default_values_and_their_history()
    {
        var list = await (await _marketing.GetAsync("/api/v1/values?status=active")).ReadJsonAsync();
        var keys = list.EnumerateArray().Select(v => v.GetProperty("key").GetString()).ToList();
        keys.Should().Contain(DefaultValues.All.Select(v => v.Key));

        var sustainability = await (await _marketing.GetAsync("/api/v1/values/sustainability")).ReadJsonAsync();
        sustainability.GetProperty("name").GetString().Should().Be("Sustainability");
        sustainability.GetProperty("status").GetString().Should().Be("active");
        sustainability.GetProperty("vocabulary").EnumerateArray().Select(e => e.GetString())
            .Should().Equal(DefaultValues.Find("sustainability")!.Vocabulary);
        sustainability.GetProperty("importance").ValueKind.Should().Be(JsonValueKind.Null);

        var history = await (await _marketing.GetAsync("/api/v1/values/sustainability/history")).ReadJsonAsync();
        history.GetProperty("changes").EnumerateArray().Single().GetProperty("kind").GetString().Should().Be("created");
        (await _marketing.GetAsync("/api/v1/values/no_such_value")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Create_then_edit_with_the_etag_records_each_change()
    {
        var created = await _marketing.PostAsJsonAsync("/api/v1/values", new
        {
            key = "local_sourcing", name = "Local sourcing", description = "Buying close to home.",
            vocabulary = new List<string> { " Local Farm ", "local farm", "nearby", "" },
        });
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        created.Headers.Location!.ToString().Should().Be("/api/v1/values/local_sourcing");
        created.Headers.ETag!.Tag.Should().Be("\"1\"");
        var body = await created.ReadJsonAsync();
        body.GetProperty("vocabulary").EnumerateArray().Select(e => e.GetString()).Should().Equal("local farm", "nearby");

        await (await PatchAsync("local_sourcing", null, new { name = "Locally sourced" })).ShouldBeProblemAsync((HttpStatusCode)428);
        await (await PatchAsync("local_sourcing", "\"9\"", new { name = "Locally sourced" })).ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed);
        var patched = await PatchAsync("local_sourcing", "\"1\"", new { name = "Locally sourced", vocabulary = new List<string> { "nearby", "farm shop" }, description = (string?)null });
        patched.StatusCode.Should().Be(HttpStatusCode.OK, await patched.Content.ReadAsStringAsync());
        patched.Headers.ETag!.Tag.Should().Be("\"2\"");
        var after = await patched.ReadJsonAsync();
        after.GetProperty("name").GetString().Should().Be("Locally sourced");
        after.GetProperty("description").ValueKind.Should().Be(JsonValueKind.Null);
        after.GetProperty("vocabulary").EnumerateArray().Select(e => e.GetString()).Should().Equal("nearby", "farm shop");

        await (await PatchAsync("local_sourcing", "\"2\"", new { key = "other_key" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await PatchAsync("local_sourcing", "\"2\"", new { name = (string?)null })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "name");
        var unchanged = await PatchAsync("local_sourcing", "\"2\"", new { name = "Locally sourced" });
        unchanged.Headers.ETag!.Tag.Should().Be("\"2\"", "a patch that changes nothing keeps the version");

        var history = await (await _marketing.GetAsync("/api/v1/values/local_sourcing/history")).ReadJsonAsync();
        var changes = history.GetProperty("changes").EnumerateArray().ToList();
        changes.Select(c => c.GetProperty("kind").GetString()).Should().Equal("created", "renamed", "descriptionChanged", "vocabularyChanged");
        changes[1].GetProperty("summary").GetString().Should().Be("Renamed from 'Local sourcing' to 'Locally sourced'.");
        changes[3].GetProperty("summary").GetString().Should().Be("Vocabulary: added 'farm shop'; removed 'local farm'.");
        changes.Should().OnlyContain(c => c.GetProperty("changedBy").GetString() == "API key test Marketing");
    }

    [Fact]
    public async Task A_taken_key_or_name_is_a_409_and_bad_input_a_400_naming_the_field()
    {
        await (await _marketing.PostAsJsonAsync("/api/v1/values", new { key = "quality", name = "Quality again" })).ShouldBeProblemAsync(HttpStatusCode.Conflict, "key");
        await (await _marketing.PostAsJsonAsync("/api/v1/values", new { key = "quality_two", name = "QUALITY" })).ShouldBeProblemAsync(HttpStatusCode.Conflict, "name");
        foreach (var key in new[] { "Quality", "fair trade", "1st", "fair__trade", "fair_", "", new string('a', 51) })
        {
            await (await _marketing.PostAsJsonAsync("/api/v1/values", new { key, name = "Whatever " + key })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "key");
        }

        await (await _marketing.PostAsJsonAsync("/api/v1/values", new { key = "no_name" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "name");
        await (await _marketing.PostAsJsonAsync("/api/v1/values", new { key = "long_word", name = "Long word", vocabulary = new[] { "ok", new string('x', 101) } }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "vocabulary[1]");
        await (await _marketing.PostAsJsonAsync("/api/v1/values", new { key = "odd", name = "Odd", status = "retired" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await _marketing.GetAsync("/api/v1/values?status=gone")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "status");
        (await app.WithDbAsync(db => db.TaxonomyValues.CountAsync(v => v.Key == "no_name" || v.Key == "long_word"))).Should().Be(0);
    }

    [Fact]
    public async Task Importance_is_rated_1_to_5_with_evidence_and_an_owner_and_keeps_its_history()
    {
        var owner = await app.AddUserAsync(Role.Marketing, "Olivia Owner");
        await (await PutImportanceAsync("craftsmanship", new { importance = 6, evidence = "x", ownerId = owner.Id })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "importance");
        await (await PutImportanceAsync("craftsmanship", new { importance = 0, evidence = "x", ownerId = owner.Id })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "importance");
        await (await PutImportanceAsync("craftsmanship", new { evidence = "x", ownerId = owner.Id })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "importance");
        await (await PutImportanceAsync("craftsmanship", new { importance = 4, evidence = "  ", ownerId = owner.Id })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "evidence");
        await (await PutImportanceAsync("craftsmanship", new { importance = 4, evidence = "x", ownerId = 987654 })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "ownerId");
        await (await PutImportanceAsync("craftsmanship", new { importance = 4, evidence = "x" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "ownerId");
        (await PutImportanceAsync("nothing_here", new { importance = 4, evidence = "x", ownerId = owner.Id })).StatusCode.Should().Be(HttpStatusCode.NotFound);

        (await PutImportanceAsync("craftsmanship", new { importance = 3, evidence = "We roast in small batches.", ownerId = owner.Id })).StatusCode.Should().Be(HttpStatusCode.OK);
        app.Clock.Advance(TimeSpan.FromDays(1));
        var rated = await (await PutImportanceAsync("craftsmanship", new { importance = 5, evidence = "Every bag is roasted by hand.", ownerId = owner.Id })).ReadJsonAsync();
        var importance = rated.GetProperty("importance");
        importance.GetProperty("importance").GetInt32().Should().Be(5);
        importance.GetProperty("evidence").GetString().Should().Be("Every bag is roasted by hand.");
        importance.GetProperty("owner").GetProperty("name").GetString().Should().Be("Olivia Owner");
        importance.GetProperty("ratedAt").GetDateTimeOffset().Should().Be(app.Clock.GetUtcNow());

        var history = await (await _marketing.GetAsync("/api/v1/values/craftsmanship/history")).ReadJsonAsync();
        history.GetProperty("ratings").EnumerateArray().Select(r => r.GetProperty("importance").GetInt32()).Should().Equal(3, 5);
    }

    [Fact]
    public async Task Merging_moves_vocabulary_and_tags_resolves_the_old_key_and_records_history_on_both()
    {
        await CreateAsync("eco", "Eco", "eco", "packaging", "zero waste");
        await CreateAsync("planet", "Planet", "packaging", "planet");
        var product = await CreateProductAsync("MERGE-1");
        (await _marketing.PutAsJsonAsync($"/api/v1/products/{product}/values", new { values = new[] { new { value = "eco", strength = 3 }, new { value = "planet", strength = 1 } } }))
            .StatusCode.Should().Be(HttpStatusCode.OK);

        await (await _marketing.PostAsJsonAsync("/api/v1/values/eco/merge", new { into = "eco" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "into");
        await (await _marketing.PostAsJsonAsync("/api/v1/values/eco/merge", new { into = "nowhere" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "into");
        await (await _marketing.PostAsJsonAsync("/api/v1/values/eco/merge", new { })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "into");

        var merged = await _marketing.PostAsJsonAsync("/api/v1/values/eco/merge", new { into = "planet" });
        merged.StatusCode.Should().Be(HttpStatusCode.OK, await merged.Content.ReadAsStringAsync());
        var target = await merged.ReadJsonAsync();
        target.GetProperty("key").GetString().Should().Be("planet");
        target.GetProperty("vocabulary").EnumerateArray().Select(e => e.GetString()).Should().Equal("packaging", "planet", "eco", "zero waste");

        var byOldKey = await (await _marketing.GetAsync("/api/v1/values/eco")).ReadJsonAsync();
        byOldKey.GetProperty("key").GetString().Should().Be("planet", "a merged key resolves to the value it was merged into");
        var tags = await (await _marketing.GetAsync($"/api/v1/products/{product}/values")).ReadJsonAsync();
        tags.GetProperty("values").EnumerateArray().Select(t => (t.GetProperty("value").GetString(), t.GetProperty("strength").GetInt32()))
            .Should().Equal(("planet", 3));

        var merges = await (await _marketing.GetAsync("/api/v1/values?status=merged")).ReadJsonAsync();
        var eco = merges.EnumerateArray().Single(v => v.GetProperty("key").GetString() == "eco");
        eco.GetProperty("mergedInto").GetString().Should().Be("planet");
        eco.GetProperty("vocabulary").EnumerateArray().Should().BeEmpty("the vocabulary moved to planet");

        var ecoHistory = await (await _marketing.GetAsync("/api/v1/values/eco/history")).ReadJsonAsync();
        ecoHistory.GetProperty("changes").EnumerateArray().Last().GetProperty("kind").GetString().Should().Be("mergedInto");
        var planetHistory = await (await _marketing.GetAsync("/api/v1/values/planet/history")).ReadJsonAsync();
        var absorbed = planetHistory.GetProperty("changes").EnumerateArray().Last();
        absorbed.GetProperty("kind").GetString().Should().Be("absorbed");
        absorbed.GetProperty("relatedKey").GetString().Should().Be("eco");

        await (await _marketing.PostAsJsonAsync("/api/v1/values/eco/reinstate", new { })).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await (await _marketing.PostAsJsonAsync("/api/v1/values", new { key = "eco", name = "Eco again" })).ShouldBeProblemAsync(HttpStatusCode.Conflict, "key");
        await (await _marketing.PostAsJsonAsync("/api/v1/values/quality/merge", new { into = "eco" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "into");
    }

    [Fact]
    public async Task Retire_and_reinstate_keep_the_row_and_its_history()
    {
        await CreateAsync("seasonal", "Seasonal", "seasonal");
        await (await _marketing.PostAsJsonAsync("/api/v1/values/seasonal/retire", new { }, CancellationToken.None)).ShouldBeOkAsync();
        var retired = await (await _marketing.GetAsync("/api/v1/values/seasonal")).ReadJsonAsync();
        retired.GetProperty("status").GetString().Should().Be("retired");
        var product = await CreateProductAsync("RET-1");
        await (await _marketing.PutAsJsonAsync($"/api/v1/products/{product}/values", new { values = new[] { new { value = "seasonal", strength = 2 } } }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "values[0].value");
        var owner = await app.AddUserAsync(Role.Marketing);
        await (await PutImportanceAsync("seasonal", new { importance = 2, evidence = "x", ownerId = owner.Id })).ShouldBeProblemAsync(HttpStatusCode.Conflict);

        var reinstate = new HttpRequestMessage(HttpMethod.Post, "/api/v1/values/seasonal/reinstate");
        reinstate.Headers.IfMatch.ParseAdd("\"1\"");
        await (await _marketing.SendAsync(reinstate)).ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed);
        var ok = await _marketing.PostAsync("/api/v1/values/seasonal/reinstate", null);
        ok.StatusCode.Should().Be(HttpStatusCode.OK);
        (await ok.ReadJsonAsync()).GetProperty("status").GetString().Should().Be("active");

        var history = await (await _marketing.GetAsync("/api/v1/values/seasonal/history")).ReadJsonAsync();
        history.GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("kind").GetString()).Should().Equal("created", "retired", "reinstated");
    }

    [Fact]
    public async Task Product_value_tags_take_strength_1_to_3_and_replace_the_list()
    {
        var product = await CreateProductAsync("TAG-1");
        var path = $"/api/v1/products/{product}/values";
        await (await _marketing.PutAsJsonAsync(path, new { values = new[] { new { value = "quality", strength = 4 } } })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "values[0].strength");
        await (await _marketing.PutAsJsonAsync(path, new { values = new[] { new { value = "quality", strength = 0 } } })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "values[0].strength");
        await (await _marketing.PutAsJsonAsync(path, new { values = new[] { new { value = "unknown", strength = 1 } } })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "values[0].value");
        await (await _marketing.PutAsJsonAsync(path, new { values = new[] { new { value = "quality", strength = 1 }, new { value = "quality", strength = 2 } } }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "values[1].value");
        await (await _marketing.PutAsJsonAsync(path, new { })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "values");
        (await _marketing.PutAsJsonAsync("/api/v1/products/999999/values", new { values = Array.Empty<object>() })).StatusCode.Should().Be(HttpStatusCode.NotFound);

        var set = await (await _marketing.PutAsJsonAsync(path, new { values = new[] { new { value = "price", strength = 1 }, new { value = "quality", strength = 3 } } })).ReadJsonAsync();
        set.GetProperty("values").EnumerateArray().Select(t => t.GetProperty("value").GetString()).Should().Equal("quality", "price");
        var replaced = await (await _marketing.PutAsJsonAsync(path, new { values = new[] { new { value = "service", strength = 2 } } })).ReadJsonAsync();
        replaced.GetProperty("values").GetArrayLength().Should().Be(1);
        (await (await _marketing.GetAsync("/api/v1/values/service")).ReadJsonAsync()).GetProperty("productCount").GetInt32().Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task Partners_are_rated_on_values_and_get_a_fit_score()
    {
        var owner = await app.AddUserAsync(Role.Marketing);
        await CreateAsync("fit_a", "Fit A", "fit a");
        await CreateAsync("fit_b", "Fit B", "fit b");
        // Only these two values are rated by the business in this test's database? Others may be rated by other tests,
        // so the fit is checked through PartnerFit directly and the API only for its presence.
        (await PutImportanceAsync("fit_a", new { importance = 5, evidence = "core", ownerId = owner.Id })).StatusCode.Should().Be(HttpStatusCode.OK);

        await (await _marketing.PostAsJsonAsync("/api/v1/partners", new { })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "name");
        await (await _marketing.PostAsJsonAsync("/api/v1/partners", new { name = "X", kind = "alien" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        var created = await _marketing.PostAsJsonAsync("/api/v1/partners", new
        {
            name = "Green Beans Blog", kind = "influencer", audience = "Home brewers", channels = new List<string> { "Instagram", "newsletter", "instagram" }, contact = "ana@greenbeans.example",
        });
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var partner = await created.ReadJsonAsync();
        var id = partner.GetProperty("id").GetInt64();
        partner.GetProperty("channels").EnumerateArray().Select(c => c.GetString()).Should().Equal("instagram", "newsletter");
        partner.GetProperty("fit").ValueKind.Should().Be(JsonValueKind.Null, "the partner has no ratings yet");

        await (await _marketing.PutAsJsonAsync($"/api/v1/partners/{id}/values", new { values = new[] { new { value = "fit_a", rating = 6 } } }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "values[0].rating");
        var rated = await (await _marketing.PutAsJsonAsync($"/api/v1/partners/{id}/values", new { values = new[] { new { value = "fit_a", rating = 5 }, new { value = "fit_b", rating = 2 } } })).ReadJsonAsync();
        rated.GetProperty("values").EnumerateArray().Select(v => v.GetProperty("value").GetString()).Should().Equal("fit_a", "fit_b");
        rated.GetProperty("fit").GetInt32().Should().BeInRange(0, 100);

        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/partners/{id}") { Content = JsonContent.Create(new { audience = (string?)null }) };
        patch.Headers.IfMatch.ParseAdd("\"1\"");
        var patched = await (await _marketing.SendAsync(patch)).ReadJsonAsync();
        patched.GetProperty("audience").ValueKind.Should().Be(JsonValueKind.Null);
        patched.GetProperty("version").GetInt32().Should().Be(2);

        (await (await _marketing.GetAsync("/api/v1/partners")).ReadJsonAsync()).EnumerateArray().Should().Contain(p => p.GetProperty("id").GetInt64() == id);
        (await _marketing.DeleteAsync($"/api/v1/partners/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await _marketing.GetAsync($"/api/v1/partners/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public void The_fit_score_weighs_agreement_by_the_business_importance()
    {
        var business = new Dictionary<long, int> { [1] = 5, [2] = 1 };
        PartnerFit.Score(new Dictionary<long, int> { [1] = 5, [2] = 1 }, business).Should().Be(100);
        PartnerFit.Score(new Dictionary<long, int> { [1] = 1, [2] = 5 }, business).Should().Be(0);
        // Value 1 matches (5 × 1), value 2 is unrated and counts as 1, matching (1 × 1): 100.
        PartnerFit.Score(new Dictionary<long, int> { [1] = 5 }, business).Should().Be(100);
        // Value 1 off by 2 (5 × 0.5), value 2 matches (1 × 1): (2.5 + 1) / 6 = 58.3.
        PartnerFit.Score(new Dictionary<long, int> { [1] = 3, [2] = 1 }, business).Should().Be(58);
        PartnerFit.Score(new Dictionary<long, int>(), business).Should().BeNull();
        PartnerFit.Score(new Dictionary<long, int> { [1] = 3 }, new Dictionary<long, int>()).Should().BeNull();
    }

    [Fact]
    public async Task An_analyst_reads_values_but_every_write_is_a_403()
    {
        var analyst = app.ClientAs(Role.Analyst);
        (await analyst.GetAsync("/api/v1/values")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await analyst.GetAsync("/api/v1/values/quality/history")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await analyst.GetAsync("/api/v1/partners")).StatusCode.Should().Be(HttpStatusCode.OK);
        await (await analyst.PostAsJsonAsync("/api/v1/values", new { key = "analyst_value", name = "Analyst" })).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await analyst.PostAsJsonAsync("/api/v1/values/quality/retire", new { })).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await analyst.PutAsJsonAsync("/api/v1/values/quality/importance", new { importance = 1, evidence = "x", ownerId = 1 })).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await app.ClientAs(Role.Sales).PostAsJsonAsync("/api/v1/values", new { key = "sales_value", name = "Sales" })).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        (await app.WithDbAsync(db => db.TaxonomyValues.CountAsync(v => v.Key == "analyst_value" || v.Key == "sales_value"))).Should().Be(0);
        (await (await analyst.GetAsync("/api/v1/values/quality")).ReadJsonAsync()).GetProperty("status").GetString().Should().Be("active");
    }

    [Fact]
    public async Task Creating_with_an_idempotency_key_twice_stores_one_value()
    {
        async Task<HttpResponseMessage> PostAsync()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/values") { Content = JsonContent.Create(new { key = "once_only", name = "Once only" }) };
            request.Headers.Add("Idempotency-Key", "value-once-1");
            return await _marketing.SendAsync(request);
        }

        (await PostAsync()).StatusCode.Should().Be(HttpStatusCode.Created);
        var replay = await PostAsync();
        replay.StatusCode.Should().Be(HttpStatusCode.Created);
        replay.Headers.GetValues("Idempotent-Replayed").Should().Equal("true");
        (await app.WithDbAsync(db => db.TaxonomyValues.CountAsync(v => v.Key == "once_only"))).Should().Be(1);
    }

    private async Task CreateAsync(string key, string name, params string[] vocabulary)
    {
        var response = await _marketing.PostAsJsonAsync("/api/v1/values", new { key, name, vocabulary });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    private async Task<long> CreateProductAsync(string sku)
    {
        var response = await _marketing.PostAsJsonAsync("/api/v1/products", new { sku, name = "Product " + sku });
        return (await response.ReadJsonAsync()).GetProperty("id").GetInt64();
    }

    private Task<HttpResponseMessage> PutImportanceAsync(string key, object body) => _marketing.PutAsJsonAsync($"/api/v1/values/{key}/importance", body);

    private Task<HttpResponseMessage> PatchAsync(string key, string? ifMatch, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/values/{key}") { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return _marketing.SendAsync(request);
    }
}

internal static class ValueTestKit
{
    public static async Task ShouldBeOkAsync(this HttpResponseMessage response) =>
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
}
