using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using Rapport.Data;
using Rapport.Playbooks;
using Rapport.Stages;

namespace Rapport.Tasks;

/// <summary>How many "get in touch" tasks one run made, per stage.</summary>
public sealed record GeneratedTasks(int Created, IReadOnlyDictionary<Stage, int> ByStage, TimeSpan Elapsed);

/// <summary>
/// Finds every customer past their stage's maximum days without contact and gives each one open playbook task, due
/// today, assigned to the customer's owner (customers without an owner get none: campaigns reach them); a customer who already has an open
/// playbook task gets no second one.
/// <para>
/// Overdue means at least <c>max + 1</c> whole days (of 24 hours) since the later of the last contact (an interaction
/// that is not internal, either direction) and the day the customer was added. Runs hourly
/// (<see cref="PlaybookTaskWorker"/>), from <c>rapport tasks generate</c> and from the admin's button on /tasks.
/// </para>
/// <para>
/// Set-based in two phases per stage: one SELECT finds the candidates' ids (a read: on SQLite it does not hold the
/// write lock, so the hourly scan of a million customers never stalls other writers), then INSERT … SELECT in
/// batches of <see cref="BatchSize"/> ids, each in its own short transaction, re-checking every condition so that a
/// contact or a task that arrived in between is respected.
/// </para>
/// </summary>
public sealed class GeneratePlaybookTasks(RapportDbContext db, TimeProvider clock, ILogger<GeneratePlaybookTasks> logger)
{
    public const int BatchSize = 5_000;

    /// <summary>Serialises concurrent writers on PostgreSQL (two instances, the worker and the button).</summary>
    private const long LockKey = 0x5241505054534B; // "RAPPTSK"

    public async Task<GeneratedTasks> HandleAsync(CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var playbooks = await db.Set<Playbook>().AsNoTracking().Where(p => p.MaxDaysWithoutContact != null).ToListAsync(ct);
        var postgres = db.Database.IsNpgsql();
        var byStage = new Dictionary<Stage, int>();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = db.Database.GetDbConnection();
            foreach (var playbook in playbooks.OrderBy(p => p.Stage))
            {
                var cutoff = now.AddDays(-(playbook.MaxDaysWithoutContact!.Value + 1));
                var ids = new List<long>();
                await using (var find = connection.CreateCommand())
                {
                    find.CommandTimeout = 600;
                    find.CommandText = $"SELECT c.id {Candidates}";
                    AddCommon(find, playbook.Stage, cutoff);
                    await using var reader = await find.ExecuteReaderAsync(ct);
                    while (await reader.ReadAsync(ct))
                    {
                        ids.Add(reader.GetInt64(0));
                    }
                }

                var created = 0;
                for (var offset = 0; offset < ids.Count; offset += BatchSize)
                {
                    var batch = ids.GetRange(offset, Math.Min(BatchSize, ids.Count - offset));
                    await using var transaction = await db.Database.BeginTransactionAsync(ct);
                    var dbTransaction = transaction.GetDbTransaction();
                    if (postgres)
                    {
                        await using var lockCommand = connection.CreateCommand();
                        lockCommand.Transaction = dbTransaction;
                        lockCommand.CommandText = $"SELECT pg_advisory_xact_lock({LockKey})";
                        await lockCommand.ExecuteNonQueryAsync(ct);
                    }

                    await using var insert = connection.CreateCommand();
                    insert.Transaction = dbTransaction;
                    insert.CommandTimeout = 600;
                    insert.CommandText = postgres ? PostgresInsert : SqliteInsert;
                    AddCommon(insert, playbook.Stage, cutoff);
                    insert.AddParameter("@ids", postgres ? batch.ToArray() : JsonSerializer.Serialize(batch));
                    insert.AddParameter("@stage_name", playbook.Stage.ToString());
                    insert.AddParameter("@now", DbValues.Instant(db, now));
                    insert.AddParameter("@today", postgres ? today : today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                    created += await insert.ExecuteNonQueryAsync(ct);
                    await transaction.CommitAsync(ct);
                }

                byStage[playbook.Stage] = created;
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        var result = new GeneratedTasks(byStage.Values.Sum(), byStage, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        logger.LogInformation("Playbook tasks: created {Count} in {Milliseconds} ms", result.Created, (long)result.Elapsed.TotalMilliseconds);
        return result;
    }

    private void AddCommon(DbCommand command, Stage stage, DateTimeOffset cutoff)
    {
        command.AddParameter("@stage", (int)stage);
        command.AddParameter("@cutoff", DbValues.Instant(db, cutoff));
    }

    // Customers of the stage added before the cut-off with no open playbook task and no contact after the cut-off.
    // Each NOT EXISTS is one seek in (customer_id, status, origin) or (customer_id, occurred_at); the task test comes
    // first, as in the steady state most overdue customers have their task already (docs/tasks.md).
    private const string Conditions = """
        m.stage = @stage AND c.owner_id IS NOT NULL AND c.created_at <= @cutoff
          AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.customer_id = c.id AND t.status = 'Open' AND t.origin = 'Playbook')
          AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.customer_id = c.id AND i.occurred_at > @cutoff AND i.direction <> 'Internal')
        """;

    private const string Candidates = """
        FROM customer_metrics m
        JOIN customers c ON c.id = m.customer_id
        WHERE
        """ + " " + Conditions;

    private const string Columns = """
        INSERT INTO tasks (customer_id, assignee_user_id, title, notes, due_on, status, origin, stage, last_contact_at,
            created_by_user_id, completed_at, completed_by_user_id, done_by_contact, created_at, updated_at, version)
        """;

    private const string Batch = """
        SELECT c.id, c.owner_id, c.created_at,
            (SELECT MAX(i.occurred_at) FROM interactions i WHERE i.customer_id = c.id AND i.direction <> 'Internal') AS last_contact
        FROM customers c
        JOIN customer_metrics m ON m.customer_id = c.id
        WHERE c.id IN ({0}) AND
        """ + " " + Conditions;

    private static readonly string SqliteInsert = Columns + """
        SELECT x.id, x.owner_id,
            'Get in touch: ' || CAST(julianday(@now) - julianday(MAX(COALESCE(x.last_contact, x.created_at), x.created_at)) AS INTEGER)
                || ' days without contact (' || @stage_name || ')',
            NULL, @today, 'Open', 'Playbook', @stage, x.last_contact, NULL, NULL, NULL, 0, @now, @now, 1
        FROM (
        """ + Batch.Replace("{0}", "SELECT value FROM json_each(@ids)", StringComparison.Ordinal) + ") AS x";

    private static readonly string PostgresInsert = Columns + """
        SELECT x.id, x.owner_id,
            'Get in touch: ' || EXTRACT(DAY FROM (@now - GREATEST(x.last_contact, x.created_at)))::integer
                || ' days without contact (' || @stage_name || ')',
            NULL, @today, 'Open', 'Playbook', @stage, x.last_contact, NULL, NULL, NULL, false, @now, @now, 1
        FROM (
        """ + Batch.Replace("{0}", "SELECT unnest(@ids)", StringComparison.Ordinal) + ") AS x";
}
