using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Rapport.BrowserTests;

/// <summary>An import in a real browser: upload, preview with a mapping override, start, live progress, history.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ImportFlowTests(RapportServer server)
{
    [BrowserFact]
    public async Task Staff_member_uploads_a_file_fixes_the_mapping_starts_and_sees_progress_and_history()
    {
        var domain = $"browser{Guid.NewGuid():N}"[..20] + ".example";
        var file = Path.Combine(Path.GetTempPath(), $"browser-import-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, $"E-mail;Given;Surname\nann@{domain};Ann;Lee\nnot-an-email;Bob;Ray\ncy@{domain};Cy;Day\n");
        await using var session = await server.OpenAsync();
        var page = session.Page;
        await session.SignInAsync(server.Admin);

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Imports", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "New import", Exact = true }).ClickAsync();
        await page.GetByLabel("What the file holds").SelectOptionAsync("customers");
        await page.GetByLabel("File", new() { Exact = true }).SetInputFilesAsync(file);
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and preview" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Preview");
        await Expect(page.Locator("#import-delimiter")).ToHaveValueAsync(";");
        await Expect(page.Locator("#import-rows tbody tr").Nth(1)).ToHaveAttributeAsync("aria-invalid", "true");
        await page.GetByLabel("Given", new() { Exact = true }).SelectOptionAsync("first_name");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview again" }).ClickAsync();
        await Expect(page.GetByLabel("Given", new() { Exact = true })).ToHaveValueAsync("first_name");

        await page.GetByRole(AriaRole.Button, new() { Name = "Start import" }).ClickAsync();
        await page.WaitForURLAsync("**/imports/*");
        await Expect(page.Locator("#import-status")).ToHaveTextAsync("done", new() { Timeout = 30_000 });
        await Expect(page.Locator("[data-count=created]")).ToHaveTextAsync("2");
        await Expect(page.Locator("[data-count=rejected]")).ToHaveTextAsync("1");
        await Expect(page.Locator("#import-rejects tbody tr")).ToHaveCountAsync(1);

        await page.GetByRole(AriaRole.Link, new() { Name = "Imports", Exact = true }).First.ClickAsync();
        await Expect(page.Locator("#import-history tbody tr").First).ToContainTextAsync(Path.GetFileName(file));
        (await server.WithDbAsync(db => db.Customers.AsNoTracking().Where(c => c.EmailNormalized == $"ann@{domain}").Select(c => c.FirstName).SingleAsync()))
            .Should().Be("Ann");
        session.ErrorsShouldBeEmpty();
    }
}
