using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Rapport.Data;

/// <summary>
/// Per-connection SQLite settings. WAL is persistent in the file (set by the migrator); foreign keys and the busy
/// timeout come from the connection string; synchronous=NORMAL is safe under WAL and must be set per connection.
/// The WAL is checkpointed into the database once it holds 10,000 pages (40 MB) instead of SQLite's 1,000: a batch of
/// orders changes more than 1,000 pages (its rows land all over the per-customer indexes), so with the default every
/// commit also copied its pages into the database file and synced it; with 10,000 a page changed by several commits
/// in a row is copied once (half the commit time of a 1,000-order API batch, docs/benchmarks.md).
/// secure_delete=ON makes SQLite overwrite deleted content (rows, index entries, freed pages) with zeros, so that an
/// erased customer's data is not left in free space (docs/privacy-requests.md).
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    public static readonly SqlitePragmas Instance = new();

    private const string Sql = "PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=10000; PRAGMA secure_delete=ON;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Sql;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default) =>
        await ApplyAsync(connection, cancellationToken);

    public static async Task ApplyAsync(DbConnection connection, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Sql;
        await command.ExecuteNonQueryAsync(ct);
    }
}
