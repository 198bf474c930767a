using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Rapport.Identity;
using Rapport.Stages;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Interactions;
using Rapport.Tests.Pages;

namespace Rapport.Tests.Stages;

/// <summary>The settings (API and page: validation, ETag, authorisation, the recompute a change triggers) and the pages.</summary>
public sealed class StageSettingsAndPagesTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private static HttpRequestMessage Put(string json, string? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, "/api/v1/stages/settings") { Content = ActivityKit.Json(json) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return request;
    }

    [Fact]
    public async Task Everyone_reads_the_settings_only_admin_and_marketing_change_them_and_a_change_recomputes_at_once()
    {
        var read = await app.ClientAs(Role.Analyst).GetAsync("/api/v1/stages/settings");
        read.StatusCode.Should().Be(HttpStatusCode.OK);
        var settings = await read.Content.ReadFromJsonAsync<JsonElement>();
        settings.GetProperty("engagementWindowDays").GetInt32().Should().Be(365);
        settings.GetProperty("engagementTypes").EnumerateArray().Select(t => t.GetString()).Should().Contain("enquiry");
        var etag = read.Headers.ETag!.Tag;

        (await app.ClientAs(Role.Sales).SendAsync(Put("""{"engagementWindowDays": 30}""", null))).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        var id = await app.CustomerAsync();
        await app.InteractAsync(id, app.DaysAgo(100));
        (await app.StageOfAsync(id)).Should().Be(Stage.Consideration);

        var saved = await app.ClientAs(Role.Marketing).SendAsync(Put("""{"engagementWindowDays": 30}""", etag));
        saved.StatusCode.Should().Be(HttpStatusCode.OK, await saved.Content.ReadAsStringAsync());
        saved.Headers.ETag!.Tag.Should().NotBe(etag);
        (await app.StageOfAsync(id)).Should().Be(Stage.Prospecting, "the settings change recomputed every stage before answering");
        (await app.ClientAs(Role.Marketing).SendAsync(Put("""{"engagementWindowDays": 60}""", etag))).StatusCode.Should().Be(HttpStatusCode.PreconditionFailed);

        var back = await app.ClientAs(Role.Admin).SendAsync(Put("""{"engagementWindowDays": 365}""", "*"));
        back.StatusCode.Should().Be(HttpStatusCode.OK);
        (await app.StageOfAsync(id)).Should().Be(Stage.Consideration);
    }

    [Fact]
    public async Task Bad_settings_are_422_naming_every_bad_field()
    {
        var response = await app.ClientAs(Role.Marketing).SendAsync(Put(
            """{"engagementWindowDays": -1, "repeatWindowDays": 0, "loyaltyMinPAlive": 1.5, "promoterMinScore": 11, "engagementTypes": ["enquiry", "pigeon"], "loyaltyTag": " "}""", null));
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "engagementWindowDays", "repeatWindowDays", "loyaltyMinPAlive", "promoterMinScore", "engagementTypes[1]", "loyaltyTag" })
        {
            errors.TryGetProperty(field, out _).Should().BeTrue(field);
        }

        var negative = await app.ClientAs(Role.Marketing).SendAsync(Put("""{"loyaltyMinPAlive": -0.1}""", null));
        await negative.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "loyaltyMinPAlive");
        var empty = await app.ClientAs(Role.Marketing).SendAsync(Put("""{"engagementTypes": []}""", null));
        await empty.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "engagementTypes");
    }

    [Fact]
    public async Task The_pages_render_for_every_role_and_only_writers_get_the_forms()
    {
        var id = await app.CustomerAsync();
        await app.BuyAsync(id, app.DaysAgo(3));
        var analyst = await PageSession.SignInAsync(app, Role.Analyst);

        var funnel = await analyst.GetAsync("/stages");
        funnel.QuerySelectorAll("#funnel-table tbody tr").Length.Should().Be(5);
        funnel.QuerySelector("#stage-counts-data").Should().NotBeNull();
        funnel.QuerySelector("nav a[href='/stages'][aria-current='page']").Should().NotBeNull();
        (await analyst.GetAsync("/stages?preset=all")).QuerySelector("#funnel-table").Should().NotBeNull();

        var board = await analyst.GetAsync("/stages/board");
        board.QuerySelectorAll(".stage-column").Length.Should().Be(5);
        board.QuerySelector($"#column-purchase .stage-card[data-customer-id='{id}']").Should().NotBeNull();
        board.QuerySelector("#stage-override-dialog").Should().BeNull("an analyst cannot override");

        var settings = await analyst.GetAsync("/stages/settings");
        settings.QuerySelector("#stage-settings-form fieldset[disabled]").Should().NotBeNull();

        var customer = await analyst.GetAsync($"/customers/{id}");
        customer.QuerySelector("#stage .stage-badge")!.TextContent.Should().Be("Purchase");
        customer.QuerySelector("#stage-override-360").Should().BeNull();
        customer.QuerySelectorAll("#stage-history tbody tr").Length.Should().BeGreaterThan(0);

        var post = await analyst.PostFormAsync("/stages/board?handler=Override", new() { ["customerId"] = $"{id}", ["stage"] = "loyalty", ["reason"] = "x" });
        post.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await app.StageOfAsync(id)).Should().Be(Stage.Purchase);
    }

    [Fact]
    public async Task A_salesperson_overrides_from_the_customer_page_and_sees_the_reason_and_can_remove_it()
    {
        var id = await app.CustomerAsync();
        var sales = await PageSession.SignInAsync(app, Role.Sales);
        var page = await sales.GetAsync($"/customers/{id}");
        page.QuerySelector("#stage-override-360").Should().NotBeNull();

        var refused = await sales.PostFormAsync("/stages/board?handler=Override", new() { ["customerId"] = $"{id}", ["stage"] = "loyalty", ["reason"] = "", ["returnUrl"] = $"/customers/{id}" });
        refused.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await sales.GetAsync($"/customers/{id}")).QuerySelector("#stage .alert-danger")!.TextContent.Should().Contain("Reason");

        var posted = await sales.PostFormAsync("/stages/board?handler=Override",
            new() { ["customerId"] = $"{id}", ["stage"] = "loyalty", ["reason"] = "Runs our supper club", ["expiresOn"] = "2026-12-31", ["returnUrl"] = $"/customers/{id}" });
        posted.StatusCode.Should().Be(HttpStatusCode.Redirect);
        posted.Headers.Location!.OriginalString.Should().Be($"/customers/{id}");
        (await app.StageOfAsync(id)).Should().Be(Stage.Loyalty);
        var after = await sales.GetAsync($"/customers/{id}");
        after.QuerySelector("#stage-override")!.TextContent.Should().Contain("Runs our supper club").And.Contain("31 Dec 2026");

        (await sales.PostFormAsync("/stages/board?handler=RemoveOverride", new() { ["customerId"] = $"{id}", ["returnUrl"] = $"/customers/{id}" }))
            .StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await app.StageOfAsync(id)).Should().Be(Stage.Prospecting);
    }

    [Fact]
    public async Task The_settings_page_refuses_a_bad_value_with_its_message_and_refuses_sales()
    {
        var marketing = await PageSession.SignInAsync(app, Role.Marketing);
        await marketing.GetAsync("/stages/settings");
        var fields = new Dictionary<string, string>
        {
            ["engagementWindowDays"] = "-5", ["connectionWindowDays"] = "365", ["repeatWindowDays"] = "365", ["loyaltyMinPurchases"] = "4",
            ["loyaltyWindowDays"] = "365", ["loyaltyMinPAlive"] = "0.7", ["promoterMinScore"] = "9", ["loyaltyTag"] = "loyalty-member", ["engagementTypes"] = "Enquiry",
        };
        var response = await marketing.PostFormAsync("/stages/settings", fields);
        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await marketing.ParseAsync(response)).QuerySelector("#engagementWindowDays-error").Should().NotBeNull();

        var sales = await PageSession.SignInAsync(app, Role.Sales);
        await sales.GetAsync("/stages/settings");
        (await sales.PostFormAsync("/stages/settings", fields)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }
}
