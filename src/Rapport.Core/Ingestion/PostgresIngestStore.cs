using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace Rapport.Ingestion;

/// <summary>
/// <see cref="IngestStore"/> on PostgreSQL: every bulk operation is one statement per call whatever the row count,
/// each column sent as one typed array parameter and read back by <c>unnest</c>.
/// </summary>
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

    public override async Task InsertAsync<T>(TableSpec table, IReadOnlyCollection<T> items, Action<RowValues, T> write, CancellationToken ct, string conflict = "")
    {
        if (items.Count == 0)
        {
            return;
        }

        var columns = string.Join(", ", table.Columns.Select(c => c.Column));
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
    }
}
