using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Analytics;
using Rapport.Identity;
using Rapport.Products;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Pages;
using Rapport.Transactions;

namespace Rapport.Tests.Analytics.Pages;

/// <summary>
/// The analytics pages against a small shop whose latest run is known exactly: every figure on a page is the stored
/// result's, the customer page tells each customer's outlook in words, marketing sets KPI targets and asks for a
/// recompute, analysts only read.
/// </summary>
public sealed class AnalyticsPageTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>, IAsyncLifetime
{
    private static readonly string[] Pages =
        ["/analytics", "/analytics/kpis", "/analytics/kpis?period=quarter", "/analytics/kpis?period=year", "/analytics/rfm",
         "/analytics/best-customers", "/analytics/retention", "/analytics/models"];

    private long _coffeeLover;

    public async Task InitializeAsync()
    {
        if (await app.WithDbAsync(db => db.AnalyticsRuns.AnyAsync()))
        {
            return;
        }

        var today = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
        await AnalyticsSeed.PostAsync(app, AnalyticsSeed.Shop(today, "page"));

        // One customer buys coffee and tea through product lines, so "buys most" has categories to show.
        var customer = PageData.Customer(app, "Cora", "Coffee", "cora@example.com");
        _coffeeLover = customer.Id;
        await app.WithScopeAsync(async sp =>
        {
            var products = sp.GetRequiredService<CreateProduct>();
            var beans = (await products.HandleAsync(new CreateProductRequest("BEAN-1", "House beans", Category: "Coffee beans", Price: 20m, Cost: 8m, Currency: "USD"), CancellationToken.None)).Value!;
            var tea = (await products.HandleAsync(new CreateProductRequest("TEA-1", "Green tea", Category: "Tea", Price: 9m, Cost: 3m, Currency: "USD"), CancellationToken.None)).Value!;
            var record = sp.GetRequiredService<RecordTransaction>();
            for (var i = 0; i < 12; i++)
            {
                var recorded = await record.HandleAsync(new RecordTransactionRequest(customer.Id, $"cora-{i}", app.Clock.GetUtcNow().AddDays(-20 - (i * 25)), "USD",
                    Lines: [new TransactionLineRequest(beans.Id, Quantity: 10, UnitPrice: 20m), new TransactionLineRequest(tea.Id, Quantity: 2, UnitPrice: 9m)]), CancellationToken.None);
                recorded.IsOk.Should().BeTrue(string.Join("; ", recorded.Errors.SelectMany(e => e.Value)));
            }

            return 0;
        });

        (await AnalyticsSeed.RunAsync(app)).Status.Should().Be(AnalyticsRunStatus.Succeeded);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<long> CoraAsync() =>
        _coffeeLover != 0 ? _coffeeLover : await app.WithDbAsync(db => db.Customers.Where(c => c.Email == "cora@example.com").Select(c => c.Id).SingleAsync());

    [Fact]
    public async Task Every_analytics_page_renders_for_an_analyst_without_NaN_and_without_the_marketing_actions()
    {
        var session = await PageSession.SignInAsync(app, Role.Analyst);
        foreach (var path in Pages)
        {
            var response = await session.Client.GetAsync(path);
            response.StatusCode.Should().Be(HttpStatusCode.OK, path);
            var html = await response.Content.ReadAsStringAsync();
            PageText.WithoutTokens(html).Should().NotContain("NaN", path).And.NotContain("Infinity", path);
            var page = await session.ParseAsync(response);
            page.QuerySelector("#recompute").Should().BeNull(path);
            page.QuerySelectorAll("form.kpi-target").Should().BeEmpty(path);
            page.QuerySelector(".subnav a[aria-current=page]").Should().NotBeNull(path);
            // Every chart's data block is valid JSON.
            foreach (var block in page.QuerySelectorAll("script[type='application/json']"))
            {
                JsonDocument.Parse(block.TextContent).RootElement.ValueKind.Should().Be(JsonValueKind.Object, path);
            }
        }

        var nav = (await session.GetAsync("/")).QuerySelectorAll(".mainnav a").Select(a => a.GetAttribute("href"));
        nav.Should().Contain("/analytics");
    }

    [Fact]
    public async Task The_overview_shows_the_latest_runs_figures_and_runs()
    {
        var result = await AnalyticsSeed.LatestAsync(app);
        var session = await PageSession.SignInAsync(app, Role.Analyst);
        var page = await session.GetAsync("/analytics");

        page.QuerySelector("[data-figure=customers]")!.FirstChild!.TextContent.Trim().Should().Be(result.Customers.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        page.QuerySelector("[data-figure=repeat-customers]")!.FirstChild!.TextContent.Trim().Should().Be(result.RepeatCustomers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        page.QuerySelector("#analytics-run").Text().Should().Contain($"{result.Customers} customers with purchases");
        page.QuerySelectorAll("#kpi-summary tbody tr").Should().HaveCount(KpiRegistry.Default.All.Count);
        page.QuerySelectorAll("#runs tbody tr").Should().NotBeEmpty();
        var segments = JsonDocument.Parse(page.QuerySelector("script#segments-data")!.TextContent).RootElement;
        segments.GetProperty("datasets")[0].GetProperty("data").EnumerateArray().Sum(d => d.GetDouble())
            .Should().Be(result.Rfm.Segments.Sum(s => s.Customers));
    }

    [Fact]
    public async Task The_rfm_page_lists_every_segment_with_its_rule_size_and_members()
    {
        var result = await AnalyticsSeed.LatestAsync(app);
        var session = await PageSession.SignInAsync(app, Role.Analyst);
        var page = await session.GetAsync("/analytics/rfm");

        var rows = page.QuerySelectorAll("#rfm-segments tbody tr[data-segment]");
        rows.Select(r => r.GetAttribute("data-segment")).Should().Equal(RfmSegments.All.Select(s => s.Key));
        foreach (var row in rows)
        {
            var definition = RfmSegments.Find(row.GetAttribute("data-segment")!)!;
            row.TextContent.Should().Contain(definition.Rule).And.Contain(definition.Description);
            var expected = result.Rfm.Segments.FirstOrDefault(s => s.Key == definition.Key)?.Customers ?? 0;
            row.QuerySelector("[data-customers]").Text().Should().Be(expected.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        }

        page.QuerySelectorAll("#rfm-grid td[data-cell]").Sum(c => int.Parse(c.FirstChild!.TextContent.Trim().Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture))
            .Should().Be(result.Rfm.Scored + result.Rfm.Lapsed);
        page.QuerySelectorAll("#rfm-bands tbody tr").Should().HaveCount(5);

        // A segment's customers arrive on request, highest revenue first, each linking to the customer.
        var biggest = result.Rfm.Segments.OrderByDescending(s => s.Customers).First();
        var membersResponse = await session.HtmxGetAsync($"/analytics/rfm?handler=Members&segment={biggest.Key}", $"members-{biggest.Key}");
        var membersHtml = await membersResponse.Content.ReadAsStringAsync();
        membersHtml.Should().Contain($"data-members=\"{biggest.Key}\"", membersHtml);
        var members = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(membersHtml);
        var links = members.QuerySelectorAll($"table[data-members={biggest.Key}] tbody tr a").Select(a => a.GetAttribute("href")).ToList();
        links.Should().HaveCount(Math.Min(biggest.Customers, 50)).And.OnlyContain(h => h!.StartsWith("/customers/", StringComparison.Ordinal));
        (await session.HtmxGetAsync("/analytics/rfm?handler=Members&segment=no_such_segment")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_best_customers_page_names_the_best_customers_and_what_they_buy()
    {
        var result = await AnalyticsSeed.LatestAsync(app);
        var cora = await CoraAsync();
        var session = await PageSession.SignInAsync(app, Role.Analyst);
        var page = await session.GetAsync("/analytics/best-customers");

        var rows = page.QuerySelectorAll("#top-customers tbody tr");
        rows.Select(r => long.Parse(r.GetAttribute("data-customer")!, System.Globalization.CultureInfo.InvariantCulture))
            .Should().Equal(result.BestCustomers.Top.Take(20).Select(t => t.CustomerId));
        // Cora spent 12 × 218 on coffee beans and tea: the best customer, buying coffee beans first.
        var coraRow = page.QuerySelector($"#top-customers tr[data-customer='{cora}']")!;
        coraRow.QuerySelector("a")!.Text().Should().Be("Cora Coffee");
        coraRow.QuerySelectorAll("td")[5].Text().Should().Be("Coffee beans, Tea");
        page.QuerySelector("#heavy-users tr[data-category='Coffee beans']").Should().NotBeNull();

        var pareto = JsonDocument.Parse(page.QuerySelector("script#pareto-data")!.TextContent).RootElement;
        pareto.GetProperty("datasets")[0].GetProperty("data").GetArrayLength().Should().Be(result.BestCustomers.Revenue.Curve.Count);
        page.QuerySelector("[data-figure=top20-share]")!.FirstChild!.TextContent.Trim()
            .Should().Be(AnalyticsWordsPercent1(result.BestCustomers.Revenue.Top20Share));
    }

    [Fact]
    public async Task The_retention_and_models_pages_show_the_cohorts_and_the_fits()
    {
        var result = await AnalyticsSeed.LatestAsync(app);
        var session = await PageSession.SignInAsync(app, Role.Analyst);

        var retention = await session.GetAsync("/analytics/retention");
        retention.QuerySelectorAll("#cohort-matrix tbody tr").Select(r => r.GetAttribute("data-cohort"))
            .Should().Equal(result.Retention.Cohorts.TakeLast(24).Select(c => c.Start));
        retention.QuerySelectorAll("#monthly-facts tbody tr").Should().HaveCount(result.Retention.Months.Count);
        var rates = JsonDocument.Parse(retention.QuerySelector("script#rates-data")!.TextContent).RootElement;
        // The running month is left out of the charts.
        rates.GetProperty("labels").EnumerateArray().Select(l => l.GetString()).Should().NotContain(result.AsOf.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture));

        var models = await session.GetAsync("/analytics/models");
        var purchase = result.Models.Purchase!;
        models.QuerySelector("#purchase-model h2").Text().Should().Be("Purchase model: BG/NBD");
        models.QuerySelector("#purchase-model [data-parameters]").Text().Should().Contain($"r = {purchase.Parameters["r"].ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture)}");
        models.QuerySelector("#spend-model [data-parameters]").Text().Should().Contain("p = ");
        if (result.Models.Check is { } check)
        {
            models.QuerySelectorAll("#holdout-table tbody tr").Should().HaveCount(check.Rows.Count);
        }
    }

    [Fact]
    public async Task The_customer_page_says_in_words_how_likely_they_are_active_and_what_they_will_spend()
    {
        var cora = await CoraAsync();
        var session = await PageSession.SignInAsync(app, Role.Sales);
        var page = await session.GetAsync($"/customers/{cora}");

        var detail = await app.ClientAs(Role.Analyst).GetFromJsonAsync<JsonElement>($"/api/v1/customers/{cora}");
        var analytics = detail.GetProperty("metrics").GetProperty("analytics");
        var alive = analytics.GetProperty("pAlive").GetDouble();
        var outlook = page.QuerySelector("[data-metric=outlook]").Text();
        outlook.Should().StartWith($"{Math.Round(alive * 100, MidpointRounding.AwayFromZero):0} % likely still active; expected to buy about ", analytics.GetRawText());
        outlook.Should().EndWith("in the next 12 months.");
        outlook.Should().Contain($"spend ${analytics.GetProperty("predictedRevenue").GetDecimal():N2}");
        var segment = RfmSegments.Find(analytics.GetProperty("rfmSegment").GetString()!)!;
        page.QuerySelector("[data-metric=rfm-segment] a").Text().Should().Be(segment.Name);
        page.QuerySelector("[data-metric=clv]").Text().Should().StartWith($"${analytics.GetProperty("clv").GetDecimal():N2}");

        // A customer without purchases has no outlook.
        var newcomer = PageData.Customer(app, "Nils", "Newcomer");
        var empty = await session.GetAsync($"/customers/{newcomer.Id}");
        empty.QuerySelector("[data-metric=outlook]").Should().BeNull();
        (await app.ClientAs(Role.Analyst).GetFromJsonAsync<JsonElement>($"/api/v1/customers/{newcomer.Id}"))
            .GetProperty("metrics").GetProperty("analytics").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public async Task Marketing_sets_a_kpi_target_in_percent_and_bad_targets_change_nothing()
    {
        var session = await PageSession.SignInAsync(app, Role.Marketing);
        var page = await session.GetAsync("/analytics/kpis");
        page.QuerySelectorAll("section.kpi").Should().HaveCount(KpiRegistry.Default.All.Count);
        page.QuerySelector("#kpi-retention_rate form.kpi-target").Should().NotBeNull();

        var response = await session.PostFormAsync("/analytics/kpis?handler=Target", new() { ["key"] = "retention_rate", ["target"] = "40", ["period"] = "month" });
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.Should().Be("/analytics/kpis#kpi-retention_rate");
        (await TargetAsync("retention_rate")).Should().Be(0.4);
        page = await session.GetAsync("/analytics/kpis");
        page.QuerySelector("#kpi-retention_rate [data-kpi-target]").Text().Should().Be("target 40.0 %");
        page.QuerySelector("#target-retention_rate")!.GetAttribute("value").Should().Be("40");
        page.QuerySelector(".alert-success").Text().Should().Be("Target of Retention rate set.");
        var status = page.QuerySelector("#kpi-retention_rate [data-kpi-status]").Text();
        status.Should().BeOneOf("On track", "Behind", "Not available");

        foreach (var bad in new[] { "forty", "150", "-5" })
        {
            await session.PostFormAsync("/analytics/kpis?handler=Target", new() { ["key"] = "retention_rate", ["target"] = bad });
            (await TargetAsync("retention_rate")).Should().Be(0.4, bad);
            (await session.GetAsync("/analytics/kpis")).QuerySelector(".alert-danger").Text().Should().StartWith("The target of Retention rate", bad);
        }

        // Money targets are typed as money; Remove clears the target.
        await session.PostFormAsync("/analytics/kpis?handler=Target", new() { ["key"] = "average_order_value", ["target"] = "55.5" });
        (await TargetAsync("average_order_value")).Should().Be(55.5);
        await session.PostFormAsync("/analytics/kpis?handler=Target", new() { ["key"] = "average_order_value", ["target"] = "55.5", ["remove"] = "1" });
        (await TargetAsync("average_order_value")).Should().BeNull();

        var unknown = await session.PostFormAsync("/analytics/kpis?handler=Target", new() { ["key"] = "no_such_kpi", ["target"] = "1" });
        unknown.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await session.GetAsync("/analytics/kpis")).QuerySelector(".alert-danger").Text().Should().Contain("no_such_kpi");
    }

    [Fact]
    public async Task The_dashboard_shows_the_kpis_with_a_link_to_their_targets()
    {
        var session = await PageSession.SignInAsync(app, Role.Analyst);
        var page = await session.GetAsync("/");
        page.QuerySelectorAll("#dashboard-kpis [data-kpi]").Select(k => k.GetAttribute("data-kpi"))
            .Should().Equal(Rapport.Pages.Dashboard.IndexModel.DashboardKpis);
        page.QuerySelector("#dashboard-kpis a[href='/analytics/kpis']").Should().NotBeNull();
    }

    [Fact]
    public async Task Marketing_asks_for_a_recompute_and_the_status_poll_refreshes_the_page_once_it_ran()
    {
        var session = await PageSession.SignInAsync(app, Role.Marketing);
        var page = await session.GetAsync("/analytics");
        page.QuerySelector("#recompute").Should().NotBeNull();

        var response = await session.PostFormAsync("/analytics?handler=Recompute", []);
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var queued = await app.WithDbAsync(db => db.AnalyticsRuns.Where(r => r.Status == AnalyticsRunStatus.Queued).Select(r => r.Id).SingleAsync());
        page = await session.GetAsync("/analytics");
        page.QuerySelector(".alert-success").Text().Should().Contain($"run {queued}");
        page.QuerySelector("#run-status[hx-trigger='every 2s']").Should().NotBeNull();
        (await session.HtmxGetAsync("/analytics?handler=Status")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        // The batch API queued a run after the purchases came in; asking by hand made it run without the import spacing.
        (await app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<AnalyticsWorker>().Single().RunNextAsync(CancellationToken.None))
            .Should().BeTrue();
        (await app.WithDbAsync(db => db.AnalyticsRuns.Where(r => r.Id == queued).Select(r => r.Status).SingleAsync())).Should().Be(AnalyticsRunStatus.Succeeded);

        var done = await session.HtmxGetAsync("/analytics?handler=Status");
        done.StatusCode.Should().Be(HttpStatusCode.OK);
        done.Headers.GetValues("HX-Refresh").Should().Equal("true");
        (await session.GetAsync("/analytics")).QuerySelector("#run-status").Should().BeNull();
    }

    [Fact]
    public async Task The_api_lists_the_best_customers_and_a_segments_members_and_refuses_bad_requests()
    {
        var client = app.ClientAs(Role.Analyst);
        var top = await client.GetFromJsonAsync<JsonElement>("/api/v1/analytics/top-customers?limit=5");
        top.GetArrayLength().Should().Be(5);
        var cora = await CoraAsync();
        var first = top.EnumerateArray().Single(t => t.GetProperty("customerId").GetInt64() == cora);
        first.GetProperty("name").GetString().Should().Be("Cora Coffee");
        first.GetProperty("categories").EnumerateArray().Select(c => c.GetString()).Should().Equal("Coffee beans", "Tea");

        var tooMany = await client.GetAsync("/api/v1/analytics/top-customers?limit=500");
        tooMany.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await tooMany.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("limit").GetArrayLength().Should().Be(1);

        var result = await AnalyticsSeed.LatestAsync(app);
        var segment = result.Rfm.Segments.First(s => s.Customers > 0);
        var members = await client.GetFromJsonAsync<JsonElement>($"/api/v1/analytics/rfm-segments/{segment.Key}/customers?limit=200");
        members.GetArrayLength().Should().Be(Math.Min(segment.Customers, 200));
        var revenues = members.EnumerateArray().Select(m => m.GetProperty("revenue").GetDecimal()).ToList();
        revenues.Should().BeInDescendingOrder();

        (await client.GetAsync("/api/v1/analytics/rfm-segments/'; DROP TABLE customers; --/customers")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await client.GetAsync($"/api/v1/analytics/rfm-segments/{segment.Key}/customers?limit=0")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_new_customers_outlook_is_the_models_distribution_of_repeat_purchases()
    {
        var result = await AnalyticsSeed.LatestAsync(app);
        var p = result.Models.Purchase!.Parameters;
        var model = new Rapport.Analytics.Models.BgNbdModel(p["r"], p["alpha"], p["a"], p["b"]);
        var client = app.ClientAs(Role.Analyst);

        var outlook = await client.GetFromJsonAsync<JsonElement>("/api/v1/analytics/new-customer?months=6");
        var weeks = 6 * Rapport.Analytics.Models.ClvOptions.WeeksPerMonth;
        outlook.GetProperty("expectedPurchases").GetDouble().Should().BeApproximately(model.ExpectedPurchases(weeks), 1e-5);
        var distribution = outlook.GetProperty("distribution").EnumerateArray().ToList();
        distribution.Should().HaveCount(11);
        distribution[0].GetProperty("probability").GetDouble().Should().BeApproximately(model.ProbabilityOfPurchases(0, weeks), 1e-5);
        distribution[10].GetProperty("orMore").GetBoolean().Should().BeTrue();
        distribution.Sum(d => d.GetProperty("probability").GetDouble()).Should().BeApproximately(1, 1e-4);

        (await client.GetAsync("/api/v1/analytics/new-customer?months=0")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var page = await (await PageSession.SignInAsync(app, Role.Analyst)).GetAsync("/analytics/models");
        page.QuerySelector("#new-customer [data-figure=new-customer-expected]").Should().NotBeNull();
    }

    private Task<double?> TargetAsync(string key) =>
        app.WithDbAsync(db => db.KpiTargets.Where(t => t.Kpi == key).Select(t => (double?)t.Target).SingleOrDefaultAsync());

    private static string AnalyticsWordsPercent1(decimal? share) => Rapport.Pages.AnalyticsWords.Percent1(share);
}

/// <summary>Before any run the pages explain where the figures will come from, and the API answers empty.</summary>
public sealed class AnalyticsPagesBeforeAnyRunTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    [Fact]
    public async Task Before_the_first_run_every_page_explains_that_there_is_nothing_yet()
    {
        var session = await PageSession.SignInAsync(app, Role.Admin);
        foreach (var path in new[] { "/analytics", "/analytics/rfm", "/analytics/best-customers", "/analytics/retention", "/analytics/models" })
        {
            var page = await session.GetAsync(path);
            page.QuerySelector("#no-analytics").Should().NotBeNull(path);
            page.QuerySelector("#recompute").Should().NotBeNull(path);
        }

        var kpis = await session.GetAsync("/analytics/kpis");
        kpis.QuerySelectorAll("section.kpi .empty-state").Should().HaveCount(KpiRegistry.Default.All.Count);
        (await session.GetAsync("/")).QuerySelector("#dashboard-kpis").Should().BeNull();
        (await app.ClientAs(Role.Analyst).GetFromJsonAsync<JsonElement>("/api/v1/analytics/top-customers")).GetArrayLength().Should().Be(0);
    }
}

/// <summary>
/// A shop where nobody came back, with a refund, a zero-value order and an order dated in the future: the run explains
/// what it could not do, and no page shows NaN or infinity.
/// </summary>
public sealed class AnalyticsPagesWithBadDataTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    [Fact]
    public async Task Without_repeat_buyers_and_with_refunds_and_future_orders_the_pages_explain_instead_of_failing()
    {
        var today = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
        await AnalyticsSeed.PostAsync(app, Enumerable.Range(0, 20).Select(i => ($"single-{i}", today.AddDays(-i * 9), 15m + i))
            .Append(("freebie", today.AddDays(-4), 0m)));
        var client = app.ClientAs(Role.Marketing);
        var customer = (await (await client.PostAsJsonAsync("/api/v1/customers", new { firstName = "Early", lastName = "Bird" }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        // An order stamped later today than the run's as-of day (clocks of shops run ahead): left out with a warning.
        var ahead = await client.PostAsJsonAsync("/api/v1/transactions", new { customerId = customer, total = 99m, currency = "USD", occurredAt = app.Clock.GetUtcNow().AddHours(20) });
        ahead.StatusCode.Should().Be(HttpStatusCode.Created, await ahead.Content.ReadAsStringAsync());
        // A refund as a negative total is refused with a field error (refunds are not recorded as transactions).
        var refund = await client.PostAsJsonAsync("/api/v1/transactions", new { customerId = customer, total = -40m, currency = "USD" });
        refund.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await refund.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("total", out _).Should().BeTrue();
        (await AnalyticsSeed.RunAsync(app)).Status.Should().Be(AnalyticsRunStatus.Succeeded);

        var session = await PageSession.SignInAsync(app, Role.Analyst);
        foreach (var path in new[] { "/analytics", "/analytics/kpis", "/analytics/rfm", "/analytics/best-customers", "/analytics/retention", "/analytics/models", "/" })
        {
            var response = await session.Client.GetAsync(path);
            response.StatusCode.Should().Be(HttpStatusCode.OK, path);
            var html = await response.Content.ReadAsStringAsync();
            PageText.WithoutTokens(html).Should().NotContain("NaN", path).And.NotContain("Infinity", path);
        }

        var overview = await session.GetAsync("/analytics");
        overview.QuerySelectorAll("#model-warnings [data-warning]").Select(w => w.GetAttribute("data-warning"))
            .Should().Contain(["no-repeat-buyers", "future-transactions"]);
        var models = await session.GetAsync("/analytics/models");
        models.QuerySelector("#purchase-model .empty-state").Should().NotBeNull();
        models.QuerySelector("#new-customer").Should().BeNull();
        (await app.ClientAs(Role.Analyst).GetAsync("/api/v1/analytics/new-customer")).StatusCode.Should().Be(HttpStatusCode.NoContent);
    }
}

/// <summary>
/// A page's HTML without its antiforgery tokens: a random token can spell "NaN" ("…SYNaNQo…"), which is not a
/// number on the page.
/// </summary>
internal static partial class PageText
{
    public static string WithoutTokens(string html) => Token().Replace(html, "");

    [GeneratedRegex("""(name="__RequestVerificationToken"[^>]*>|"RequestVerificationToken": "[^"]*")""")]
    private static partial Regex Token();
}
