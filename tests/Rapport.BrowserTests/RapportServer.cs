using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Rapport.Customers;
using Rapport.Data;
using Rapport.Identity;
using Rapport.Transactions;

namespace Rapport.BrowserTests;

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<RapportServer>
{
    public const string Name = "browser";
}

/// <summary>
/// The real Rapport app on real Kestrel at <c>http://127.0.0.1:&lt;free port&gt;</c> over a fresh SQLite file, migrated by
/// the real migrator and seeded through the use-case classes, plus one headless system Chromium driven by Playwright.
/// Shared by every browser test; each test gets its own browser context (cookies, storage) from <see cref="OpenAsync"/>.
/// </summary>
public sealed class RapportServer : IAsyncLifetime
{
    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), "rapport-browser-tests", $"{Guid.NewGuid():N}.db");
    private WebApplication? _app;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public Uri BaseUrl { get; private set; } = null!;
    public SeededUser Admin { get; private set; } = null!;
    public SeededUser Analyst { get; private set; } = null!;

    /// <summary>Seeded customers by display name → id. Each test that changes a customer uses its own.</summary>
    public IReadOnlyDictionary<string, long> Customers { get; private set; } = new Dictionary<string, long>();

    public static readonly SeedCustomer[] SeedCustomers =
    [
        new("Ingrid", "Valtonen", "ingrid.valtonen@example.com", "+358 40 555 0101", "Helsinki", "FI"),
        new("Tomasz", "Wiśniewski", "tomasz.w@example.com", "+48 22 555 0102", "Warsaw", "PL"),
        new("Amara", "Okafor", "amara.okafor@example.com", "+234 1 555 0103", "Lagos", "NG"),
        new("Lucía", "Fernández", "lucia.fernandez@example.com", "+34 91 555 0104", "Madrid", "ES"),
        new("Kenji", "Watanabe", "kenji.watanabe@example.com", "+81 3 5550 0105", "Tokyo", "JP"),
        new("Margot", "Lefèvre", "margot.lefevre@example.com", "+33 1 55 50 01 06", "Lyon", "FR"),
    ];

    public async Task InitializeAsync()
    {
        if (BrowserEnvironment.MissingBrowserReason() is not null)
        {
            return; // every test is skipped with the reason
        }

        Directory.CreateDirectory(Path.GetDirectoryName(_databasePath)!);
        _app = RapportApp.Build(
            [
                "--urls=http://127.0.0.1:0",
                "--Rapport:Database:Provider=sqlite",
                $"--Rapport:Database:ConnectionString=Data Source={_databasePath}",
                // The test host's entry assembly is testhost; static web assets are found by the app's own name.
                "--applicationName=rapport",
                "--Logging:LogLevel:Default=Warning",
                // The suite signs the same seeded users in from one address dozens of times a minute; the limits
                // themselves are tested in Rapport.Tests (RateLimitTests).
                "--Rapport:RateLimits:SignInPerIp=100000",
                "--Rapport:RateLimits:SignInPerEmail=100000",
            ],
            useBinaryContentRoot: true);
        await _app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
        await SeedAsync(_app.Services);
        await _app.StartAsync();
        BaseUrl = new Uri(_app.Urls.Single(u => u.StartsWith("http://127.0.0.1:", StringComparison.Ordinal)));

        // CI machines are busy: give the app and the browser time before an assertion gives up (the default is 5 s).
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = BrowserEnvironment.Chromium,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_databasePath + suffix);
        }
    }

    /// <summary>A new browser context and page that records console errors, page errors and CSP violations.</summary>
    public async Task<BrowserSession> OpenAsync()
    {
        var browser = _browser ?? throw new InvalidOperationException($"No browser: {BrowserEnvironment.MissingBrowserReason()}");
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl.ToString(),
            Locale = "en-US",
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout(15_000);
        return await BrowserSession.StartAsync(context);
    }

    /// <summary>Runs <paramref name="action"/> with the app's services in a scope of its own (use cases, as the API would).</summary>
    public async Task<T> WithServicesAsync<T>(Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = (_app ?? throw new InvalidOperationException("The server is not running.")).Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    /// <summary>A new browser context the size of a phone (390 × 844, touch), for the pages customers open on one.</summary>
    public async Task<BrowserSession> OpenPhoneAsync()
    {
        var browser = _browser ?? throw new InvalidOperationException($"No browser: {BrowserEnvironment.MissingBrowserReason()}");
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl.ToString(),
            Locale = "en-US",
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            IsMobile = true,
            HasTouch = true,
        });
        context.SetDefaultTimeout(15_000);
        return await BrowserSession.StartAsync(context);
    }

    public async Task<T> WithDbAsync<T>(Func<RapportDbContext, Task<T>> action)
    {
        await using var scope = (_app ?? throw new InvalidOperationException("The server is not running.")).Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<RapportDbContext>());
    }

    private async Task SeedAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        Admin = await AddUserAsync(sp, "admin@rapport.test", Role.Admin, "Ada Admin");
        Analyst = await AddUserAsync(sp, "analyst@rapport.test", Role.Analyst, "Ann Analyst");

        var create = sp.GetRequiredService<CreateCustomer>();
        var record = sp.GetRequiredService<RecordTransaction>();
        var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < SeedCustomers.Length; i++)
        {
            var seed = SeedCustomers[i];
            var created = await create.HandleAsync(new CreateCustomerRequest
            {
                FirstName = seed.FirstName,
                LastName = seed.LastName,
                Email = seed.Email,
                Phone = seed.Phone,
                City = seed.City,
                Country = seed.Country,
                Tags = i % 2 == 0 ? ["vip"] : ["newsletter"],
            }, CustomerSources.Ui, CancellationToken.None);
            Ok(created.IsOk, created.Message);
            ids[seed.DisplayName] = created.Value!.Id;

            // A few purchases over the last weeks, so the dashboard chart has data to draw.
            for (var order = 0; order <= i; order++)
            {
                var recorded = await record.HandleAsync(new RecordTransactionRequest(
                    created.Value.Id,
                    ExternalId: $"seed-{i}-{order}",
                    OccurredAt: now.AddDays(-(3 + (order * 11) + i)),
                    Currency: "USD",
                    Lines: [new TransactionLineRequest(Description: "Seed order", Quantity: 1 + order, UnitPrice: 19.5m + i)]), CancellationToken.None);
                Ok(recorded.IsOk, recorded.Message);
            }
        }

        Customers = ids;
    }

    private static async Task<SeededUser> AddUserAsync(IServiceProvider sp, string email, Role role, string name)
    {
        var password = Passwords.Generate();
        var added = await sp.GetRequiredService<AddUser>().HandleAsync(new AddUserRequest(email, role, password, name), CancellationToken.None);
        Ok(added.IsOk, added.Message);
        return new SeededUser(added.Value!.Id, email, password, name);
    }

    private static void Ok(bool ok, string? message)
    {
        if (!ok)
        {
            throw new InvalidOperationException($"Seeding the browser-test database failed: {message}");
        }
    }
}

public sealed record SeededUser(long Id, string Email, string Password, string Name);

public sealed record SeedCustomer(string FirstName, string LastName, string Email, string Phone, string City, string Country)
{
    public string DisplayName => $"{FirstName} {LastName}";
}
