using System.Collections;
using System.Data.Common;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Rapport.Data;
using SQLitePCL;

namespace Rapport.Ingestion;

/// <summary>
/// <see cref="IngestStore"/> on SQLite: every bulk operation is one statement prepared on the connection's SQLite
/// handle and stepped once per row or key inside the caller's transaction, its values bound by position.
/// </summary>
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

    public override Task InsertAsync<T>(TableSpec table, IReadOnlyCollection<T> items, Action<RowValues, T> write, CancellationToken ct, string conflict = "")
    {
        if (items.Count == 0)
        {
            return Task.CompletedTask;
        }

        var columns = string.Join(", ", table.Columns.Select(c => c.Column));
        var values = string.Join(", ", table.Columns.Select((_, i) => $"?{i + 1}"));
        using var insert = new RowStatement(Connection, $"INSERT INTO {table.Name} ({columns}) VALUES ({values}) {conflict}");
        Run(insert, table, items, write, ct);
        return Task.CompletedTask;
    }

    public override Task UpdateAsync<T>(TableSpec table, IReadOnlyCollection<T> items, Action<RowValues, T> write, CancellationToken ct)
    {
        if (items.Count == 0)
        {
            return Task.CompletedTask;
        }

        var sets = string.Join(", ", table.Columns.Skip(1).Select((c, i) => $"{c.Column} = ?{i + 2}"));
        using var update = new RowStatement(Connection, $"UPDATE {table.Name} SET {sets} WHERE {table.Columns[0].Column} = ?1");
        Run(update, table, items, write, ct);
        return Task.CompletedTask;
    }

    private static void Run<T>(RowStatement statement, TableSpec table, IReadOnlyCollection<T> items, Action<RowValues, T> write, CancellationToken ct)
    {
        var values = new StatementValues(table, statement);
        foreach (var item in items)
        {
            ct.ThrowIfCancellationRequested();
            values.BeginRow();
            write(values, item);
            values.EndRow();
            statement.Step();
        }
    }

    public override Task QueryAsync<TKey>(string sql, IReadOnlyCollection<TKey> keys, object?[] parameters, Action<DbDataReader> read, CancellationToken ct)
    {
        if (keys.Count == 0)
        {
            return Task.CompletedTask;
        }

        // One run per distinct key of "column IN (@key)", which SQLite plans as an equality, in key order (SQLite's
        // BINARY order for text): neighbouring keys share index pages, which then come from the CPU's caches.
        using var query = new RowStatement(Connection, sql.Replace("{keys}", "(@key)", StringComparison.Ordinal));
        for (var i = 0; i < parameters.Length; i++)
        {
            query.Bind(query.ParameterIndex($"@p{i + 1}"), parameters[i]);
        }

        var key = query.ParameterIndex("@key");
        var reader = new StatementReader(query);
        foreach (var k in Sorted(keys))
        {
            ct.ThrowIfCancellationRequested();
            query.Bind(key, k);
            while (query.Next())
            {
                read(reader);
            }

            query.Reset();
        }

        return Task.CompletedTask;
    }

    private static TKey[] Sorted<TKey>(IReadOnlyCollection<TKey> keys)
        where TKey : notnull
    {
        var distinct = keys.Count == 1 ? [.. keys] : new HashSet<TKey>(keys).ToArray();
        Array.Sort(distinct, typeof(TKey) == typeof(string) ? (IComparer<TKey>)StringComparer.Ordinal : Comparer<TKey>.Default);
        return distinct;
    }

    /// <summary>A delta's columns, then the update time.</summary>
    private static readonly TableSpec DeltaRow = new("deltas", [.. DeltaTable.Columns, ("updated_at", ColumnType.Instant)]);

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
        var values = new StatementValues(DeltaRow, add);
        // In customer order: neighbouring rows share pages of the metrics table and its indexes.
        foreach (var d in deltas.OrderBy(d => d.CustomerId))
        {
            ct.ThrowIfCancellationRequested();
            values.BeginRow();
            WriteDelta(values, d);
            values.Instant(now);
            values.EndRow();
            if (add.Step() == 0)
            {
                missing.Add(d.CustomerId);
            }
        }

        return Task.FromResult(missing);
    }

    protected override object? ToDb(object? value) => Stored(value);

    /// <summary>A CLR value as EF stores it on SQLite: instants as ISO text, money as REAL, dates as yyyy-MM-dd, booleans as 1/0.</summary>
    private static object? Stored(object? value) => value switch
    {
        null => null,
        DateTimeOffset instant => SqliteFormats.Instant(instant),
        decimal number => (double)number,
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool flag => flag ? 1 : 0,
        _ => value,
    };

    private SqliteConnection Connection => (SqliteConnection)Context.Connection;

    /// <summary>A row's values bound straight to the statement's parameters (column i is parameter i + 1).</summary>
    private sealed class StatementValues(TableSpec table, RowStatement statement) : RowValues(table)
    {
        protected override void SetLong(int column, long? value) => statement.BindLong(column + 1, value);
        protected override void SetInt(int column, int? value) => statement.BindLong(column + 1, value);
        protected override void SetText(int column, string? value) => statement.BindText(column + 1, value);
        protected override void SetDecimal(int column, decimal? value) => statement.BindDouble(column + 1, value is { } v ? (double)v : null);
        protected override void SetInstant(int column, DateTimeOffset? value) => statement.BindInstant(column + 1, value);
        protected override void SetDate(int column, DateOnly? value) => statement.Bind(column + 1, value);
        protected override void SetBool(int column, bool? value) => statement.BindLong(column + 1, value is { } v ? (v ? 1 : 0) : null);
        protected override void SetDouble(int column, double? value) => statement.BindDouble(column + 1, value);
    }

    /// <summary>
    /// One statement prepared on the connection's SQLite handle and run once per row or key, its values bound by
    /// position with the storage conversions EF uses (instants as fixed-width ISO text, money as REAL, dates as
    /// yyyy-MM-dd, booleans as 1/0). It runs inside the caller's transaction (SQLite's transaction belongs to the
    /// connection). Binding by position straight to SQLite costs a fraction of a command execution per row.
    /// </summary>
    private sealed class RowStatement : IDisposable
    {
        private readonly sqlite3 _db;
        private readonly sqlite3_stmt _statement;
        private readonly nint _handle;
        private readonly nint _dbHandle;

        public RowStatement(SqliteConnection connection, string sql)
        {
            _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
            Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
            // The handles stay valid while this object holds the statement and the connection holds the database.
            _handle = _statement.DangerousGetHandle();
            _dbHandle = _db.DangerousGetHandle();
        }

        public sqlite3_stmt Handle => _statement;

        public int ParameterIndex(string name)
        {
            var index = raw.sqlite3_bind_parameter_index(_statement, name);
            return index > 0 ? index : throw new InvalidOperationException($"The statement has no parameter {name}.");
        }

        /// <summary>Runs the statement to its end, resets it, and returns the number of rows it changed.</summary>
        public int Step()
        {
            while (Next())
            {
            }

            Reset();
            return NativeMethods.sqlite3_changes(_dbHandle);
        }

        /// <summary>Steps once: true when a result row is ready to read.</summary>
        public bool Next()
        {
            var rc = NativeMethods.sqlite3_step(_handle);
            if (rc == raw.SQLITE_ROW)
            {
                return true;
            }

            if (rc != raw.SQLITE_DONE)
            {
                _ = NativeMethods.sqlite3_reset(_handle);
                Check(rc);
            }

            return false;
        }

        public void Reset() => _ = NativeMethods.sqlite3_reset(_handle); // Its code repeats the last step's, checked there.

        public void BindLong(int index, long? value) =>
            Check(value is { } v ? NativeMethods.sqlite3_bind_int64(_handle, index, v) : NativeMethods.sqlite3_bind_null(_handle, index));

        public void BindDouble(int index, double? value) =>
            Check(value is { } v ? NativeMethods.sqlite3_bind_double(_handle, index, v) : NativeMethods.sqlite3_bind_null(_handle, index));

        public void BindText(int index, string? value)
        {
            if (value is null)
            {
                Check(NativeMethods.sqlite3_bind_null(_handle, index));
            }
            else if (value.Length <= ShortText)
            {
                // Short text (nearly all of it) as UTF-8, the database's encoding, so that SQLite stores it as given.
                Span<byte> utf8 = stackalloc byte[ShortText * 3];
                BindUtf8(index, utf8[..System.Text.Encoding.UTF8.GetBytes(value, utf8)]);
            }
            else
            {
                Check(NativeMethods.sqlite3_bind_text16(_handle, index, in MemoryMarshal.GetReference(MemoryMarshal.AsBytes(value.AsSpan())),
                    value.Length * sizeof(char), NativeMethods.Transient));
            }
        }

        /// <summary>Text of at most this many UTF-16 units is encoded on the stack (3 bytes of UTF-8 at most per unit).</summary>
        private const int ShortText = 256;

        private void BindUtf8(int index, ReadOnlySpan<byte> utf8) =>
            Check(NativeMethods.sqlite3_bind_text(_handle, index, in MemoryMarshal.GetReference(utf8), utf8.Length, NativeMethods.Transient));

        /// <summary>SqliteFormats.Instant without a format string to parse per value: yyyy-MM-ddTHH:mm:ss.fffffffZ.</summary>
        public void BindInstant(int index, DateTimeOffset? value)
        {
            if (value is not { } instant)
            {
                Check(raw.sqlite3_bind_null(_statement, index));
                return;
            }

            Span<byte> text = stackalloc byte[28];
            var utc = instant.UtcDateTime;
            Digits(text[..4], utc.Year);
            text[4] = (byte)'-';
            Digits(text.Slice(5, 2), utc.Month);
            text[7] = (byte)'-';
            Digits(text.Slice(8, 2), utc.Day);
            text[10] = (byte)'T';
            Digits(text.Slice(11, 2), utc.Hour);
            text[13] = (byte)':';
            Digits(text.Slice(14, 2), utc.Minute);
            text[16] = (byte)':';
            Digits(text.Slice(17, 2), utc.Second);
            text[19] = (byte)'.';
            Digits(text.Slice(20, 7), (int)(utc.Ticks % TimeSpan.TicksPerSecond));
            text[27] = (byte)'Z';
            BindUtf8(index, text);
        }

        /// <summary>A key, an extra parameter or a date, converted as EF stores it (<see cref="Stored"/>).</summary>
        public void Bind(int index, object? value)
        {
            switch (Stored(value))
            {
                case null: Check(raw.sqlite3_bind_null(_statement, index)); break;
                case string v: BindText(index, v); break;
                case long v: BindLong(index, v); break;
                case int v: BindLong(index, v); break;
                case double v: BindDouble(index, v); break;
                default: throw new ArgumentException($"Parameter {index} has a value of unsupported type {value!.GetType().Name}.", nameof(value));
            }
        }

        private static void Digits(Span<byte> target, int value)
        {
            for (var i = target.Length - 1; i >= 0; i--)
            {
                target[i] = (byte)('0' + (value % 10));
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

    /// <summary>
    /// The current result row of a <see cref="RowStatement"/> as the few <see cref="DbDataReader"/> getters the
    /// lookups' readers use (typed by the value SQLite holds, as Microsoft.Data.Sqlite's reader does); rows are
    /// stepped by <see cref="QueryAsync"/>, not by the callbacks.
    /// </summary>
    private sealed class StatementReader(RowStatement statement) : DbDataReader
    {
        private sqlite3_stmt Handle => statement.Handle;

        public override int FieldCount => raw.sqlite3_column_count(Handle);
        public override bool IsDBNull(int ordinal) => raw.sqlite3_column_type(Handle, ordinal) == raw.SQLITE_NULL;
        public override long GetInt64(int ordinal) => raw.sqlite3_column_int64(Handle, ordinal);
        public override int GetInt32(int ordinal) => checked((int)GetInt64(ordinal));
        public override short GetInt16(int ordinal) => checked((short)GetInt64(ordinal));
        public override byte GetByte(int ordinal) => checked((byte)GetInt64(ordinal));
        public override bool GetBoolean(int ordinal) => GetInt64(ordinal) != 0;
        public override double GetDouble(int ordinal) => raw.sqlite3_column_double(Handle, ordinal);
        public override float GetFloat(int ordinal) => (float)GetDouble(ordinal);
        public override decimal GetDecimal(int ordinal) => SqliteFormats.ReadDecimal(GetDouble(ordinal));
        public override string GetString(int ordinal) => raw.sqlite3_column_text(Handle, ordinal).utf8_to_string();
        public override string GetName(int ordinal) => raw.sqlite3_column_name(Handle, ordinal).utf8_to_string();

        public override Type GetFieldType(int ordinal) => raw.sqlite3_column_type(Handle, ordinal) switch
        {
            raw.SQLITE_INTEGER => typeof(long),
            raw.SQLITE_FLOAT => typeof(double),
            raw.SQLITE_BLOB => typeof(byte[]),
            _ => typeof(string),
        };

        public override string GetDataTypeName(int ordinal) => GetFieldType(ordinal).Name;

        public override object GetValue(int ordinal) => raw.sqlite3_column_type(Handle, ordinal) switch
        {
            raw.SQLITE_NULL => DBNull.Value,
            raw.SQLITE_INTEGER => GetInt64(ordinal),
            raw.SQLITE_FLOAT => GetDouble(ordinal),
            raw.SQLITE_BLOB => raw.sqlite3_column_blob(Handle, ordinal).ToArray(),
            _ => GetString(ordinal),
        };

        public override int GetValues(object[] values)
        {
            var count = Math.Min(values.Length, FieldCount);
            for (var i = 0; i < count; i++)
            {
                values[i] = GetValue(i);
            }

            return count;
        }

        public override int GetOrdinal(string name)
        {
            for (var i = 0; i < FieldCount; i++)
            {
                if (string.Equals(GetName(i), name, StringComparison.OrdinalIgnoreCase))
                {
                    return i;
                }
            }

            throw new ArgumentOutOfRangeException(nameof(name), name, "No such column.");
        }

        public override object this[int ordinal] => GetValue(ordinal);
        public override object this[string name] => GetValue(GetOrdinal(name));
        public override int Depth => 0;
        public override bool HasRows => true;
        public override bool IsClosed => false;
        public override int RecordsAffected => -1;
        public override bool NextResult() => false;
        public override bool Read() => throw new NotSupportedException("The lookup steps its statement itself.");
        public override DateTime GetDateTime(int ordinal) => DateTime.Parse(GetString(ordinal), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        public override Guid GetGuid(int ordinal) => Guid.Parse(GetString(ordinal));
        public override char GetChar(int ordinal) => GetString(ordinal)[0];
        public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length) => throw new NotSupportedException();
        public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length) => throw new NotSupportedException();
        public override IEnumerator GetEnumerator() => throw new NotSupportedException();
    }

    /// <summary>
    /// The SQLite calls of the per-row loop, made straight to the e_sqlite3 library that SQLitePCLRaw loads (the same
    /// library, so the same handles): SQLitePCLRaw's own calls go through its provider and pass SafeHandles, which
    /// costs several times the work of a bind. Binding only copies a value into the statement, so those calls skip
    /// the GC transition; stepping does the real work and may wait on the file, so it keeps it.
    /// </summary>
    private static class NativeMethods
    {
        private const string Library = "e_sqlite3";

        /// <summary>SQLITE_TRANSIENT: SQLite copies the text before the call returns.</summary>
        public static readonly nint Transient = -1;

        [DllImport(Library), SuppressGCTransition, DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int sqlite3_bind_int64(nint statement, int index, long value);

        [DllImport(Library), SuppressGCTransition, DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int sqlite3_bind_double(nint statement, int index, double value);

        [DllImport(Library), SuppressGCTransition, DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int sqlite3_bind_null(nint statement, int index);

        [DllImport(Library), SuppressGCTransition, DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int sqlite3_bind_text(nint statement, int index, in byte utf8, int bytes, nint destructor);

        [DllImport(Library), SuppressGCTransition, DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int sqlite3_bind_text16(nint statement, int index, in byte utf16, int bytes, nint destructor);

        [DllImport(Library), SuppressGCTransition, DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int sqlite3_changes(nint database);

        [DllImport(Library), DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int sqlite3_step(nint statement);

        [DllImport(Library), DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int sqlite3_reset(nint statement);
    }
}
