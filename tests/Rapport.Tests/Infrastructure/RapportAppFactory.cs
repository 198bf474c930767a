using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rapport.Data;
using Rapport.Identity;

namespace Rapport.Tests.Infrastructure;

/// <summary>
/// The real host (<c>Program</c>) over a fresh database per test class, schema built by the real migrator.
/// Use as <c>IClassFixture&lt;RapportAppFactory&gt;</c>; tests in a class share the database, so create what you assert on.
/// </summary>
public class RapportAppFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly Dictionary<Role, string> _keys = [];
    private TestDatabase? _database;

    public TestClock Clock { get; } = new();
    public TestDatabase Database => _database ?? throw new InvalidOperationException("InitializeAsync has not run.");

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        var migrator = new DatabaseMigrator(_database.Database, Microsoft.Extensions.Logging.Abstractions.NullLogger<DatabaseMigrator>.Instance);
        await migrator.MigrateAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Rapport:Database:Provider", Database.ProviderName);
        builder.UseSetting("Rapport:Database:ConnectionString", Database.ConnectionString);
        // Tests run analytics when they mean to (RecomputeAnalytics, AnalyticsWorker.RunNextAsync), not in the background.
        builder.UseSetting("Rapport:Analytics:Background", "false");
        // Likewise the research re-index (ResearchWorker.StepAsync): the test clock jumps, which would end its quiet period.
        builder.UseSetting("Rapport:Research:Background", "false");
        // And the follow-up of bulk changes (CustomerChangeWorker.DrainAsync): single-customer writes follow at once anyway.
        builder.UseSetting("Rapport:CustomerChanges:Background", "false");
        // And the hourly playbook-task generator (GeneratePlaybookTasks): its first round would land a minute into a long test class.
        builder.UseSetting("Rapport:Tasks:Background", "false");
        // Every request of the suite comes from one address and a few keys: limits the suite cannot reach (RateLimitTests lowers them).
        builder.UseSetting("Rapport:RateLimits:SignInPerIp", "1000000");
        builder.UseSetting("Rapport:RateLimits:SignInPerEmail", "1000000");
        builder.UseSetting("Rapport:RateLimits:ApiPerMinute", "1000000");
        builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    /// <summary>A client that sends an API key with the given role (one key per role, created on first use).</summary>
    public HttpClient ClientAs(Role role)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", KeyFor(role));
        return client;
    }

    /// <summary>A client with no credentials.</summary>
    public HttpClient Anonymous() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    public string KeyFor(Role role)
    {
        lock (_keys)
        {
            if (_keys.TryGetValue(role, out var key))
            {
                return key;
            }
        }

        var created = WithScope(sp => sp.GetRequiredService<CreateApiKey>().HandleAsync(new CreateApiKeyRequest($"test {role}", role, null), CancellationToken.None));
        lock (_keys)
        {
            return _keys[role] = created.Value!.Key;
        }
    }

    /// <summary>Runs code against the app's services (e.g. to read what was stored) in its own scope.</summary>
    public T WithScope<T>(Func<IServiceProvider, Task<T>> action)
    {
        using var scope = Services.CreateScope();
        return action(scope.ServiceProvider).GetAwaiter().GetResult();
    }

    /// <summary>Runs code against the app's services in its own scope, asynchronously.</summary>
    public async Task<T> WithScopeAsync<T>(Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    public async Task<T> WithDbAsync<T>(Func<RapportDbContext, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<RapportDbContext>());
    }

    /// <summary>A new staff user with a random password (through the real <see cref="AddUser"/> use case).</summary>
    public async Task<TestUser> AddUserAsync(Role role, string? displayName = null)
    {
        var email = $"{Roles.Name(role)}.{Guid.NewGuid():N}@example.com";
        var password = Passwords.Generate();
        await using var scope = Services.CreateAsyncScope();
        var added = await scope.ServiceProvider.GetRequiredService<AddUser>()
            .HandleAsync(new AddUserRequest(email, role, password, displayName ?? $"Test {role}"), CancellationToken.None);
        if (!added.IsOk)
        {
            throw new InvalidOperationException($"Could not add a test user: {added.Message}");
        }

        return new TestUser(added.Value!.Id, email, password, role);
    }

    /// <summary>A client signed in to the UI (cookie) as a new user of the given role, through the real sign-in page.</summary>
    public async Task<HttpClient> SignedInAs(Role role) => await SignInAsync(await AddUserAsync(role));

    /// <summary>A client signed in to the UI as <paramref name="user"/>; fails the test if the sign-in page refuses.</summary>
    public async Task<HttpClient> SignInAsync(TestUser user)
    {
        var client = Anonymous();
        var response = await PostSignInAsync(client, user.Email, user.Password);
        if (response.StatusCode != System.Net.HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Sign-in as {user.Email} answered {(int)response.StatusCode}.");
        }

        return client;
    }

    /// <summary>Fills and posts the sign-in form as a browser would: GET /signin for the antiforgery token, then POST.</summary>
    public static async Task<HttpResponseMessage> PostSignInAsync(HttpClient client, string email, string password, string? returnUrl = null)
    {
        var form = new Dictionary<string, string>
        {
            ["email"] = email,
            ["password"] = password,
            [AntiforgeryField] = await AntiforgeryTokenAsync(client, returnUrl is null ? "/signin" : $"/signin?ReturnUrl={Uri.EscapeDataString(returnUrl)}"),
        };
        if (returnUrl is not null)
        {
            form["returnUrl"] = returnUrl;
        }

        using var content = new FormUrlEncodedContent(form);
        return await client.PostAsync("/signin", content);
    }

    public const string AntiforgeryField = "__RequestVerificationToken";

    /// <summary>GETs a page and returns the antiforgery token of its first form (the client keeps the matching cookie).</summary>
    public static async Task<string> AntiforgeryTokenAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
        return document.QuerySelector($"form input[name={AntiforgeryField}]")?.GetAttribute("value")
            ?? throw new InvalidOperationException($"GET {path} ({(int)response.StatusCode}) has no form with an antiforgery token.");
    }
}

/// <summary>A staff user made by <see cref="RapportAppFactory.AddUserAsync"/>, with the password it was given.</summary>
public sealed record TestUser(long Id, string Email, string Password, Role Role);
