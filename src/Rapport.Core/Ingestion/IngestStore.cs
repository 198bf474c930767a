using System.Data.Common;
using System.Globalization;
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
    /// <summary><c>double</c>: double precision / REAL.</summary>
    Double,
}

/// <summary>What one call adds to a customer's metrics: new purchases (revenue in the reporting currency only) and interactions.</summary>
internal sealed record MetricsDelta(long CustomerId, DateTimeOffset? FirstPurchaseAt, DateTimeOffset? LastPurchaseAt, int Purchases, decimal Revenue,
    int Interactions, DateTimeOffset? LastInteractionAt);

/// <summary>A table and the columns a bulk statement writes, first column first.</summary>
internal sealed record TableSpec(string Name, params (string Column, ColumnType Type)[] Columns);

/// <summary>
/// The few bulk operations the ingestion writers need, always inside the caller's transaction. On PostgreSQL each is
/// one set-based statement per table and call whatever the row count: every column travels as one typed array
/// parameter read back by <c>unnest</c>. On SQLite, an in-process library with no round trips, each is one prepared
/// statement stepped once per row (or per key) with its values bound by position straight to SQLite: measured faster
/// than one statement reading every row or key from a JSON array with <c>json_each</c>. Rows are written value by
/// value through <see cref="RowValues"/> in the order of the <see cref="TableSpec"/>'s columns, typed, so that a
/// million rows cost no boxed values and no per-row arrays; values are converted to what EF stores on each provider.
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

    /// <summary>
    /// Inserts one row per item: <paramref name="write"/> gives the item's values in the order of
    /// <see cref="TableSpec.Columns"/>. <paramref name="conflict"/> is an optional <c>ON CONFLICT</c> clause.
    /// </summary>
    public abstract Task InsertAsync<T>(TableSpec table, IReadOnlyCollection<T> items, Action<RowValues, T> write, CancellationToken ct, string conflict = "");

    /// <summary>Inserts rows given as CLR values in column order (for small calls; large ones use the typed overload).</summary>
    public Task InsertAsync(TableSpec table, IReadOnlyList<object?[]> rows, CancellationToken ct, string conflict = "") =>
        InsertAsync(table, rows, static (r, row) => r.Values(row), ct, conflict);

    /// <summary>Updates one row per item by its first column (the key); every other column of the spec is set.</summary>
    public abstract Task UpdateAsync<T>(TableSpec table, IReadOnlyCollection<T> items, Action<RowValues, T> write, CancellationToken ct);

    /// <summary>Updates rows given as CLR values in column order, key first.</summary>
    public Task UpdateAsync(TableSpec table, IReadOnlyList<object?[]> rows, CancellationToken ct) =>
        UpdateAsync(table, rows, static (r, row) => r.Values(row), ct);

    /// <summary>
    /// Runs <paramref name="sql"/> for a set of keys; <c>{keys}</c> in it stands for the set, to use as
    /// <c>column IN {keys}</c>; <c>@p1</c>.. are the extra parameters. Calls <paramref name="read"/> per result row.
    /// The result must be the union of the results per key (a selection, or groups by the key column): SQLite runs
    /// the statement once per distinct key, PostgreSQL once for all of them.
    /// </summary>
    public abstract Task QueryAsync<TKey>(string sql, IReadOnlyCollection<TKey> keys, object?[] parameters, Action<DbDataReader> read, CancellationToken ct)
        where TKey : notnull;

    /// <summary>
    /// Adds new purchases and interactions to customers' metrics rows without reading their history: counts and
    /// revenue go up, first/last instants widen. Exactly what a full recompute gives when rows were only added.
    /// Returns the customers that have no metrics row yet (the caller recomputes those).
    /// </summary>
    public abstract Task<List<long>> AddToMetricsAsync(IReadOnlyList<MetricsDelta> deltas, DateTimeOffset now, CancellationToken ct);

    protected static readonly TableSpec DeltaTable = new("deltas", ("customer_id", ColumnType.Long), ("first_at", ColumnType.Instant), ("last_at", ColumnType.Instant),
        ("purchases", ColumnType.Int), ("revenue", ColumnType.Decimal), ("interactions", ColumnType.Int), ("last_interaction_at", ColumnType.Instant));

    /// <summary>A delta's values in <see cref="DeltaTable"/> order.</summary>
    protected static void WriteDelta(RowValues r, MetricsDelta d) =>
        r.Long(d.CustomerId).Instant(d.FirstPurchaseAt).Instant(d.LastPurchaseAt).Int(d.Purchases).Decimal(d.Revenue).Int(d.Interactions).Instant(d.LastInteractionAt);

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


/// <summary>
/// The values of one row of a bulk statement, given one by one in the order of the <see cref="TableSpec"/>'s columns,
/// each by its column's type (a value of the wrong type or a missing value is a programming error and throws).
/// </summary>
internal abstract class RowValues(TableSpec table)
{
    private int _column;

    public TableSpec Table => table;

    public RowValues Long(long? value)
    {
        SetLong(Next(ColumnType.Long), value);
        return this;
    }

    public RowValues Int(int? value)
    {
        SetInt(Next(ColumnType.Int), value);
        return this;
    }

    public RowValues Text(string? value)
    {
        SetText(Next(ColumnType.Text), value);
        return this;
    }

    public RowValues Decimal(decimal? value)
    {
        SetDecimal(Next(ColumnType.Decimal), value);
        return this;
    }

    public RowValues Instant(DateTimeOffset? value)
    {
        SetInstant(Next(ColumnType.Instant), value);
        return this;
    }

    public RowValues Date(DateOnly? value)
    {
        SetDate(Next(ColumnType.Date), value);
        return this;
    }

    public RowValues Bool(bool? value)
    {
        SetBool(Next(ColumnType.Bool), value);
        return this;
    }

    public RowValues Double(double? value)
    {
        SetDouble(Next(ColumnType.Double), value);
        return this;
    }

    /// <summary>A whole row of CLR values (long, int, string, decimal, DateTimeOffset, DateOnly, bool or null), by column type.</summary>
    public void Values(object?[] row)
    {
        if (row.Length != table.Columns.Length)
        {
            throw new ArgumentException($"A row of {table.Name} has {table.Columns.Length} values, not {row.Length}.", nameof(row));
        }

        for (var i = 0; i < row.Length; i++)
        {
            var value = row[i];
            _ = table.Columns[i].Type switch
            {
                ColumnType.Long => Long(value is null ? null : Convert.ToInt64(value, CultureInfo.InvariantCulture)),
                ColumnType.Int => Int(value is null ? null : Convert.ToInt32(value, CultureInfo.InvariantCulture)),
                ColumnType.Text => Text((string?)value),
                ColumnType.Decimal => Decimal(value is null ? null : Convert.ToDecimal(value, CultureInfo.InvariantCulture)),
                ColumnType.Instant => Instant((DateTimeOffset?)value),
                ColumnType.Date => Date((DateOnly?)value),
                ColumnType.Bool => Bool((bool?)value),
                ColumnType.Double => Double(value is null ? null : Convert.ToDouble(value, CultureInfo.InvariantCulture)),
                _ => throw new InvalidOperationException($"Unknown column type {table.Columns[i].Type}."),
            };
        }
    }

    /// <summary>Starts the next row (the writer calls this before each item).</summary>
    internal void BeginRow() => _column = 0;

    /// <summary>Checks that the item gave every column (the writer calls this after each item).</summary>
    internal void EndRow()
    {
        if (_column != table.Columns.Length)
        {
            throw new InvalidOperationException($"A row of {table.Name} was given {_column} of its {table.Columns.Length} values.");
        }
    }

    private int Next(ColumnType type)
    {
        if (_column >= table.Columns.Length)
        {
            throw new InvalidOperationException($"A row of {table.Name} was given more than its {table.Columns.Length} values.");
        }

        var column = table.Columns[_column];
        return column.Type == type
            ? _column++
            : throw new InvalidOperationException($"{table.Name}.{column.Column} takes a {column.Type} value, not a {type} value.");
    }

    protected abstract void SetLong(int column, long? value);
    protected abstract void SetInt(int column, int? value);
    protected abstract void SetText(int column, string? value);
    protected abstract void SetDecimal(int column, decimal? value);
    protected abstract void SetInstant(int column, DateTimeOffset? value);
    protected abstract void SetDate(int column, DateOnly? value);
    protected abstract void SetBool(int column, bool? value);
    protected abstract void SetDouble(int column, double? value);
}
