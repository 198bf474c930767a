using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Identity;
using Rapport.Products;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Pages;
using Rapport.Values;

namespace Rapport.Tests.Values.Map;

/// <summary>
/// The map and the gap report through the real host, over a small customer base: ten regular customers who care about
/// quality and price, five big spenders (tag vip, segment champions) who care about sustainability, and one with
/// profiling switched off whose scores must not count.
/// </summary>
public sealed class ValueMapTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private static readonly ConditionalWeakTable<RapportAppFactory, Task<(long Beans, long Meetup)>> Seeded = new();

    private Task<(long Beans, long Meetup)> ScenarioAsync() => Seeded.GetValue(app, SeedAsync);

    private static async Task<(long Beans, long Meetup)> SeedAsync(RapportAppFactory app)
    {
        await MapData.RateAsync(app, "quality", 5);
        await MapData.RateAsync(app, "sustainability", 3);
        await MapData.RateAsync(app, "sustainability", 2); // the newest rating is the current one
        await MapData.RateAsync(app, "price", 4);
        await MapData.RateAsync(app, "community", 1);
        for (var i = 0; i < 10; i++)
        {
            var id = await MapData.CustomerAsync(app, revenue: 10m, clv: 5m, segment: "hibernating", "regular");
            await MapData.ScoreAsync(app, id, "quality", 0.8, 0.5);
            await MapData.ScoreAsync(app, id, "price", 0.8, 0.5);
            await MapData.ScoreAsync(app, id, "sustainability", 0.2, 0.5);
            await MapData.ScoreAsync(app, id, "community", 0.3, 0.5);
            await MapData.ScoreAsync(app, id, "health", 0.9, 0.5);
        }

        for (var i = 0; i < 5; i++)
        {
            var id = await MapData.CustomerAsync(app, revenue: 1000m, clv: 2000m, segment: "champions", "vip");
            await MapData.ScoreAsync(app, id, "quality", 0.3, 1);
            await MapData.ScoreAsync(app, id, "price", 0.2, 1);
            await MapData.ScoreAsync(app, id, "sustainability", 0.9, 1);
            await MapData.ScoreAsync(app, id, "community", 0.3, 1);
        }

        var off = await MapData.CustomerAsync(app, revenue: 5000m, clv: 9000m, segment: "champions", "vip");
        await MapData.ScoreAsync(app, off, "community", 1.0, 1);
        await MapData.ScoreAsync(app, off, "quality", 0.0, 1);
        await MapData.ProfilingOffAsync(app, off);

        return await app.WithScopeAsync(async sp =>
        {
            var create = sp.GetRequiredService<CreateProduct>();
            var tag = sp.GetRequiredService<SetProductValues>();
            async Task<long> ProductAsync(string sku, string name, string value, int strength)
            {
                var product = (await create.HandleAsync(new CreateProductRequest(sku, name, Category: "Map", Price: 10m, Currency: "USD"), CancellationToken.None)).Value!;
                (await tag.HandleAsync(product.Id, new SetProductValuesRequest([new ProductValueInput(value, strength)]), CancellationToken.None)).IsOk.Should().BeTrue();
                return product.Id;
            }

            return (await ProductAsync("MAP-BEANS", "House beans", "quality", 3), await ProductAsync("MAP-MEET", "Tasting meetup", "community", 2));
        });
    }

    private static Dictionary<string, JsonElement> Rows(JsonElement map) =>
        map.GetProperty("values").EnumerateArray().ToDictionary(v => v.GetProperty("key").GetString()!);

    private static string Placement(Dictionary<string, JsonElement> rows, string key) => rows[key].GetProperty("placement").GetString()!;

    [Fact]
    public async Task Overall_map_weighs_each_customer_by_confidence_and_places_values_in_all_four_quadrants()
    {
        await ScenarioAsync();
        var map = await app.ClientAs(Role.Analyst).GetFromJsonAsync<JsonElement>("/api/v1/values/map");

        map.GetProperty("customers").GetInt32().Should().Be(15, "the customer with profiling off does not count");
        map.GetProperty("hasProfiles").GetBoolean().Should().BeTrue();
        map.GetProperty("notice").ValueKind.Should().Be(JsonValueKind.Null);
        // Median of quality .55, price .50, sustainability .55, community .30, health .90.
        map.GetProperty("customerThreshold").GetDouble().Should().Be(0.55);
        map.GetProperty("businessThreshold").GetDouble().Should().Be(0.75);
        var rows = Rows(map);
        rows["quality"].GetProperty("customerImportance").GetDouble().Should().Be(0.55, "(10 × 0.5 × 0.8 + 5 × 1 × 0.3) / (10 × 0.5 + 5 × 1)");
        rows["price"].GetProperty("customerImportance").GetDouble().Should().Be(0.5);
        rows["community"].GetProperty("customerImportance").GetDouble().Should().Be(0.3, "the customer with profiling off scored it 1.0");
        rows["quality"].GetProperty("customers").GetInt32().Should().Be(15);
        rows["sustainability"].GetProperty("businessImportance").GetInt32().Should().Be(2);
        rows["sustainability"].GetProperty("businessScore").GetDouble().Should().Be(0.25);
        Placement(rows, "quality").Should().Be("shared");
        Placement(rows, "sustainability").Should().Be("opportunity");
        Placement(rows, "price").Should().Be("misaligned");
        Placement(rows, "community").Should().Be("lowPriority");
        Placement(rows, "health").Should().Be("unrated");
        Placement(rows, "ethics").Should().Be("insufficientEvidence");
        rows["ethics"].GetProperty("customerImportance").ValueKind.Should().Be(JsonValueKind.Null);
        map.GetProperty("values").EnumerateArray().Take(4).Select(v => v.GetProperty("key").GetString())
            .Should().Equal("quality", "sustainability", "price", "community");
        rows["quality"].GetProperty("rank").GetInt32().Should().Be(1);
        rows["health"].GetProperty("rank").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public async Task Weighting_by_revenue_or_clv_lets_the_best_customers_move_the_map()
    {
        await ScenarioAsync();
        var client = app.ClientAs(Role.Analyst);

        var revenue = await client.GetFromJsonAsync<JsonElement>("/api/v1/values/map?weighting=revenue");
        revenue.GetProperty("filter").GetProperty("weighting").GetString().Should().Be("revenue");
        var rows = Rows(revenue);
        rows["sustainability"].GetProperty("customerImportance").GetDouble().Should().BeApproximately(4510.0 / 5050, 1e-4);
        rows["quality"].GetProperty("customerImportance").GetDouble().Should().BeApproximately(1540.0 / 5050, 1e-4);
        revenue.GetProperty("customerThreshold").GetDouble().Should().Be(0.5, "the median 0.305 is below the floor");
        Placement(rows, "sustainability").Should().Be("opportunity");
        Placement(rows, "quality").Should().Be("misaligned");
        Placement(rows, "price").Should().Be("misaligned");

        var clv = Rows(await client.GetFromJsonAsync<JsonElement>("/api/v1/values/map?weighting=CLV"));
        clv["sustainability"].GetProperty("customerImportance").GetDouble().Should().BeApproximately(9005.0 / 10025, 1e-4);
        Placement(clv, "quality").Should().Be("misaligned");
    }

    [Fact]
    public async Task A_tag_or_a_segment_narrows_the_customers_and_an_empty_selection_says_so()
    {
        await ScenarioAsync();
        var client = app.ClientAs(Role.Analyst);

        foreach (var query in new[] { "tag=VIP", "segment=champions" })
        {
            var map = await client.GetFromJsonAsync<JsonElement>($"/api/v1/values/map?{query}");
            map.GetProperty("customers").GetInt32().Should().Be(5);
            var rows = Rows(map);
            rows["sustainability"].GetProperty("customerImportance").GetDouble().Should().Be(0.9);
            Placement(rows, "sustainability").Should().Be("opportunity");
            Placement(rows, "quality").Should().Be("misaligned");
            Placement(rows, "health").Should().Be("insufficientEvidence");
        }

        var none = await client.GetFromJsonAsync<JsonElement>("/api/v1/values/map?tag=regular&segment=champions");
        none.GetProperty("customers").GetInt32().Should().Be(0);
        none.GetProperty("notice").GetString().Should().Be("No customer with the tag 'regular' in the segment Champions has a value profile yet.");
        Rows(none).Values.Should().OnlyContain(r => r.GetProperty("placement").GetString() == "insufficientEvidence" || r.GetProperty("placement").GetString() == "unrated");
    }

    [Theory]
    [InlineData("weighting=heavy", "weighting")]
    [InlineData("tag=nobody-has-this", "tag")]
    [InlineData("segment=whales", "segment")]
    public async Task Bad_query_parameters_are_problem_details_naming_the_field(string query, string field)
    {
        var response = await app.ClientAs(Role.Analyst).GetAsync($"/api/v1/values/map?{query}");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("errors").TryGetProperty(field, out _).Should().BeTrue();
    }

    [Fact]
    public async Task The_page_shows_the_ranked_table_and_the_chart_and_keeps_the_controls()
    {
        await ScenarioAsync();
        var session = await PageSession.SignInAsync(app, Role.Analyst);
        (await session.GetAsync("/values")).QuerySelector("a[href='/values/map']").Should().NotBeNull();

        var page = await session.GetAsync("/values/map");
        page.QuerySelectorAll("#value-map-table tbody tr")[0].GetAttribute("data-value").Should().Be("quality");
        page.QuerySelector("#value-map-table tr[data-value=quality] td[data-cell=customers]").Text().Should().Be("0.55");
        page.QuerySelector("#value-map-table tr[data-value=quality] td[data-cell=quadrant]").Text().Should().StartWith("Shared");
        page.QuerySelector("#value-map-table tr[data-value=health] td[data-cell=business]").Text().Should().Be("unrated");
        page.QuerySelector("#value-map-chart g.map-point-shared[data-point=quality]").Should().NotBeNull();
        page.QuerySelector("#value-map-chart g.map-point-opportunity[data-point=sustainability]").Should().NotBeNull();
        page.QuerySelector("#value-map-chart g[data-point=health]").Should().BeNull("an unrated value is in the table only");
        page.QuerySelector("[data-figure=customers]").Text().Should().StartWith("15");

        var weighted = await session.GetAsync("/values/map?weighting=revenue&tag=vip");
        weighted.QuerySelector("#map-weighting option[selected]")!.GetAttribute("value").Should().Be("revenue");
        weighted.QuerySelector("#map-tag option[selected]")!.GetAttribute("value").Should().Be("vip");
        weighted.QuerySelector("#value-map-table tr[data-value=sustainability]")!.GetAttribute("data-placement").Should().Be("opportunity");

        var bad = await session.Client.GetAsync("/values/map?weighting=heavy");
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await session.ParseAsync(bad)).QuerySelector("#map-errors").Text().Should().Contain("none, revenue or clv");
    }

    [Fact]
    public async Task The_gap_report_finds_what_the_best_customers_hold_that_no_product_supports_and_products_few_customers_value()
    {
        var (beans, meetup) = await ScenarioAsync();
        var client = app.ClientAs(Role.Analyst);

        var report = await client.GetFromJsonAsync<JsonElement>("/api/v1/product-values/gaps");
        report.GetProperty("bestBy").GetString().Should().Be("revenue");
        // 16 customers with revenue: the top 20 % is 4 of them, the 4th largest is 1,000, and ties are in.
        report.GetProperty("cutoff").GetDecimal().Should().Be(1000m);
        report.GetProperty("bestCustomers").GetInt32().Should().Be(6);
        report.GetProperty("bestWithProfiles").GetInt32().Should().Be(5);
        var unserved = report.GetProperty("unserved").EnumerateArray().ToList();
        unserved.Select(v => v.GetProperty("key").GetString()).Should().Equal("sustainability");
        unserved[0].GetProperty("importance").GetDouble().Should().Be(0.9);
        unserved[0].GetProperty("customers").GetInt32().Should().Be(5);

        report.GetProperty("profiledCustomers").GetInt32().Should().Be(15);
        var products = report.GetProperty("products").EnumerateArray().ToDictionary(p => p.GetProperty("id").GetInt64());
        products[meetup].GetProperty("holders").GetInt32().Should().Be(0, "nobody with profiling on scores community 0.6 or more");
        products[meetup].GetProperty("few").GetBoolean().Should().BeTrue();
        products[beans].GetProperty("holders").GetInt32().Should().Be(10);
        products[beans].GetProperty("share").GetDouble().Should().BeApproximately(10.0 / 15, 1e-4);
        products[beans].GetProperty("few").GetBoolean().Should().BeFalse();
        products[beans].GetProperty("values").EnumerateArray().Select(v => v.GetString()).Should().Equal("quality");
        report.GetProperty("products")[0].GetProperty("id").GetInt64().Should().Be(meetup, "the lowest share first");

        var byClv = await client.GetFromJsonAsync<JsonElement>("/api/v1/product-values/gaps?by=clv");
        byClv.GetProperty("cutoff").GetDecimal().Should().Be(2000m);
        byClv.GetProperty("unserved").EnumerateArray().Select(v => v.GetProperty("key").GetString()).Should().Equal("sustainability");

        foreach (var by in new[] { "none", "loyalty" })
        {
            var bad = await client.GetAsync($"/api/v1/product-values/gaps?by={by}");
            bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
            (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("by", out _).Should().BeTrue();
        }

        var session = await PageSession.SignInAsync(app, Role.Analyst);
        (await session.GetAsync("/product-values")).QuerySelector("a[href='/product-values/gaps']").Should().NotBeNull();
        var page = await session.GetAsync("/product-values/gaps");
        page.QuerySelector("#unserved-table tr[data-value=sustainability]").Should().NotBeNull();
        page.QuerySelector($"#reach-table tr[data-product='{meetup}']")!.GetAttribute("data-few").Should().Be("true");
        page.QuerySelector($"#reach-table tr[data-product='{beans}']")!.GetAttribute("data-few").Should().Be("false");
    }
}
