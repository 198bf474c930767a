using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Rapport.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class ResearchTests(RapportServer server)
{
    /// <summary>Selects <paramref name="words"/> in the transcript as a reader would with the mouse, across highlighted excerpts too.</summary>
    private static async Task SelectAsync(IPage page, string words) => await page.EvaluateAsync(
        """
        words => {
          const transcript = document.getElementById("transcript");
          const walker = document.createTreeWalker(transcript, NodeFilter.SHOW_TEXT);
          let node;
          while ((node = walker.nextNode())) {
            const at = node.textContent.indexOf(words);
            if (at >= 0) {
              const range = document.createRange();
              range.setStart(node, at);
              range.setEnd(node, at + words.length);
              const selection = window.getSelection();
              selection.removeAllRanges();
              selection.addRange(range);
              transcript.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
              return;
            }
          }
          throw new Error("not in the transcript: " + words);
        }
        """, words);

    [BrowserFact]
    public async Task A_researcher_records_an_interview_and_codes_passages_by_selecting_them()
    {
        await using var session = await server.OpenAsync();
        var page = session.Page;
        await session.SignInAsync(server.Admin);

        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Research", Exact = true }).ClickAsync();
        await page.FillAsync("#session-title", "Counter chat " + Guid.NewGuid().ToString("N")[..6]);
        await page.FillAsync("#session-transcript", "Q: What matters to you?\nA: <b>Fair prices</b> and friendly staff.\nA: Quality, always.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record session" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/research/[0-9]+$"));
        await Expect(page.Locator("#transcript")).ToContainTextAsync("<b>Fair prices</b>");

        // Selecting fills the form with the offsets of the stored text (line breaks count one each).
        await SelectAsync(page, "Fair prices");
        await Expect(page.Locator("#excerpt-start")).ToHaveValueAsync("30");
        await Expect(page.Locator("#excerpt-length")).ToHaveValueAsync("11");
        await Expect(page.Locator("#excerpt-text")).ToHaveValueAsync("Fair prices");
        await page.CheckAsync("#excerpt-form input[name='Excerpt.Values'][value='price']");
        await page.GetByRole(AriaRole.Button, new() { Name = "Code excerpt" }).ClickAsync();
        await Expect(page.Locator("#transcript mark.excerpt")).ToHaveTextAsync("Fair prices");

        // After a highlighted passage the offsets still count the whole transcript.
        await SelectAsync(page, "Quality, always");
        await Expect(page.Locator("#excerpt-start")).ToHaveValueAsync("69");
        await page.CheckAsync("#excerpt-form input[name='Excerpt.Values'][value='quality']");
        await page.GetByRole(AriaRole.Button, new() { Name = "Code excerpt" }).ClickAsync();
        await Expect(page.Locator("#transcript mark.excerpt")).ToHaveTextAsync(["Fair prices", "Quality, always"]);
        await Expect(page.Locator(".excerpt-list")).ToContainTextAsync("Quality");

        session.ErrorsShouldBeEmpty();
    }
}
