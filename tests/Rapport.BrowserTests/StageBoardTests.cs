using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Rapport.Customers;
using static Microsoft.Playwright.Assertions;

namespace Rapport.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class StageBoardTests(RapportServer server)
{
    [BrowserFact]
    public async Task An_admin_drags_a_card_to_another_column_gives_a_reason_and_finds_it_there_with_the_reason_on_the_customer_page()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var id = await server.WithServicesAsync(async sp =>
        {
            var created = await sp.GetRequiredService<CreateCustomer>().HandleAsync(
                new CreateCustomerRequest { FirstName = "Board", LastName = $"Mover{suffix}", Email = $"board.{suffix}@example.com" },
                CustomerSources.Ui, CancellationToken.None);
            return created.Value!.Id;
        });

        await using var session = await server.OpenAsync();
        var page = session.Page;
        await session.SignInAsync(server.Admin);
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Stages", Exact = true }).ClickAsync();
        await Expect(page.Locator("#funnel-table")).ToBeVisibleAsync();
        // The counts chart is drawn by Chart.js under the page's CSP.
        (await AnalyticsTests.Painted(page, "canvas[data-chart-source=stage-counts-data]")).Should().BeTrue();
        await page.GetByRole(AriaRole.Link, new() { Name = "Stage board" }).ClickAsync();

        var card = page.Locator($".stage-card[data-customer-id='{id}']");
        await Expect(card).ToBeVisibleAsync();
        await Expect(card).ToHaveAttributeAsync("data-stage", "prospecting");
        // The drag as the browser dispatches it (dragstart on the card, dragover and drop on the column), by events:
        // a mouse-driven drag would start on whatever the card's centre holds (its link, its text or its button).
        var transfer = await page.EvaluateHandleAsync("() => new DataTransfer()");
        await card.DispatchEventAsync("dragstart", new { dataTransfer = transfer });
        await page.Locator("#column-loyalty").DispatchEventAsync("dragover", new { dataTransfer = transfer });
        await page.Locator("#column-loyalty").DispatchEventAsync("drop", new { dataTransfer = transfer });
        var dialog = page.Locator("#stage-override-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog.Locator("[data-override-name]")).ToHaveTextAsync($"Board Mover{suffix}");
        await Expect(page.Locator("#override-stage")).ToHaveValueAsync("loyalty");
        await page.FillAsync("#override-reason", "Runs the tasting club");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Override" }).ClickAsync();

        await Expect(page.Locator($"#column-loyalty .stage-card[data-customer-id='{id}']")).ToBeVisibleAsync();
        await Expect(page.Locator($"#column-loyalty .stage-card[data-customer-id='{id}']")).ToContainTextAsync("override");

        await page.Locator($"#column-loyalty .stage-card[data-customer-id='{id}'] a").ClickAsync();
        await Expect(page.Locator("#stage .stage-badge")).ToHaveTextAsync("Loyalty");
        await Expect(page.Locator("#stage-override")).ToContainTextAsync("Runs the tasting club");
        session.ErrorsShouldBeEmpty();
    }
}
