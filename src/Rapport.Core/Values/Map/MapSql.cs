using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Rapport.Data;

namespace Rapport.Values.Map;

/// <summary>
/// Raw SQL for the map's aggregates (one GROUP BY each, never a loop over customers), on the context's own connection.
/// The few provider differences (a money column as a double, a month of an instant) are here.
/// </summary>
internal static class MapSql
{
    /// <summary>A money column (REAL on SQLite, numeric on PostgreSQL) as a double, for weights.</summary>
    public static string AsDouble(RapportDbContext db, string column) => db.IsPostgres ? $"CAST({column} AS double precision)" : column;

    /// <summary>After a table's alias: read the table itself, not an index (SQLite only; PostgreSQL's planner chooses well).</summary>
    public static string NotIndexed(RapportDbContext db) => db.IsPostgres ? "" : "NOT INDEXED";

    /// <summary>The UTC month of an instant column as 'yyyy-MM' text.</summary>
    public static string Month(RapportDbContext db, string column) =>
        db.IsPostgres ? $"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM')" : $"substr({column}, 1, 7)";

    public static async Task<List<T>> QueryAsync<T>(RapportDbContext db, string sql, IReadOnlyDictionary<string, object?> parameters,
        Func<DbDataReader, T> read, CancellationToken ct)
    {
        var rows = new List<T>();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = sql;
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            foreach (var (name, value) in parameters)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value ?? DBNull.Value;
                command.Parameters.Add(parameter);
            }

            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                rows.Add(read(reader));
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return rows;
    }

    public static long Long(DbDataReader r, int i) => r.IsDBNull(i) ? 0 : Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture);

    public static double Double(DbDataReader r, int i) => r.IsDBNull(i) ? 0 : Convert.ToDouble(r.GetValue(i), CultureInfo.InvariantCulture);

    public static string Text(DbDataReader r, int i) => Convert.ToString(r.GetValue(i), CultureInfo.InvariantCulture) ?? "";
}
