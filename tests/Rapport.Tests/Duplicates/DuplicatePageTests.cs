using System.Net;
using Microsoft.EntityFrameworkCore;
using Rapport.Duplicates;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Pages;
using static Rapport.Tests.Customers.CustomerTestApi;
using static Rapport.Tests.Duplicates.DuplicateTestApi;

namespace Rapport.Tests.Duplicates;

public sealed class DuplicatePageTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private readonly HttpClient _sales = app.ClientAs(Role.Sales);

    private async Task<(long A, long B, long CandidateId)> PairAsync(string last, object? extraA = null)
    {
        var a = await CreateIdAsync(_sales, extraA ?? new { firstName = "Pia", lastName = last, email = $"pia.{last.ToLowerInvariant()}@example.com", city = "Lyon" });
        var b = await CreateIdAsync(_sales, new { firstName = "Pia", lastName = last, email = $"PIA.{last.ToUpperInvariant()}@example.com", phone = "+33 6 12 34 56 78", city = "Paris" });
        await DetectAsync(_sales);
        var candidate = Pair(await CandidatesAsync(_sales), a, b) ?? throw new InvalidOperationException("The pair was not detected.");
        return (a, b, candidate.GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Review_list_shows_pairs_by_score_with_reasons_and_a_compare_link()
    {
        var (a, b, id) = await PairAsync("Listed");
        var session = await PageSession.SignInAsync(app, Role.Analyst);

        var page = await session.GetAsync("/duplicates");

        var row = page.QuerySelector($"tr[data-candidate='{id}']")!;
        row.QuerySelectorAll("a.row-title").Select(x => x.GetAttribute("href")).Should().Equal($"/customers/{a}", $"/customers/{b}");
        row.QuerySelectorAll(".tag").Select(t => t.Text()).Should().Equal("same email", "alike names");
        row.QuerySelector("[data-score]").Text().Should().EndWith("%");
        row.QuerySelector($"a[href='/duplicates/{id}']").Should().NotBeNull();
        page.QuerySelector("form[action='/duplicates?handler=Detect']").Should().BeNull("analysts cannot run detection");
        page.QuerySelector("nav.mainnav a[href='/duplicates']")!.GetAttribute("aria-current").Should().Be("page");
        page.QuerySelectorAll("script:not([src])").Should().BeEmpty("the CSP allows no inline scripts");
    }

    [Fact]
    public async Task Compare_page_merges_with_the_chosen_values_and_the_merged_page_links_to_the_survivor()
    {
        var (a, b, id) = await PairAsync("Merged");
        var session = await PageSession.SignInAsync(app, Role.Sales);
        var page = await session.GetAsync($"/duplicates/{id}");
        page.QuerySelector("tr[data-field=city] input[value=a]")!.HasAttribute("checked").Should().BeTrue("A's value is the default");
        page.QuerySelector("tr[data-field=phone] input[value=b]")!.HasAttribute("checked").Should().BeTrue("A has no phone, so B's is preselected");
        page.QuerySelector("tr[data-field=firstName] input").Should().BeNull("equal values need no choice");
        var form = page.QuerySelector("#merge-form")!;
        form.GetAttribute("hx-post").Should().Be($"/duplicates/{id}?handler=Merge");
        page.QuerySelector("button[form=dismiss-form]").Text().Should().Be("Not the same person");
        page.QuerySelector("#dismiss-form")!.GetAttribute("hx-post").Should().Be($"/duplicates/{id}?handler=Dismiss");

        var response = await session.HtmxPostAsync($"/duplicates/{id}?handler=Merge", new Dictionary<string, string>
        {
            ["keep"] = "b",
            ["versionA"] = page.QuerySelector("input[name=versionA]")!.GetAttribute("value")!,
            ["versionB"] = page.QuerySelector("input[name=versionB]")!.GetAttribute("value")!,
            ["f.city"] = "a",
            ["f.phone"] = "b",
            ["f.email"] = "a",
        });

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        response.Headers.GetValues("HX-Redirect").Should().Equal($"/customers/{b}");
        var survivor = await GetAsync(_sales, b);
        survivor.GetProperty("city").GetString().Should().Be("Lyon", "A's city was chosen though B was kept");
        survivor.GetProperty("email").GetString().Should().Be("pia.merged@example.com");
        survivor.GetProperty("phone").GetString().Should().Be("+33 6 12 34 56 78");
        var record = await app.WithDbAsync(db => db.CustomerMerges.AsNoTracking().SingleAsync(m => m.MergedCustomerId == a));
        record.Source.Should().Be("ui");
        record.MergedByUserId.Should().Be(session.UserId);

        var survivorPage = await session.GetAsync($"/customers/{b}");
        survivorPage.QuerySelector("#customer-merges").Text().Should().Contain($"Merged with Pia Merged (customer {a})").And.Contain("by Page tester Sales");
        var gone = await session.Client.GetAsync($"/customers/{a}");
        gone.StatusCode.Should().Be(HttpStatusCode.NotFound);
        var gonePage = await session.ParseAsync(gone);
        gonePage.QuerySelector("#survivor-link")!.GetAttribute("href").Should().Be($"/customers/{b}");
        gonePage.QuerySelector("header.topbar").Should().NotBeNull("it is a whole page");
        (await session.Client.GetAsync("/customers/987654")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_stale_compare_page_is_refused_and_nothing_is_merged()
    {
        var (a, b, id) = await PairAsync("Stale");
        var session = await PageSession.SignInAsync(app, Role.Sales);
        var page = await session.GetAsync($"/duplicates/{id}");
        await ExpectAsync(await _sales.SendAsync(Patch(a, """{"city": "Nice"}""", "*")), HttpStatusCode.OK);

        var response = await session.HtmxPostAsync($"/duplicates/{id}?handler=Merge", new Dictionary<string, string>
        {
            ["keep"] = "a",
            ["versionA"] = page.QuerySelector("input[name=versionA]")!.GetAttribute("value")!,
            ["versionB"] = page.QuerySelector("input[name=versionB]")!.GetAttribute("value")!,
        });

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await session.ParseAsync(response)).QuerySelector(".alert").Text().Should().Contain("changed since you opened this page");
        (await app.WithDbAsync(db => db.Customers.CountAsync(c => c.Id == a || c.Id == b))).Should().Be(2);
    }

    [Fact]
    public async Task Dismiss_from_the_compare_page_is_remembered()
    {
        var (a, b, id) = await PairAsync("Dismissed");
        var session = await PageSession.SignInAsync(app, Role.Service);
        await session.GetAsync($"/duplicates/{id}");

        var response = await session.PostFormAsync($"/duplicates/{id}?handler=Dismiss", []);

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.Should().Be("/duplicates");
        (await app.WithDbAsync(db => db.DuplicateCandidates.AsNoTracking().SingleAsync(c => c.Id == id))).Status.Should().Be(DuplicateStatus.Dismissed);
        await DetectAsync(_sales);
        Pair(await CandidatesAsync(_sales), a, b).Should().BeNull();
        var dismissedList = await session.GetAsync("/duplicates?status=dismissed");
        dismissedList.QuerySelector($"tr[data-candidate='{id}']").Should().NotBeNull();
    }

    [Fact]
    public async Task Detect_button_runs_detection_for_writers_only()
    {
        var a = await CreateIdAsync(_sales, new { firstName = "Button", lastName = "Pressed", email = "button@example.com" });
        var b = await CreateIdAsync(_sales, new { firstName = "Button", lastName = "Pressed", email = "BUTTON@example.com" });
        var analyst = await PageSession.SignInAsync(app, Role.Analyst);
        await analyst.GetAsync("/duplicates");
        (await analyst.PostFormAsync("/duplicates?handler=Detect", [])).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        Pair(await CandidatesAsync(_sales), a, b).Should().BeNull("nothing ran yet");

        var sales = await PageSession.SignInAsync(app, Role.Sales);
        await sales.GetAsync("/duplicates");
        var response = await sales.PostFormAsync("/duplicates?handler=Detect", []);

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        Pair(await CandidatesAsync(_sales), a, b).Should().NotBeNull();
        var after = await sales.GetAsync("/duplicates");
        after.QuerySelector(".alert-success").Text().Should().StartWith("Compared");
    }
}
