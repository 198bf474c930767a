using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Rapport.Customers;
using static Microsoft.Playwright.Assertions;

namespace Rapport.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class SegmentBuilderTests(RapportServer server)
{
    [BrowserFact]
    public async Task An_admin_builds_a_segment_with_the_editor_sees_the_live_count_saves_it_and_lands_on_its_members()
    {
        var city = "Builderton" + Guid.NewGuid().ToString("N")[..6];
        await server.WithServicesAsync(async sp =>
        {
            for (var i = 0; i < 3; i++)
            {
                var created = await sp.GetRequiredService<CreateCustomer>().HandleAsync(
                    new CreateCustomerRequest { FirstName = "Seg", LastName = $"Member{i}", Email = $"seg{i}.{city}@example.com", City = city },
                    CustomerSources.Ui, CancellationToken.None);
                created.IsOk.Should().BeTrue();
            }

            return 0;
        });

        await using var session = await server.OpenAsync();
        var page = session.Page;
        await session.SignInAsync(server.Admin);
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Segments", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "New segment", Exact = true }).ClickAsync();

        // The editor replaces the JSON box; an empty "all of" is everyone.
        await Expect(page.Locator("#rule-editor")).ToBeVisibleAsync();
        await Expect(page.Locator("#preview-count")).ToHaveAttributeAsync("data-count", new System.Text.RegularExpressions.Regex("^[0-9]+$"));
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync($"People of {city}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add condition", Exact = true }).ClickAsync();
        var condition = page.Locator(".rule-condition").First;
        await Expect(page.Locator("#preview-incomplete")).ToHaveTextAsync("1 item without a value is not counted yet.");
        await condition.Locator("select[data-role=field]").SelectOptionAsync("city");
        await Expect(condition.Locator("select[data-role=op]")).ToHaveValueAsync("eq");
        await condition.GetByLabel("Value", new() { Exact = true }).FillAsync(city);

        await Expect(page.Locator("#preview-count")).ToHaveAttributeAsync("data-count", "3");
        await Expect(page.Locator("#preview-count")).ToContainTextAsync("3 customers match");
        await Expect(page.Locator("#preview-sample li a")).ToHaveCountAsync(3);
        await Expect(page.Locator("#preview-sample li a").First).ToHaveTextAsync("Seg Member0");
        await Expect(page.Locator("#preview-incomplete")).ToBeHiddenAsync();

        // "Purchased" anything: nobody here has bought, so no one matches. A new group holding only a condition
        // without a value is left out of the count (and said so) rather than answered "Required".
        await page.GetByRole(AriaRole.Button, new() { Name = "Add “purchased”", Exact = true }).Last.ClickAsync();
        await Expect(page.Locator("#preview-count")).ToHaveAttributeAsync("data-count", "0");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add group", Exact = true }).Last.ClickAsync();
        await Expect(page.Locator("#preview-incomplete")).ToBeVisibleAsync();
        await Expect(page.Locator("#preview-incomplete")).ToHaveTextAsync("1 item without a value is not counted yet.");
        await page.Locator(".rule-purchased button[data-action=remove]").ClickAsync();
        await Expect(page.Locator("#preview-count")).ToHaveAttributeAsync("data-count", "3");
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove group", Exact = true }).ClickAsync();
        await Expect(page.Locator("#preview-incomplete")).ToBeHiddenAsync();

        // A wrong value is named beside its condition, from the server's error path.
        await condition.Locator("select[data-role=field]").SelectOptionAsync("revenue");
        await condition.GetByLabel("Value", new() { Exact = true }).FillAsync("");
        await Expect(condition.Locator(".rule-error")).ToContainTextAsync("Required");
        await condition.Locator("select[data-role=field]").SelectOptionAsync("city");
        await condition.GetByLabel("Value", new() { Exact = true }).FillAsync(city);
        await Expect(page.Locator("#preview-count")).ToHaveAttributeAsync("data-count", "3");
        await Expect(condition.Locator(".rule-error")).ToBeHiddenAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Save segment", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/segments/[0-9]+$"));
        await Expect(page.Locator("h1")).ToHaveTextAsync($"People of {city}");
        await Expect(page.Locator("[data-figure=members]")).ToHaveTextAsync("3");
        await Expect(page.Locator("#segment-members tbody tr")).ToHaveCountAsync(3);
        await Expect(page.Locator("#segment-rules-text")).ToHaveTextAsync($"all of: City is “{city}”");
        session.ErrorsShouldBeEmpty();
    }

    [BrowserFact]
    public async Task A_refused_save_comes_back_with_the_message_beside_its_condition_and_saves_once_fixed()
    {
        var name = "Refused then saved " + Guid.NewGuid().ToString("N")[..6];
        await using var session = await server.OpenAsync();
        var page = session.Page;
        await session.SignInAsync(server.Admin);
        await page.GotoAsync("/segments/new");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add condition", Exact = true }).ClickAsync();
        await page.Locator(".rule-condition select[data-role=field]").SelectOptionAsync("revenue");
        await page.Locator(".rule-condition select[data-role=op]").SelectOptionAsync("gte");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save segment", Exact = true }).ClickAsync();

        // The server refused it (422) and the page came back with the rules as posted and the error on the condition.
        await Expect(page.Locator("#rule-errors-server")).ToContainTextAsync("rules.all[0].value");
        await Expect(page.Locator(".rule-condition .rule-error")).ToContainTextAsync("Required");
        await Expect(page.GetByLabel("Name", new() { Exact = true })).ToHaveValueAsync(name);
        await Expect(page.Locator(".rule-condition select[data-role=field]")).ToHaveValueAsync("revenue");
        await Expect(page.Locator(".rule-condition select[data-role=op]")).ToHaveValueAsync("gte");

        await page.Locator(".rule-condition").GetByLabel("Value", new() { Exact = true }).FillAsync("0");
        await Expect(page.Locator(".rule-condition .rule-error")).ToBeHiddenAsync();
        await Expect(page.Locator("#preview-count")).ToHaveAttributeAsync("data-count", new System.Text.RegularExpressions.Regex("^[1-9][0-9]*$"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Save segment", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/segments/[0-9]+$"));
        await Expect(page.Locator("#segment-rules-text")).ToHaveTextAsync("all of: Revenue ≥ 0");
        session.Errors.Where(e => !e.Contains("status of 422", StringComparison.Ordinal)).Should().BeEmpty(
            "the refused save answers 422 on purpose, which Chromium logs; nothing else may fail");
    }
}
