using System.Globalization;
using System.Text.Json;
using Rapport.Imports.Csv;

namespace Rapport.Exports;

/// <summary>How values are written in exports: the forms the import reads back without any format setting.</summary>
internal static class ExportText
{
    /// <summary>Invariant digits, no thousands separator, no trailing zeros: 1234.5, -12, 0.125.</summary>
    public static string Number(decimal value) => value.ToString("0.############################", CultureInfo.InvariantCulture);

    /// <summary>ISO 8601 in UTC to the microsecond Rapport keeps: 2024-03-01T09:30:00Z, 2024-03-01T09:30:00.25Z.</summary>
    public static string Instant(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'", CultureInfo.InvariantCulture);

    public static string Date(DateOnly value) => value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>An enum member as the API writes it: inPerson, outbound.</summary>
    public static string Enum<TEnum>(TEnum value) where TEnum : struct, System.Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    /// <summary>
    /// A text cell guarded against formula injection: a value starting with <c>= + - @</c>, tab or carriage return gets
    /// a leading single quote, so a spreadsheet shows it as text instead of evaluating it. Only cells holding text from
    /// people get this; numbers, dates and enum names Rapport formats itself cannot hold a formula and stay as they are
    /// (a refund stays -12.5).
    /// </summary>
    public static string? Text(string? value) => value is not null && CsvWriter.LooksLikeFormula(value) ? "'" + value : value;
}
