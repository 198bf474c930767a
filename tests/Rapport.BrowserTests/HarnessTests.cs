using Microsoft.Playwright;

namespace Rapport.BrowserTests;

/// <summary>The recorder behind <see cref="BrowserSession.ErrorsShouldBeEmpty"/> really sees what it must report.</summary>
[Collection(BrowserCollection.Name)]
public sealed class HarnessTests(RapportServer server)
{
    [BrowserFact]
    public async Task The_session_records_CSP_violations_script_errors_and_console_errors()
    {
        await using var session = await server.OpenAsync();
        var page = session.Page;
        await page.GotoAsync("/signin");
        session.Errors.Should().BeEmpty();

        // An inline script, which the Content-Security-Policy forbids; an uncaught error; a console error.
        await page.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = 'window.inlineRan = true'; document.head.appendChild(s); }");
        await page.EvaluateAsync("() => setTimeout(() => { throw new Error('boom from a timer'); }, 0)");
        await page.EvaluateAsync("() => console.error('explicit console error')");
        await page.WaitForTimeoutAsync(300);

        (await page.EvaluateAsync<bool>("() => window.inlineRan === true")).Should().BeFalse("the CSP blocks inline scripts");
        session.Errors.Should().Contain(e => e.Contains("CSP violation: script-src", StringComparison.Ordinal))
            .And.Contain(e => e.Contains("boom from a timer", StringComparison.Ordinal))
            .And.Contain(e => e.Contains("explicit console error", StringComparison.Ordinal));
    }
}
