using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;
using Rapport.Transactions;

namespace Rapport.Tests.Pages;

/// <summary>The dashboard against a database of its own, so every figure is known exactly.</summary>
public sealed class DashboardPageTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    [Fact]
    public async Task Dashboard_shows_the_real_figures_chart_data_and_newest_customers()
    {
        // The test clock stands at 2026-06-15 12:00 UTC: the window is 2026-03-18 to 2026-06-15.
        var now = app.Clock.GetUtcNow();
        var old = PageData.Customer(app, "Olga", "Oldtimer");
        await app.WithDbAsync(async db =>
        {
            // Joined long ago: counts in the total, not among the new customers.
            var row = await db.Customers.FindAsync(old.Id);
            row!.CreatedAt = now.AddDays(-400);
            return await db.SaveChangesAsync();
        });
        var buyer = PageData.Customer(app, "Bea", "Buyer");
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var newest = PageData.Customer(app, "Nina", "Newest");

        Record(old.Id, now.AddDays(-200), "USD", 500m);                   // outside the window
        Record(buyer.Id, now.AddDays(-10).AddHours(-3), "USD", 100m);    // 2026-06-05
        Record(buyer.Id, now.AddDays(-10).AddHours(2), "USD", 20.5m);    // same day
        Record(newest.Id, now.AddDays(-1), "USD", 79.5m);                // 2026-06-14
        Record(newest.Id, now.AddDays(-2), "EUR", 999m);                 // an order, but not revenue in USD

        var session = await PageSession.SignInAsync(app, Role.Analyst);
        var page = await session.GetAsync("/");

        page.QuerySelector("[data-figure=total-customers]")!.FirstChild!.TextContent.Trim().Should().Be("3");
        page.QuerySelector("[data-figure=new-customers]")!.FirstChild!.TextContent.Trim().Should().Be("2");
        page.QuerySelector("[data-figure=active-customers]")!.FirstChild!.TextContent.Trim().Should().Be("2");

        // Sales arrive in a second request once the page has loaded, with the revenue figure swapped in out of band.
        var loader = page.QuerySelector("#sales[hx-trigger=load]")!;
        var sales = await session.ParseAsync(await session.HtmxGetAsync(loader.GetAttribute("hx-get")!, "sales"));
        sales.QuerySelector("#revenue-stat[hx-swap-oob] [data-figure=revenue]")!.FirstChild!.TextContent.Trim().Should().Be("$200");
        sales.QuerySelector("#revenue-stat [data-figure=revenue] .note").Text().Should().Be("4 orders · USD");

        // Without JavaScript, ?sales=now renders the same figures in the page itself.
        page = await session.GetAsync("/?sales=now");
        page.QuerySelector("[data-figure=revenue]")!.FirstChild!.TextContent.Trim().Should().Be("$200");
        page.QuerySelector("#revenue-stat")!.HasAttribute("hx-swap-oob").Should().BeFalse();

        var chart = System.Text.Json.JsonDocument.Parse(page.QuerySelector("script#sales-data")!.TextContent).RootElement;
        chart.GetProperty("currency").GetString().Should().Be("USD");
        var days = chart.GetProperty("days").EnumerateArray().Select(d => d.GetString()).ToList();
        days.Should().HaveCount(90);
        days[0].Should().Be("2026-03-18");
        days[^1].Should().Be("2026-06-15");
        var revenue = chart.GetProperty("revenue").EnumerateArray().Select(r => r.GetDecimal()).ToList();
        var orders = chart.GetProperty("orders").EnumerateArray().Select(o => o.GetInt32()).ToList();
        revenue[days.IndexOf("2026-06-05")].Should().Be(120.5m);
        orders[days.IndexOf("2026-06-05")].Should().Be(2);
        orders[days.IndexOf("2026-06-13")].Should().Be(1);
        revenue[days.IndexOf("2026-06-13")].Should().Be(0m);
        revenue.Sum().Should().Be(200m);
        page.QuerySelector("canvas[data-chart=sales]")!.GetAttribute("aria-label").Should().Contain("$200");

        page.QuerySelectorAll("#newest-customers a").Select(a => (a.Text(), a.GetAttribute("href")))
            .Should().StartWith([("Nina Newest", $"/customers/{newest.Id}"), ("Bea Buyer", $"/customers/{buyer.Id}")]);
    }

    [Fact]
    public async Task Dashboard_links_only_to_pages_that_exist_for_the_role()
    {
        var analyst = await PageSession.SignInAsync(app, Role.Analyst);
        var page = await analyst.GetAsync("/");
        var links = page.QuerySelectorAll("a[href^='/']").Select(a => a.GetAttribute("href")!).Distinct().ToList();
        links.Should().NotContain("/customers/new").And.NotContain("/admin/users");
        foreach (var link in links.Where(l => !l.StartsWith("/api/", StringComparison.Ordinal)))
        {
            (await analyst.Client.GetAsync(link)).StatusCode.Should().Be(HttpStatusCode.OK, $"{link} is linked from the dashboard");
        }
    }

    private void Record(long customerId, DateTimeOffset at, string currency, decimal total) =>
        app.WithScope(async sp => (await sp.GetRequiredService<RecordTransaction>().HandleAsync(
            new RecordTransactionRequest(customerId, null, at, currency, total), CancellationToken.None)).IsOk.Should().BeTrue());
}
