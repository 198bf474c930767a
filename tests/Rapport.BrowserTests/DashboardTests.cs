using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Rapport.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class DashboardTests(RapportServer server)
{
    [BrowserFact]
    public async Task Dashboard_draws_its_chart_without_console_errors_or_CSP_violations()
    {
        await using var session = await server.OpenAsync();
        var page = session.Page;
        await session.SignInAsync(server.Admin);

        await page.GotoAsync("/");
        var canvas = page.Locator("canvas[data-chart=sales]");
        await Expect(canvas).ToBeVisibleAsync();
        // Chart.js has drawn when the canvas has pixels that are not transparent.
        var painted = await page.WaitForFunctionAsync(
            """
            () => {
                const c = document.querySelector('canvas[data-chart=sales]');
                if (!c || c.width === 0 || c.height === 0) return false;
                const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let count = 0;
                for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) count++;
                return count > 1000;
            }
            """);
        (await painted.JsonValueAsync<bool>()).Should().BeTrue();
        (await canvas.BoundingBoxAsync())!.Height.Should().BeGreaterThan(100);

        session.ErrorsShouldBeEmpty();
    }
}
