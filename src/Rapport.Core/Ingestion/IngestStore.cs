using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using Rapport.Data;

namespace Rapport.Ingestion;

/// <summary>The storage type of a column, which decides how a CLR value is sent on each provider.</summary>
internal enum ColumnType
{
    /// <summary><c>long</c>: bigint / INTEGER.</summary>
    Long,
    /// <summary><c>int</c>: integer / INTEGER.</summary>
    Int,
    Text,
    /// <summary><c>decimal</c>: numeric(19,4) / REAL.</summary>
    Decimal,
    /// <summary><c>DateTimeOffset</c>: timestamptz / fixed-width ISO text.</summary>
    Instant,
    /// <summary><c>DateOnly</c>: date / <c>yyyy-MM-dd</c> text.</summary>
    Date,
    /// <summary><c>bool</c>: boolean / INTEGER 0 or 1.</summary>
    Bool,
}

/// <summary>What one call adds to a customer's metrics: new purchases (revenue in the reporting currency only) and interactions.</summary>
internal sealed record MetricsDelta(long CustomerId, DateTimeOffset? FirstPurchaseAt, DateTimeOffset? LastPurchaseAt, int Purchases, decimal Revenue,
    int Interactions, DateTimeOffset? LastInteractionAt);

/// <summary>A table and the columns a bulk statement writes, first column first.</summary>
internal sealed record TableSpec(string Name, params (string Column, ColumnType Type)[] Columns);

/// <summary>
/// The few bulk operations the ingestion writers need, each in its fastest form per provider, always inside the
/// caller's transaction. SQLite runs in-process, so one prepared statement stepped per row costs about a microsecond
/// and lookups pass their keys as one JSON array (<c>json_each</c>) to a single statement. PostgreSQL is a round trip
/// away, so every operation is one set-based statement over arrays (<c>unnest</c>, <c>= ANY</c>) whatever the row count.
/// Values are CLR values (long, int, string, decimal, DateTimeOffset, DateOnly, bool) converted here to what EF stores.
/// </summary>
internal abstract class IngestStore : IAsyncDisposable
{
    protected IngestStore(IngestionContext context) => Context = context;

    protected IngestionContext Context { get; }

    public static IngestStore For(IngestionContext context) => context.Provider == DatabaseProvider.Postgres
        ? new PostgresIngestStore(context)
        : new SqliteIngestStore(context);

    /// <summary>Allocates <paramref name="count"/> new ids for the table's identity column (rows are then inserted with them).</summary>
    public abstract Task<long[]> ReserveIdsAsync(string table, int count, CancellationToken ct);

    /// <summary>Inserts rows whose values follow <see cref="TableSpec.Columns"/>.</summary>
    public abstract Task InsertAsync(TableSpec table, IReadOnlyList<object?[]> rows, CancellationToken ct, string conflict = "");

    /// <summary>Updates rows by their first column (the key); every other column of the spec is set.</summary>
    public abstract Task UpdateAsync(TableSpec table, IReadOnlyList<object?[]> rows, CancellationToken ct);

    /// <summary>
    /// Runs <paramref name="sql"/> once with every key; <c>{keys}</c> in it stands for a set expression to use as
    /// <c>column IN {keys}</c>; <c>@p1</c>.. are the extra parameters. Calls <paramref name="read"/> per result row.
    /// </summary>
    public abstract Task QueryAsync<TKey>(string sql, IReadOnlyCollection<TKey> keys, object?[] parameters, Action<DbDataReader> read, CancellationToken ct);

    /// <summary>
    /// Adds new purchases and interactions to customers' metrics rows without reading their history: counts and
    /// revenue go up, first/last instants widen. Exactly what a full recompute gives when rows were only added.
    /// Returns the customers that have no metrics row yet (the caller recomputes those).
    /// </summary>
    public abstract Task<List<long>> AddToMetricsAsync(IReadOnlyList<MetricsDelta> deltas, DateTimeOffset now, CancellationToken ct);

    // {t} qualifies the stored columns on the right-hand side (PostgreSQL's UPDATE .. FROM has a delta column of each name).
    protected const string MetricsAdditions = """
        first_purchase_at = CASE WHEN {first} IS NULL THEN {t}first_purchase_at WHEN {t}first_purchase_at IS NULL OR {t}first_purchase_at > {first} THEN {first} ELSE {t}first_purchase_at END,
        last_purchase_at = CASE WHEN {last} IS NULL THEN {t}last_purchase_at WHEN {t}last_purchase_at IS NULL OR {t}last_purchase_at < {last} THEN {last} ELSE {t}last_purchase_at END,
        purchase_count = {t}purchase_count + {purchases},
        revenue = {t}revenue + {revenue},
        interaction_count = {t}interaction_count + {interactions},
        last_interaction_at = CASE WHEN {lastInteraction} IS NULL THEN {t}last_interaction_at WHEN {t}last_interaction_at IS NULL OR {t}last_interaction_at < {lastInteraction} THEN {lastInteraction} ELSE {t}last_interaction_at END,
        updated_at = {now}
        """;

    /// <summary>Runs a statement with positional parameters <c>@p1</c>.. (values converted as by their CLR type).</summary>
    public async Task<int> ExecuteAsync(string sql, object?[] parameters, CancellationToken ct)
    {
        await using var command = Command(sql, parameters);
        return await command.ExecuteNonQueryAsync(ct);
    }

    public async Task QueryRowsAsync(string sql, object?[] parameters, Action<DbDataReader> read, CancellationToken ct)
    {
        await using var command = Command(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            read(reader);
        }
    }

    protected DbCommand Command(string sql, object?[] parameters)
    {
        var command = Context.Connection.CreateCommand();
        command.Transaction = Context.Transaction;
        command.CommandText = sql;
        for (var i = 0; i < parameters.Length; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = $"@p{i + 1}";
            parameter.Value = ToDb(parameters[i]) ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    /// <summary>A scalar value as this provider stores it (by its CLR type).</summary>
    protected abstract object? ToDb(object? value);

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Reads a stored decimal: REAL on SQLite (rounded to 4 places as EF reads it), numeric on PostgreSQL.</summary>
    public static decimal ReadDecimal(DbDataReader reader, int ordinal) =>
        reader.GetFieldType(ordinal) == typeof(double) ? SqliteFormats.ReadDecimal(reader.GetDouble(ordinal)) : reader.GetDecimal(ordinal);

    public static DateTimeOffset ReadInstant(DbDataReader reader, int ordinal) =>
        reader.GetFieldType(ordinal) == typeof(string)
            ? SqliteFormats.ParseInstant(reader.GetString(ordinal))
            : new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));

    public static DateOnly? ReadDate(DbDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            return null;
        }

        return reader.GetFieldType(ordinal) == typeof(string)
            ? DateOnly.ParseExact(reader.GetString(ordinal), "yyyy-MM-dd", CultureInfo.InvariantCulture)
            : DateOnly.FromDateTime(reader.GetDateTime(ordinal));
    }

    public static string? ReadText(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static long? ReadLong(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);
}

internal sealed class SqliteIngestStore(IngestionContext context) : IngestStore(context)
{
    private readonly Dictionary<string, (SqliteCommand Command, SqliteParameter[] Parameters)> _statements = new(StringComparer.Ordinal);

    public override async Task<long[]> ReserveIdsAsync(string table, int count, CancellationToken ct)
    {
        if (count == 0)
        {
            return [];
        }

        // The caller's transaction holds SQLite's write lock, so nobody else takes ids until it ends; AUTOINCREMENT
        // moves sqlite_sequence past the explicit ids when the rows are inserted. Table names are fixed in code.
        long last = 0;
        await QueryRowsAsync(
            $"SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '{table}'), 0), COALESCE((SELECT MAX(id) FROM {table}), 0))",
            [], r => last = r.GetInt64(0), ct);
        var ids = new long[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = last + 1 + i;
        }

        return ids;
    }

    public override Task InsertAsync(TableSpec table, IReadOnlyList<object?[]> rows, CancellationToken ct, string conflict = "")
    {
        if (rows.Count == 0)
        {
            return Task.CompletedTask;
        }

        var columns = string.Join(", ", table.Columns.Select(c => c.Column));
        var values = string.Join(", ", table.Columns.Select((_, i) => $"@v{i}"));
        var (command, parameters) = Prepared($"INSERT INTO {table.Name} ({columns}) VALUES ({values}) {conflict}", table.Columns.Length);
        foreach (var row in rows)
        {
            ct.ThrowIfCancellationRequested();
            for (var i = 0; i < parameters.Length; i++)
            {
                parameters[i].Value = ToDb(row[i]) ?? DBNull.Value;
            }

            command.ExecuteNonQuery();
        }

        return Task.CompletedTask;
    }

    public override Task UpdateAsync(TableSpec table, IReadOnlyList<object?[]> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return Task.CompletedTask;
        }

        var sets = string.Join(", ", table.Columns.Skip(1).Select((c, i) => $"{c.Column} = @v{i + 1}"));
        var (command, parameters) = Prepared($"UPDATE {table.Name} SET {sets} WHERE {table.Columns[0].Column} = @v0", table.Columns.Length);
        foreach (var row in rows)
        {
            ct.ThrowIfCancellationRequested();
            for (var i = 0; i < parameters.Length; i++)
            {
                parameters[i].Value = ToDb(row[i]) ?? DBNull.Value;
            }

            command.ExecuteNonQuery();
        }

        return Task.CompletedTask;
    }

    public override async Task QueryAsync<TKey>(string sql, IReadOnlyCollection<TKey> keys, object?[] parameters, Action<DbDataReader> read, CancellationToken ct)
    {
        if (keys.Count == 0)
        {
            return;
        }

        await using var command = Command(sql.Replace("{keys}", "(SELECT value FROM json_each(@keys))", StringComparison.Ordinal), parameters);
        command.Parameters.Add(new SqliteParameter("@keys", JsonSerializer.Serialize(keys)));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            read(reader);
        }
    }

    public override Task<List<long>> AddToMetricsAsync(IReadOnlyList<MetricsDelta> deltas, DateTimeOffset now, CancellationToken ct)
    {
        var missing = new List<long>();
        if (deltas.Count == 0)
        {
            return Task.FromResult(missing);
        }

        var sets = MetricsAdditions.Replace("{first}", "@v1", StringComparison.Ordinal).Replace("{last}", "@v2", StringComparison.Ordinal)
            .Replace("{purchases}", "@v3", StringComparison.Ordinal).Replace("{revenue}", "@v4", StringComparison.Ordinal)
            .Replace("{interactions}", "@v5", StringComparison.Ordinal).Replace("{lastInteraction}", "@v6", StringComparison.Ordinal)
            .Replace("{now}", "@v7", StringComparison.Ordinal).Replace("{t}", "", StringComparison.Ordinal);
        var (command, parameters) = Prepared($"UPDATE customer_metrics SET {sets} WHERE customer_id = @v0", 8);
        var stamp = ToDb(now);
        foreach (var d in deltas)
        {
            ct.ThrowIfCancellationRequested();
            parameters[0].Value = d.CustomerId;
            parameters[1].Value = ToDb(d.FirstPurchaseAt) ?? DBNull.Value;
            parameters[2].Value = ToDb(d.LastPurchaseAt) ?? DBNull.Value;
            parameters[3].Value = d.Purchases;
            parameters[4].Value = (double)d.Revenue;
            parameters[5].Value = d.Interactions;
            parameters[6].Value = ToDb(d.LastInteractionAt) ?? DBNull.Value;
            parameters[7].Value = stamp;
            if (command.ExecuteNonQuery() == 0)
            {
                missing.Add(d.CustomerId);
            }
        }

        return Task.FromResult(missing);
    }

    protected override object? ToDb(object? value) => value switch
    {
        null => null,
        DateTimeOffset instant => SqliteFormats.Instant(instant),
        decimal number => (double)number,
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool flag => flag ? 1 : 0,
        _ => value,
    };

    private (SqliteCommand Command, SqliteParameter[] Parameters) Prepared(string sql, int count)
    {
        if (_statements.TryGetValue(sql, out var statement))
        {
            return statement;
        }

        var command = (SqliteCommand)Context.Connection.CreateCommand();
        command.Transaction = (SqliteTransaction)Context.Transaction;
        command.CommandText = sql;
        var parameters = new SqliteParameter[count];
        for (var i = 0; i < count; i++)
        {
            parameters[i] = command.Parameters.Add(new SqliteParameter($"@v{i}", null));
        }

        command.Prepare();
        _statements[sql] = (command, parameters);
        return (command, parameters);
    }

    public override ValueTask DisposeAsync()
    {
        foreach (var (command, _) in _statements.Values)
        {
            command.Dispose();
        }

        _statements.Clear();
        return base.DisposeAsync();
    }
}

internal sealed class PostgresIngestStore(IngestionContext context) : IngestStore(context)
{
    public override async Task<long[]> ReserveIdsAsync(string table, int count, CancellationToken ct)
    {
        if (count == 0)
        {
            return [];
        }

        var ids = new long[count];
        var i = 0;
        // One round trip for any number of ids; the table name is fixed in code.
        await QueryRowsAsync($"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, @p1)", [count],
            r => ids[i++] = r.GetInt64(0), ct);
        return ids;
    }

    public override async Task InsertAsync(TableSpec table, IReadOnlyList<object?[]> rows, CancellationToken ct, string conflict = "")
    {
        if (rows.Count == 0)
        {
            return;
        }

        var columns = string.Join(", ", table.Columns.Select(c => c.Column));
        await using var command = Arrays(table, rows,
            $"INSERT INTO {table.Name} ({columns}) SELECT * FROM unnest({ArrayArguments(table)}) {conflict}");
        await command.ExecuteNonQueryAsync(ct);
    }

    public override async Task UpdateAsync(TableSpec table, IReadOnlyList<object?[]> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var names = string.Join(", ", table.Columns.Select(c => c.Column));
        var sets = string.Join(", ", table.Columns.Skip(1).Select(c => $"{c.Column} = u.{c.Column}"));
        var key = table.Columns[0].Column;
        await using var command = Arrays(table, rows,
            $"UPDATE {table.Name} AS t SET {sets} FROM unnest({ArrayArguments(table)}) AS u({names}) WHERE t.{key} = u.{key}");
        await command.ExecuteNonQueryAsync(ct);
    }

    public override async Task QueryAsync<TKey>(string sql, IReadOnlyCollection<TKey> keys, object?[] parameters, Action<DbDataReader> read, CancellationToken ct)
    {
        if (keys.Count == 0)
        {
            return;
        }

        // "x IN {keys}" becomes "x IN (SELECT unnest(@keys))", which PostgreSQL plans as = ANY over the array.
        await using var command = (NpgsqlCommand)Command(sql.Replace("{keys}", "(SELECT unnest(@keys))", StringComparison.Ordinal), parameters);
        command.Parameters.Add(new NpgsqlParameter("@keys", keys.ToArray()));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            read(reader);
        }
    }

    public override async Task<List<long>> AddToMetricsAsync(IReadOnlyList<MetricsDelta> deltas, DateTimeOffset now, CancellationToken ct)
    {
        var missing = new HashSet<long>(deltas.Select(d => d.CustomerId));
        if (deltas.Count == 0)
        {
            return [];
        }

        var sets = MetricsAdditions.Replace("{first}", "d.first_at", StringComparison.Ordinal).Replace("{last}", "d.last_at", StringComparison.Ordinal)
            .Replace("{purchases}", "d.purchases", StringComparison.Ordinal).Replace("{revenue}", "d.revenue", StringComparison.Ordinal)
            .Replace("{interactions}", "d.interactions", StringComparison.Ordinal).Replace("{lastInteraction}", "d.last_interaction_at", StringComparison.Ordinal)
            .Replace("{now}", "@p1", StringComparison.Ordinal).Replace("{t}", "customer_metrics.", StringComparison.Ordinal);
        var table = new TableSpec("deltas", ("customer_id", ColumnType.Long), ("first_at", ColumnType.Instant), ("last_at", ColumnType.Instant),
            ("purchases", ColumnType.Int), ("revenue", ColumnType.Decimal), ("interactions", ColumnType.Int), ("last_interaction_at", ColumnType.Instant));
        var rows = deltas.Select(d => new object?[] { d.CustomerId, d.FirstPurchaseAt, d.LastPurchaseAt, d.Purchases, d.Revenue, d.Interactions, d.LastInteractionAt }).ToList();
        await using var command = Arrays(table, rows,
            $"""
            UPDATE customer_metrics SET {sets}
            FROM unnest({ArrayArguments(table)}) AS d(customer_id, first_at, last_at, purchases, revenue, interactions, last_interaction_at)
            WHERE customer_metrics.customer_id = d.customer_id
            RETURNING customer_metrics.customer_id
            """);
        command.Parameters.Add(new NpgsqlParameter("p1", now.ToUniversalTime()));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            missing.Remove(reader.GetInt64(0));
        }

        return [.. missing];
    }

    protected override object? ToDb(object? value) => value switch
    {
        DateTimeOffset instant => instant.ToUniversalTime(),
        _ => value,
    };

    private static string ArrayArguments(TableSpec table) => string.Join(", ", table.Columns.Select((_, i) => $"@a{i}"));

    private NpgsqlCommand Arrays(TableSpec table, IReadOnlyList<object?[]> rows, string sql)
    {
        var command = (NpgsqlCommand)Command(sql, []);
        for (var c = 0; c < table.Columns.Length; c++)
        {
            var (array, type) = Column(table.Columns[c].Type, rows, c);
            command.Parameters.Add(new NpgsqlParameter($"@a{c}", NpgsqlDbType.Array | type) { Value = array });
        }

        return command;
    }

    private static (Array Array, NpgsqlDbType Type) Column(ColumnType type, IReadOnlyList<object?[]> rows, int c) => type switch
    {
        ColumnType.Long => (Fill<long?>(rows, c, v => (long?)v), NpgsqlDbType.Bigint),
        ColumnType.Int => (Fill<int?>(rows, c, v => (int?)v), NpgsqlDbType.Integer),
        ColumnType.Text => (Fill<string?>(rows, c, v => (string?)v), NpgsqlDbType.Text),
        ColumnType.Decimal => (Fill<decimal?>(rows, c, v => (decimal?)v), NpgsqlDbType.Numeric),
        ColumnType.Instant => (Fill<DateTimeOffset?>(rows, c, v => ((DateTimeOffset?)v)?.ToUniversalTime()), NpgsqlDbType.TimestampTz),
        ColumnType.Date => (Fill<DateOnly?>(rows, c, v => (DateOnly?)v), NpgsqlDbType.Date),
        ColumnType.Bool => (Fill<bool?>(rows, c, v => (bool?)v), NpgsqlDbType.Boolean),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown column type."),
    };

    private static T[] Fill<T>(IReadOnlyList<object?[]> rows, int c, Func<object?, T> convert)
    {
        var array = new T[rows.Count];
        for (var r = 0; r < rows.Count; r++)
        {
            array[r] = convert(rows[r][c]);
        }

        return array;
    }
}
