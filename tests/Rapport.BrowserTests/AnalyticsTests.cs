using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Rapport.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class AnalyticsTests(RapportServer server)
{
    [BrowserFact]
    public async Task An_admin_recomputes_reads_the_charts_sets_a_kpi_target_and_opens_a_segments_customer()
    {
        await using var session = await server.OpenAsync();
        var page = session.Page;
        await session.SignInAsync(server.Admin);

        // Ask for a recompute from the overview: the server's worker runs it, and the page shows the run once done
        // (a page still waiting for it reloads itself when the status poll says it has finished).
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Analytics", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/analytics$"));
        await page.ClickAsync("#recompute");
        await Expect(page.Locator(".alert-success")).ToContainTextAsync("Recompute queued");
        await Expect(page.Locator("#runs tbody tr").First).ToContainTextAsync("manual", new() { Timeout = 30_000 });
        await page.ReloadAsync();
        await Expect(page.Locator("#runs tbody tr").First).ToContainTextAsync("Succeeded", new() { Timeout = 30_000 });
        await Expect(page.Locator("[data-figure=customers]")).ToContainTextAsync("6");

        // The Pareto curve is drawn by Chart.js under the page's CSP.
        await page.ClickAsync(".subnav >> text=Best customers");
        await Expect(page.Locator("#top-customers tbody tr")).ToHaveCountAsync(6);
        (await Painted(page, "canvas[data-chart-source=pareto-data]")).Should().BeTrue();

        // A target typed in percent, saved, shown with its status.
        await page.ClickAsync(".subnav >> text=KPIs");
        var retention = page.Locator("#kpi-retention_rate");
        await retention.Locator("input[name=target]").FillAsync("40");
        await retention.GetByRole(AriaRole.Button, new() { Name = "Save target" }).ClickAsync();
        await Expect(page.Locator(".alert-success")).ToHaveTextAsync("Target of Retention rate set.");
        await Expect(page.Locator("#kpi-retention_rate [data-kpi-target]")).ToHaveTextAsync("target 40.0 %");

        // A segment's customers open under it; one click leads to the customer's outlook in words.
        await page.ClickAsync(".subnav >> text=RFM segments");
        var show = page.GetByRole(AriaRole.Button, new() { Name = "Show customers" }).First;
        await show.ClickAsync();
        var member = page.Locator("table[data-members] tbody a").First;
        await Expect(member).ToBeVisibleAsync();
        await member.ClickAsync();
        await Expect(page.Locator("#customer-metrics [data-metric=outlook]")).ToBeVisibleAsync();
        await Expect(page.Locator("#customer-metrics [data-metric=rfm-segment]")).ToBeVisibleAsync();

        session.ErrorsShouldBeEmpty();
    }

    /// <summary>Whether Chart.js has drawn: the canvas has non-transparent pixels.</summary>
    internal static async Task<bool> Painted(IPage page, string selector)
    {
        var painted = await page.WaitForFunctionAsync(
            """
            (selector) => {
                const c = document.querySelector(selector);
                if (!c || c.width === 0 || c.height === 0) return false;
                const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let count = 0;
                for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) count++;
                return count > 1000;
            }
            """, selector);
        return await painted.JsonValueAsync<bool>();
    }
}
