// CA1861: request bodies spell out their JSON arrays inline so each test reads as the request it sends; they run once.
#pragma warning disable CA1861
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Customers.Views;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Interactions;
using Rapport.Tests.Pages;

namespace Rapport.Tests.Customers.Views;

/// <summary>Saved list views: personal ones seen only by their owner, shared ones by everyone, changed only by the owner or an admin.</summary>
public sealed class CustomerViewTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    [Fact]
    public async Task Personal_views_are_their_owners_and_shared_views_are_everyones_but_only_the_owner_or_an_admin_changes_them()
    {
        var marketing = app.ClientAs(Role.Marketing);
        var sales = app.ClientAs(Role.Sales);

        var personal = await marketing.PostAsJsonAsync("/api/v1/customer-views", new
        {
            name = "My lapsing VIPs", shared = false,
            definition = new { q = " vip ", stage = "Connection", rfmSegment = "cant_lose_them", sort = "-revenue", columns = new[] { "stage", "email", "revenue" } },
        });
        personal.StatusCode.Should().Be(HttpStatusCode.Created, await personal.Content.ReadAsStringAsync());
        var personalView = await personal.ReadJsonAsync();
        var personalId = personalView.GetProperty("id").GetInt64();
        var definition = personalView.GetProperty("definition");
        definition.GetProperty("q").GetString().Should().Be("vip");
        definition.GetProperty("stage").GetString().Should().Be("connection");
        definition.GetProperty("columns").EnumerateArray().Select(c => c.GetString()).Should().Equal("email", "stage", "revenue");
        personalView.GetProperty("mine").GetBoolean().Should().BeTrue();
        personalView.GetProperty("ownerName").GetString().Should().Be("API key test Marketing");

        var shared = await (await marketing.PostAsJsonAsync("/api/v1/customer-views", new { name = "Loyal", shared = true, definition = new { stage = "loyalty" } })).ReadJsonAsync();
        var sharedId = shared.GetProperty("id").GetInt64();

        var seenBySales = await (await sales.GetAsync("/api/v1/customer-views")).ReadJsonAsync();
        seenBySales.EnumerateArray().Select(v => v.GetProperty("id").GetInt64()).Should().Contain(sharedId).And.NotContain(personalId);
        (await sales.GetAsync($"/api/v1/customer-views/{personalId}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await sales.GetAsync($"/api/v1/customer-views/{sharedId}")).StatusCode.Should().Be(HttpStatusCode.OK);

        await (await sales.PutAsJsonAsync($"/api/v1/customer-views/{sharedId}", new { name = "Mine now", shared = true })).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await sales.DeleteAsync($"/api/v1/customer-views/{sharedId}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await sales.PutAsJsonAsync($"/api/v1/customer-views/{personalId}", new { name = "Mine now" })).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await sales.PostAsJsonAsync("/api/v1/customer-views", new { name = "Team", shared = true })).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        (await sales.PostAsJsonAsync("/api/v1/customer-views", new { name = "Sales own" })).StatusCode.Should().Be(HttpStatusCode.Created);
        (await app.ClientAs(Role.Analyst).PostAsJsonAsync("/api/v1/customer-views", new { name = "Analyst own" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        var update = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/customer-views/{sharedId}") { Content = JsonContent.Create(new { name = "Loyal customers", shared = true, definition = new { stage = "loyalty", sort = "-lastPurchase" } }) };
        update.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        var updated = await marketing.SendAsync(update);
        updated.StatusCode.Should().Be(HttpStatusCode.OK, await updated.Content.ReadAsStringAsync());
        updated.Headers.ETag!.Tag.Should().Be("\"2\"");
        var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/customer-views/{sharedId}") { Content = JsonContent.Create(new { name = "Stale", shared = true }) };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        await (await marketing.SendAsync(stale)).ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed);

        var admin = app.ClientAs(Role.Admin);
        (await admin.PutAsJsonAsync($"/api/v1/customer-views/{sharedId}", new { name = "Loyal (admin)", shared = true })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await admin.DeleteAsync($"/api/v1/customer-views/{sharedId}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await marketing.DeleteAsync($"/api/v1/customer-views/{personalId}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await app.WithDbAsync(db => db.Set<CustomerView>().CountAsync(v => v.Id == sharedId || v.Id == personalId))).Should().Be(0);
    }

    [Fact]
    public async Task Unknown_columns_sorts_stages_and_references_are_422_with_field_errors()
    {
        var marketing = app.ClientAs(Role.Marketing);
        async Task Expect(object definition, string field) =>
            await (await marketing.PostAsJsonAsync("/api/v1/customer-views", new { name = "Bad", definition })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, field);
        await Expect(new { columns = new[] { "email", "shoeSize" } }, "definition.columns[1]");
        await Expect(new { columns = new[] { "email", "email" } }, "definition.columns[1]");
        await Expect(new { sort = "height" }, "definition.sort");
        await Expect(new { stage = "devotion" }, "definition.stage");
        await Expect(new { rfmSegment = "whales" }, "definition.rfmSegment");
        await Expect(new { segmentId = 987654 }, "definition.segmentId");
        await Expect(new { ownerId = 987654 }, "definition.ownerId");
        await (await marketing.PostAsJsonAsync("/api/v1/customer-views", new { name = " " })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "name");
        await (await marketing.PostAsJsonAsync("/api/v1/customer-views", new { name = new string('n', 101) })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "name");
        (await app.WithDbAsync(db => db.Set<CustomerView>().CountAsync(v => v.Name == "Bad"))).Should().Be(0);
    }

    [Fact]
    public async Task Users_save_open_update_and_delete_views_on_the_list_page()
    {
        var owner = await PageSession.SignInAsync(app, Role.Sales);
        var start = await owner.GetAsync("/customers?stage=purchase&col=email&col=stage");
        start.QuerySelectorAll("main form[method=post]").Should().NotBeEmpty()
            .And.OnlyContain(f => f.QuerySelector($"input[name={RapportAppFactory.AntiforgeryField}]") != null, "every form carries its own antiforgery token");
        var saved = await owner.PostFormAsync("/customers?handler=SaveView", new() { ["name"] = "Buyers", ["stage"] = "purchase", ["col"] = "email" });
        saved.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var view = await app.WithDbAsync(db => db.Set<CustomerView>().SingleAsync(v => v.Name == "Buyers"));
        view.Shared.Should().BeFalse();
        view.OwnerUserId.Should().Be(owner.UserId);
        saved.Headers.Location!.ToString().Should().Be($"/customers?stage=purchase&col=email&view={view.Id}");

        var opened = await owner.Client.GetAsync($"/customers?handler=Open&id={view.Id}");
        opened.Headers.Location!.ToString().Should().Be($"/customers?stage=purchase&col=email&view={view.Id}");
        var list = await owner.GetAsync(opened.Headers.Location.ToString());
        list.QuerySelector("h1")!.TextContent.Should().Contain("Buyers");
        list.QuerySelectorAll("[data-view]").Select(v => v.GetAttribute("data-view")).Should().Contain(view.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // Another user neither sees nor changes it.
        var other = await PageSession.SignInAsync(app, Role.Sales);
        var theirs = await other.GetAsync("/customers");
        theirs.QuerySelectorAll("[data-view]").Should().BeEmpty();
        (await other.PostFormAsync($"/customers?handler=DeleteView&id={view.Id}", [])).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.PostFormAsync("/customers?handler=SaveView", new() { ["name"] = "Shared try", ["shared"] = "true" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        (await owner.PostFormAsync($"/customers?handler=UpdateView&id={view.Id}", new() { ["stage"] = "loyalty", ["sort"] = "revenue" })).StatusCode.Should().Be(HttpStatusCode.Redirect);
        var definition = await app.WithDbAsync(async db => CustomerViews.Definition(await db.Set<CustomerView>().SingleAsync(v => v.Id == view.Id)));
        definition.Stage.Should().Be("loyalty");
        definition.Sort.Should().Be("-revenue");

        (await owner.PostFormAsync($"/customers?handler=DeleteView&id={view.Id}", [])).StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await app.WithDbAsync(db => db.Set<CustomerView>().CountAsync(v => v.Id == view.Id))).Should().Be(0);
    }
}
