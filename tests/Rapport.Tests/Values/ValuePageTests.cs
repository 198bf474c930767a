using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Identity;
using Rapport.Products;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Pages;
using Rapport.Values;

namespace Rapport.Tests.Values;

public sealed class ValuePageTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    [Fact]
    public async Task The_values_page_lists_the_taxonomy_and_adds_a_value_by_form()
    {
        var session = await PageSession.SignInAsync(app, Role.Marketing);
        var page = await session.GetAsync("/values");
        page.QuerySelector("nav a[aria-current=page]").Text().Should().Be("Values");
        var names = page.QuerySelectorAll("#value-table a.row-title").Select(a => a.Text()).ToList();
        names.Should().Contain(["Quality", "Sustainability", "Ethics"]);

        var refused = await session.PostFormAsync("/values?handler=Create", new() { ["Form.Key"] = "Bad Key", ["Form.Name"] = "Bad" });
        refused.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await session.ParseAsync(refused)).QuerySelector("#value-key[aria-invalid=true]").Should().NotBeNull();

        var created = await session.PostFormAsync("/values?handler=Create", new()
        {
            ["Form.Key"] = "animal_welfare", ["Form.Name"] = "Animal welfare", ["Form.Description"] = "Kind to animals.", ["Form.Vocabulary"] = "Cruelty free\r\nfree range\r\n",
        });
        created.StatusCode.Should().Be(HttpStatusCode.Redirect);
        created.Headers.Location!.OriginalString.Should().Be("/values/animal_welfare");
        var details = await session.GetAsync("/values/animal_welfare");
        details.QuerySelector("h1").Text().Should().Be("Animal welfare");
        details.QuerySelector("#value-vocabulary").Text().Should().Be("cruelty free, free range");
        details.QuerySelectorAll("#value-history tbody tr").Should().HaveCount(1);
    }

    [Fact]
    public async Task Edit_rate_merge_retire_and_reinstate_through_the_value_page()
    {
        var session = await PageSession.SignInAsync(app, Role.Marketing);
        await Create("page_a", "Page A", "alpha");
        await Create("page_b", "Page B", "beta");
        await session.GetAsync("/values/page_a");

        var edited = await session.PostFormAsync("/values/page_a?handler=Edit", new() { ["Version"] = "1", ["Edit.Name"] = "Page A renamed", ["Edit.Vocabulary"] = "alpha\ngamma" });
        edited.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var stale = await session.PostFormAsync("/values/page_a?handler=Edit", new() { ["Version"] = "1", ["Edit.Name"] = "Lost" });
        stale.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await session.ParseAsync(stale)).QuerySelector("[role=alert]").Text().Should().Contain("changed by someone else");

        var badRating = await session.PostFormAsync("/values/page_a?handler=Rate", new() { ["Rate.Importance"] = "9", ["Rate.Evidence"] = "", ["Rate.OwnerId"] = session.UserId.ToString(CultureInfo.InvariantCulture) });
        badRating.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var badPage = await session.ParseAsync(badRating);
        badPage.QuerySelector("#rate-importance[aria-invalid=true]").Should().NotBeNull();
        badPage.QuerySelector("#rate-evidence[aria-invalid=true]").Should().NotBeNull();
        var rated = await session.PostFormAsync("/values/page_a?handler=Rate", new() { ["Rate.Importance"] = "4", ["Rate.Evidence"] = "Our founder's promise.", ["Rate.OwnerId"] = session.UserId.ToString(CultureInfo.InvariantCulture) });
        rated.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var page = await session.GetAsync("/values/page_a");
        page.QuerySelector("#value-importance").Text().Should().Be("4 of 5");
        page.QuerySelectorAll("#value-history tbody tr").Length.Should().BeGreaterThanOrEqualTo(3);

        (await session.PostFormAsync("/values/page_b?handler=Retire", new())).StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await app.WithDbAsync(db => db.TaxonomyValues.Where(v => v.Key == "page_b").Select(v => v.Status).SingleAsync())).Should().Be(ValueStatus.Retired);
        (await session.PostFormAsync("/values/page_b?handler=Reinstate", new())).StatusCode.Should().Be(HttpStatusCode.Redirect);

        var merged = await session.PostFormAsync("/values/page_a?handler=Merge", new() { ["Into"] = "page_b" });
        merged.StatusCode.Should().Be(HttpStatusCode.Redirect);
        merged.Headers.Location!.OriginalString.Should().Be("/values/page_b");
        var target = await session.GetAsync("/values/page_b");
        target.QuerySelector("#value-vocabulary").Text().Should().Be("beta, alpha, gamma");
        var byOldKey = await session.GetAsync("/values/page_a");
        byOldKey.QuerySelector("h1").Text().Should().Be("Page B");
        byOldKey.QuerySelector("#merged-history").Should().NotBeNull();
        (await session.PostFormAsync("/values/page_b?handler=Merge", new() { ["Into"] = "page_b" })).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task A_product_is_tagged_with_values_on_its_page()
    {
        var product = app.WithScope(async sp => (await sp.GetRequiredService<CreateProduct>().HandleAsync(new CreateProductRequest("VT-1", "Tagged mug"), CancellationToken.None)).Value!);
        var session = await PageSession.SignInAsync(app, Role.Marketing);
        var page = await session.GetAsync($"/products/{product.Id}");
        page.QuerySelector("#product-values .empty-state").Should().NotBeNull();

        var saved = await session.PostFormAsync($"/products/{product.Id}?handler=Values", new() { ["Strengths[quality]"] = "3", ["Strengths[craftsmanship]"] = "1", ["Strengths[price]"] = "" });
        saved.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var after = await session.GetAsync($"/products/{product.Id}");
        after.QuerySelectorAll("#product-values li a").Select(a => a.Text()).Should().Equal("Quality", "Craftsmanship");
        after.QuerySelector("#strength-quality option[selected]")!.GetAttribute("value").Should().Be("3");

        var bad = await session.PostFormAsync($"/products/{product.Id}?handler=Values", new() { ["Strengths[quality]"] = "7" });
        bad.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await app.WithDbAsync(db => db.ProductValues.CountAsync(p => p.ProductId == product.Id))).Should().Be(2);
    }

    [Fact]
    public async Task Partners_are_added_rated_and_edited_through_their_pages()
    {
        var session = await PageSession.SignInAsync(app, Role.Marketing);
        await session.GetAsync("/partners");
        (await session.PostFormAsync("/partners", new() { ["Form.Name"] = "" })).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var created = await session.PostFormAsync("/partners", new() { ["Form.Name"] = "Bean Blog", ["Form.Kind"] = "influencer", ["Form.Channels"] = "instagram\nyoutube" });
        created.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var path = created.Headers.Location!.OriginalString;
        await session.GetAsync(path);

        var owner = session.UserId.ToString(CultureInfo.InvariantCulture);
        await session.GetAsync("/values/quality");
        (await session.PostFormAsync("/values/quality?handler=Rate", new() { ["Rate.Importance"] = "5", ["Rate.Evidence"] = "Best beans.", ["Rate.OwnerId"] = owner })).StatusCode.Should().Be(HttpStatusCode.Redirect);
        await session.GetAsync(path);
        (await session.PostFormAsync($"{path}?handler=Rate", new() { ["Ratings[quality]"] = "5", ["Ratings[price]"] = "" })).StatusCode.Should().Be(HttpStatusCode.Redirect);
        var page = await session.GetAsync(path);
        page.QuerySelector("#partner-fit").Text().Should().MatchRegex("^[0-9]+$");
        (await session.PostFormAsync($"{path}?handler=Edit", new() { ["Version"] = "1", ["Form.Name"] = "Bean Blog TV", ["Form.Kind"] = "influencer" })).StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await session.GetAsync("/partners")).QuerySelectorAll("#partner-table a.row-title").Select(a => a.Text()).Should().Contain("Bean Blog TV");
    }

    [Fact]
    public async Task An_analyst_sees_no_value_forms_and_is_refused_when_posting()
    {
        var analyst = await PageSession.SignInAsync(app, Role.Analyst);
        var list = await analyst.GetAsync("/values");
        list.QuerySelector("#add-value").Should().BeNull();
        var details = await analyst.GetAsync("/values/quality");
        details.QuerySelectorAll("#main form[method=post]").Should().BeEmpty();
        (await analyst.GetAsync("/partners")).QuerySelector("#add-partner").Should().BeNull();

        analyst.Token.Should().NotBeNull();
        (await analyst.PostFormAsync("/values?handler=Create", new() { ["Form.Key"] = "analyst_made", ["Form.Name"] = "Analyst made" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await analyst.PostFormAsync("/values/quality?handler=Retire", new())).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await app.WithDbAsync(db => db.TaxonomyValues.CountAsync(v => v.Key == "analyst_made"))).Should().Be(0);
        (await app.WithDbAsync(db => db.TaxonomyValues.Where(v => v.Key == "quality").Select(v => v.Status).SingleAsync())).Should().Be(ValueStatus.Active);
    }

    private Task<ValueDetail?> Create(string key, string name, params string[] vocabulary) => app.WithScopeAsync(async sp =>
    {
        var result = await sp.GetRequiredService<CreateValue>().HandleAsync(new CreateValueRequest(key, name, null, vocabulary), new Actor(null, "test"), CancellationToken.None);
        result.IsOk.Should().BeTrue(result.Message);
        return result.Value;
    });
}
