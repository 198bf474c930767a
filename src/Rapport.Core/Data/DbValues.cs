using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace Rapport.Data;

/// <summary>
/// Parameter values for raw SQL, stored the way EF stores them on each provider (see <see cref="RapportDbContext"/>
/// ConfigureConventions): instants as ISO text and money as REAL on SQLite, timestamptz and numeric on PostgreSQL.
/// </summary>
public static class DbValues
{
    public static object Instant(RapportDatabase database, DateTimeOffset value) =>
        database.IsPostgres ? value.ToUniversalTime() : SqliteFormats.Instant(value);

    public static object Instant(DbContext db, DateTimeOffset value) =>
        db.Database.IsNpgsql() ? value.ToUniversalTime() : SqliteFormats.Instant(value);

    public static object Money(RapportDatabase database, decimal value) => database.IsPostgres ? value : (double)value;

    /// <summary>Money or SQL NULL.</summary>
    public static object Money(DbContext db, decimal? value) => value is not { } v ? DBNull.Value : db.Database.IsNpgsql() ? v : (double)v;

    /// <summary>Adds a named parameter to a raw command (null as SQL NULL).</summary>
    public static void AddParameter(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
