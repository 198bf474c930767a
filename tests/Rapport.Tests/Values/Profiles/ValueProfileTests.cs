using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Identity;
using Rapport.Research.Evidence;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Interactions;
using Rapport.Tests.Pages;
using Rapport.Values;
using Rapport.Values.Profiles;

namespace Rapport.Tests.Values.Profiles;

/// <summary>Customer value profiles through the real host: recompute, the API, the profiling switch, the pages.</summary>
public sealed class ValueProfileTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private const string Script = "<script>alert('x')</script>";

    /// <summary>Ana: said she values sustainability, mentioned quality (with markup), bought organic beans twice.</summary>
    private async Task<long> AnaAsync(string first = "Ana")
    {
        var now = app.Clock.GetUtcNow();
        var ana = await ProfileKit.CustomerAsync(app, first, "Profiled");
        await ProfileKit.EvidenceAsync(app, ana, "sustainability", EvidenceKind.Stated, 1.0, now.AddDays(-30), "Rated Sustainability 5/5 in 'Spring survey'");
        await ProfileKit.EvidenceAsync(app, ana, "quality", EvidenceKind.Mention, 1.0, now.AddDays(-10), $"the quality {Script} is why I come back",
            EvidenceSources.SurveyAnswer);
        await ProfileKit.EvidenceAsync(app, ana, "price", EvidenceKind.Mention, MentionIndexer.NegatedOnlySignal, now.AddDays(-10), "I don't care about price");
        var beans = await ProfileKit.ProductAsync(app, "Organic beans", ("sustainability", 3));
        var cups = await ProfileKit.ProductAsync(app, "Paper cups");
        await ProfileKit.BuyAsync(app, ana, now.AddDays(-60), (beans, 30m), (cups, 10m));
        await ProfileKit.BuyAsync(app, ana, now.AddDays(-5), (beans, 30m));
        return ana;
    }

    private Task<List<CustomerValueScore>> StoredAsync(long customerId) =>
        app.WithDbAsync(db => db.Set<CustomerValueScore>().AsNoTracking().Where(s => s.CustomerId == customerId).ToListAsync());

    private Task<CustomerValueProfile?> ProfileAsync(long customerId) =>
        app.WithDbAsync(db => db.Set<CustomerValueProfile>().AsNoTracking().SingleOrDefaultAsync(p => p.CustomerId == customerId));

    [Fact]
    public async Task Recompute_stores_scores_and_alignment_and_the_api_lists_the_same_scores_with_their_evidence()
    {
        await ProfileKit.RateAsync(app, "sustainability", 5);
        await ProfileKit.RateAsync(app, "quality", 3);
        var ana = await AnaAsync();

        var recompute = await app.ClientAs(Role.Marketing).PostAsync("/api/v1/values/profiles/recompute", null);
        recompute.StatusCode.Should().Be(HttpStatusCode.OK);
        var run = await recompute.ReadJsonAsync();
        run.GetProperty("customers").GetInt32().Should().BeGreaterThanOrEqualTo(1);
        run.GetProperty("scores").GetInt32().Should().BeGreaterThanOrEqualTo(3);

        var sustainabilityId = await ProfileKit.ValueIdAsync(app, "sustainability");
        var stored = (await StoredAsync(ana)).ToDictionary(s => s.ValueId);
        stored.Should().HaveCount(3);
        var sustainability = stored[sustainabilityId];
        sustainability.Score.Should().BeGreaterThan(0.8).And.BeLessThan(1);
        sustainability.EvidenceCount.Should().Be(3, "one stated answer and two purchases of beans");
        sustainability.LastEvidenceAt.Should().Be(new DateTimeOffset(app.Clock.GetUtcNow().UtcDateTime.Date.AddDays(-5), TimeSpan.Zero));
        sustainability.ComputedAt.Should().Be(app.Clock.GetUtcNow());
        stored[await ProfileKit.ValueIdAsync(app, "price")].Score.Should().BeLessThan(0.5);
        var profile = (await ProfileAsync(ana))!;
        profile.ProfilingEnabled.Should().BeTrue();
        profile.Alignment.Should().BeGreaterThan(0.5).And.BeLessThan(1);

        var body = await (await app.ClientAs(Role.Analyst).GetAsync($"/api/v1/customers/{ana}/values")).ReadJsonAsync();
        body.GetProperty("profilingEnabled").GetBoolean().Should().BeTrue();
        body.GetProperty("alignment").GetDouble().Should().BeApproximately(profile.Alignment!.Value, 1e-3);
        var values = body.GetProperty("values").EnumerateArray().ToList();
        values.Select(v => v.GetProperty("key").GetString()).Should().Equal("sustainability", "quality", "price");
        var first = values[0];
        first.GetProperty("score").GetDouble().Should().BeApproximately(sustainability.Score, 1e-3);
        first.GetProperty("confidence").GetDouble().Should().BeApproximately(sustainability.Confidence, 1e-3);
        first.GetProperty("confidenceWords").GetString().Should().NotBeNullOrEmpty();
        var evidence = first.GetProperty("evidence").EnumerateArray().ToList();
        evidence.Select(e => e.GetProperty("kind").GetString()).Should().BeEquivalentTo(["stated", "purchase"]);
        var stated = evidence.Single(e => e.GetProperty("kind").GetString() == "stated");
        stated.GetProperty("sourceType").GetString().Should().Be(EvidenceSources.SurveyResponse);
        stated.GetProperty("weight").GetDouble().Should().BeApproximately(3 * Math.Pow(2, -30.0 / 365), 1e-3);
        stated.GetProperty("quote").GetString().Should().Be("Rated Sustainability 5/5 in 'Spring survey'");
        var purchase = evidence.Single(e => e.GetProperty("kind").GetString() == "purchase");
        purchase.GetProperty("sourceType").GetString().Should().Be("product");
        purchase.GetProperty("source").GetString().Should().Be("purchase of Organic beans");
        purchase.GetProperty("quote").GetString().Should().Be("Bought Organic beans 2 times");
        // The weights shown add up to the score shown: (κ/2 + α) / (κ + W) with every piece here saying "cares".
        var total = evidence.Sum(e => e.GetProperty("weight").GetDouble());
        first.GetProperty("score").GetDouble().Should().BeApproximately((1 + total) / (2 + total), 2e-3);
        values[1].GetProperty("evidence")[0].GetProperty("quote").GetString().Should().Contain(Script);

        (await app.ClientAs(Role.Analyst).GetAsync("/api/v1/customers/999999999/values")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        // The customer's own record carries the stored alignment.
        var customer = await (await app.ClientAs(Role.Analyst).GetAsync($"/api/v1/customers/{ana}")).ReadJsonAsync();
        customer.GetProperty("valueAlignment").GetDouble().Should().Be(profile.Alignment!.Value);
    }

    [Fact]
    public async Task Only_admin_and_marketing_recompute_and_readers_must_sign_in()
    {
        (await app.ClientAs(Role.Sales).PostAsync("/api/v1/values/profiles/recompute", null)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await app.ClientAs(Role.Analyst).PostAsync("/api/v1/values/profiles/recompute", null)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await app.ClientAs(Role.Admin).PostAsync("/api/v1/values/profiles/recompute", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await app.Anonymous().GetAsync("/api/v1/customers/1/values")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await app.Anonymous().PutAsJsonAsync("/api/v1/customers/1/profiling", new { enabled = false })).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Profiling_off_deletes_scores_and_alignment_keeps_the_evidence_and_stays_off_through_recomputes()
    {
        await ProfileKit.RateAsync(app, "sustainability", 4);
        var ana = await AnaAsync("Olga");
        using var sales = app.ClientAs(Role.Sales);
        (await app.ClientAs(Role.Marketing).PostAsync("/api/v1/values/profiles/recompute", null)).EnsureSuccessStatusCode();
        (await StoredAsync(ana)).Should().NotBeEmpty();

        (await app.ClientAs(Role.Analyst).PutAsJsonAsync($"/api/v1/customers/{ana}/profiling", new { enabled = false })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        await (await sales.PutAsJsonAsync($"/api/v1/customers/{ana}/profiling", new { })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "enabled");
        await (await sales.PutAsJsonAsync("/api/v1/customers/999999999/profiling", new { enabled = false })).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        (await StoredAsync(ana)).Should().NotBeEmpty("refused requests change nothing");

        var off = await sales.PutAsJsonAsync($"/api/v1/customers/{ana}/profiling", new { enabled = false });
        off.StatusCode.Should().Be(HttpStatusCode.OK);
        var state = await off.ReadJsonAsync();
        state.GetProperty("enabled").GetBoolean().Should().BeFalse();
        state.GetProperty("changedBy").GetString().Should().Contain("Sales");
        state.GetProperty("alignment").ValueKind.Should().Be(JsonValueKind.Null);
        (await StoredAsync(ana)).Should().BeEmpty();
        (await ProfileAsync(ana))!.Alignment.Should().BeNull();
        (await (await sales.GetAsync($"/api/v1/customers/{ana}")).ReadJsonAsync()).GetProperty("valueAlignment").ValueKind.Should().Be(JsonValueKind.Null);
        (await app.WithDbAsync(db => db.Set<ValueEvidence>().CountAsync(e => e.CustomerId == ana))).Should().Be(3, "the evidence is kept");

        (await app.ClientAs(Role.Marketing).PostAsync("/api/v1/values/profiles/recompute", null)).EnsureSuccessStatusCode();
        await app.WithScopeAsync(sp => sp.GetRequiredService<RecomputeValueProfiles>().CustomerAsync(ana, CancellationToken.None));
        (await StoredAsync(ana)).Should().BeEmpty("profiling is off");
        (await ProfileAsync(ana))!.Alignment.Should().BeNull();
        var read = await (await sales.GetAsync($"/api/v1/customers/{ana}/values")).ReadJsonAsync();
        read.GetProperty("profilingEnabled").GetBoolean().Should().BeFalse();
        read.GetProperty("values").GetArrayLength().Should().Be(0);
        read.GetProperty("alignment").ValueKind.Should().Be(JsonValueKind.Null);
        read.GetProperty("unusedEvidence").GetInt32().Should().Be(3);

        var on = await sales.PutAsJsonAsync($"/api/v1/customers/{ana}/profiling", new { enabled = true });
        (await on.ReadJsonAsync()).GetProperty("alignment").GetDouble().Should().BeGreaterThan(0.5);
        (await StoredAsync(ana)).Should().HaveCount(3, "switching on computes the profile again at once");
    }

    [Fact]
    public async Task One_customer_recompute_follows_new_evidence_and_merged_values_count_for_their_target()
    {
        var ana = await ProfileKit.CustomerAsync(app, "Mia", "Merged");
        var key = "eco_" + Guid.NewGuid().ToString("N")[..6];
        var retiredKey = "old_" + Guid.NewGuid().ToString("N")[..6];
        await app.WithScopeAsync(async sp =>
        {
            var create = sp.GetRequiredService<CreateValue>();
            (await create.HandleAsync(new CreateValueRequest(key, "Eco " + key), new Actor(null, "test"), CancellationToken.None)).IsOk.Should().BeTrue();
            (await create.HandleAsync(new CreateValueRequest(retiredKey, "Old " + retiredKey), new Actor(null, "test"), CancellationToken.None)).IsOk.Should().BeTrue();
            return 0;
        });
        var now = app.Clock.GetUtcNow();
        await ProfileKit.EvidenceAsync(app, ana, key, EvidenceKind.Coded, 1.0, now.AddDays(-1), "We only buy what lasts.", EvidenceSources.Excerpt);
        await ProfileKit.EvidenceAsync(app, ana, "sustainability", EvidenceKind.Mention, 1.0, now.AddDays(-1), "sustainable packaging");
        await ProfileKit.EvidenceAsync(app, ana, retiredKey, EvidenceKind.Stated, 1.0, now.AddDays(-1), "old value");
        var run = await app.WithScopeAsync(sp => sp.GetRequiredService<RecomputeValueProfiles>().CustomerAsync(ana, CancellationToken.None));
        run.Scores.Should().Be(3);

        await app.WithScopeAsync(async sp =>
        {
            var merged = await sp.GetRequiredService<MergeValue>().HandleAsync(key, "sustainability", null, new Actor(null, "test"), CancellationToken.None);
            merged.IsOk.Should().BeTrue(merged.Message);
            var retired = await sp.GetRequiredService<ChangeValueStatus>().RetireAsync(retiredKey, null, new Actor(null, "test"), CancellationToken.None);
            retired.IsOk.Should().BeTrue(retired.Message);
            return 0;
        });
        await app.WithScopeAsync(sp => sp.GetRequiredService<RecomputeValueProfiles>().CustomerAsync(ana, CancellationToken.None));

        var stored = await StoredAsync(ana);
        var sustainabilityId = await ProfileKit.ValueIdAsync(app, "sustainability");
        stored.Should().ContainSingle().Which.ValueId.Should().Be(sustainabilityId);
        stored[0].EvidenceCount.Should().Be(2);
        stored[0].Score.Should().BeApproximately(ProfileScoring.Score(2 + 1, 0), 1e-3);

        var body = await (await app.ClientAs(Role.Analyst).GetAsync($"/api/v1/customers/{ana}/values")).ReadJsonAsync();
        var coded = body.GetProperty("values")[0].GetProperty("evidence").EnumerateArray().Single(e => e.GetProperty("kind").GetString() == "coded");
        coded.GetProperty("recordedAs").GetString().Should().Be(key);
        coded.GetProperty("source").GetString().Should().Be("interview excerpt");
    }

    [Fact]
    public async Task The_360_page_shows_what_the_customer_cares_about_with_escaped_evidence_and_the_switch()
    {
        await ProfileKit.RateAsync(app, "quality", 4);
        var ana = await AnaAsync();
        await app.WithScopeAsync(sp => sp.GetRequiredService<RecomputeValueProfiles>().AllAsync(CancellationToken.None));
        var session = await PageSession.SignInAsync(app, Role.Service);

        var response = await session.Client.GetAsync($"/customers/{ana}");
        var html = await response.Content.ReadAsStringAsync();
        html.Should().NotContain(Script, "quotes are shown escaped");
        var page = await session.ParseAsync(response);
        page.QuerySelector("#cares-heading").Text().Should().Be("What Ana cares about");
        var items = page.QuerySelectorAll("#customer-values .value-scores > li").ToList();
        items.Select(li => li.GetAttribute("data-value")).Should().Equal("sustainability", "quality", "price");
        items[0].QuerySelector(".score-bar > span")!.ClassName.Should().MatchRegex("^score-(1[6-9]|20)$");
        items[0].QuerySelector(".score-bar > span")!.HasAttribute("style").Should().BeFalse();
        items[0].QuerySelector("summary").Text().Should().Contain("3 pieces of evidence");
        items[0].QuerySelectorAll(".evidence-list li").Select(li => li.GetAttribute("data-kind")).Should().BeEquivalentTo(["stated", "purchase"]);
        items[0].QuerySelector(".evidence-list a[href^='/products/']").Text().Should().Be("purchase of Organic beans");
        items[1].QuerySelector(".evidence-list q").Text().Should().Contain(Script);
        items[2].QuerySelector(".evidence-list li")!.ClassName.Should().Contain("evidence-against");
        page.QuerySelector("#all-values")!.GetAttribute("href").Should().Be($"/customers/{ana}/values");

        var all = await session.GetAsync($"/customers/{ana}/values");
        all.QuerySelector("h1").Text().Should().Be("What Ana cares about");
        all.QuerySelectorAll("#customer-values details[open]").Should().HaveCount(3);

        // The switch, as a service user: off, shown clearly; on again.
        var off = await session.PostFormAsync($"/customers/{ana}/values?handler=Profiling", new() { ["enabled"] = "false", ["returnTo"] = "customer" });
        off.StatusCode.Should().Be(HttpStatusCode.Redirect);
        off.Headers.Location!.ToString().Should().Be($"/customers/{ana}#customer-values");
        var offPage = await session.GetAsync($"/customers/{ana}");
        offPage.QuerySelector("#profiling-off").Text().Should().Contain("Profiling is off").And.Contain("3 pieces of evidence are kept but not used");
        offPage.QuerySelector("#customer-values .value-scores").Should().BeNull();
        (await StoredAsync(ana)).Should().BeEmpty();
        await session.PostFormAsync($"/customers/{ana}/values?handler=Profiling", new() { ["enabled"] = "true", ["returnTo"] = "values" });
        (await StoredAsync(ana)).Should().HaveCount(3);

        // The list shows the stored alignment.
        var list = await session.GetAsync("/customers?q=Profiled");
        list.QuerySelector($"[data-alignment='{ana}']").Text().Should().MatchRegex("^[0-9]+%$");
    }

    [Fact]
    public async Task A_merged_away_customer_answers_404_naming_the_survivor_and_the_evidence_moves_with_the_merge()
    {
        var survivor = await ProfileKit.CustomerAsync(app, "Sur", "Vivor");
        var merged = await ProfileKit.CustomerAsync(app, "Mer", "Ged");
        await ProfileKit.EvidenceAsync(app, merged, "health", EvidenceKind.Stated, 1.0, app.Clock.GetUtcNow(), "Rated Health 5/5");
        using var sales = app.ClientAs(Role.Sales);
        (await sales.PostAsJsonAsync($"/api/v1/customers/{survivor}/merge", new { mergeId = merged })).StatusCode.Should().Be(HttpStatusCode.OK);

        var problem = await (await sales.GetAsync($"/api/v1/customers/{merged}/values")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        problem.GetProperty("mergedInto").GetInt64().Should().Be(survivor);
        (await (await sales.PutAsJsonAsync($"/api/v1/customers/{merged}/profiling", new { enabled = false })).ShouldBeProblemAsync(HttpStatusCode.NotFound))
            .GetProperty("mergedInto").GetInt64().Should().Be(survivor);
        var values = await (await sales.GetAsync($"/api/v1/customers/{survivor}/values")).ReadJsonAsync();
        values.GetProperty("values").EnumerateArray().Select(v => v.GetProperty("key").GetString()).Should().Equal("health");
    }

    [Fact]
    public async Task An_analyst_sees_the_profile_without_the_switch_and_is_refused_when_posting()
    {
        var ana = await AnaAsync("Andrea");
        var session = await PageSession.SignInAsync(app, Role.Analyst);
        var page = await session.GetAsync($"/customers/{ana}");
        page.QuerySelector("#cares-heading").Text().Should().Be("What Andrea cares about");
        page.QuerySelector("#profiling-form").Should().BeNull();
        (await session.GetAsync($"/customers/{ana}/values")).QuerySelector("#profiling-form").Should().BeNull();

        var refused = await session.PostFormAsync($"/customers/{ana}/values?handler=Profiling", new() { ["enabled"] = "false" });
        refused.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await ProfileAsync(ana))?.ProfilingEnabled.Should().NotBe(false);
        (await session.Client.GetAsync("/customers/999999999/values")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }
}
