using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Duplicates;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;
using static Rapport.Tests.Customers.CustomerTestApi;
using static Rapport.Tests.Duplicates.DuplicateTestApi;

namespace Rapport.Tests.Duplicates;

public sealed class DuplicateDetectionTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private readonly HttpClient _sales = app.ClientAs(Role.Sales);

    [Fact]
    public async Task Detection_finds_planted_duplicates_by_email_phone_and_name_with_address_and_not_unrelated_people()
    {
        var ann = await CreateIdAsync(_sales, new { firstName = "Ann", lastName = "Leeworth", email = "ann.leeworth@example.com" });
        var anne = await CreateIdAsync(_sales, new { firstName = "Anne", lastName = "Leeworth", email = "Ann.Leeworth+shop@Example.com" });
        var carl = await CreateIdAsync(_sales, new { firstName = "Carl", lastName = "Jungmann", phone = "+1 (555) 300-4000", country = "US" });
        var karl = await CreateIdAsync(_sales, new { firstName = "Karl", lastName = "Jungmann", phone = "555-300-4000", country = "US" });
        var robert = await CreateIdAsync(_sales, new { firstName = "Robert", lastName = "Millerton", street = "12 Palm Drive", postalCode = "90210", city = "Beverly Hills" });
        var bob = await CreateIdAsync(_sales, new { firstName = "Bob", lastName = "Millerton", street = "12 Palm Dr.", postalCode = "90210", city = "Beverly Hills" });
        var stranger = await CreateIdAsync(_sales, new { firstName = "Zoe", lastName = "Quartz", street = "12 Palm Drive", postalCode = "90210", city = "Beverly Hills" });
        var namesake = await CreateIdAsync(_sales, new { firstName = "Robert", lastName = "Millerton", city = "Anchorage", postalCode = "99501" });

        var summary = await DetectAsync(_sales);

        summary.GetProperty("customers").GetInt32().Should().BeGreaterThanOrEqualTo(8);
        summary.GetProperty("elapsedMs").GetInt64().Should().BeGreaterThanOrEqualTo(0);
        summary.TryGetProperty("elapsed", out _).Should().BeFalse();
        var open = await CandidatesAsync(_sales);
        Reasons(Pair(open, ann, anne)!.Value).Should().Equal("email", "name");
        Reasons(Pair(open, carl, karl)!.Value).Should().Equal("phone", "name");
        Reasons(Pair(open, robert, bob)!.Value).Should().Equal("name", "address");
        Pair(open, robert, stranger).Should().BeNull("the same address alone is a household, not a duplicate");
        Pair(open, bob, stranger).Should().BeNull();
        Pair(open, robert, namesake).Should().BeNull("the same name in another city is another person");
        Pair(open, ann, anne)!.Value.GetProperty("score").GetDouble().Should().BeGreaterThan(0.9);
        var pair = Pair(open, ann, anne)!.Value;
        pair.GetProperty("a").GetProperty("email").GetString().Should().Be("ann.leeworth@example.com");
        pair.GetProperty("status").GetString().Should().Be("open");
    }

    [Fact]
    public async Task Dismissed_pairs_stay_dismissed_and_pairs_that_no_longer_match_are_removed()
    {
        var a = await CreateIdAsync(_sales, new { firstName = "Dora", lastName = "Dismissa", email = "dora.d@example.net" });
        var b = await CreateIdAsync(_sales, new { firstName = "Dora", lastName = "Dismissa", email = "DORA.D@example.net" });
        var c = await CreateIdAsync(_sales, new { firstName = "Gus", lastName = "Goneby", phone = "+44 20 7946 0958" });
        var d = await CreateIdAsync(_sales, new { firstName = "Gus", lastName = "Goneby", phone = "020 7946 0958", country = "GB" });
        await DetectAsync(_sales);
        var open = await CandidatesAsync(_sales);
        var dismissId = Pair(open, a, b)!.Value.GetProperty("id").GetInt64();
        Pair(open, c, d).Should().NotBeNull();

        var dismissed = await _sales.PostAsync($"/api/v1/duplicates/{dismissId}/dismiss", null);
        await ExpectAsync(dismissed, HttpStatusCode.OK);
        (await dismissed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString().Should().Be("dismissed");
        var edit = Patch(d, """{"phone": "+44 161 496 0000"}""", "*");
        await ExpectAsync(await _sales.SendAsync(edit), HttpStatusCode.OK);

        var again = await DetectAsync(_sales);

        again.GetProperty("stillDismissed").GetInt32().Should().BeGreaterThanOrEqualTo(1);
        Pair(await CandidatesAsync(_sales), a, b).Should().BeNull("a dismissed pair is not proposed again");
        Pair(await CandidatesAsync(_sales, "dismissed"), a, b).Should().NotBeNull();
        Pair(await CandidatesAsync(_sales), c, d).Should().BeNull("their phones differ now");
        var stored = await app.WithDbAsync(db => db.DuplicateCandidates.AsNoTracking().SingleAsync(x => x.Id == dismissId));
        stored.Status.Should().Be(DuplicateStatus.Dismissed);
        stored.ResolvedAt.Should().Be(app.Clock.GetUtcNow());
    }

    [Fact]
    public async Task Listing_filters_by_score_pages_by_cursor_and_refuses_bad_parameters()
    {
        for (var i = 0; i < 3; i++)
        {
            await CreateIdAsync(_sales, new { firstName = "Page", lastName = $"Twin{(char)('a' + i)}", email = $"page.twin{i}@example.com" });
            await CreateIdAsync(_sales, new { firstName = "Page", lastName = $"Twin{(char)('a' + i)}", email = $"PAGE.TWIN{i}@example.com" });
        }

        await DetectAsync(_sales);
        var all = await CandidatesAsync(_sales);
        var (paged, pages) = await WalkAsync(_sales, "/api/v1/duplicates?limit=2");
        paged.Select(c => c.GetProperty("id").GetInt64()).Should().Equal(all.Select(c => c.GetProperty("id").GetInt64()));
        pages.Should().BeGreaterThan(1);
        paged.Select(c => c.GetProperty("score").GetDouble()).Should().BeInDescendingOrder();
        (await CandidatesForAsync("/api/v1/duplicates?minScore=0.99")).Should().OnlyContain(c => c.GetProperty("score").GetDouble() >= 0.99);

        await ExpectProblemAsync(await _sales.GetAsync("/api/v1/duplicates?status=maybe"), HttpStatusCode.BadRequest, "status");
        await ExpectProblemAsync(await _sales.GetAsync("/api/v1/duplicates?minScore=2"), HttpStatusCode.BadRequest, "minScore");
        await ExpectProblemAsync(await _sales.GetAsync("/api/v1/duplicates?after=nonsense"), HttpStatusCode.BadRequest, "after");
        await ExpectProblemAsync(await _sales.PostAsync("/api/v1/duplicates/999999/dismiss", null), HttpStatusCode.NotFound);
    }

    private async Task<List<JsonElement>> CandidatesForAsync(string url)
    {
        var response = await _sales.GetAsync(url);
        await ExpectAsync(response, HttpStatusCode.OK);
        return [.. (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray()];
    }

    [Fact]
    public async Task Analysts_may_list_but_not_detect_dismiss_or_merge()
    {
        var analyst = app.ClientAs(Role.Analyst);
        await ExpectAsync(await analyst.GetAsync("/api/v1/duplicates"), HttpStatusCode.OK);
        await ExpectAsync(await analyst.GetAsync("/api/v1/data-quality"), HttpStatusCode.OK);
        await ExpectProblemAsync(await analyst.PostAsync("/api/v1/duplicates/detect", null), HttpStatusCode.Forbidden);
        await ExpectProblemAsync(await analyst.PostAsync("/api/v1/duplicates/1/dismiss", null), HttpStatusCode.Forbidden);
        await ExpectProblemAsync(await MergeAsync(analyst, 1, new { mergeId = 2 }), HttpStatusCode.Forbidden);
        await ExpectProblemAsync(await app.Anonymous().GetAsync("/api/v1/duplicates"), HttpStatusCode.Unauthorized);
    }
}
