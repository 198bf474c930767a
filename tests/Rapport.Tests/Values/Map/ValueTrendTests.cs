using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Rapport.Identity;
using Rapport.Research.Evidence;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Pages;

namespace Rapport.Tests.Values.Map;

/// <summary>
/// The evolution of priorities through the real host: fifteen months of 200 comments each (seeded random, stable for
/// every value) except sustainability, mentioned in 9 % of comments before and 18 % in the last three months.
/// </summary>
public sealed class ValueTrendTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private const int PerMonth = 200;
    private static readonly string[] Fillers = ["convenience", "community", "health"];
    private static readonly ConditionalWeakTable<RapportAppFactory, Task<bool>> Seeded = new();

    private Task<bool> ScenarioAsync() => Seeded.GetValue(app, SeedAsync);

    private static async Task<bool> SeedAsync(RapportAppFactory app)
    {
        var ids = new Dictionary<string, long>();
        foreach (var key in new[] { "sustainability", "quality", "price", "convenience", "community", "health", "service" })
        {
            ids[key] = await MapData.ValueIdAsync(app, key);
        }

        // The test clock is 2026-06-15: the months are 2025-04 … 2026-06, the last three 2026-04 … 2026-06.
        var random = new Random(5_0009);
        var rows = new List<ValueEvidence>();
        var first = new DateTimeOffset(2025, 4, 1, 12, 0, 0, TimeSpan.Zero);
        long source = 0;
        for (var month = 0; month < 15; month++)
        {
            var recent = month >= 12;
            var sustainable = recent ? 36 : 18;
            for (var i = 0; i < PerMonth; i++)
            {
                source++;
                var at = first.AddMonths(month).AddDays(random.Next(0, recent && month == 14 ? 14 : 27));
                void Add(string key, double signal, EvidenceKind kind = EvidenceKind.Mention) => rows.Add(new ValueEvidence
                {
                    CustomerId = null, ValueId = ids[key], Kind = kind, SourceType = EvidenceSources.Interaction, SourceId = source,
                    ObservedAt = at, Signal = signal, Sentiment = 0.2, Quote = "test comment",
                });

                // Every comment mentions something (a filler value at random), so it counts in the month's comments.
                Add(Fillers[random.Next(Fillers.Length)], 1);
                if (i < sustainable)
                {
                    Add("sustainability", 1);
                }
                else if (recent && i < sustainable + 5)
                {
                    Add("sustainability", MentionIndexer.NegatedOnlySignal); // "I don't care about packaging": not a mention that counts
                }

                if (random.NextDouble() < 0.25)
                {
                    Add("quality", 1);
                }

                if (random.NextDouble() < 0.15)
                {
                    Add("price", 1);
                }
            }

            // Twenty stated answers a month on service, half of them leaning important, at random.
            for (var i = 0; i < 20; i++)
            {
                rows.Add(new ValueEvidence
                {
                    CustomerId = null, ValueId = ids["service"], Kind = EvidenceKind.Stated, SourceType = EvidenceSources.SurveyResponse,
                    SourceId = 100_000 + month * 100 + i, ObservedAt = first.AddMonths(month).AddDays(random.Next(0, 14)),
                    Signal = random.NextDouble() < 0.5 ? 0.5 : -0.5, Quote = "Rated in a test survey",
                });
            }
        }

        await app.WithDbAsync(async db =>
        {
            db.Set<ValueEvidence>().AddRange(rows);
            return await db.SaveChangesAsync();
        });
        return true;
    }

    [Fact]
    public async Task A_real_shift_is_flagged_and_stable_random_series_are_not()
    {
        await ScenarioAsync();
        var trends = await app.ClientAs(Role.Analyst).GetFromJsonAsync<JsonElement>("/api/v1/values/trends");

        trends.GetProperty("months").EnumerateArray().Select(m => m.GetString()).Should().HaveCount(15).And.StartWith("2025-04").And.EndWith("2026-06");
        trends.GetProperty("texts").EnumerateArray().Should().OnlyContain(t => t.GetInt32() == PerMonth);
        trends.GetProperty("recentFrom").GetString().Should().Be("2026-04");
        trends.GetProperty("beforeFrom").GetString().Should().Be("2025-04");
        // Sustainability, quality, price, the three fillers (mentions) and service (stated) had enough data.
        trends.GetProperty("tests").GetInt32().Should().Be(7);

        var shift = trends.GetProperty("shifts").EnumerateArray().Should().ContainSingle().Subject;
        shift.GetProperty("key").GetString().Should().Be("sustainability");
        shift.GetProperty("signal").GetString().Should().Be("mentions");
        shift.GetProperty("direction").GetString().Should().Be("up");
        shift.GetProperty("recent").GetDouble().Should().Be(0.18);
        shift.GetProperty("before").GetDouble().Should().Be(0.09);
        shift.GetProperty("recentCount").GetInt32().Should().Be(108);
        shift.GetProperty("beforeTotal").GetInt32().Should().Be(12 * PerMonth);
        shift.GetProperty("message").GetString().Should().Be("Customers mention sustainability more: 18 % of comments in the last 3 months vs 9 % before.");

        var sustainability = trends.GetProperty("values").EnumerateArray().Single(v => v.GetProperty("key").GetString() == "sustainability");
        var last = sustainability.GetProperty("months").EnumerateArray().Last();
        last.GetProperty("mentions").GetInt32().Should().Be(36, "mentions only under negation do not count");
        last.GetProperty("share").GetDouble().Should().Be(0.18);
        var service = trends.GetProperty("values").EnumerateArray().Single(v => v.GetProperty("key").GetString() == "service");
        service.GetProperty("months").EnumerateArray().Should().OnlyContain(m => m.GetProperty("stated").GetInt32() == 20);
    }

    [Fact]
    public async Task The_shift_is_an_alert_on_the_values_page_and_the_trends_page()
    {
        await ScenarioAsync();
        var session = await PageSession.SignInAsync(app, Role.Analyst);

        var values = await session.GetAsync("/values");
        values.QuerySelectorAll("#value-shifts li").Should().ContainSingle()
            .Which.Text().Should().Be("Customers mention sustainability more: 18 % of comments in the last 3 months vs 9 % before.");
        values.QuerySelector("#value-shifts li a")!.GetAttribute("href").Should().Be("/values/trends#trend-sustainability");

        var page = await session.GetAsync("/values/trends");
        page.QuerySelector("#value-shifts li[data-shift=sustainability]").Should().NotBeNull();
        page.QuerySelector("#trend-sustainability td[data-cell='2026-06']").Text().Should().Be("18 %");
        page.QuerySelector("#trend-sustainability td[data-cell='2025-04']").Text().Should().Be("9 %");
        page.QuerySelector("#trend-sustainability svg polyline")!.GetAttribute("points").Should().NotBeNullOrEmpty();
        page.QuerySelectorAll("#value-trends-table thead th[data-month]").Should().HaveCount(15);

        var six = await session.GetAsync("/values/trends?months=6");
        six.QuerySelectorAll("#value-trends-table thead th[data-month]").Should().HaveCount(6);
        six.QuerySelector("#value-shifts li[data-shift=sustainability]").Should().NotBeNull("shifts always compare 3 months with the 12 before");
    }

    [Theory]
    [InlineData("months=2")]
    [InlineData("months=61")]
    [InlineData("months=abc")]
    public async Task Bad_months_are_problem_details(string query)
    {
        var response = await app.ClientAs(Role.Analyst).GetAsync($"/api/v1/values/trends?{query}");
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }
}
