using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Npgsql;
using Rapport.Data;

namespace Rapport.Ingestion.Batch;

/// <summary>
/// One batch = one database transaction (on SQLite possibly shared with other batches, see <see cref="BatchWriteGate"/>),
/// written one at a time per database: on SQLite through <see cref="BatchWriteGate"/> (SQLite has one writer anyway),
/// on PostgreSQL through a transaction-level advisory lock, taken before the writer looks anything up. Without it two
/// concurrent batches with the same message id could each read the other half-done (one finds the order the other
/// just committed, but not its message id) and report the event as rejected instead of duplicate. Parsing and
/// validation still run concurrently. A unique violation against other writers (an import, the single-record API)
/// rolls the batch back and runs it again, when the other rows are visible and are matched or reported as duplicates.
/// </summary>
internal static class BatchTransaction
{
    internal const int MaxAttempts = 3;

    /// <summary>The PostgreSQL advisory lock of batch ingestion writes (key 0x52617042, "RapB"; no other code uses it).</summary>
    private const string LockSql = "SELECT pg_advisory_xact_lock(1382117442)";

    public static async Task<T> RunAsync<T>(RapportDatabase database, BatchWriteGate gate, string source, TimeProvider clock, ILogger logger,
        Func<IngestionContext, Task<T>> write, CancellationToken ct)
    {
        if (!database.IsPostgres)
        {
            return await gate.WriteAsync(source, write, ct);
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await database.OpenConnectionAsync(ct);
                await using var transaction = await connection.BeginTransactionAsync(ct);
                await using (var lockCommand = connection.CreateCommand())
                {
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

    internal static bool IsUniqueViolation(DbException exception) => exception switch
    {
        PostgresException pg => pg.SqlState == PostgresErrorCodes.UniqueViolation,
        // SQLITE_CONSTRAINT_UNIQUE and SQLITE_CONSTRAINT_PRIMARYKEY (https://www.sqlite.org/rescode.html)
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        _ => false,
    };
}

/// <summary>
/// The batch writes of this process to a SQLite database. SQLite has one writer at a time, and a connection that finds
/// the file locked polls for it with sleeps of up to 100 ms; batches therefore queue here (their parsing and
/// validation still run concurrently) and are written by one of them, the leader, on the gate's own connection. A
/// leader takes every batch waiting at that moment (up to <see cref="MaxGroup"/>) into one transaction (should one of
/// them fail, the group is written again batch by batch, so that only that one fails), and commits once for the group: a
/// commit writes every page the transaction changed, and batches of orders change pages all over the per-customer
/// indexes, so several batches per commit cost much less than one commit each (group commit). No batch's answer is
/// given before its commit. The one connection also keeps its page cache warm: SQLite drops a connection's cache
/// whenever another connection has written.
/// </summary>
public sealed class BatchWriteGate(RapportDatabase database, TimeProvider clock, ILogger<BatchWriteGate> logger) : IAsyncDisposable
{
    /// <summary>Most batches per transaction (a batch holds up to 1,000 items).</summary>
    public const int MaxGroup = 8;

    private readonly SemaphoreSlim _leader = new(1, 1);
    private readonly ConcurrentQueue<Job> _waiting = new();
    private DbConnection? _connection;

    /// <summary>Writes one batch (see the class summary) and returns what <paramref name="write"/> returned, once committed.</summary>
    public async Task<T> WriteAsync<T>(string source, Func<IngestionContext, Task<T>> write, CancellationToken ct)
    {
        var job = new Job<T>(source, write);
        _waiting.Enqueue(job);
        using (ct.Register(() => job.Cancel(ct)))
        {
            while (!job.Done.IsCompleted)
            {
                await _leader.WaitAsync(ct);
                try
                {
                    if (job.Done.IsCompleted)
                    {
                        break;
                    }

                    var group = new List<Job>(MaxGroup);
                    while (group.Count < MaxGroup && _waiting.TryDequeue(out var next))
                    {
                        if (!next.Done.IsCompleted)
                        {
                            group.Add(next);
                        }
                    }

                    if (group.Count > 0)
                    {
                        await RunGroupAsync(group);
                    }
                }
                finally
                {
                    _leader.Release();
                }
            }
        }

        return await job.Result;
    }

    /// <summary>
    /// Writes the group in one transaction; when any batch of it fails, nothing of the group stays and each batch is
    /// written again on its own, so that only the failing one fails. (Savepoints per batch would do the same, but make
    /// SQLite copy every page a batch changes to a statement journal first.)
    /// </summary>
    private async Task RunGroupAsync(List<Job> group)
    {
        if (group.Count > 1 && await TryRunTogetherAsync(group))
        {
            return;
        }

        foreach (var job in group)
        {
            if (!job.Done.IsCompleted)
            {
                await RunAloneAsync(job);
            }
        }
    }

    private async Task<bool> TryRunTogetherAsync(List<Job> group)
    {
        try
        {
            var connection = await ConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
            foreach (var job in group)
            {
                await job.RunAsync(ContextOf(connection, transaction, job));
            }

            await transaction.CommitAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is DbException or OperationCanceledException or InvalidOperationException or ArgumentException)
        {
            logger.LogInformation("A group of {Count} batches failed together ({Error}); writing them one by one", group.Count, e.GetType().Name);
            return false;
        }

        foreach (var job in group)
        {
            job.Complete();
        }

        return true;
    }

    private async Task RunAloneAsync(Job job)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var connection = await ConnectionAsync();
                await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
                await job.RunAsync(ContextOf(connection, transaction, job));
                await transaction.CommitAsync(CancellationToken.None);
                job.Complete();
                return;
            }
            catch (DbException e) when (attempt < BatchTransaction.MaxAttempts && BatchTransaction.IsUniqueViolation(e))
            {
                logger.LogInformation("Batch for source {Source} met a concurrent insert of the same key; running it again (attempt {Attempt})", job.Source, attempt + 1);
            }
            catch (Exception e)
            {
                if (e is DbException && _connection is { State: not System.Data.ConnectionState.Open })
                {
                    await DropConnectionAsync();
                }

                job.Fail(e);
                return;
            }
        }
    }

    private IngestionContext ContextOf(DbConnection connection, DbTransaction transaction, Job job) =>
        new(connection, transaction, database.Provider, job.Source, clock.GetUtcNow(), null);

    private async Task<DbConnection> ConnectionAsync()
    {
        if (_connection is { State: not System.Data.ConnectionState.Open })
        {
            await DropConnectionAsync();
        }

        return _connection ??= await database.OpenConnectionAsync(CancellationToken.None);
    }

    private async Task DropConnectionAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
            _connection = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _leader.WaitAsync();
        try
        {
            await DropConnectionAsync();
        }
        finally
        {
            _leader.Release();
            _leader.Dispose();
        }
    }

    /// <summary>A batch waiting for, or in, a group.</summary>
    private abstract class Job(string source)
    {
        public string Source { get; } = source;

        /// <summary>Completes when the batch is committed, failed, or its caller gave up.</summary>
        public abstract Task Done { get; }

        public abstract Task RunAsync(IngestionContext context);

        public abstract void Complete();

        public abstract void Fail(Exception e);

        public abstract void Cancel(CancellationToken ct);
    }

    private sealed class Job<T>(string source, Func<IngestionContext, Task<T>> write) : Job(source)
    {
        private readonly TaskCompletionSource<T> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _value = default!;

        public Task<T> Result => _result.Task;

        public override Task Done => _result.Task;

        public override async Task RunAsync(IngestionContext context) => _value = await write(context);

        public override void Complete() => _result.TrySetResult(_value);

        public override void Fail(Exception e) => _result.TrySetException(e);

        public override void Cancel(CancellationToken ct) => _result.TrySetCanceled(ct);
    }
}
