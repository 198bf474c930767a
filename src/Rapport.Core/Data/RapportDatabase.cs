using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Rapport.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// The database this instance uses, resolved once from configuration:
/// <c>Rapport:Database:Provider</c> (<c>sqlite</c>, the default, or <c>postgres</c>) and
/// <c>Rapport:Database:ConnectionString</c> (for SQLite, defaults to <c>data/rapport.db</c> under the working directory).
/// </summary>
public sealed class RapportDatabase
{
    public RapportDatabase(DatabaseProvider provider, string connectionString)
    {
        Provider = provider;
        ConnectionString = provider == DatabaseProvider.Sqlite ? NormalizeSqlite(connectionString) : NormalizePostgres(connectionString);
    }

    /// <summary>
    /// Statements the product runs again and again (a customer's stage, their purchase summary, their facts for the
    /// segments) are prepared on the server after their second use, unless the connection string says otherwise:
    /// planning is most of their cost (docs/benchmarks.md, "Segments").
    /// </summary>
    private static string NormalizePostgres(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var text = connectionString.Replace(" ", "", StringComparison.Ordinal);
        if (!text.Contains("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }

        return builder.ConnectionString;
    }

    public DatabaseProvider Provider { get; }
    public string ConnectionString { get; }
    public bool IsPostgres => Provider == DatabaseProvider.Postgres;

    /// <summary>A short description without secrets, for logs and the CLI.</summary>
    public string Describe() => IsPostgres
        ? $"PostgreSQL {new NpgsqlConnectionStringBuilder(ConnectionString) { Password = null }.Host}/{new NpgsqlConnectionStringBuilder(ConnectionString).Database}"
        : $"SQLite {new SqliteConnectionStringBuilder(ConnectionString).DataSource}";

    public static RapportDatabase FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection("Rapport:Database");
        var providerName = section["Provider"];
        var connectionString = section["ConnectionString"];
        var provider = providerName?.Trim().ToLowerInvariant() switch
        {
            null or "" or "sqlite" => DatabaseProvider.Sqlite,
            "postgres" or "postgresql" or "npgsql" => DatabaseProvider.Postgres,
            _ => throw new InvalidOperationException($"Rapport:Database:Provider '{providerName}' is not known; use 'sqlite' or 'postgres'."),
        };

        if (provider == DatabaseProvider.Postgres && string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException("Rapport:Database:Provider is 'postgres' but Rapport:Database:ConnectionString is not set.");
        }

        return new RapportDatabase(provider, string.IsNullOrWhiteSpace(connectionString) ? "Data Source=data/rapport.db" : connectionString);
    }

    public void Configure(DbContextOptionsBuilder options)
    {
        if (IsPostgres)
        {
            options.UseNpgsql(ConnectionString);
        }
        else
        {
            options.UseSqlite(ConnectionString);
            options.AddInterceptors(SqlitePragmas.Instance);
        }
    }

    /// <summary>A raw connection for hot paths (bulk writes, reports) that go below EF. The caller opens and disposes it.</summary>
    public DbConnection CreateConnection() => IsPostgres
        ? new NpgsqlConnection(ConnectionString)
        : new SqliteConnection(ConnectionString);

    public async Task<DbConnection> OpenConnectionAsync(CancellationToken ct = default)
    {
        var connection = CreateConnection();
        await connection.OpenAsync(ct);
        if (!IsPostgres)
        {
            await SqlitePragmas.ApplyAsync(connection, ct);
        }

        return connection;
    }

    private static string NormalizeSqlite(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString)
        {
            ForeignKeys = true,
            Pooling = true,
        };
        // Microsoft.Data.Sqlite uses the command timeout as SQLite's busy timeout: writers wait instead of failing.
        if (builder.DefaultTimeout < 30)
        {
            builder.DefaultTimeout = 30;
        }

        if (builder.DataSource is not (":memory:" or "") && builder.Mode != SqliteOpenMode.Memory)
        {
            var path = Path.GetFullPath(builder.DataSource);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            builder.DataSource = path;
        }

        return builder.ToString();
    }
}
