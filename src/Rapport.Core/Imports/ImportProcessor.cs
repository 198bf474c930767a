using System.Data.Common;
using System.Diagnostics;
using System.Numerics;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Rapport.Analytics;
using Rapport.Data;
using Rapport.Ingestion;

namespace Rapport.Imports;

/// <summary>Counts after a committed batch, for progress bars and the live page.</summary>
public sealed record ImportProgress(long ImportId, long Read, long Created, long Updated, long Merged, long Rejected, long Offset, long FileSize, TimeSpan Elapsed);

/// <summary>The batch about to commit (a test seam: an injected failure here rolls the batch back).</summary>
public sealed record ImportBatchInfo(long ImportId, int Number, long FirstLine, long LastLine, int Rows);

/// <summary>
/// Runs one import: reads the stored file from its committed position, maps each row to the incoming item of its
/// kind, and writes batches through <see cref="IngestionWriter"/>. Each batch is one transaction holding the
/// batch's writes, its rejects and the import's new counts and committed position, so a killed import resumes right
/// after its last committed batch and no row is counted twice: read = created + updated + merged + rejected.
/// A batch is written in chunks of at most <see cref="ChunkSize"/> rows (one writer call each, which bounds the memory
/// an import holds), and commits after <see cref="BatchSize"/> rows or <see cref="BatchTime"/>, whichever comes first:
/// a commit writes every page the batch changed, so on SQLite, where new orders land all over the per-customer indexes,
/// a few large commits cost far less than many small ones. The file is read and mapped on another thread while the
/// previous chunk is written. A dry run writes each chunk inside a savepoint that is rolled back, keeping only counts
/// and rejects.
/// </summary>
public sealed partial class ImportProcessor(
    RapportDatabase database,
    IngestionWriter writer,
    ImportSources sources,
    RequestAnalytics analytics,
    TimeProvider clock,
    ILogger<ImportProcessor> logger,
    IServiceScopeFactory scopes,
    Audit.AuditSettings auditSettings)
{
    public const int DefaultBatchSize = 200_000;
    public const int DefaultChunkSize = 5000;

    /// <summary>Rows per transaction; an order is never split, so a batch may hold a few more.</summary>
    public int BatchSize { get; set; } = DefaultBatchSize;

    /// <summary>Rows per writer call (never more than <see cref="BatchSize"/>); an order is never split.</summary>
    public int ChunkSize { get; set; } = DefaultChunkSize;

    /// <summary>A batch open this long commits after its current chunk, however few rows it has (holds SQLite's write lock briefly).</summary>
    public TimeSpan BatchTime { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Called inside each batch's transaction just before it commits.</summary>
    public Func<ImportBatchInfo, CancellationToken, Task>? BeforeCommit { get; set; }

    /// <summary>
    /// Atomically takes an import to run: a queued one, or a running one whose heartbeat is older than
    /// <paramref name="staleBefore"/> (its process died). False when someone else has it or it has finished.
    /// </summary>
    public async Task<bool> TryClaimAsync(long importId, DateTimeOffset staleBefore, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE imports SET status = 'Running', started_at = COALESCE(started_at, @now), heartbeat_at = @now, updated_at = @now
            WHERE id = @id AND (status = 'Queued' OR (status = 'Running' AND (heartbeat_at IS NULL OR heartbeat_at < @stale)))
            """;
        Add(command, "@id", importId);
        Add(command, "@now", DbValues.Instant(database, now));
        Add(command, "@stale", DbValues.Instant(database, staleBefore));
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>
    /// Processes a claimed import to its end. Returns its final status, or <see cref="ImportStatus.Running"/> when
    /// <paramref name="ct"/> stopped it between or inside batches (it resumes later from its last committed batch).
    /// </summary>
    public async Task<ImportStatus> RunAsync(long importId, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var state = await LoadAsync(importId, ct);
        if (state is null || state.Status != ImportStatus.Running)
        {
            return state?.Status ?? ImportStatus.Failed;
        }

        var options = ImportOptions.FromJson(state.Options);
        var elapsed = Stopwatch.StartNew();
        var batchNumber = 0;
        try
        {
            await using var source = await sources.OpenAsync(state.Kind, state.Format, state.StoredPath, options, state.CommittedOffset, state.CommittedLine, ct);
            // One connection for the whole import, its page cache raised for it (and its pages kept warm from one
            // batch to the next), then given back at the end so that the pooled connection does not keep 128 MiB.
            await using var connection = await database.OpenConnectionAsync(ct);
            var pageCache = await SqliteIngestStore.RaisePageCacheAsync(connection, ct);
            // SQLite: the WAL is copied into the database by a second connection while the next batch is written.
            await using var checkpoints = await WalCheckpointer.StartAsync(database, connection, ct);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var chunks = Channel.CreateBounded<Chunk>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
            var reading = Task.Run(() => ReadChunksAsync(state.Kind, source, chunks.Writer, stop.Token), CancellationToken.None);
            // Customers and products found or created by earlier batches are not looked up again (SQLite; not in a
            // dry run, whose chunks are rolled back; not for customer imports, which change customers).
            var known = database.Provider == DatabaseProvider.Sqlite && !state.DryRun && state.Kind is ImportKind.Transactions or ImportKind.Interactions
                ? new KnownRecords()
                : null;
            Batch? batch = null;
            var chunkNumber = 0;
            try
            {
                // The reader's failure (a broken file) ends this loop with its exception; the open batch is then rolled back.
                await foreach (var chunk in chunks.Reader.ReadAllAsync(ct))
                {
                    batch ??= await Batch.BeginAsync(connection, chunk.Units[0].Rows[0].Line, deferMetrics: !state.DryRun, known, ct);
                    await WriteChunkAsync(state, options, batch, chunk, ct);
                    // PostgreSQL: the statistics of the tables the import grows are brought up to date after chunks 1,
                    // 2, 4, 8.. (a few ANALYZE rounds in all; see PostgresIngestStore.AnalyzeLookupColumnsAsync).
                    if (database.Provider == DatabaseProvider.Postgres && !state.DryRun && BitOperations.IsPow2(++chunkNumber))
                    {
                        await PostgresIngestStore.AnalyzeLookupColumnsAsync((NpgsqlConnection)connection, (NpgsqlTransaction)batch.Transaction, ct);
                    }

                    if (batch.Rows >= BatchSize || batch.Age >= BatchTime)
                    {
                        var committed = await CommitAsync(state, options, batch, ++batchNumber, ct);
                        await batch.DisposeAsync();
                        batch = null;
                        if (!committed)
                        {
                            return await FinalStatusAsync(importId, ct);
                        }

                        checkpoints.Committed();
                        progress?.Report(state.Progress(elapsed.Elapsed));
                    }
                }

                if (batch is not null)
                {
                    var committed = await CommitAsync(state, options, batch, ++batchNumber, ct);
                    await batch.DisposeAsync();
                    batch = null;
                    if (!committed)
                    {
                        return await FinalStatusAsync(importId, ct);
                    }
                }
            }
            finally
            {
                if (batch is not null)
                {
                    await batch.DisposeAsync();
                }

                await stop.CancelAsync();
                await reading.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                await SqliteIngestStore.RestorePageCacheAsync(connection, pageCache);
            }

            var finished = await FinishAsync(importId, ImportStatus.Completed, null, ct);
            if (finished && !state.DryRun && state.Created + state.Updated + state.Merged > 0)
            {
                // The analytics recompute runs after imports (in the web host's worker; one queued run for many imports).
                await analytics.RequestAsync(AnalyticsTrigger.Import, ct);
            }

            progress?.Report(state.Progress(elapsed.Elapsed));
            LogFinished(importId, state.RowsRead, elapsed.ElapsedMilliseconds, (long)_writeTime.TotalMilliseconds);
            return finished ? ImportStatus.Completed : await FinalStatusAsync(importId, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            LogInterrupted(importId, state.CommittedLine);
            return ImportStatus.Running;
        }
        catch (ImportFileException e)
        {
            await FinishAsync(importId, ImportStatus.Failed, e.Message, CancellationToken.None);
            return ImportStatus.Failed;
        }
        catch (Exception e) when (e is DbException or IOException or InvalidOperationException or NotSupportedException or UnauthorizedAccessException)
        {
            // The message of a database error may quote row values (PostgreSQL's "Key (email)=(…)"), so neither the
            // log nor the stored error carries it: the type and the position say where to look.
            LogFailed(importId, e.GetType().Name, state.CommittedLine);
            var error = $"The import stopped after line {state.CommittedLine:N0} because of an error on our side ({e.GetType().Name}); " +
                        "the batches before it are kept. The error has been logged.";
            await FinishAsync(importId, ImportStatus.Failed, error, CancellationToken.None);
            return ImportStatus.Failed;
        }
    }

    /// <summary>
    /// Reads the file into chunks of whole units (an order's contiguous rows stay together) for the writing loop,
    /// at most two chunks ahead of it, each with its unreadable rows set apart and its orders already checked.
    /// </summary>
    private async Task ReadChunksAsync(ImportKind kind, IImportSource source, ChannelWriter<Chunk> output, CancellationToken ct)
    {
        try
        {
            var size = Math.Max(1, Math.Min(ChunkSize, BatchSize));
            var chunk = new List<Unit>();
            var rows = 0;
            Unit? open = null;
            await foreach (var row in source.ReadAsync(ct))
            {
                if (kind == ImportKind.Transactions && open is not null && row.GroupKey is { Length: > 0 } key && key == open.GroupKey)
                {
                    open.Rows.Add(row);
                    rows++;
                    continue;
                }

                if (rows >= size)
                {
                    await output.WriteAsync(Prepare(kind, chunk), ct);
                    chunk = [];
                    rows = 0;
                }

                open = new Unit(row.GroupKey, [row]);
                chunk.Add(open);
                rows++;
            }

            if (chunk.Count > 0)
            {
                await output.WriteAsync(Prepare(kind, chunk), ct);
            }

            output.TryComplete();
        }
        catch (Exception e)
        {
            output.TryComplete(e);
        }
    }

    private TimeSpan _writeTime;

    private sealed record Unit(string? GroupKey, List<ImportRow> Rows);

    /// <summary>
    /// A chunk as the reader hands it over: its units, those whose rows all mapped (to be written), the rejects of
    /// the others, and for transactions the orders already checked by <see cref="IngestionWriter.PrepareTransactions"/>.
    /// </summary>
    private sealed record Chunk(List<Unit> Units, List<Unit> Accepted, List<(long Line, string Reason, string Raw)> Rejects, long Read,
        IngestionWriter.PreparedTransactions? Orders);

    private Chunk Prepare(ImportKind kind, List<Unit> units)
    {
        var rejects = new List<(long Line, string Reason, string Raw)>();
        var accepted = new List<Unit>(units.Count);
        long read = 0;
        foreach (var unit in units)
        {
            read += unit.Rows.Count;
            var failed = unit.Rows.FirstOrDefault(r => r.Error is not null || r.Item is null);
            if (failed.Raw is null)
            {
                accepted.Add(unit);
                continue;
            }

            foreach (var row in unit.Rows)
            {
                var reason = row.Error is not null || row.Item is null
                    ? row.Error ?? "The row could not be read."
                    : $"Order {unit.GroupKey} also has line {failed.Line}, which was rejected: {failed.Error}";
                rejects.Add((row.Line, reason, row.Raw));
            }
        }

        var orders = kind == ImportKind.Transactions && accepted.Count > 0
            ? writer.PrepareTransactions(accepted.Select(Order).ToList(), clock.GetUtcNow())
            : null;
        return new Chunk(units, accepted, rejects, read, orders);
    }

    /// <summary>One open transaction on the import's connection and what its chunks have done so far.</summary>
    private sealed class Batch : IAsyncDisposable
    {
        private readonly long _started = Stopwatch.GetTimestamp();

        private Batch(DbConnection connection, DbTransaction transaction, long firstLine) =>
            (Connection, Transaction, FirstLine) = (connection, transaction, firstLine);

        public DbConnection Connection { get; }
        public DbTransaction Transaction { get; }
        public long FirstLine { get; }
        public long Rows { get; set; }
        public long Created { get; set; }
        public long Updated { get; set; }
        public long Merged { get; set; }
        public long Rejected { get; set; }
        public ImportRow Last { get; set; }

        /// <summary>The chunks' metrics, applied once before the commit (none in a dry run, whose chunks are rolled back one by one).</summary>
        public PendingMetrics? Metrics { get; init; }
        public TimeSpan Age => Stopwatch.GetElapsedTime(_started);

        /// <summary>What earlier batches learnt about stored customers and products (null when not kept).</summary>
        public KnownRecords? Known { get; private init; }

        /// <summary>
        /// Begins the batch's transaction; on SQLite it holds the write lock from here (BEGIN IMMEDIATE), so what
        /// earlier batches learnt is checked once now against writes by others.
        /// </summary>
        public static async Task<Batch> BeginAsync(DbConnection connection, long firstLine, bool deferMetrics, KnownRecords? known, CancellationToken ct)
        {
            var transaction = await connection.BeginTransactionAsync(ct);
            if (known is not null)
            {
                await known.ValidateAsync(connection, transaction, ct);
            }

            return new(connection, transaction, firstLine) { Metrics = deferMetrics ? new PendingMetrics() : null, Known = known };
        }

        /// <summary>Commits the transaction; what the batch learnt stays known.</summary>
        public async Task CommitAsync(CancellationToken ct)
        {
            await Transaction.CommitAsync(ct);
            _committed = true;
            Known?.Commit();
        }

        private bool _committed;

        /// <summary>Ends the transaction (rolled back unless committed, with what it learnt); the import's connection stays open for the next batch.</summary>
        public ValueTask DisposeAsync()
        {
            if (!_committed)
            {
                Known?.Rollback();
            }

            return Transaction.DisposeAsync();
        }
    }

    private sealed class State
    {
        public required long Id { get; init; }
        public required ImportKind Kind { get; init; }
        public required ImportFormat Format { get; init; }
        public required ImportStatus Status { get; init; }
        public required string StoredPath { get; init; }
        public required long FileSize { get; init; }
        public required bool DryRun { get; init; }
        public required string Options { get; init; }
        public required long? UserId { get; init; }
        public long RowsRead { get; set; }
        public long Created { get; set; }
        public long Updated { get; set; }
        public long Merged { get; set; }
        public long Rejected { get; set; }
        public long CommittedLine { get; set; }
        public long CommittedOffset { get; set; }

        public ImportProgress Progress(TimeSpan elapsed) => new(Id, RowsRead, Created, Updated, Merged, Rejected, CommittedOffset, FileSize, elapsed);
    }

    private async Task<State?> LoadAsync(long importId, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT kind, format, status, stored_path, file_size, dry_run, options, created_by_user_id,
                   rows_read, created, updated, merged, rejected, committed_line, committed_offset
            FROM imports WHERE id = @id
            """;
        Add(command, "@id", importId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        return new State
        {
            Id = importId,
            Kind = Enum.Parse<ImportKind>(reader.GetString(0)),
            Format = Enum.Parse<ImportFormat>(reader.GetString(1)),
            Status = Enum.Parse<ImportStatus>(reader.GetString(2)),
            StoredPath = reader.GetString(3),
            FileSize = reader.GetInt64(4),
            DryRun = reader.GetBoolean(5),
            Options = reader.GetString(6),
            UserId = reader.IsDBNull(7) ? null : reader.GetInt64(7),
            RowsRead = reader.GetInt64(8),
            Created = reader.GetInt64(9),
            Updated = reader.GetInt64(10),
            Merged = reader.GetInt64(11),
            Rejected = reader.GetInt64(12),
            CommittedLine = reader.GetInt64(13),
            CommittedOffset = reader.GetInt64(14),
        };
    }

    /// <summary>Writes one chunk inside the batch's transaction: its items through the writer, its rejects, its counts.</summary>
    private async Task WriteChunkAsync(State state, ImportOptions options, Batch batch, Chunk chunk, CancellationToken ct)
    {
        var rejects = new List<(long Line, string Reason, string Raw)>(chunk.Rejects);
        var accepted = chunk.Accepted;
        if (accepted.Count > 0)
        {
            if (state.DryRun)
            {
                await batch.Transaction.SaveAsync("dry_run", ct);
            }

            var context = ContextOf(state, options, batch, clock.GetUtcNow());
            var writing = Stopwatch.GetTimestamp();
            var results = chunk.Orders is { } orders
                ? await writer.TransactionsAsync(context, orders, ct)
                : await WriteAsync(state.Kind, context, accepted, ct);
            _writeTime += Stopwatch.GetElapsedTime(writing);
            if (results.Length != accepted.Count)
            {
                throw new InvalidOperationException($"The writer answered {results.Length} results for {accepted.Count} items.");
            }

            for (var i = 0; i < accepted.Count; i++)
            {
                var unit = accepted[i];
                var n = unit.Rows.Count;
                switch (results[i].Outcome)
                {
                    case IngestOutcome.Created: batch.Created += n; break;
                    case IngestOutcome.Updated: batch.Updated += n; break;
                    case IngestOutcome.Merged: batch.Merged += n; break;
                    default:
                        var reason = results[i].Outcome == IngestOutcome.Duplicate
                            ? "This item was already received before; nothing was written again."
                            : results[i].Reason ?? "The row was not accepted.";
                        foreach (var row in unit.Rows)
                        {
                            rejects.Add((row.Line, reason, row.Raw));
                        }

                        break;
                }
            }

            // A vCard's extra details go on the customer's timeline as a note; the row's outcome is the customer's.
            var notes = accepted.Where((u, i) => results[i].Outcome is IngestOutcome.Created or IngestOutcome.Updated or IngestOutcome.Merged)
                .Select(u => u.Rows[0].Note).OfType<IncomingInteraction>().ToList();
            if (notes.Count > 0)
            {
                await writer.InteractionsAsync(context, notes, ct);
            }

            // The consent columns go to the ledger in the same transaction (docs/privacy.md, "Consent columns in imports").
            var consented = accepted.Select((u, i) => (Customer: u.Rows[0].Item as IncomingCustomer, Result: results[i]))
                .Where(x => x.Customer?.Consent is { Count: > 0 } && x.Result.EntityId is not null &&
                            x.Result.Outcome is IngestOutcome.Created or IngestOutcome.Updated or IngestOutcome.Merged)
                .Select(x => (x.Result.EntityId!.Value, x.Customer!.Consent!)).ToList();
            if (consented.Count > 0)
            {
                await Consent.ImportConsent.AppendAsync(scopes, batch.Connection, batch.Transaction, state.Id, state.UserId, consented, ct);
            }

            if (state.DryRun)
            {
                await batch.Transaction.RollbackAsync("dry_run", ct);
            }
        }

        await InsertRejectsAsync(batch.Connection, batch.Transaction, state.Id, rejects, ct);
        batch.Rows += chunk.Read;
        batch.Rejected += rejects.Count;
        batch.Last = chunk.Units[^1].Rows[^1];
    }

    /// <summary>The writer's view of the batch: its transaction, the import's source and user, and its held-back metrics.</summary>
    private IngestionContext ContextOf(State state, ImportOptions options, Batch batch, DateTimeOffset now) =>
        new(batch.Connection, batch.Transaction, database.Provider, options.Source ?? ImportOptions.DefaultSource, now, state.UserId)
        {
            PendingMetrics = batch.Metrics,
            Known = batch.Known,
        };

    /// <summary>Records the batch's counts and position and commits. False when the import was cancelled (or taken over) meanwhile: nothing of the batch stays.</summary>
    private async Task<bool> CommitAsync(State state, ImportOptions options, Batch batch, int number, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (batch.Metrics is { IsEmpty: false } metrics)
        {
            await writer.ApplyMetricsAsync(ContextOf(state, options, batch, now), metrics, ct);
        }

        var last = batch.Last;
        var endLine = last.Line + last.LineCount - 1;
        await using (var update = batch.Connection.CreateCommand())
        {
            update.Transaction = batch.Transaction;
            update.CommandText = """
                UPDATE imports SET rows_read = rows_read + @read, created = created + @created, updated = updated + @updated,
                    merged = merged + @merged, rejected = rejected + @rejected, committed_line = @line, committed_offset = @offset,
                    heartbeat_at = @now, updated_at = @now
                WHERE id = @id AND status = 'Running' AND committed_offset = @previous
                """;
            Add(update, "@read", batch.Rows);
            Add(update, "@created", batch.Created);
            Add(update, "@updated", batch.Updated);
            Add(update, "@merged", batch.Merged);
            Add(update, "@rejected", batch.Rejected);
            Add(update, "@line", endLine);
            Add(update, "@offset", last.EndOffset);
            Add(update, "@now", DbValues.Instant(database, now));
            Add(update, "@id", state.Id);
            Add(update, "@previous", state.CommittedOffset);
            if (await update.ExecuteNonQueryAsync(ct) != 1)
            {
                await batch.Transaction.RollbackAsync(CancellationToken.None);
                return false;
            }
        }

        if (BeforeCommit is { } hook)
        {
            await hook(new ImportBatchInfo(state.Id, number, batch.FirstLine, endLine, (int)batch.Rows), ct);
        }

        await batch.CommitAsync(ct);
        state.RowsRead += batch.Rows;
        state.Created += batch.Created;
        state.Updated += batch.Updated;
        state.Merged += batch.Merged;
        state.Rejected += batch.Rejected;
        state.CommittedLine = endLine;
        state.CommittedOffset = last.EndOffset;
        return true;
    }

    private Task<IngestResult[]> WriteAsync(ImportKind kind, IngestionContext context, List<Unit> units, CancellationToken ct) => kind switch
    {
        ImportKind.Customers => writer.CustomersAsync(context, units.Select(u => (IncomingCustomer)u.Rows[0].Item!).ToList(), ct),
        ImportKind.Companies => writer.CompaniesAsync(context, units.Select(u => (IncomingCompany)u.Rows[0].Item!).ToList(), ct),
        ImportKind.Products => writer.ProductsAsync(context, units.Select(u => (IncomingProduct)u.Rows[0].Item!).ToList(), ct),
        ImportKind.Interactions => writer.InteractionsAsync(context, units.Select(u => (IncomingInteraction)u.Rows[0].Item!).ToList(), ct),
        ImportKind.Transactions => writer.TransactionsAsync(context, units.Select(Order).ToList(), ct),
        _ => throw new InvalidOperationException($"Unknown import kind {kind}."),
    };

    /// <summary>Contiguous rows of one order: the first row gives the customer, date, currency and total; every row adds its lines.</summary>
    private static IncomingTransaction Order(Unit unit)
    {
        var first = (IncomingTransaction)unit.Rows[0].Item!;
        if (unit.Rows.Count == 1)
        {
            return first;
        }

        var lines = new List<IncomingLine>();
        decimal? total = null;
        foreach (var row in unit.Rows)
        {
            var t = (IncomingTransaction)row.Item!;
            lines.AddRange(t.Lines);
            total ??= t.Total;
        }

        return first with { Lines = lines, Total = total };
    }

    private async Task InsertRejectsAsync(DbConnection connection, DbTransaction transaction, long importId, List<(long Line, string Reason, string Raw)> rejects, CancellationToken ct)
    {
        if (rejects.Count == 0)
        {
            return;
        }

        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO import_rejects (import_id, line_number, reason, raw) VALUES (@import, @line, @reason, @raw)";
        Add(insert, "@import", importId);
        var line = Add(insert, "@line", 0L);
        var reason = Add(insert, "@reason", "");
        var raw = Add(insert, "@raw", "");
        await insert.PrepareAsync(ct);
        foreach (var r in rejects)
        {
            line.Value = r.Line;
            reason.Value = r.Reason.Length > 1000 ? r.Reason[..997] + "..." : r.Reason;
            raw.Value = r.Raw;
            await insert.ExecuteNonQueryAsync(ct);
        }

    }

    private async Task<bool> FinishAsync(long importId, ImportStatus status, string? error, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE imports SET status = @status, error = @error, finished_at = @now, heartbeat_at = @now, updated_at = @now
            WHERE id = @id AND status = 'Running'
            """;
        Add(command, "@status", status.ToString());
        Add(command, "@error", error is null ? DBNull.Value : error.Length > 2000 ? error[..2000] : error);
        Add(command, "@now", DbValues.Instant(database, now));
        Add(command, "@id", importId);
        var finished = await command.ExecuteNonQueryAsync(ct) == 1;
        if (finished && auditSettings.Enabled)
        {
            // The rows are written set-based, not through EF: one summary entry per import instead (docs/audit.md).
            await Audit.AuditWriter.InsertAsync(connection, null, database.IsPostgres,
            [
                new Audit.AuditEvent
                {
                    OccurredAt = now, ActorKind = Audit.AuditActorKinds.System, ActorLabel = "import", Action = Audit.AuditActions.Import,
                    EntityType = "import", EntityId = Audit.AuditLog.Id(importId), Changes = $"{{\"status\":\"{status}\"}}",
                },
            ], ct);
        }

        return finished;
    }

    /// <summary>Puts an interrupted import back in the queue (graceful shutdown), so the next runner starts it at once.</summary>
    public async Task RequeueAsync(long importId, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE imports SET status = 'Queued', heartbeat_at = NULL WHERE id = @id AND status = 'Running'";
        Add(command, "@id", importId);
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task<ImportStatus> FinalStatusAsync(long importId, CancellationToken ct) =>
        (await LoadAsync(importId, ct))?.Status ?? ImportStatus.Cancelled;

    private static DbParameter Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    [LoggerMessage(LogLevel.Information, "Import {ImportId} finished: {Rows} rows in {Milliseconds} ms, {WriterMilliseconds} ms of it in the ingestion writer")]
    private partial void LogFinished(long importId, long rows, long milliseconds, long writerMilliseconds);

    [LoggerMessage(LogLevel.Information, "Import {ImportId} interrupted after line {Line}; it resumes from there")]
    private partial void LogInterrupted(long importId, long line);

    [LoggerMessage(LogLevel.Error, "Import {ImportId} failed after line {Line}: {ErrorType}")]
    private partial void LogFailed(long importId, string errorType, long line);
}

/// <summary>A problem with the whole file found while reading it (the runner marks the import failed with this message).</summary>
public sealed class ImportFileException(string message) : Exception(message);
