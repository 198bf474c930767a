using System.Net.Http.Json;
using System.Text.Json;
using Rapport.Identity;
using Rapport.Metrics;
using Rapport.Stages;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Stages;

/// <summary>The funnel's numbers on a small history written by hand (docs/stages.md, "Funnel").</summary>
public sealed class StageFunnelTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private static DateTimeOffset D(int year, int month, int day) => new(year, month, day, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Entries_conversion_and_median_time_in_stage_over_a_period()
    {
        var a = await app.CustomerAsync();
        var b = await app.CustomerAsync();
        var c = await app.CustomerAsync();
        var d = await app.CustomerAsync();
        StageChange Step(long id, Stage? from, Stage to, DateTimeOffset at, DateTimeOffset? since) =>
            new() { CustomerId = id, FromStage = from, ToStage = to, ChangedAt = at, FromSince = since, Source = StageChangeSource.Rules };
        await app.WithDbAsync(async db =>
        {
            db.AddRange(
                Step(a, null, Stage.Prospecting, D(2025, 12, 1), null),
                Step(a, Stage.Prospecting, Stage.Consideration, D(2026, 1, 10), D(2025, 12, 1)),
                Step(a, Stage.Consideration, Stage.Purchase, D(2026, 1, 20), D(2026, 1, 10)),
                Step(a, Stage.Purchase, Stage.Connection, D(2026, 3, 1), D(2026, 1, 20)),
                Step(b, Stage.Prospecting, Stage.Consideration, D(2026, 2, 1), D(2025, 11, 1)),
                Step(c, Stage.Prospecting, Stage.Consideration, D(2026, 2, 10), D(2026, 1, 1)),
                Step(c, Stage.Consideration, Stage.Purchase, D(2026, 4, 15), D(2026, 2, 10)),
                Step(d, Stage.Consideration, Stage.Prospecting, D(2026, 2, 20), D(2026, 1, 31)));
            await db.SaveChangesAsync();
            return 0;
        });

        var funnel = await app.ClientAs(Role.Analyst).GetFromJsonAsync<JsonElement>("/api/v1/stages/funnel?from=2026-01-01&to=2026-03-31");
        var rows = funnel.GetProperty("stages").EnumerateArray().ToDictionary(r => r.GetProperty("stage").GetString()!);

        (rows["consideration"].GetProperty("entered").GetInt32(), rows["consideration"].GetProperty("movedOn").GetInt32()).Should().Be((3, 1));
        rows["consideration"].GetProperty("conversionRate").GetDouble().Should().BeApproximately(1 / 3.0, 0.0001);
        rows["purchase"].GetProperty("conversionRate").GetDouble().Should().Be(1);
        rows["connection"].GetProperty("conversionRate").GetDouble().Should().Be(0);
        rows["prospecting"].GetProperty("entered").GetInt32().Should().Be(1, "D fell back to Prospecting in the period");
        rows["loyalty"].GetProperty("conversionRate").ValueKind.Should().Be(JsonValueKind.Null);

        (rows["prospecting"].GetProperty("exited").GetInt32(), rows["prospecting"].GetProperty("medianDaysInStage").GetDouble()).Should().Be((3, 40));
        (rows["consideration"].GetProperty("exited").GetInt32(), rows["consideration"].GetProperty("medianDaysInStage").GetDouble()).Should().Be((2, 15));
        rows["purchase"].GetProperty("medianDaysInStage").GetDouble().Should().Be(40);
        rows["connection"].GetProperty("medianDaysInStage").ValueKind.Should().Be(JsonValueKind.Null);

        var now = await app.WithDbAsync(db => Task.FromResult(db.Set<CustomerMetrics>().Count()));
        rows.Values.Sum(r => r.GetProperty("customersNow").GetInt32()).Should().Be(now);
        var counts = await app.ClientAs(Role.Analyst).GetFromJsonAsync<JsonElement>("/api/v1/stages");
        counts.GetProperty("total").GetInt32().Should().Be(now);
        counts.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("stage").GetString())
            .Should().Equal("prospecting", "consideration", "purchase", "connection", "loyalty");
    }

    [Theory]
    [InlineData("from=2026-13-01", "from")]
    [InlineData("to=yesterday", "to")]
    [InlineData("from=2026-03-01&to=2026-01-01", "from")]
    public async Task A_bad_period_is_422_on_the_field(string query, string field)
    {
        var response = await app.ClientAs(Role.Analyst).GetAsync($"/api/v1/stages/funnel?{query}");
        await Rapport.Tests.Interactions.ActivityKit.ShouldBeProblemAsync(response, System.Net.HttpStatusCode.BadRequest, field);
    }
}
