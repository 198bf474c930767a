using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Data;

namespace Rapport.Stages;

/// <summary>The funnel over a period: days from <see cref="From"/> to <see cref="To"/>, both included (UTC). Null: the last 365 days.</summary>
public sealed record StageFunnelQuery(DateOnly? From = null, DateOnly? To = null);

/// <summary>
/// One stage in the funnel. <see cref="Entered"/>: entries into the stage during the period; <see cref="MovedOn"/>: of
/// those, how many went on to a later stage before the period's end; <see cref="ConversionRate"/> = MovedOn / Entered
/// (null without entries; for Loyalty always null). <see cref="Exited"/>: stays in the stage that ended during the
/// period; <see cref="MedianDaysInStage"/>: their median length in days.
/// </summary>
public sealed record StageFunnelRow(Stage Stage, int CustomersNow, int Entered, int MovedOn, double? ConversionRate, int Exited, double? MedianDaysInStage);

public sealed record StageFunnel(DateOnly From, DateOnly To, IReadOnlyList<StageFunnelRow> Stages);

public sealed class GetStageFunnel(RapportDbContext db, GetStageCounts counts, TimeProvider clock)
{
    public async Task<Result<StageFunnel>> HandleAsync(StageFunnelQuery query, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var to = query.To ?? today;
        var from = query.From ?? to.AddDays(-364);
        if (from > to)
        {
            return Result<StageFunnel>.Invalid("from", "Must be on or before 'to'.");
        }

        var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var now = await counts.HandleAsync(ct);
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync(ct);
        }

        var entered = new Dictionary<int, (int Entered, int MovedOn)>();
        await using (var command = Command(connection,
            """
            SELECT e.to_stage, COUNT(*),
                SUM(CASE WHEN EXISTS (SELECT 1 FROM stage_changes n WHERE n.customer_id = e.customer_id AND n.to_stage > e.to_stage
                    AND n.changed_at < @end AND (n.changed_at > e.changed_at OR (n.changed_at = e.changed_at AND n.id > e.id))) THEN 1 ELSE 0 END)
            FROM stage_changes e WHERE e.changed_at >= @start AND e.changed_at < @end GROUP BY e.to_stage
            """, start, end))
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                entered[Int(reader.GetValue(0))] = (Int(reader.GetValue(1)), Int(reader.GetValue(2)));
            }
        }

        var exited = new Dictionary<int, int>();
        await using (var command = Command(connection,
            """
            SELECT from_stage, COUNT(*) FROM stage_changes
            WHERE changed_at >= @start AND changed_at < @end AND from_stage IS NOT NULL AND from_since IS NOT NULL GROUP BY from_stage
            """, start, end))
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                exited[Int(reader.GetValue(0))] = Int(reader.GetValue(1));
            }
        }

        var days = db.Database.IsNpgsql()
            ? "EXTRACT(EPOCH FROM (changed_at - from_since)) / 86400.0"
            : "julianday(changed_at) - julianday(from_since)";
        var rows = new List<StageFunnelRow>();
        foreach (var stage in Stages.All)
        {
            var k = (int)stage;
            var (count, movedOn) = entered.GetValueOrDefault(k);
            var exits = exited.GetValueOrDefault(k);
            double? median = null;
            if (exits > 0)
            {
                // The median without a percentile function (SQLite has none): the middle one or two of the sorted lengths.
                await using var command = Command(connection,
                    $"""
                    SELECT {days} AS d FROM stage_changes
                    WHERE changed_at >= @start AND changed_at < @end AND from_stage = @stage AND from_since IS NOT NULL
                    ORDER BY d LIMIT @take OFFSET @skip
                    """, start, end);
                Add(command, "@stage", k);
                Add(command, "@take", exits % 2 == 0 ? 2 : 1);
                Add(command, "@skip", (exits - 1) / 2);
                var middle = new List<double>();
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    middle.Add(Convert.ToDouble(reader.GetValue(0), CultureInfo.InvariantCulture));
                }

                median = middle.Count == 0 ? null : Math.Round(middle.Average(), 1);
            }

            rows.Add(new StageFunnelRow(stage, now[k].Customers, count, stage == Stage.Loyalty ? 0 : movedOn,
                stage == Stage.Loyalty || count == 0 ? null : Math.Round((double)movedOn / count, 4), exits, median));
        }

        return Result<StageFunnel>.Ok(new StageFunnel(from, to, rows));
    }

    private DbCommand Command(DbConnection connection, string sql, DateTimeOffset start, DateTimeOffset end)
    {
        var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = sql;
        Add(command, "@start", DbValues.Instant(db, start));
        Add(command, "@end", DbValues.Instant(db, end));
        return command;
    }

    internal static int Int(object value) => value is DBNull ? 0 : Convert.ToInt32(value, CultureInfo.InvariantCulture);

    internal static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}

/// <summary>A column of the stage board: which customers (the most recently active first) and how many in all.</summary>
public sealed record StageBoardQuery(Stage Stage, long? OwnerId = null, long? SegmentId = null, int Skip = 0, int Take = 20);

public sealed record StageBoardCard(long CustomerId, string Name, string? Email, DateTimeOffset? StageSince, DateTimeOffset? LastActivityAt, bool Overridden);

public sealed record StageBoardColumn(Stage Stage, int Count, int Skip, IReadOnlyList<StageBoardCard> Cards)
{
    public bool HasMore => Skip + Cards.Count < Count;
}

/// <summary>
/// The board's columns: per stage the count and a page of customers by most recent activity (the later of the last
/// purchase and the last interaction; never active last), filtered by owner and segment membership.
/// </summary>
public sealed class GetStageBoard(RapportDbContext db)
{
    public const int MaxTake = 200;

    public async Task<StageBoardColumn> HandleAsync(StageBoardQuery query, CancellationToken ct)
    {
        var take = Math.Clamp(query.Take, 1, MaxTake);
        var skip = Math.Max(0, query.Skip);
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync(ct);
        }

        var filter = "m.stage = @stage"
            + (query.OwnerId is null ? "" : " AND c.owner_id = @owner")
            + (query.SegmentId is null ? "" : " AND EXISTS (SELECT 1 FROM segment_members sm WHERE sm.segment_id = @segment AND sm.customer_id = m.customer_id)");
        const string Activity = "CASE WHEN m.last_purchase_at IS NULL THEN m.last_interaction_at WHEN m.last_interaction_at IS NULL OR m.last_purchase_at >= m.last_interaction_at THEN m.last_purchase_at ELSE m.last_interaction_at END";
        int count;
        await using (var command = Command(connection, $"SELECT COUNT(*) FROM customer_metrics m JOIN customers c ON c.id = m.customer_id WHERE {filter}", query))
        {
            count = GetStageFunnel.Int(await command.ExecuteScalarAsync(ct) ?? 0);
        }

        var cards = new List<StageBoardCard>();
        await using (var command = Command(connection,
            $"""
            SELECT m.customer_id, c.first_name, c.last_name, c.email, m.stage_since, {Activity},
                CASE WHEN EXISTS (SELECT 1 FROM stage_overrides o WHERE o.customer_id = m.customer_id) THEN 1 ELSE 0 END
            FROM customer_metrics m
            JOIN customers c ON c.id = m.customer_id
            WHERE {filter}
            ORDER BY CASE WHEN {Activity} IS NULL THEN 1 ELSE 0 END, {Activity} DESC, m.customer_id DESC
            LIMIT @take OFFSET @skip
            """, query))
        {
            GetStageFunnel.Add(command, "@take", take);
            GetStageFunnel.Add(command, "@skip", skip);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var id = Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture);
                var first = reader.IsDBNull(1) ? null : reader.GetString(1);
                var last = reader.IsDBNull(2) ? null : reader.GetString(2);
                var email = reader.IsDBNull(3) ? null : reader.GetString(3);
                cards.Add(new StageBoardCard(id, CustomerNames.Display(first, last, email, id), email,
                    ReadInstant(reader.GetValue(4)), ReadInstant(reader.GetValue(5)), GetStageFunnel.Int(reader.GetValue(6)) == 1));
            }
        }

        return new StageBoardColumn(query.Stage, count, skip, cards);
    }

    internal static DateTimeOffset? ReadInstant(object value) => value switch
    {
        DBNull => null,
        string text => SqliteFormats.ParseInstant(text),
        DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
        DateTimeOffset instant => instant.ToUniversalTime(),
        _ => null,
    };

    private DbCommand Command(DbConnection connection, string sql, StageBoardQuery query)
    {
        var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = sql;
        GetStageFunnel.Add(command, "@stage", (int)query.Stage);
        if (query.OwnerId is { } owner)
        {
            GetStageFunnel.Add(command, "@owner", owner);
        }

        if (query.SegmentId is { } segment)
        {
            GetStageFunnel.Add(command, "@segment", segment);
        }

        return command;
    }
}
