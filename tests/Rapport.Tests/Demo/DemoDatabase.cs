using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Rapport.Analytics;
using Rapport.Customers.Changes;
using Rapport.Data;
using Rapport.Demo;
using Rapport.Identity;
using Rapport.Metrics;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Demo;

/// <summary>
/// A fresh, migrated database (SQLite, or PostgreSQL with <c>RAPPORT_TEST_DATABASE=postgres</c>) with the services the
/// demo generator needs and nothing else, so that a test can fill several databases and compare them.
/// </summary>
public sealed class DemoDatabase : IAsyncDisposable
{
    private readonly TestDatabase _database;
    private readonly ServiceProvider _services;

    private DemoDatabase(TestDatabase database, ServiceProvider services)
    {
        _database = database;
        _services = services;
    }

    public TestClock Clock { get; private init; } = new();
    public RapportDatabase Database => _database.Database;

    public static async Task<DemoDatabase> CreateAsync(DateTimeOffset? now = null)
    {
        var database = await TestDatabase.CreateAsync();
        await new DatabaseMigrator(database.Database, NullLogger<DatabaseMigrator>.Instance).MigrateAsync();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Rapport:Database:Provider"] = database.ProviderName,
                ["Rapport:Database:ConnectionString"] = database.ConnectionString,
            })
            .Build();
        var clock = new TestClock();
        if (now is { } at)
        {
            clock.Set(at);
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<TimeProvider>(clock);
        services.AddLogging();
        services.AddRapportData(configuration);
        services.AddIdentityFeature();
        // The metrics updater tells the customer-change handlers (none here) what changed.
        services.AddCustomerChanges();
        services.AddCustomerMetrics();
        services.AddAnalytics();
        services.AddDemo();
        return new DemoDatabase(database, services.BuildServiceProvider()) { Clock = clock };
    }

    public async Task<DemoSummary> GenerateAsync(int customers, int seed, IProgress<DemoProgress>? progress = null)
    {
        await using var scope = _services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DemoGenerator>().GenerateAsync(new DemoOptions(customers, seed), progress, CancellationToken.None);
    }

    /// <summary>Recomputes every customer's metrics row with the set-based SQL used after bulk loads.</summary>
    public async Task RefreshMetricsAsync()
    {
        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CustomerMetricsUpdater>().RefreshAllAsync(CancellationToken.None);
    }

    public async Task<T> WithDbAsync<T>(Func<RapportDbContext, Task<T>> action)
    {
        await using var scope = _services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<RapportDbContext>());
    }

    /// <summary>Every row of a query as invariant text, one line per row.</summary>
    public async Task<List<string>> RowsAsync(string sql)
    {
        await using var connection = await Database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        var values = new StringBuilder();
        while (await reader.ReadAsync())
        {
            values.Clear();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                var value = reader.IsDBNull(i) ? "∅" : reader.GetValue(i) switch
                {
                    DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
                    IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                    var other => other.ToString(),
                };
                values.Append(value).Append('|');
            }

            rows.Add(values.ToString());
        }

        return rows;
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await Database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// A SHA-256 over the key columns of every table the demo writes (ordered by key), so that two databases can be
    /// compared. Leaves out what is random by design (password hashes, security stamps) and the metrics' refresh time.
    /// </summary>
    public async Task<string> DigestAsync()
    {
        string[] queries =
        [
            "SELECT id, first_name, last_name, email, email_normalized, phone, street, city, postal_code, region, country, birth_date, language, company_id, owner_id, source, search_text, created_at, updated_at FROM customers ORDER BY id",
            "SELECT id, name, name_normalized, domain, industry, website, phone, city, country, created_at FROM companies ORDER BY id",
            "SELECT id, sku, name, category, kind, price, cost, currency FROM products ORDER BY id",
            "SELECT id, email, display_name, role FROM users ORDER BY id",
            "SELECT id, key, type, options FROM custom_fields ORDER BY id",
            "SELECT customer_id, tag FROM customer_tags ORDER BY customer_id, tag",
            "SELECT customer_id, field_id, text_value, number_value, bool_value FROM customer_field_values ORDER BY customer_id, field_id",
            "SELECT id, customer_id, source, external_id, created_at FROM customer_external_ids ORDER BY id",
            "SELECT id, customer_id, external_id, occurred_at, currency, total, source, created_at FROM transactions ORDER BY id",
            "SELECT id, transaction_id, customer_id, line_number, product_id, sku, description, quantity, unit_price, amount FROM transaction_lines ORDER BY id",
            "SELECT id, customer_id, channel, direction, type, subject, notes, occurred_at, source, created_by_user_id FROM interactions ORDER BY id",
            "SELECT customer_id, first_purchase_at, last_purchase_at, purchase_count, revenue, interaction_count, last_interaction_at FROM customer_metrics ORDER BY customer_id",
        ];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var query in queries)
        {
            foreach (var row in await RowsAsync(query))
            {
                hash.AppendData(Encoding.UTF8.GetBytes(row + "\n"));
            }
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _database.DisposeAsync();
    }
}
