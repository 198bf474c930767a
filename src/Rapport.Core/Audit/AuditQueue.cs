using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Rapport.Data;

namespace Rapport.Audit;

/// <summary>
/// Views of personal data are audited off the request path: the request puts an entry in this bounded in-process
/// queue and goes on; <see cref="AuditQueueWriter"/> writes entries in batches. When the queue is full the request
/// waits for room (no entry is dropped). The host flushes it on shutdown; tests call <see cref="DrainAsync"/>.
/// </summary>
public sealed class AuditQueue(IServiceScopeFactory scopes, ILogger<AuditQueue> logger) : IDisposable
{
    public const int Capacity = 10_000;
    public const int BatchSize = 500;

    /// <summary>How long the writer gathers entries after the first one arrives: fewer, larger write transactions.</summary>
    public static readonly TimeSpan GatherFor = TimeSpan.FromMilliseconds(250);

    private readonly Channel<AuditEvent> _channel = Channel.CreateBounded<AuditEvent>(
        new BoundedChannelOptions(Capacity) { SingleReader = false, SingleWriter = false, FullMode = BoundedChannelFullMode.Wait });

    // One batch at a time, so that DrainAsync returns only once everything queued before it is in the table.
    private readonly SemaphoreSlim _writing = new(1, 1);

    public int Count => _channel.Reader.Count;

    /// <summary>True once the host's writer runs; without one (the CLI) entries are written at once instead.</summary>
    public bool HasWriter { get; private set; }

    internal void WriterStarted() => HasWriter = true;

    public ValueTask EnqueueAsync(AuditEvent entry, CancellationToken ct = default) =>
        _channel.Writer.TryWrite(entry) ? ValueTask.CompletedTask : _channel.Writer.WriteAsync(entry, ct);

    /// <summary>Waits until there is something to write (false when the queue was completed and is empty).</summary>
    internal ValueTask<bool> WaitAsync(CancellationToken ct) => _channel.Reader.WaitToReadAsync(ct);

    internal void Complete() => _channel.Writer.TryComplete();

    /// <summary>Writes what is queued now, in batches; returns the number of entries written.</summary>
    public async Task<int> DrainAsync(CancellationToken ct = default)
    {
        var total = 0;
        while (true)
        {
            var written = await WriteBatchAsync(ct);
            if (written == 0)
            {
                return total;
            }

            total += written;
        }
    }

    public void Dispose() => _writing.Dispose();

    internal async Task<int> WriteBatchAsync(CancellationToken ct)
    {
        await _writing.WaitAsync(ct);
        try
        {
            var batch = new List<AuditEvent>(BatchSize);
            while (batch.Count < BatchSize && _channel.Reader.TryRead(out var entry))
            {
                batch.Add(entry);
            }

            if (batch.Count == 0)
            {
                return 0;
            }

            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RapportDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await AuditWriter.InsertAsync(db, batch, ct);
            await transaction.CommitAsync(ct);
            return batch.Count;
        }
        catch (Exception e) when (e is DbUpdateException or System.Data.Common.DbException)
        {
            logger.LogError(e, "Could not write a batch of audit entries");
            throw;
        }
        finally
        {
            _writing.Release();
        }
    }
}

/// <summary>Writes the audit queue in batches in the background, and flushes it when the host stops.</summary>
public sealed class AuditQueueWriter(AuditQueue queue, ILogger<AuditQueueWriter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        queue.WriterStarted();
        try
        {
            while (await queue.WaitAsync(stoppingToken))
            {
                try
                {
                    if (queue.Count < AuditQueue.BatchSize)
                    {
                        // One write transaction per gathering, not one per view (on SQLite each is a commit the writers queue behind).
                        await Task.Delay(AuditQueue.GatherFor, stoppingToken);
                    }

                    await queue.DrainAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Audit queue writer failed; retrying in a second");
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the flush below writes what is left.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        queue.Complete();
        try
        {
            var written = await queue.DrainAsync(cancellationToken);
            if (written > 0)
            {
                logger.LogInformation("Flushed {Count} audit entries on shutdown", written);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Could not flush the audit queue on shutdown");
        }
    }
}
