using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Rapport.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class ValuesTests(RapportServer server)
{
    [BrowserFact]
    public async Task An_admin_adds_a_value_rates_it_and_finds_it_in_the_taxonomy()
    {
        await using var session = await server.OpenAsync();
        var page = session.Page;
        await session.SignInAsync(server.Admin);

        // The default taxonomy is there from the start.
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Values", Exact = true }).ClickAsync();
        await Expect(page.Locator("#value-table")).ToContainTextAsync("Sustainability");

        // A value of the business's own, with its vocabulary one per line.
        var key = $"local_sourcing_{Guid.NewGuid():N}"[..24];
        await page.FillAsync("#value-name", "Local sourcing " + key[^4..]);
        await page.FillAsync("#value-key", key);
        await page.FillAsync("#value-description", "Beans bought from roasters and farms we know by name.");
        await page.FillAsync("#value-vocabulary", "local farms\nsourced locally\nnearby producers");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add value" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/values/{key}$"));
        await Expect(page.Locator("#value-vocabulary")).ToHaveTextAsync("local farms, sourced locally, nearby producers");
        await Expect(page.Locator("#value-importance")).ToHaveTextAsync("Not rated yet.");

        // Rated 5 with evidence and an owner: shown at once, and in the history of ratings.
        await page.SelectOptionAsync("#rate-importance", "5");
        await page.SelectOptionAsync("#rate-owner", new SelectOptionValue { Label = server.Admin.Name });
        await page.FillAsync("#rate-evidence", "Half our beans come from three farms we visit every year.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save rating" }).ClickAsync();
        await Expect(page.Locator("#value-importance")).ToHaveTextAsync("5 of 5");
        await Expect(page.Locator("#value-history")).ToContainTextAsync("Half our beans come from three farms");

        // Back in the taxonomy with its importance and owner.
        await page.GotoAsync("/values");
        await Expect(page.Locator("#value-table")).ToContainTextAsync(key);
        await Expect(page.Locator("#value-table tr", new() { HasText = key })).ToContainTextAsync("5 of 5");

        session.ErrorsShouldBeEmpty();
    }
}
