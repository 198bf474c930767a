using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Rapport.Data;

namespace Rapport.Bench;

/// <summary>A new, migrated database for one measurement: a SQLite file under the temp folder, or a new PostgreSQL database.</summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string? _postgresName;
    private bool _keep;

    private BenchDatabase(RapportDatabase database, string? sqlitePath, string? postgresName)
    {
        Database = database;
        SqlitePath = sqlitePath;
        _postgresName = postgresName;
    }

    public RapportDatabase Database { get; }
    public string? SqlitePath { get; }
    public string? PostgresName => _postgresName;
    public string ProviderName => Database.IsPostgres ? "postgres" : "sqlite";

    public static string PostgresAdmin =>
        Environment.GetEnvironmentVariable("RAPPORT_BENCH_POSTGRES") ?? "Host=127.0.0.1;Username=postgres;Password=postgres";

    public static string Folder
    {
        get
        {
            var folder = Path.Combine(Path.GetTempPath(), "rapport-bench");
            Directory.CreateDirectory(folder);
            return folder;
        }
    }

    public static async Task<BenchDatabase> CreateAsync(string provider, string label, CancellationToken ct)
    {
        BenchDatabase created;
        if (provider == "postgres")
        {
            var name = $"rapport_bench_{label}_{Guid.NewGuid():N}"[..48];
            await using (var admin = new NpgsqlConnection(PostgresAdmin))
            {
                await admin.OpenAsync(ct);
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
                await create.ExecuteNonQueryAsync(ct);
            }

            var builder = new NpgsqlConnectionStringBuilder(PostgresAdmin) { Database = name };
            created = new BenchDatabase(new RapportDatabase(DatabaseProvider.Postgres, builder.ToString()), null, name);
        }
        else
        {
            var path = Path.Combine(Folder, $"{label}-{Guid.NewGuid():N}.db");
            created = new BenchDatabase(new RapportDatabase(DatabaseProvider.Sqlite, $"Data Source={path}"), path, null);
        }

        await new DatabaseMigrator(created.Database, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(ct);
        return created;
    }

    /// <summary>
    /// A database an earlier run kept (a SQLite file, or a PostgreSQL database's name), migrated to the current schema;
    /// kept again after this run.
    /// </summary>
    public static async Task<BenchDatabase> OpenAsync(string provider, string location, CancellationToken ct)
    {
        BenchDatabase opened;
        if (provider == "postgres")
        {
            var builder = new NpgsqlConnectionStringBuilder(PostgresAdmin) { Database = location };
            opened = new BenchDatabase(new RapportDatabase(DatabaseProvider.Postgres, builder.ToString()), null, location);
        }
        else
        {
            if (!File.Exists(location))
            {
                throw new ArgumentException($"No database at {location}.");
            }

            opened = new BenchDatabase(new RapportDatabase(DatabaseProvider.Sqlite, $"Data Source={location}"), location, null);
        }

        opened.Keep();
        await new DatabaseMigrator(opened.Database, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(ct);
        return opened;
    }

    /// <summary>Leave the database in place after the run (its location is printed by the caller).</summary>
    public void Keep() => _keep = true;

    public async Task<long> CountAsync(string table, CancellationToken ct)
    {
        await using var connection = await Database.OpenConnectionAsync(ct);
        await using var command = connection.CreateCommand();
        // Table names come from the fixed list in DemoScenario.
        command.CommandText = $"SELECT COUNT(*) FROM {table}";
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        if (_keep)
        {
            return;
        }

        if (SqlitePath is not null)
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(SqlitePath + suffix);
            }
        }

        if (_postgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(PostgresAdmin);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_postgresName}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
