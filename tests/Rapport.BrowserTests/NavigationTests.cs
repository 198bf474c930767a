using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Rapport.BrowserTests;

/// <summary>No dead links: every page the main navigation offers opens, with a heading, and without errors.</summary>
[Collection(BrowserCollection.Name)]
public sealed class NavigationTests(RapportServer server)
{
    [BrowserFact]
    public async Task Every_page_in_the_main_navigation_opens_without_errors()
    {
        await using var session = await server.OpenAsync();
        var page = session.Page;
        await session.SignInAsync(server.Admin);

        var links = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link);
        var targets = new List<string>();
        foreach (var link in await links.AllAsync())
        {
            targets.Add((await link.GetAttributeAsync("href"))!);
        }

        targets.Should().Contain(["/", "/customers"]);
        foreach (var target in targets)
        {
            var response = await page.GotoAsync(target);
            response!.Status.Should().Be(200, "{0} is linked from the main navigation", target);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
        }

        session.ErrorsShouldBeEmpty();
    }
}
