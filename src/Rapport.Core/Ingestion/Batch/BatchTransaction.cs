using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Npgsql;
using Rapport.Data;

namespace Rapport.Ingestion.Batch;

/// <summary>
/// One batch = one database transaction, written one at a time per database: on SQLite through
/// <see cref="BatchWriteGate"/> (SQLite has one writer anyway), on PostgreSQL through a transaction-level advisory
/// lock, taken before the writer looks anything up. Without it two concurrent batches with the same message id could
/// each read the other half-done (one finds the order the other just committed, but not its message id) and report
/// the event as rejected instead of duplicate. Parsing and validation still run concurrently. A unique violation
/// against other writers (an import, the single-record API) rolls the batch back and runs it again, when the other
/// rows are visible and are matched or reported as duplicates.
/// </summary>
internal static class BatchTransaction
{
    private const int MaxAttempts = 3;

    /// <summary>The PostgreSQL advisory lock of batch ingestion writes (key 0x52617042, "RapB"; no other code uses it).</summary>
    private const string LockSql = "SELECT pg_advisory_xact_lock(1382117442)";

    public static async Task<T> RunAsync<T>(RapportDatabase database, BatchWriteGate gate, string source, TimeProvider clock, ILogger logger,
        Func<IngestionContext, Task<T>> write, CancellationToken ct)
    {
        using var turn = await gate.EnterAsync(database, ct);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await database.OpenConnectionAsync(ct);
                await using var transaction = await connection.BeginTransactionAsync(ct);
                if (database.IsPostgres)
                {
                    await using var lockCommand = connection.CreateCommand();
                    lockCommand.Transaction = transaction;
                    lockCommand.CommandText = LockSql;
                    await lockCommand.ExecuteNonQueryAsync(ct);
                }

                var result = await write(new IngestionContext(connection, transaction, database.Provider, source, clock.GetUtcNow(), null));
                await transaction.CommitAsync(ct);
                return result;
            }
            catch (DbException e) when (attempt < MaxAttempts && IsUniqueViolation(e))
            {
                logger.LogInformation("Batch for source {Source} met a concurrent insert of the same key; running it again (attempt {Attempt})", source, attempt + 1);
            }
        }
    }

    private static bool IsUniqueViolation(DbException exception) => exception switch
    {
        PostgresException pg => pg.SqlState == PostgresErrorCodes.UniqueViolation,
        // SQLITE_CONSTRAINT_UNIQUE and SQLITE_CONSTRAINT_PRIMARYKEY (https://www.sqlite.org/rescode.html)
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        _ => false,
    };
}

/// <summary>
/// SQLite has one writer at a time, and a connection that finds the file locked polls for it with sleeps of up to
/// 100 ms. Batches of this process therefore queue here for their write instead (and go the moment the previous
/// one commits), while their parsing and validation still run concurrently. PostgreSQL writes concurrently: no gate.
/// </summary>
public sealed class BatchWriteGate : IDisposable
{
    private readonly SemaphoreSlim _sqlite = new(1, 1);

    public async Task<IDisposable?> EnterAsync(RapportDatabase database, CancellationToken ct)
    {
        if (database.IsPostgres)
        {
            return null;
        }

        await _sqlite.WaitAsync(ct);
        return new Turn(_sqlite);
    }

    public void Dispose() => _sqlite.Dispose();

    private sealed class Turn(SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose() => semaphore.Release();
    }
}
