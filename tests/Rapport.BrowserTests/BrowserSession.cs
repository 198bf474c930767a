using Microsoft.Playwright;

namespace Rapport.BrowserTests;

/// <summary>
/// One browser context and its page. Records what a user would never see but a reviewer must: console errors,
/// uncaught script errors, Content-Security-Policy violations and failed requests. <see cref="ErrorsShouldBeEmpty"/>
/// asserts there were none.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    /// <summary>Runs before any page script: reports CSP violations to the console, where they are recorded.</summary>
    private const string CspProbe = """
        document.addEventListener('securitypolicyviolation', e =>
            console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline code'} in ${e.sourceFile || e.documentURI}:${e.lineNumber}`));
        """;

    private readonly List<string> _errors = [];
    private readonly Lock _lock = new();

    private BrowserSession(IBrowserContext context, IPage page)
    {
        Context = context;
        Page = page;
    }

    public IBrowserContext Context { get; }
    public IPage Page { get; }

    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_lock)
            {
                return [.. _errors];
            }
        }
    }

    public static async Task<BrowserSession> StartAsync(IBrowserContext context)
    {
        await context.AddInitScriptAsync(CspProbe);
        var page = await context.NewPageAsync();
        var session = new BrowserSession(context, page);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                session.Record($"console: {message.Text} ({message.Location})");
            }
        };
        page.PageError += (_, error) => session.Record($"script error: {error}");
        page.RequestFailed += (_, request) => session.Record($"request failed: {request.Method} {request.Url} {request.Failure}");
        return session;
    }

    /// <summary>Signs in through the sign-in page and waits for the dashboard.</summary>
    public async Task SignInAsync(SeededUser user)
    {
        await Page.GotoAsync("/signin");
        await Page.GetByLabel("Email", new() { Exact = true }).FillAsync(user.Email);
        await Page.GetByLabel("Password", new() { Exact = true }).FillAsync(user.Password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Page.WaitForURLAsync(url => !new Uri(url).AbsolutePath.StartsWith("/signin", StringComparison.Ordinal));
    }

    public void ErrorsShouldBeEmpty() =>
        Errors.Should().BeEmpty("pages must load without console errors, script errors, CSP violations or failed requests");

    public async ValueTask DisposeAsync() => await Context.CloseAsync();

    private void Record(string error)
    {
        lock (_lock)
        {
            _errors.Add(error);
        }
    }
}
