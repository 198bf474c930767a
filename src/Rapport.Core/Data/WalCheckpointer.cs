using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Rapport.Data;

/// <summary>
/// Moves SQLite's WAL checkpoints off a bulk writer's connection for as long as it writes (an import): the writer's
/// automatic checkpoint is switched off, and after each of its commits (<see cref="Committed"/>) a second connection
/// copies the committed pages into the database file with a PASSIVE checkpoint, which never blocks the writer, while
/// the writer goes on with its next batch. Disposing it puts the writer's setting back. Nothing on PostgreSQL.
/// </summary>
public sealed class WalCheckpointer : IAsyncDisposable
{
    private readonly SqliteConnection? _writer;
    private readonly long _writerSetting;
    private readonly DbConnection? _checkpointer;
    private readonly SemaphoreSlim _committed = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop = Task.CompletedTask;

    private WalCheckpointer()
    {
    }

    private WalCheckpointer(SqliteConnection writer, long writerSetting, DbConnection checkpointer)
    {
        (_writer, _writerSetting, _checkpointer) = (writer, writerSetting, checkpointer);
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Takes over the checkpoints of <paramref name="writer"/> (a SQLite connection; otherwise does nothing).</summary>
    public static async Task<WalCheckpointer> StartAsync(RapportDatabase database, DbConnection writer, CancellationToken ct)
    {
        if (writer is not SqliteConnection sqlite)
        {
            return new WalCheckpointer();
        }

        var setting = Convert.ToInt64(await ScalarAsync(writer, "PRAGMA wal_autocheckpoint", ct), CultureInfo.InvariantCulture);
        var checkpointer = await database.OpenConnectionAsync(ct);
        await ScalarAsync(writer, "PRAGMA wal_autocheckpoint = 0", ct);
        return new WalCheckpointer(sqlite, setting, checkpointer);
    }

    /// <summary>The writer committed: checkpoint what it wrote (at most one checkpoint waits; later commits join it).</summary>
    public void Committed()
    {
        if (_writer is not null && _committed.CurrentCount == 0)
        {
            try
            {
                _committed.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another commit signalled in between: one checkpoint covers both.
            }
        }
    }

    private async Task LoopAsync()
    {
        try
        {
            while (true)
            {
                await _committed.WaitAsync(_stop.Token);
                try
                {
                    await ScalarAsync(_checkpointer!, "PRAGMA wal_checkpoint(PASSIVE)", _stop.Token);
                }
                catch (SqliteException)
                {
                    // Busy or locked: the next commit's checkpoint, or the writer's own once set back, catches up.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        if (_writer is { State: System.Data.ConnectionState.Open })
        {
            try
            {
                await ScalarAsync(_writer, $"PRAGMA wal_autocheckpoint = {_writerSetting.ToString(CultureInfo.InvariantCulture)}", CancellationToken.None);
            }
            catch (SqliteException)
            {
                // The connection is being torn down anyway.
            }
        }

        if (_checkpointer is not null)
        {
            await _checkpointer.DisposeAsync();
        }

        _committed.Dispose();
        _stop.Dispose();
    }
}
