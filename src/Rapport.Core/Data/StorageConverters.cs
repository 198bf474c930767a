using System.Globalization;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Rapport.Data;

/// <summary>
/// Instants are stored in SQLite as fixed-width ISO 8601 UTC text (<c>2026-01-31T09:15:00.0000000Z</c>):
/// they sort and compare as text, read well in <c>sqlite3</c>, and SQLite's date functions accept them.
/// </summary>
public sealed class SqliteInstantConverter() : ValueConverter<DateTimeOffset, string>(
    v => SqliteFormats.Instant(v),
    v => SqliteFormats.ParseInstant(v));

/// <summary>PostgreSQL <c>timestamptz</c> only accepts UTC offsets through Npgsql; normalise on the way in.</summary>
public sealed class UtcInstantConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(
    v => v.ToUniversalTime(),
    v => v);

/// <summary>
/// Money and quantities are stored in SQLite as REAL so that SUM, ORDER BY and indexes work natively;
/// values are rounded to 4 decimals on read, matching PostgreSQL's <c>numeric(19,4)</c>.
/// </summary>
public sealed class SqliteDecimalConverter() : ValueConverter<decimal, double>(
    v => (double)v,
    v => SqliteFormats.ReadDecimal(v));

public static class SqliteFormats
{
    public const string InstantFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static string Instant(DateTimeOffset value) =>
        value.UtcDateTime.ToString(InstantFormat, CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseInstant(string value) =>
        DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static decimal ReadDecimal(double value) => Math.Round((decimal)value, 4);
}
