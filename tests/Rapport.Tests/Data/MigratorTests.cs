using System.Data.Common;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Rapport.Data;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Data;

/// <summary>The real migrator against a fresh database of the provider under test (SQLite, or PostgreSQL in the postgres run).</summary>
public sealed partial class MigratorTests : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private DatabaseMigrator Migrator(RapportDatabase? database = null) =>
        new(database ?? _db.Database, NullLogger<DatabaseMigrator>.Instance);

    private IReadOnlyList<DatabaseMigrator.Migration> Scripts => DatabaseMigrator.Scripts(_db.Provider);

    [Fact]
    public void Scripts_are_numbered_from_1_without_gaps_and_exist_for_both_providers()
    {
        var sqlite = DatabaseMigrator.Scripts(DatabaseProvider.Sqlite);
        var postgres = DatabaseMigrator.Scripts(DatabaseProvider.Postgres);

        sqlite.Should().NotBeEmpty();
        sqlite.Select(m => m.Version).Should().Equal(Enumerable.Range(1, sqlite.Count), "versions are 1, 2, 3, ... in order");
        postgres.Select(m => (m.Version, m.Name)).Should().Equal(sqlite.Select(m => (m.Version, m.Name)),
            "every migration is written for both providers under the same number and name");
        sqlite.Concat(postgres).Should().OnlyContain(m => !string.IsNullOrWhiteSpace(m.Sql));
    }

    [Fact]
    public async Task Fresh_database_gets_every_script_applied_and_recorded()
    {
        var applied = await Migrator().MigrateAsync();

        applied.Select(m => m.Version).Should().Equal(Scripts.Select(m => m.Version));
        (await Migrator().AppliedVersionsAsync()).Should().Equal(Scripts.Select(m => m.Version));

        await using var connection = await _db.Database.OpenConnectionAsync();
        var recorded = (await connection.QueryAsync<(int Version, string Name, string AppliedAt)>(
            "SELECT version, name, applied_at FROM schema_versions ORDER BY version")).ToList();
        recorded.Select(r => (r.Version, r.Name)).Should().Equal(Scripts.Select(m => (m.Version, m.Name)));
        recorded.Select(r => DateTimeOffset.TryParse(r.AppliedAt, System.Globalization.CultureInfo.InvariantCulture, out var at) && at > DateTimeOffset.UtcNow.AddHours(-1))
            .Should().AllSatisfy(ok => ok.Should().BeTrue(), "applied_at is the ISO-8601 instant of the run");

        (await DatabaseSchema.TablesAsync(_db.Database)).Should().Contain(["customers", "transactions", "interactions", "users", "api_keys"]);
    }

    [Fact]
    public async Task Second_run_applies_nothing_and_changes_nothing()
    {
        await Migrator().MigrateAsync();
        var schema = await DatabaseSchema.ReadAsync(_db.Database);

        var second = await Migrator().MigrateAsync();

        second.Should().BeEmpty();
        (await Migrator().AppliedVersionsAsync()).Should().Equal(Scripts.Select(m => m.Version));
        (await DatabaseSchema.ReadAsync(_db.Database)).Should().Equal(schema);
    }

    [Fact]
    public async Task Empty_database_reports_no_applied_versions()
    {
        (await Migrator().AppliedVersionsAsync()).Should().BeEmpty();
    }

    /// <summary>
    /// A table that the first script creates last already exists, so the script fails on its last CREATE TABLE after
    /// creating all the others. Its transaction must take every one of them back, record nothing, and let a later run,
    /// once the cause is removed, apply everything.
    /// </summary>
    [Fact]
    public async Task A_failing_script_leaves_no_partial_tables_and_can_be_retried()
    {
        var first = Scripts[0];
        var created = CreateTable().Matches(first.Sql).Select(m => m.Groups[1].Value).ToList();
        created.Should().HaveCountGreaterThan(1, "the first script must create several tables for a partial application to show");
        var blocker = created[^1];

        await using (var connection = await _db.Database.OpenConnectionAsync())
        {
            await connection.ExecuteAsync($"CREATE TABLE {blocker} (blocker integer)");
        }

        var failing = () => Migrator().MigrateAsync();
        await failing.Should().ThrowAsync<DbException>();

        (await DatabaseSchema.TablesAsync(_db.Database)).Should().BeEquivalentTo([blocker, DatabaseSchema.VersionsTable],
            "the tables the failed script created before its failing statement were rolled back with it");
        (await Migrator().AppliedVersionsAsync()).Should().BeEmpty("a failed script is not recorded");

        await using (var connection = await _db.Database.OpenConnectionAsync())
        {
            await connection.ExecuteAsync($"DROP TABLE {blocker}");
        }

        (await Migrator().MigrateAsync()).Select(m => m.Version).Should().Equal(Scripts.Select(m => m.Version));
        (await DatabaseSchema.TablesAsync(_db.Database)).Should().Contain(created);
    }

    [Fact]
    public async Task Concurrent_migrators_apply_each_script_exactly_once()
    {
        using var start = new Barrier(2);
        var runs = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            // Each migrator has its own RapportDatabase and connection, as two app servers starting at once would.
            var database = new RapportDatabase(_db.Provider, _db.ConnectionString);
            start.SignalAndWait();
            return await Migrator(database).MigrateAsync();
        })).ToList();

        var results = await Task.WhenAll(runs);

        results.SelectMany(r => r).Select(m => m.Version).Order().Should().Equal(Scripts.Select(m => m.Version),
            "between them the two migrators apply every script, and none twice");
        (await Migrator().AppliedVersionsAsync()).Should().Equal(Scripts.Select(m => m.Version));
    }

    [Fact]
    public async Task Sqlite_file_is_in_WAL_mode_with_foreign_keys_on()
    {
        await using var sqlite = TestDatabase.CreateSqlite();
        await Migrator(sqlite.Database).MigrateAsync();

        // WAL is a property of the file: any connection, even one that sets nothing, sees it.
        var path = new SqliteConnectionStringBuilder(sqlite.ConnectionString).DataSource;
        await using (var plain = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await plain.OpenAsync();
            (await plain.ExecuteScalarAsync<string>("PRAGMA journal_mode")).Should().Be("wal");
        }

        // Raw connections (hot paths, the migrator) and EF's connections both enforce foreign keys.
        await using (var raw = await sqlite.Database.OpenConnectionAsync())
        {
            (await raw.ExecuteScalarAsync<long>("PRAGMA foreign_keys")).Should().Be(1);
            var orphan = () => raw.ExecuteAsync("INSERT INTO customer_tags (customer_id, tag) VALUES (424242, 'orphan')");
            (await orphan.Should().ThrowAsync<SqliteException>()).Which.SqliteErrorCode.Should().Be(19, "SQLITE_CONSTRAINT: the customer does not exist");
        }

        var options = new DbContextOptionsBuilder<RapportDbContext>();
        sqlite.Database.Configure(options);
        await using var db = new RapportDbContext(options.Options);
        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();
        (await connection.ExecuteScalarAsync<long>("PRAGMA foreign_keys")).Should().Be(1);
        (await connection.ExecuteScalarAsync<long>("PRAGMA synchronous")).Should().Be(1, "synchronous=NORMAL is safe under WAL");
        (await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode")).Should().Be("wal");
    }

    [Fact]
    public async Task Sqlite_writer_waits_for_another_writer_instead_of_failing_busy()
    {
        await using var sqlite = TestDatabase.CreateSqlite();
        await Migrator(sqlite.Database).MigrateAsync();

        await using var first = await sqlite.Database.OpenConnectionAsync();
        await using var holding = await first.BeginTransactionAsync();
        await first.ExecuteAsync("INSERT INTO custom_fields (key, label, type, position, created_at, updated_at) VALUES ('a', 'A', 'text', 1, 'x', 'x')", transaction: holding);

        await using var second = await sqlite.Database.OpenConnectionAsync();
        // Microsoft.Data.Sqlite waits for a lock synchronously, so the second writer runs on its own thread.
        var waiting = Task.Run(() => second.ExecuteAsync("INSERT INTO custom_fields (key, label, type, position, created_at, updated_at) VALUES ('b', 'B', 'text', 2, 'x', 'x')"));
        await Task.Delay(700);
        waiting.IsCompleted.Should().BeFalse("the second writer waits while the first holds the write lock");

        await holding.CommitAsync();
        (await waiting).Should().Be(1, "once the lock is free the second write goes through instead of failing with SQLITE_BUSY");
    }

    [GeneratedRegex("""CREATE TABLE\s+(?:IF NOT EXISTS\s+)?"?(\w+)"?""", RegexOptions.IgnoreCase)]
    private static partial Regex CreateTable();
}
