using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Rapport.BrowserTests;

/// <summary>The flow in a real browser: sign in, search a customer, open their page, edit a field, reload, see it saved.</summary>
[Collection(BrowserCollection.Name)]
public sealed class CustomerFlowTests(RapportServer server)
{
    [BrowserFact]
    public async Task Staff_member_signs_in_finds_a_customer_edits_the_phone_and_sees_it_saved_after_reload()
    {
        var customer = RapportServer.SeedCustomers[0];
        const string newPhone = "+358 50 555 0199";
        await using var session = await server.OpenAsync();
        var page = session.Page;

        await session.SignInAsync(server.Admin);
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Customers", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Uri(server.BaseUrl, "/customers").ToString());
        // The URL changes before the page's deferred scripts run; typing earlier would beat htmx to the input event.
        await page.WaitForLoadStateAsync(LoadState.Load);

        await page.GetByLabel("Search customers", new() { Exact = true }).FillAsync("valtonen");
        var others = RapportServer.SeedCustomers.Where(c => c != customer).Select(c => c.DisplayName).ToList();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = others[0], Exact = true })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Link, new() { Name = customer.DisplayName, Exact = true }).ClickAsync();
        await page.WaitForURLAsync($"**/customers/{server.Customers[customer.DisplayName]}");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(customer.DisplayName);
        var phone = page.Locator("[data-field='phone']");
        await Expect(phone).ToHaveTextAsync(customer.Phone);

        await page.GetByRole(AriaRole.Button, new() { Name = "Edit Phone", Exact = true }).ClickAsync();
        var input = page.GetByLabel("Phone", new() { Exact = true });
        await Expect(input).ToHaveValueAsync(customer.Phone);
        // htmx focuses the autofocus input when the swap settles (a moment after it appears); that focus drops the
        // selection Playwright's fill makes, so filling before it appended to the old value under load.
        await Expect(input).ToBeFocusedAsync();
        await input.FillAsync(newPhone);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await Expect(phone).ToHaveTextAsync(newPhone);

        await page.ReloadAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(customer.DisplayName);
        await Expect(phone).ToHaveTextAsync(newPhone);

        var id = server.Customers[customer.DisplayName];
        (await server.WithDbAsync(db => db.Customers.AsNoTracking().Where(c => c.Id == id).Select(c => c.Phone).SingleAsync()))
            .Should().Be(newPhone);
        session.ErrorsShouldBeEmpty();
    }

    [BrowserFact]
    public async Task An_invalid_phone_is_refused_with_a_message_and_nothing_is_saved()
    {
        var customer = RapportServer.SeedCustomers[3];
        await using var session = await server.OpenAsync();
        var page = session.Page;
        await session.SignInAsync(server.Admin);

        await page.GotoAsync($"/customers/{server.Customers[customer.DisplayName]}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Edit Phone", Exact = true }).ClickAsync();
        var input = page.GetByLabel("Phone", new() { Exact = true });
        await Expect(input).ToBeFocusedAsync();
        await input.FillAsync("call me maybe");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("phone number");
        await page.ReloadAsync();
        await Expect(page.Locator("[data-field='phone']")).ToHaveTextAsync(customer.Phone);
    }

    [BrowserFact]
    public async Task An_analyst_sees_the_customer_but_no_edit_buttons()
    {
        var customer = RapportServer.SeedCustomers[1];
        await using var session = await server.OpenAsync();
        var page = session.Page;
        await session.SignInAsync(server.Analyst);

        await page.GotoAsync("/customers");
        await page.GetByLabel("Search customers", new() { Exact = true }).FillAsync(customer.LastName);
        await page.GetByRole(AriaRole.Link, new() { Name = customer.DisplayName, Exact = true }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(customer.DisplayName);
        await Expect(page.Locator("[data-field='phone']")).ToHaveTextAsync(customer.Phone);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Edit" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Delete customer" })).ToHaveCountAsync(0);
        session.ErrorsShouldBeEmpty();
    }
}
