using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Pages;

namespace Rapport.Tests.Values.Map;

/// <summary>A business with no customer research yet, then with anonymous survey answers only.</summary>
public sealed class EmptyMapTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    [Fact]
    public async Task Without_profiles_the_map_says_so_plainly_then_anonymous_answers_count_in_the_overall_map_only()
    {
        var client = app.ClientAs(Role.Analyst);
        var empty = await client.GetFromJsonAsync<JsonElement>("/api/v1/values/map");
        empty.GetProperty("hasProfiles").GetBoolean().Should().BeFalse();
        empty.GetProperty("customers").GetInt32().Should().Be(0);
        empty.GetProperty("customerThreshold").ValueKind.Should().Be(JsonValueKind.Null);
        empty.GetProperty("notice").GetString().Should().StartWith("No customer has a value profile yet.");

        var session = await PageSession.SignInAsync(app, Role.Analyst);
        var page = await session.GetAsync("/values/map");
        page.QuerySelector("#map-notice").Text().Should().Contain("No customer has a value profile yet");
        page.QuerySelector("#map-notice a[href='/surveys']").Should().NotBeNull();
        page.QuerySelector("#value-map-chart").Should().BeNull();
        var gaps = await client.GetFromJsonAsync<JsonElement>("/api/v1/product-values/gaps");
        gaps.GetProperty("notice").GetString().Should().StartWith("No customer has a value profile yet.");
        gaps.GetProperty("unserved").GetArrayLength().Should().Be(0);

        // Five anonymous responses: sustainability very important (1 → 0.8, as in a profile), quality neither (0 → 0.5).
        await MapData.RateAsync(app, "sustainability", 5);
        await MapData.RateAsync(app, "quality", 2);
        for (var i = 1; i <= 5; i++)
        {
            await MapData.AnonymousResponseAsync(app, 9000 + i, ("sustainability", 1.0), ("quality", 0.0));
        }

        var anonymous = await client.GetFromJsonAsync<JsonElement>("/api/v1/values/map");
        anonymous.GetProperty("hasProfiles").GetBoolean().Should().BeTrue();
        anonymous.GetProperty("anonymousResponses").GetInt32().Should().Be(5);
        anonymous.GetProperty("notice").GetString().Should().Contain("only anonymous survey answers");
        var rows = anonymous.GetProperty("values").EnumerateArray().ToDictionary(v => v.GetProperty("key").GetString()!);
        rows["sustainability"].GetProperty("customerImportance").GetDouble().Should().Be(0.8);
        rows["sustainability"].GetProperty("anonymous").GetInt32().Should().Be(5);
        rows["sustainability"].GetProperty("placement").GetString().Should().Be("shared");
        rows["quality"].GetProperty("customerImportance").GetDouble().Should().Be(0.5);
        rows["quality"].GetProperty("placement").GetString().Should().Be("lowPriority");

        // Weighted by revenue, anonymous answers have no weight: nothing to place.
        var weighted = await client.GetFromJsonAsync<JsonElement>("/api/v1/values/map?weighting=revenue");
        weighted.GetProperty("values").EnumerateArray().Should().OnlyContain(v => v.GetProperty("quadrant").ValueKind == JsonValueKind.Null);
    }

    [Fact]
    public async Task The_keys_map_and_trends_are_reserved_for_the_pages_of_the_same_name()
    {
        var response = await app.ClientAs(Role.Marketing).PostAsJsonAsync("/api/v1/values", new { key = "map", name = "Map" });
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("key")[0].GetString().Should().Contain("reserved");
    }
}
