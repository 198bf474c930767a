using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Rapport.Data;

/// <summary>
/// Recognises constraint violations on both providers, so that a race the use case's own checks could not see
/// (two requests inserting the same external id at once) still ends as a 409 or a field error, never a 500.
/// </summary>
public static class DbErrors
{
    // SQLite extended result codes: https://www.sqlite.org/rescode.html
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintUnique = 2067;
    private const int SqliteConstraintForeignKey = 787;

    public static bool IsUniqueViolation(DbUpdateException exception) => exception.InnerException switch
    {
        PostgresException pg => pg.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode is SqliteConstraintUnique or SqliteConstraintPrimaryKey,
        _ => false,
    };

    public static bool IsForeignKeyViolation(DbUpdateException exception) => exception.InnerException switch
    {
        PostgresException pg => pg.SqlState == PostgresErrorCodes.ForeignKeyViolation,
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode == SqliteConstraintForeignKey,
        _ => false,
    };
}
