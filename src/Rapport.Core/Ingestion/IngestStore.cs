using System.Buffers;
using System.Data.Common;
using System.Globalization;
using System.Text;
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
/// The few bulk operations the ingestion writers need, each as one set-based statement per table and call whatever the
/// row count, always inside the caller's transaction: on SQLite every row travels in one JSON array parameter read back
/// by <c>json_each</c> (so the per-row cost is SQLite's own B-tree work, not a managed round trip per statement); on
/// PostgreSQL every column travels as one array parameter read back by <c>unnest</c>. Lookups pass their keys the same
/// way (<c>column IN {keys}</c>). Values are CLR values (long, int, string, decimal, DateTimeOffset, DateOnly, bool)
/// converted here to what EF stores on each provider.
/// </summary>
internal abstract class IngestStore : IAsyncDisposable
{
    protected IngestStore(IngestionContext context) => Context = context;

    protected IngestionContext Context { get; }

    /// <summary>Calls of at least this many items (imports, not API batches of at most 1,000) get SQLite's larger page cache.</summary>
    public const int LargeCall = 5_000;

    public static async Task<IngestStore> OpenAsync(IngestionContext context, int items, CancellationToken ct)
    {
        if (context.Provider == DatabaseProvider.Postgres)
        {
            return new PostgresIngestStore(context);
        }

        var store = new SqliteIngestStore(context);
        if (items >= LargeCall)
        {
            await store.EnsurePageCacheAsync(ct);
        }

        return store;
    }

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
    public async Task<List<long>> AddToMetricsAsync(IReadOnlyList<MetricsDelta> deltas, DateTimeOffset now, CancellationToken ct)
    {
        if (deltas.Count == 0)
        {
            return [];
        }

        var missing = new HashSet<long>(deltas.Select(d => d.CustomerId));
        var rows = deltas.Select(d => new object?[] { d.CustomerId, d.FirstPurchaseAt, d.LastPurchaseAt, d.Purchases, d.Revenue, d.Interactions, d.LastInteractionAt }).ToList();
        await using var command = MetricsAdditionCommand(rows, now);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            missing.Remove(reader.GetInt64(0));
        }

        return [.. missing];
    }

    /// <summary>
    /// <c>UPDATE customer_metrics SET {MetricsAdditions} FROM (the rows of <see cref="DeltaTable"/>) AS d … RETURNING
    /// customer_metrics.customer_id</c>, in the provider's way of passing many rows.
    /// </summary>
    protected abstract DbCommand MetricsAdditionCommand(IReadOnlyList<object?[]> rows, DateTimeOffset now);

    protected static readonly TableSpec DeltaTable = new("deltas", ("customer_id", ColumnType.Long), ("first_at", ColumnType.Instant), ("last_at", ColumnType.Instant),
        ("purchases", ColumnType.Int), ("revenue", ColumnType.Decimal), ("interactions", ColumnType.Int), ("last_interaction_at", ColumnType.Instant));

    /// <summary>
    /// The SET list adding the delta row <c>d</c> to the stored row; <paramref name="now"/> is the parameter holding the
    /// update time. Stored columns are qualified (PostgreSQL's UPDATE .. FROM has a delta column of each name).
    /// </summary>
    protected static string MetricsAdditions(string now) => $"""
        first_purchase_at = CASE WHEN d.first_at IS NULL THEN customer_metrics.first_purchase_at WHEN customer_metrics.first_purchase_at IS NULL OR customer_metrics.first_purchase_at > d.first_at THEN d.first_at ELSE customer_metrics.first_purchase_at END,
        last_purchase_at = CASE WHEN d.last_at IS NULL THEN customer_metrics.last_purchase_at WHEN customer_metrics.last_purchase_at IS NULL OR customer_metrics.last_purchase_at < d.last_at THEN d.last_at ELSE customer_metrics.last_purchase_at END,
        purchase_count = customer_metrics.purchase_count + d.purchases,
        revenue = customer_metrics.revenue + d.revenue,
        interaction_count = customer_metrics.interaction_count + d.interactions,
        last_interaction_at = CASE WHEN d.last_interaction_at IS NULL THEN customer_metrics.last_interaction_at WHEN customer_metrics.last_interaction_at IS NULL OR customer_metrics.last_interaction_at < d.last_interaction_at THEN d.last_interaction_at ELSE customer_metrics.last_interaction_at END,
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
    /// <summary>128 MiB, in SQLite's negative-KiB notation.</summary>
    private const long PageCacheKib = 131_072;

    /// <summary>
    /// Raises the connection's page cache to 128 MiB (SQLite's default is 2 MiB). Orders land in indexes by customer and
    /// by date in random order; with the default cache every such insert reads its page back from the file, which
    /// measured as a third of the CPU time of a large import. The memory is taken only as pages are used and stays
    /// with this (pooled) connection, so only large calls (imports) raise it, not the API's small batches.
    /// </summary>
    public async Task EnsurePageCacheAsync(CancellationToken ct)
    {
        long current = 0;
        long pageSize = 4096;
        await QueryRowsAsync("SELECT cache_size, page_size FROM pragma_cache_size, pragma_page_size", [], r => (current, pageSize) = (r.GetInt64(0), r.GetInt64(1)), ct);
        var kib = current < 0 ? -current : current * pageSize / 1024;
        if (kib < PageCacheKib)
        {
            await ExecuteAsync($"PRAGMA cache_size = -{PageCacheKib}", [], ct);
        }
    }

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

    public override async Task InsertAsync(TableSpec table, IReadOnlyList<object?[]> rows, CancellationToken ct, string conflict = "")
    {
        if (rows.Count == 0)
        {
            return;
        }

        // "WHERE true" keeps SQLite from reading ON CONFLICT as part of the SELECT (its documented upsert ambiguity).
        var columns = string.Join(", ", table.Columns.Select(c => c.Column));
        await using var command = Rows(table, rows, $"INSERT INTO {table.Name} ({columns}) SELECT {Extract(table)} FROM json_each(@rows) WHERE true {conflict}");
        await command.ExecuteNonQueryAsync(ct);
    }

    public override async Task UpdateAsync(TableSpec table, IReadOnlyList<object?[]> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var sets = string.Join(", ", table.Columns.Skip(1).Select(c => $"{c.Column} = d.{c.Column}"));
        var key = table.Columns[0].Column;
        await using var command = Rows(table, rows,
            $"UPDATE {table.Name} SET {sets} FROM (SELECT {Extract(table, named: true)} FROM json_each(@rows)) AS d WHERE {table.Name}.{key} = d.{key}");
        await command.ExecuteNonQueryAsync(ct);
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

    protected override DbCommand MetricsAdditionCommand(IReadOnlyList<object?[]> rows, DateTimeOffset now)
    {
        var command = Rows(DeltaTable, rows,
            $"""
            UPDATE customer_metrics SET {MetricsAdditions("@now")}
            FROM (SELECT {Extract(DeltaTable, named: true)} FROM json_each(@rows)) AS d
            WHERE customer_metrics.customer_id = d.customer_id
            RETURNING customer_metrics.customer_id
            """);
        command.Parameters.Add(new SqliteParameter("@now", ToDb(now)));
        return command;
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

    /// <summary>"value->>0, value->>1, .." (or "value->>0 AS id, .."): the columns of each JSON row array, typed by their JSON values.</summary>
    private static string Extract(TableSpec table, bool named = false) =>
        string.Join(", ", table.Columns.Select((c, i) => named ? $"value->>{i} AS {c.Column}" : $"value->>{i}"));

    /// <summary>
    /// A command with every row in one JSON array parameter (<c>@rows</c>), read back by <c>json_each</c>: one statement
    /// per table and call instead of one per row. Values are written as EF stores them: instants as fixed-width ISO text,
    /// money as the double EF writes (REAL), dates as yyyy-MM-dd, booleans as 1/0.
    /// </summary>
    private DbCommand Rows(TableSpec table, IReadOnlyList<object?[]> rows, string sql)
    {
        var buffer = new ArrayBufferWriter<byte>(rows.Count * table.Columns.Length * 16);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var row in rows)
            {
                json.WriteStartArray();
                for (var i = 0; i < table.Columns.Length; i++)
                {
                    switch (row[i])
                    {
                        case null: json.WriteNullValue(); break;
                        case long v: json.WriteNumberValue(v); break;
                        case int v: json.WriteNumberValue(v); break;
                        case string v: json.WriteStringValue(v); break;
                        case decimal v: json.WriteNumberValue((double)v); break;
                        case DateTimeOffset v: WriteInstant(json, v); break;
                        case DateOnly v: json.WriteStringValue(v.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)); break;
                        case bool v: json.WriteNumberValue(v ? 1 : 0); break;
                        default: throw new ArgumentException($"Column {table.Columns[i].Column} has a value of unsupported type {row[i]!.GetType().Name}.", nameof(rows));
                    }
                }

                json.WriteEndArray();
            }

            json.WriteEndArray();
        }

        var command = Command(sql, []);
        command.Parameters.Add(new SqliteParameter("@rows", Encoding.UTF8.GetString(buffer.WrittenSpan)));
        return command;
    }

    /// <summary>SqliteFormats.Instant without a format string to parse per value: yyyy-MM-ddTHH:mm:ss.fffffffZ.</summary>
    private static void WriteInstant(Utf8JsonWriter json, DateTimeOffset value)
    {
        Span<char> text = stackalloc char[28];
        var utc = value.UtcDateTime;
        Digits(text[..4], utc.Year);
        text[4] = '-';
        Digits(text.Slice(5, 2), utc.Month);
        text[7] = '-';
        Digits(text.Slice(8, 2), utc.Day);
        text[10] = 'T';
        Digits(text.Slice(11, 2), utc.Hour);
        text[13] = ':';
        Digits(text.Slice(14, 2), utc.Minute);
        text[16] = ':';
        Digits(text.Slice(17, 2), utc.Second);
        text[19] = '.';
        Digits(text.Slice(20, 7), (int)(utc.Ticks % TimeSpan.TicksPerSecond));
        text[27] = 'Z';
        json.WriteStringValue(text);
    }

    private static void Digits(Span<char> target, int value)
    {
        for (var i = target.Length - 1; i >= 0; i--)
        {
            target[i] = (char)('0' + (value % 10));
            value /= 10;
        }
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

    protected override DbCommand MetricsAdditionCommand(IReadOnlyList<object?[]> rows, DateTimeOffset now)
    {
        var command = Arrays(DeltaTable, rows,
            $"""
            UPDATE customer_metrics SET {MetricsAdditions("@p1")}
            FROM unnest({ArrayArguments(DeltaTable)}) AS d(customer_id, first_at, last_at, purchases, revenue, interactions, last_interaction_at)
            WHERE customer_metrics.customer_id = d.customer_id
            RETURNING customer_metrics.customer_id
            """);
        command.Parameters.Add(new NpgsqlParameter("p1", now.ToUniversalTime()));
        return command;
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
