using System.Data.Common;
using System.Reflection;
using Dapper;
using Microsoft.Extensions.Logging;

namespace Rapport.Data;

/// <summary>
/// Applies the numbered SQL scripts under <c>Data/Migrations/&lt;Provider&gt;/</c> in order, each in its own
/// transaction, and records them in <c>schema_versions</c>. Forward-only: a script, once released, never changes.
/// </summary>
public sealed class DatabaseMigrator(RapportDatabase database, ILogger<DatabaseMigrator> logger)
{
    public sealed record Migration(int Version, string Name, string Sql);

    public static IReadOnlyList<Migration> Scripts(DatabaseProvider provider)
    {
        var folder = provider == DatabaseProvider.Postgres ? "Postgres" : "Sqlite";
        var prefix = $"migrations/{folder}/";
        var assembly = typeof(DatabaseMigrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                var file = n[prefix.Length..^4];
                var underscore = file.IndexOf('_', StringComparison.Ordinal);
                var version = int.Parse(file[..underscore], System.Globalization.CultureInfo.InvariantCulture);
                return new Migration(version, file[(underscore + 1)..], Read(assembly, n));
            })
            .OrderBy(m => m.Version)
            .ToList();
    }

    /// <summary>Applies pending migrations; returns the ones applied now.</summary>
    public async Task<IReadOnlyList<Migration>> MigrateAsync(CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        if (database.IsPostgres)
        {
            // Several app servers may start at once: one migrates, the others wait here.
            await connection.ExecuteAsync("SELECT pg_advisory_lock(7411001)");
        }
        else
        {
            await connection.ExecuteAsync("PRAGMA journal_mode=WAL;");
        }

        try
        {
            await connection.ExecuteAsync(
                "CREATE TABLE IF NOT EXISTS schema_versions (version integer NOT NULL PRIMARY KEY, name varchar(200) NOT NULL, applied_at varchar(40) NOT NULL)");
            var applied = (await connection.QueryAsync<int>("SELECT version FROM schema_versions")).ToHashSet();
            var done = new List<Migration>();
            foreach (var migration in Scripts(database.Provider).Where(m => !applied.Contains(m.Version)))
            {
                if (await ApplyAsync(connection, migration, ct))
                {
                    done.Add(migration);
                    logger.LogInformation("Applied migration {Version} {Name}", migration.Version, migration.Name);
                }
            }

            return done;
        }
        finally
        {
            if (database.IsPostgres)
            {
                await connection.ExecuteAsync("SELECT pg_advisory_unlock(7411001)");
            }
        }
    }

    public async Task<IReadOnlyList<int>> AppliedVersionsAsync(CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        try
        {
            return (await connection.QueryAsync<int>("SELECT version FROM schema_versions ORDER BY version")).ToList();
        }
        catch (DbException)
        {
            return [];
        }
    }

    /// <summary>Applies one script unless another process applied it meanwhile; false when it was already there.</summary>
    private async Task<bool> ApplyAsync(DbConnection connection, Migration migration, CancellationToken ct)
    {
        // On SQLite this is BEGIN IMMEDIATE: the write lock is held from here, so the check below cannot race another
        // migrator that read schema_versions before we did (PostgreSQL is serialised by the advisory lock as well).
        await using var tx = await connection.BeginTransactionAsync(ct);
        var already = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM schema_versions WHERE version = @Version", new { migration.Version }, tx, cancellationToken: ct));
        if (already > 0)
        {
            await tx.RollbackAsync(ct);
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: tx, cancellationToken: ct));
        if (migration.Version == Values.DefaultValuesSeed.MigrationVersion)
        {
            // Data that a script cannot hold well: the default taxonomy comes from code (see DefaultValuesSeed).
            await Values.DefaultValuesSeed.InsertAsync(connection, tx, database, ct);
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO schema_versions (version, name, applied_at) VALUES (@Version, @Name, @AppliedAt)",
            new { migration.Version, migration.Name, AppliedAt = DateTimeOffset.UtcNow.ToString("O") },
            tx,
            cancellationToken: ct));
        await tx.CommitAsync(ct);
        return true;
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
