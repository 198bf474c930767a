using Microsoft.Data.Sqlite;
using Npgsql;
using Rapport.Data;

namespace Rapport.Tests.Infrastructure;

/// <summary>
/// A fresh, empty database for one test class: a SQLite file in the temp folder, or, when
/// <c>RAPPORT_TEST_DATABASE=postgres</c>, a new database on the server named by <c>RAPPORT_TEST_POSTGRES</c>
/// (default <c>Host=127.0.0.1;Username=postgres;Password=postgres</c>). The same suite runs on both.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? _sqlitePath;
    private readonly string? _postgresName;

    private TestDatabase(RapportDatabase database, string? sqlitePath, string? postgresName)
    {
        Database = database;
        _sqlitePath = sqlitePath;
        _postgresName = postgresName;
    }

    public RapportDatabase Database { get; }
    public DatabaseProvider Provider => Database.Provider;
    public string ConnectionString => Database.ConnectionString;
    public string ProviderName => Database.IsPostgres ? "postgres" : "sqlite";

    public static bool UsePostgres =>
        string.Equals(Environment.GetEnvironmentVariable("RAPPORT_TEST_DATABASE"), "postgres", StringComparison.OrdinalIgnoreCase);

    public static string PostgresAdminConnectionString =>
        Environment.GetEnvironmentVariable("RAPPORT_TEST_POSTGRES") ?? "Host=127.0.0.1;Username=postgres;Password=postgres";

    public static Task<TestDatabase> CreateAsync() => UsePostgres ? CreatePostgresAsync() : Task.FromResult(CreateSqlite());

    public static TestDatabase CreateSqlite()
    {
        var folder = Path.Combine(Path.GetTempPath(), "rapport-tests");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{Guid.NewGuid():N}.db");
        return new TestDatabase(new RapportDatabase(DatabaseProvider.Sqlite, $"Data Source={path}"), path, null);
    }

    public static async Task<TestDatabase> CreatePostgresAsync()
    {
        var name = $"rapport_test_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(PostgresAdminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(PostgresAdminConnectionString) { Database = name, MaxPoolSize = 20 };
        return new TestDatabase(new RapportDatabase(DatabaseProvider.Postgres, builder.ToString()), null, name);
    }

    public async ValueTask DisposeAsync()
    {
        if (_sqlitePath is not null)
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                try
                {
                    File.Delete(_sqlitePath + suffix);
                }
                catch (IOException)
                {
                    // A file still open by a late request is left in the temp folder.
                }
            }
        }

        if (_postgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(PostgresAdminConnectionString);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_postgresName}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
