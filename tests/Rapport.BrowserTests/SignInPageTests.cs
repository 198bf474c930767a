using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Rapport.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class SignInPageTests(RapportServer server)
{
    [BrowserFact]
    public async Task A_wrong_password_shows_an_error_and_keeps_the_user_on_the_sign_in_page()
    {
        await using var session = await server.OpenAsync();
        var page = session.Page;

        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin\\?ReturnUrl=%2F$"));
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(server.Analyst.Email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("certainly not the password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("do not match");
        await Expect(page.GetByLabel("Email", new() { Exact = true })).ToHaveValueAsync(server.Analyst.Email);
        await Expect(page.GetByLabel("Password", new() { Exact = true })).ToHaveValueAsync("");
        (await session.Context.CookiesAsync()).Should().NotContain(c => c.Name == "rapport.auth");
        session.Errors.Should().OnlyContain(e => e.Contains("status of 422", StringComparison.Ordinal),
            "the refused sign-in answers 422 Unprocessable Entity, which the browser logs; nothing else may go wrong");
    }

    [BrowserFact]
    public async Task Signing_in_returns_to_the_requested_page_and_signing_out_ends_the_session()
    {
        await using var session = await server.OpenAsync();
        var page = session.Page;

        await page.GotoAsync("/customers");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(server.Analyst.Email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(server.Analyst.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Uri(server.BaseUrl, "/customers").ToString());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Customers");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin"));
        await page.GotoAsync("/customers");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin\\?ReturnUrl="));
        session.ErrorsShouldBeEmpty();
    }
}
