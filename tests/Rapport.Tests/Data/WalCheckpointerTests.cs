using System.Data.Common;
using Rapport.Data;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Data;

/// <summary>The WAL checkpoints of a bulk writer, moved to a second connection (SQLite; nothing to do on PostgreSQL).</summary>
public sealed class WalCheckpointerTests
{
    [Fact]
    public async Task Writer_stops_checkpointing_and_its_commits_reach_the_database_file_through_the_second_connection()
    {
        await using var db = TestDatabase.CreateSqlite();
        var path = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(db.ConnectionString).DataSource;
        await using var writer = await db.Database.OpenConnectionAsync();
        await ExecuteAsync(writer, "PRAGMA journal_mode=WAL; CREATE TABLE t (x TEXT)");
        (await ScalarAsync(writer, "PRAGMA wal_autocheckpoint")).Should().Be(10_000L);
        var before = new FileInfo(path).Length;

        await using (var checkpoints = await WalCheckpointer.StartAsync(db.Database, writer, CancellationToken.None))
        {
            (await ScalarAsync(writer, "PRAGMA wal_autocheckpoint")).Should().Be(0L, "the writer no longer checkpoints");
            // About 4 MB of pages: more than fits a few pages, far below the 10,000 pages of an automatic checkpoint.
            await ExecuteAsync(writer, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4000) INSERT INTO t SELECT hex(randomblob(500)) FROM n");
            new FileInfo(path).Length.Should().Be(before, "the rows are in the WAL only");

            checkpoints.Committed();
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (new FileInfo(path).Length <= before + 1_000_000 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            new FileInfo(path).Length.Should().BeGreaterThan(before + 1_000_000, "the second connection copied the pages into the database file");
        }

        (await ScalarAsync(writer, "PRAGMA wal_autocheckpoint")).Should().Be(10_000L, "the writer's setting is put back");
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
