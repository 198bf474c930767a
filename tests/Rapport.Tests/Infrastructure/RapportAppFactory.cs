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

    public async Task<T> WithDbAsync<T>(Func<RapportDbContext, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<RapportDbContext>());
    }
}
