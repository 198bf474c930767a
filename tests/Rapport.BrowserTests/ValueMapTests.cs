using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Rapport.Research.Evidence;
using Rapport.Values;
using static Microsoft.Playwright.Assertions;

namespace Rapport.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class ValueMapTests(RapportServer server)
{
    /// <summary>
    /// The map, the trends and the gap report in a real browser: reached from the values page, controls that keep their
    /// choice, and server-drawn SVG with no CSP violation or console error whatever the research data is by then.
    /// </summary>
    [BrowserFact]
    public async Task An_analyst_opens_the_map_changes_its_weighting_and_follows_it_to_the_trends_and_the_gaps()
    {
        // Anonymous survey answers (they count in the overall map and no profile recompute touches them) and two ratings,
        // so the chart has points to draw.
        await server.WithDbAsync(async db =>
        {
            var ids = await db.Set<TaxonomyValue>().Where(v => v.Key == "sustainability" || v.Key == "quality").ToDictionaryAsync(v => v.Key, v => v.Id);
            db.Set<ValueRating>().Add(new ValueRating { ValueId = ids["sustainability"], Importance = 5, Evidence = "browser test", RatedBy = "browser test", CreatedAt = DateTimeOffset.UtcNow });
            db.Set<ValueRating>().Add(new ValueRating { ValueId = ids["quality"], Importance = 2, Evidence = "browser test", RatedBy = "browser test", CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
            for (var i = 1; i <= 5; i++)
            {
                await ValueEvidenceStore.ReplaceAsync(db, EvidenceSources.SurveyResponse, 990_000 + i, EvidenceKind.Stated,
                [
                    new NewEvidence(null, ids["sustainability"], EvidenceKind.Stated, DateTimeOffset.UtcNow, 1, null, "Rated in a browser test"),
                    new NewEvidence(null, ids["quality"], EvidenceKind.Stated, DateTimeOffset.UtcNow, 0, null, "Rated in a browser test"),
                ], CancellationToken.None);
            }

            return 0;
        });

        await using var session = await server.OpenAsync();
        var page = session.Page;
        await session.SignInAsync(server.Analyst);

        await page.GotoAsync("/values");
        await page.GetByRole(AriaRole.Link, new() { Name = "Shared-values map", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/values/map$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Shared-values map", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator("#value-map-table")).ToContainTextAsync("Sustainability");
        await Expect(page.Locator("#value-map-chart g[data-point=sustainability] text")).ToHaveTextAsync("Sustainability");
        await Expect(page.Locator("#value-map-chart")).ToBeVisibleAsync();

        await page.SelectOptionAsync("#map-weighting", "revenue");
        await page.SelectOptionAsync("#map-segment", "champions");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("weighting=revenue.*segment=champions"));
        await Expect(page.Locator("#map-weighting")).ToHaveValueAsync("revenue");
        await Expect(page.Locator("#map-segment")).ToHaveValueAsync("champions");

        await page.GetByRole(AriaRole.Link, new() { Name = "Trends", Exact = true }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Trends in customers' values");
        await page.GotoAsync("/values/map");
        await page.GetByRole(AriaRole.Link, new() { Name = "Gap report", Exact = true }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Gap report");
        await page.SelectOptionAsync("#gaps-by", "clv");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("by=clv"));

        session.ErrorsShouldBeEmpty();
    }
}
