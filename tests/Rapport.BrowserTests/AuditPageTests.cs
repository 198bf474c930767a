using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Rapport.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class AuditPageTests(RapportServer server)
{
    [BrowserFact]
    public async Task An_admin_filters_the_audit_log_and_reaches_it_from_a_customer_page()
    {
        await using var session = await server.OpenAsync();
        await session.SignInAsync(server.Admin);
        var page = session.Page;

        await page.GotoAsync("/admin/users");
        await page.GetByRole(AriaRole.Link, new() { Name = "Audit log", Exact = true }).ClickAsync();
        await page.GetByLabel("Action", new() { Exact = true }).FillAsync("sign_in.*");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("action=sign_in"));
        await Expect(page.GetByRole(AriaRole.Table).GetByText("sign_in.succeeded").First).ToBeVisibleAsync();

        var customerId = server.Customers.Values.First();
        await page.GotoAsync($"/customers/{customerId}");
        await page.GetByRole(AriaRole.Link, new() { Name = "Audit entries about this customer", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"customerId={customerId}$"));
        await Expect(page.GetByRole(AriaRole.Table).GetByText("customer.created").First).ToBeVisibleAsync();
        session.ErrorsShouldBeEmpty();
    }
}
