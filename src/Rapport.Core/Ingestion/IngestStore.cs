using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using Rapport.Data;
using SQLitePCL;

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
/// The few bulk operations the ingestion writers need, always inside the caller's transaction. On PostgreSQL each is
/// one set-based statement per table and call whatever the row count: every column travels as one array parameter
/// read back by <c>unnest</c>. On SQLite, an in-process library with no round trips, each is one prepared statement
/// stepped once per row with its values bound by position straight to SQLite (measured faster than one statement
/// reading every row from a JSON array with <c>json_each</c>, which parses the JSON again for every column). Lookups
/// pass their keys as one parameter (<c>column IN {keys}</c>: <c>unnest</c>, <c>json_each</c>). Values are CLR values
/// (long, int, string, decimal, DateTimeOffset, DateOnly, bool) converted here to what EF stores on each provider.
/// </summary>
internal abstract class IngestStore : IAsyncDisposable
{
    protected IngestStore(IngestionContext context) => Context = context;

    protected IngestionContext Context { get; }

    /// <summary>
    /// Calls of at least this many items (import chunks, batch API requests of up to 1,000 items, written on the batch
    /// gate's one connection) get SQLite's larger page cache; single records and small calls keep the default.
    /// </summary>
    public const int LargeCall = 500;

    public static async Task<IngestStore> OpenAsync(IngestionContext context, int items, CancellationToken ct)
    {
        if (context.Provider == DatabaseProvider.Postgres)
        {
            return new PostgresIngestStore(context);
        }

        if (items >= LargeCall)
        {
            await SqliteIngestStore.RaisePageCacheAsync(context.Connection, ct);
        }

        return new SqliteIngestStore(context);
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
    public abstract Task<List<long>> AddToMetricsAsync(IReadOnlyList<MetricsDelta> deltas, DateTimeOffset now, CancellationToken ct);

    protected static readonly TableSpec DeltaTable = new("deltas", ("customer_id", ColumnType.Long), ("first_at", ColumnType.Instant), ("last_at", ColumnType.Instant),
        ("purchases", ColumnType.Int), ("revenue", ColumnType.Decimal), ("interactions", ColumnType.Int), ("last_interaction_at", ColumnType.Instant));

    /// <summary>
    /// The SET list adding the delta row <c>d</c> to the stored row; <paramref name="now"/> is the parameter holding the
    /// update time. Stored columns are qualified (PostgreSQL's UPDATE .. FROM has a delta column of each name).
    /// </summary>
    protected static string MetricsAdditions(string now) => MetricsAdditions(now, column => $"d.{column}");

    /// <summary>The same SET list with the delta's values named by <paramref name="delta"/> (a column of <see cref="DeltaTable"/> to an expression).</summary>
    protected static string MetricsAdditions(string now, Func<string, string> delta)
    {
        string first = delta("first_at"), last = delta("last_at"), lastInteraction = delta("last_interaction_at");
        return $"""
            first_purchase_at = CASE WHEN {first} IS NULL THEN customer_metrics.first_purchase_at WHEN customer_metrics.first_purchase_at IS NULL OR customer_metrics.first_purchase_at > {first} THEN {first} ELSE customer_metrics.first_purchase_at END,
            last_purchase_at = CASE WHEN {last} IS NULL THEN customer_metrics.last_purchase_at WHEN customer_metrics.last_purchase_at IS NULL OR customer_metrics.last_purchase_at < {last} THEN {last} ELSE customer_metrics.last_purchase_at END,
            purchase_count = customer_metrics.purchase_count + {delta("purchases")},
            revenue = customer_metrics.revenue + {delta("revenue")},
            interaction_count = customer_metrics.interaction_count + {delta("interactions")},
            last_interaction_at = CASE WHEN {lastInteraction} IS NULL THEN customer_metrics.last_interaction_at WHEN customer_metrics.last_interaction_at IS NULL OR customer_metrics.last_interaction_at < {lastInteraction} THEN {lastInteraction} ELSE customer_metrics.last_interaction_at END,
            updated_at = {now}
            """;
    }

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
    /// Raises a SQLite connection's page cache to 128 MiB (SQLite's default is 2 MiB); nothing on PostgreSQL. Orders land
    /// in indexes by customer in random order; with the default cache every such insert reads its page back from the
    /// file, which measured as a third of the CPU time of a large import. The memory is taken only as pages are used and
    /// stays with this connection, so only the bulk writers raise it: an import's connection and the batch gate's one.
    /// Returns the setting it found, for <see cref="RestorePageCacheAsync"/> (null on PostgreSQL).
    /// </summary>
    public static async Task<long?> RaisePageCacheAsync(DbConnection connection, CancellationToken ct)
    {
        if (connection is not SqliteConnection)
        {
            return null;
        }

        long current = 0;
        long pageSize = 4096;
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT cache_size, page_size FROM pragma_cache_size, pragma_page_size";
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                (current, pageSize) = (reader.GetInt64(0), reader.GetInt64(1));
            }
        }

        var kib = current < 0 ? -current : current * pageSize / 1024;
        if (kib < PageCacheKib)
        {
            await SetCacheSizeAsync(connection, -PageCacheKib, ct);
        }

        return current;
    }

    /// <summary>Puts back the setting <see cref="RaisePageCacheAsync"/> returned; SQLite frees the pages beyond it. Best effort.</summary>
    public static async Task RestorePageCacheAsync(DbConnection connection, long? previous)
    {
        if (previous is { } size && connection is SqliteConnection { State: System.Data.ConnectionState.Open })
        {
            try
            {
                await SetCacheSizeAsync(connection, size, CancellationToken.None);
            }
            catch (SqliteException)
            {
                // The connection is being torn down anyway; a closed connection holds no cache.
            }
        }
    }

    private static async Task SetCacheSizeAsync(DbConnection connection, long size, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA cache_size = {size.ToString(CultureInfo.InvariantCulture)}";
        await command.ExecuteNonQueryAsync(ct);
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

    public override Task InsertAsync(TableSpec table, IReadOnlyList<object?[]> rows, CancellationToken ct, string conflict = "")
    {
        if (rows.Count == 0)
        {
            return Task.CompletedTask;
        }

        var columns = string.Join(", ", table.Columns.Select(c => c.Column));
        var values = string.Join(", ", table.Columns.Select((_, i) => $"?{i + 1}"));
        using var insert = new RowStatement(Connection, $"INSERT INTO {table.Name} ({columns}) VALUES ({values}) {conflict}");
        foreach (var row in rows)
        {
            ct.ThrowIfCancellationRequested();
            insert.Run(row);
        }

        return Task.CompletedTask;
    }

    public override Task UpdateAsync(TableSpec table, IReadOnlyList<object?[]> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return Task.CompletedTask;
        }

        var sets = string.Join(", ", table.Columns.Skip(1).Select((c, i) => $"{c.Column} = ?{i + 2}"));
        using var update = new RowStatement(Connection, $"UPDATE {table.Name} SET {sets} WHERE {table.Columns[0].Column} = ?1");
        foreach (var row in rows)
        {
            ct.ThrowIfCancellationRequested();
            update.Run(row);
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

        // ?1.. are the delta's columns in DeltaTable order, then the update time; numbered parameters may repeat.
        var position = DeltaTable.Columns.Select((c, i) => (c.Column, i)).ToDictionary(x => x.Column, x => $"?{x.i + 1}");
        using var add = new RowStatement(Connection, $"""
            UPDATE customer_metrics SET {MetricsAdditions($"?{DeltaTable.Columns.Length + 1}", column => position[column])}
            WHERE customer_id = ?1
            """);
        var row = new object?[DeltaTable.Columns.Length + 1];
        row[^1] = now;
        // In customer order: neighbouring rows share pages of the metrics table and its indexes.
        foreach (var d in deltas.OrderBy(d => d.CustomerId))
        {
            ct.ThrowIfCancellationRequested();
            (row[0], row[1], row[2], row[3], row[4], row[5], row[6]) =
                (d.CustomerId, d.FirstPurchaseAt, d.LastPurchaseAt, d.Purchases, d.Revenue, d.Interactions, d.LastInteractionAt);
            if (add.Run(row) == 0)
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

    private SqliteConnection Connection => (SqliteConnection)Context.Connection;

    /// <summary>
    /// One statement prepared on the connection's SQLite handle and run once per row, its values bound by position with
    /// the storage conversions EF uses (instants as fixed-width ISO text, money as REAL, dates as yyyy-MM-dd, booleans as
    /// 1/0). It runs inside the caller's transaction (SQLite's transaction belongs to the connection). Binding by
    /// position straight to SQLite costs a fraction of a command execution per row, which matters at a million rows.
    /// </summary>
    private sealed class RowStatement : IDisposable
    {
        private readonly sqlite3 _db;
        private readonly sqlite3_stmt _statement;

        public RowStatement(SqliteConnection connection, string sql)
        {
            _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
            Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
        }

        /// <summary>Binds the row (value i to parameter i + 1), runs the statement, and returns the number of rows it changed.</summary>
        public int Run(object?[] row)
        {
            for (var i = 0; i < row.Length; i++)
            {
                Bind(i + 1, row[i]);
            }

            int rc;
            while ((rc = raw.sqlite3_step(_statement)) == raw.SQLITE_ROW)
            {
            }

            if (rc != raw.SQLITE_DONE)
            {
                raw.sqlite3_reset(_statement);
                Check(rc);
            }

            raw.sqlite3_reset(_statement);
            return raw.sqlite3_changes(_db);
        }

        private void Bind(int index, object? value)
        {
            var rc = value switch
            {
                null => raw.sqlite3_bind_null(_statement, index),
                long v => raw.sqlite3_bind_int64(_statement, index, v),
                int v => raw.sqlite3_bind_int64(_statement, index, v),
                string v => raw.sqlite3_bind_text16(_statement, index, v.AsSpan()),
                decimal v => raw.sqlite3_bind_double(_statement, index, (double)v),
                DateTimeOffset v => BindInstant(index, v),
                DateOnly v => raw.sqlite3_bind_text(_statement, index, v.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
                bool v => raw.sqlite3_bind_int64(_statement, index, v ? 1 : 0),
                _ => throw new ArgumentException($"Parameter {index} has a value of unsupported type {value.GetType().Name}.", nameof(value)),
            };
            Check(rc);
        }

        /// <summary>SqliteFormats.Instant without a format string to parse per value: yyyy-MM-ddTHH:mm:ss.fffffffZ.</summary>
        private int BindInstant(int index, DateTimeOffset value)
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
            return raw.sqlite3_bind_text16(_statement, index, text);
        }

        private static void Digits(Span<char> target, int value)
        {
            for (var i = target.Length - 1; i >= 0; i--)
            {
                target[i] = (char)('0' + (value % 10));
                value /= 10;
            }
        }

        private void Check(int rc)
        {
            if (rc != raw.SQLITE_OK)
            {
                SqliteException.ThrowExceptionForRC(rc, _db);
            }
        }

        public void Dispose() => _statement.Dispose();
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

    private NpgsqlCommand MetricsAdditionCommand(IReadOnlyList<object?[]> rows, DateTimeOffset now)
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
