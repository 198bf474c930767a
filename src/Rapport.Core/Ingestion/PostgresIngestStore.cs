using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace Rapport.Ingestion;

/// <summary>
/// <see cref="IngestStore"/> on PostgreSQL: every bulk operation is one statement per call whatever the row count.
/// Plain inserts stream their rows with binary <c>COPY</c> (the server inserts while the rest is still being sent);
/// inserts with a conflict clause, updates and lookups send each column as one typed array parameter read back by
/// <c>unnest</c>.
/// </summary>
internal sealed class PostgresIngestStore(IngestionContext context) : IngestStore(context)
{
    public override async Task<long[]> ReserveIdsAsync(string table, int count, CancellationToken ct)
    {
        if (count == 0)
        {
            return [];
        }

        // One round trip and one array for any number of ids; the table name is fixed in code. The sequence is looked up
        // once, not per id: OFFSET 0 keeps the planner from pulling pg_get_serial_sequence up into the per-row call,
        // where it costs ten times the nextval itself.
        long[]? ids = null;
        await QueryRowsAsync(
            $"SELECT array_agg(nextval(s.seq)) FROM (SELECT pg_get_serial_sequence('{table}', 'id')::regclass AS seq OFFSET 0) AS s CROSS JOIN generate_series(1, @p1)",
            [count], r => ids = r.GetFieldValue<long[]>(0), ct);
        return ids!;
    }

    public override async Task InsertAsync<T>(TableSpec table, IReadOnlyCollection<T> items, Action<RowValues, T> write, CancellationToken ct, string conflict = "")
    {
        if (items.Count == 0)
        {
            return;
        }

        var columns = string.Join(", ", table.Columns.Select(c => c.Column));
        if (conflict.Length == 0)
        {
            await CopyAsync(table, columns, items, write, ct);
            return;
        }

        await using var command = Arrays(table, items, write,
            $"INSERT INTO {table.Name} ({columns}) SELECT * FROM unnest({ArrayArguments(table)}) {conflict}");
        await command.ExecuteNonQueryAsync(ct);
    }

    public override async Task UpdateAsync<T>(TableSpec table, IReadOnlyCollection<T> items, Action<RowValues, T> write, CancellationToken ct)
    {
        if (items.Count == 0)
        {
            return;
        }

        var names = string.Join(", ", table.Columns.Select(c => c.Column));
        var sets = string.Join(", ", table.Columns.Skip(1).Select(c => $"{c.Column} = u.{c.Column}"));
        var key = table.Columns[0].Column;
        await using var command = Arrays(table, items, write,
            $"UPDATE {table.Name} AS t SET {sets} FROM unnest({ArrayArguments(table)}) AS u({names}) WHERE t.{key} = u.{key}");
        await command.ExecuteNonQueryAsync(ct);
    }

    public override async Task QueryAsync<TKey>(string sql, IReadOnlyCollection<TKey> keys, object?[] parameters, Action<DbDataReader> read, CancellationToken ct)
    {
        if (keys.Count == 0)
        {
            return;
        }

        // "x IN {keys}" becomes "x = ANY(@keys)": one index probe per key whatever the planner believes of the table's
        // size (a semi-join with unnest was planned as a scan of the whole table once it had grown since its statistics).
        if (!sql.Contains(" IN {keys}", StringComparison.Ordinal))
        {
            throw new ArgumentException("The statement must compare a column with \"IN {keys}\".", nameof(sql));
        }

        // The keys are probed through the column's index: the planner's cost model (random_page_cost 4) prices a few
        // thousand index probes above a parallel scan of the whole table even when every page is in memory, and such a
        // scan grows with the table while the probes do not. Turned back to their defaults right after the statement.
        await using var command = (NpgsqlCommand)Command(
            $"""
            SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off;
            {sql.Replace(" IN {keys}", " = ANY(@keys)", StringComparison.Ordinal)};
            SET LOCAL enable_seqscan TO DEFAULT; SET LOCAL enable_bitmapscan TO DEFAULT
            """, parameters);
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
        await using var command = Arrays(DeltaTable, deltas, WriteDelta,
            $"""
            UPDATE customer_metrics SET {MetricsAdditions("@p1")}
            FROM unnest({ArrayArguments(DeltaTable)}) AS d(customer_id, first_at, last_at, purchases, revenue, interactions, last_interaction_at)
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

    /// <summary>Streams the rows into the table with binary COPY, in the caller's transaction.</summary>
    private async Task CopyAsync<T>(TableSpec table, string columns, IReadOnlyCollection<T> items, Action<RowValues, T> write, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)Context.Connection;
        await using var importer = await connection.BeginBinaryImportAsync($"COPY {table.Name} ({columns}) FROM STDIN (FORMAT BINARY)", ct);
        var row = new CopyValues(table, importer);
        foreach (var item in items)
        {
            // Rows are written synchronously into the importer's buffer, which goes out whenever it fills.
            importer.StartRow();
            row.BeginRow();
            write(row, item);
            row.EndRow();
        }

        await importer.CompleteAsync(ct);
    }

    /// <summary>
    /// The columns ingestion looks records up by. An import grows their tables far faster than autovacuum re-analyses
    /// them (it waits a minute and for 10 % of changes); with the statistics of a nearly empty table the planner turns
    /// a lookup of a few thousand keys into a scan of everything written since.
    /// </summary>
    private const string LookupColumns =
        "customers (email_normalized), customer_external_ids (source, external_id), transactions (external_id), " +
        "interactions (external_id), companies (external_id, domain, name_normalized), products (sku)";

    /// <summary>
    /// Re-analyses the lookup columns inside the import's transaction (ANALYZE counts the transaction's own rows).
    /// Cheap whatever the table size: ANALYZE reads a sample of 30,000 rows.
    /// </summary>
    public static async Task AnalyzeLookupColumnsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"ANALYZE {LookupColumns}", connection, transaction);
        await command.ExecuteNonQueryAsync(ct);
    }

    protected override object? ToDb(object? value) => value switch
    {
        DateTimeOffset instant => instant.ToUniversalTime(),
        _ => value,
    };

    private static string ArrayArguments(TableSpec table) => string.Join(", ", table.Columns.Select((_, i) => $"@a{i}"));

    /// <summary>A command whose parameters <c>@a0</c>.. hold the items' values, one typed array per column.</summary>
    private NpgsqlCommand Arrays<T>(TableSpec table, IReadOnlyCollection<T> items, Action<RowValues, T> write, string sql)
    {
        var values = new ColumnValues(table, items.Count);
        foreach (var item in items)
        {
            values.BeginRow();
            write(values, item);
            values.EndRow();
            values.Row++;
        }

        var command = (NpgsqlCommand)Command(sql, []);
        for (var c = 0; c < table.Columns.Length; c++)
        {
            command.Parameters.Add(values.Parameter(c));
        }

        return command;
    }

    /// <summary>The rows' values gathered column by column into arrays of the column's type.</summary>
    private sealed class ColumnValues : RowValues
    {
        private readonly Array[] _columns;

        public ColumnValues(TableSpec table, int rows) : base(table) =>
            _columns = [.. table.Columns.Select(c => (Array)(c.Type switch
            {
                ColumnType.Long => new long?[rows],
                ColumnType.Int => new int?[rows],
                ColumnType.Text => new string?[rows],
                ColumnType.Decimal => new decimal?[rows],
                ColumnType.Instant => new DateTimeOffset?[rows],
                ColumnType.Date => new DateOnly?[rows],
                ColumnType.Bool => new bool?[rows],
                ColumnType.Double => new double?[rows],
                _ => throw new ArgumentOutOfRangeException(nameof(table), c.Type, "Unknown column type."),
            }))];

        public int Row { get; set; }

        public NpgsqlParameter Parameter(int column) => new($"@a{column}", NpgsqlDbType.Array | Table.Columns[column].Type switch
        {
            ColumnType.Long => NpgsqlDbType.Bigint,
            ColumnType.Int => NpgsqlDbType.Integer,
            ColumnType.Text => NpgsqlDbType.Text,
            ColumnType.Decimal => NpgsqlDbType.Numeric,
            ColumnType.Instant => NpgsqlDbType.TimestampTz,
            ColumnType.Date => NpgsqlDbType.Date,
            ColumnType.Bool => NpgsqlDbType.Boolean,
            ColumnType.Double => NpgsqlDbType.Double,
            _ => throw new InvalidOperationException($"Unknown column type {Table.Columns[column].Type}."),
        })
        {
            Value = _columns[column],
        };

        protected override void SetLong(int column, long? value) => ((long?[])_columns[column])[Row] = value;
        protected override void SetInt(int column, int? value) => ((int?[])_columns[column])[Row] = value;
        protected override void SetText(int column, string? value) => ((string?[])_columns[column])[Row] = value;
        protected override void SetDecimal(int column, decimal? value) => ((decimal?[])_columns[column])[Row] = value;
        protected override void SetInstant(int column, DateTimeOffset? value) => ((DateTimeOffset?[])_columns[column])[Row] = value?.ToUniversalTime();
        protected override void SetDate(int column, DateOnly? value) => ((DateOnly?[])_columns[column])[Row] = value;
        protected override void SetBool(int column, bool? value) => ((bool?[])_columns[column])[Row] = value;
        protected override void SetDouble(int column, double? value) => ((double?[])_columns[column])[Row] = value;
    }

    /// <summary>One row's values written straight to a binary COPY, each with its column's PostgreSQL type.</summary>
    private sealed class CopyValues(TableSpec table, NpgsqlBinaryImporter importer) : RowValues(table)
    {
        protected override void SetLong(int column, long? value) => Write(value, NpgsqlDbType.Bigint);
        protected override void SetInt(int column, int? value) => Write(value, NpgsqlDbType.Integer);
        protected override void SetText(int column, string? value) => Write(value, NpgsqlDbType.Text);
        protected override void SetDecimal(int column, decimal? value) => Write(value, NpgsqlDbType.Numeric);
        protected override void SetInstant(int column, DateTimeOffset? value) => Write(value?.ToUniversalTime(), NpgsqlDbType.TimestampTz);
        protected override void SetDate(int column, DateOnly? value) => Write(value, NpgsqlDbType.Date);
        protected override void SetBool(int column, bool? value) => Write(value, NpgsqlDbType.Boolean);
        protected override void SetDouble(int column, double? value) => Write(value, NpgsqlDbType.Double);

        private void Write<TValue>(TValue? value, NpgsqlDbType type) where TValue : struct
        {
            if (value is { } v)
            {
                importer.Write(v, type);
            }
            else
            {
                importer.WriteNull();
            }
        }

        private void Write(string? value, NpgsqlDbType type)
        {
            if (value is null)
            {
                importer.WriteNull();
            }
            else
            {
                importer.Write(value, type);
            }
        }
    }
}
