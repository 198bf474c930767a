using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Rapport.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class PlanTests(RapportServer server)
{
    [BrowserFact]
    public async Task An_admin_writes_a_goal_and_prints_the_plan_to_a_pdf_without_errors()
    {
        await using var session = await server.OpenAsync();
        var page = session.Page;
        await session.SignInAsync(server.Admin);

        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Plan", Exact = true }).ClickAsync();
        await Expect(page.Locator("#communication-title")).ToBeVisibleAsync();

        var goal = $"Keep our regulars {Guid.NewGuid():N}"[..26];
        await page.FillAsync("#new-goal-title", goal);
        await page.FillAsync("#new-goal-description", "Regulars come back every month.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add goal" }).ClickAsync();
        await Expect(page.Locator(".plan-goal h3", new() { HasText = goal })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Print view" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator(".plan-print")).ToContainTextAsync(goal);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Print / save as PDF" })).ToBeVisibleAsync();

        // On paper: no navigation, no buttons.
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        await Expect(page.Locator("header.topbar")).ToBeHiddenAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Print / save as PDF" })).ToBeHiddenAsync();
        var pdf = await page.PdfAsync(new() { Format = "A4" });
        pdf.Length.Should().BeGreaterThan(1000);
        System.Text.Encoding.ASCII.GetString(pdf, 0, 4).Should().Be("%PDF");

        session.ErrorsShouldBeEmpty();
    }

    [BrowserFact]
    public async Task A_user_chooses_columns_and_saves_the_list_as_a_view()
    {
        await using var session = await server.OpenAsync();
        var page = session.Page;
        await session.SignInAsync(server.Admin);

        await page.GotoAsync("/customers?col=email&col=stage");
        await Expect(page.Locator("#customer-results thead th[data-column]")).ToHaveCountAsync(2);
        var name = $"Emails {Guid.NewGuid():N}"[..14];
        await page.GetByText("Save as view").ClickAsync();
        await page.FillAsync("#view-name", name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save view" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(name);
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Saved views" })).ToContainTextAsync(name);

        await page.GotoAsync("/customers");
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Saved views" }).GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
        await Expect(page.Locator("#customer-results thead th[data-column]")).ToHaveCountAsync(2);

        session.ErrorsShouldBeEmpty();
    }
}
