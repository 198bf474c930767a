using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Rapport.Data;

namespace Rapport.Audit;

/// <summary>
/// Inserts audit rows with plain SQL on a context's connection and inside its current transaction, so that an entry
/// commits or rolls back with the change it describes and never disturbs the caller's change tracker.
/// </summary>
public static class AuditWriter
{
    private const int RowsPerCommand = 200;

    public static async Task InsertAsync(DbContext db, IEnumerable<AuditEvent> rows, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        var opened = false;
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync(ct);
            opened = true;
        }

        try
        {
            await InsertAsync(connection, db.Database.CurrentTransaction?.GetDbTransaction(), db.Database.IsNpgsql(), rows, ct);
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    /// <summary>The same on an open ADO.NET connection, for code that writes without EF (the import runner).</summary>
    public static async Task InsertAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction? transaction, bool postgres, IEnumerable<AuditEvent> rows, CancellationToken ct)
    {
        {
            foreach (var chunk in rows.Chunk(RowsPerCommand))
            {
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                var sql = new StringBuilder(
                    "INSERT INTO audit_events (occurred_at, actor_kind, actor_id, actor_label, ip, action, entity_type, entity_id, customer_id, changes) VALUES ");
                for (var i = 0; i < chunk.Length; i++)
                {
                    var r = chunk[i];
                    sql.Append(i == 0 ? "" : ", ")
                        .Append($"(@o{i}, @k{i}, @a{i}, @l{i}, @ip{i}, @x{i}, @t{i}, @e{i}, @c{i}, @j{i})");
                    command.AddParameter($"o{i}", postgres ? r.OccurredAt.ToUniversalTime() : SqliteFormats.Instant(r.OccurredAt));
                    command.AddParameter($"k{i}", r.ActorKind);
                    command.AddParameter($"a{i}", r.ActorId);
                    command.AddParameter($"l{i}", Clip(r.ActorLabel, AuditLimits.Label));
                    command.AddParameter($"ip{i}", Clip(r.Ip, AuditLimits.Ip));
                    command.AddParameter($"x{i}", r.Action);
                    command.AddParameter($"t{i}", r.EntityType);
                    command.AddParameter($"e{i}", Clip(r.EntityId, AuditLimits.EntityId));
                    command.AddParameter($"c{i}", r.CustomerId);
                    command.AddParameter($"j{i}", r.Changes);
                }

                command.CommandText = sql.ToString();
                await command.ExecuteNonQueryAsync(ct);
            }
        }
    }

    public static string? Clip(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}

public static class AuditLimits
{
    public const int Label = 200;
    public const int Ip = 64;
    public const int Action = 64;
    public const int EntityType = 64;
    public const int EntityId = 64;
}
