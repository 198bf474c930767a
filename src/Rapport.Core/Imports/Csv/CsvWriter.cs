using System.Buffers;
using System.Text;

namespace Rapport.Imports.Csv;

/// <summary>How <see cref="CsvWriter"/> writes.</summary>
public sealed record CsvWriteOptions
{
    public char Delimiter { get; init; } = ',';

    /// <summary>The record terminator: <c>"\r\n"</c> (RFC 4180, the default) or <c>"\n"</c>.</summary>
    public string NewLine { get; init; } = "\r\n";

    /// <summary>
    /// Formula-injection guard for files opened in spreadsheets: a cell starting with <c>=</c>, <c>+</c>, <c>-</c>,
    /// <c>@</c>, tab or carriage return gets a leading single quote, so it is shown as text and never evaluated.
    /// </summary>
    public bool NeutraliseFormulas { get; init; }
}

/// <summary>
/// Writes RFC 4180 CSV to a <see cref="TextWriter"/> one row at a time (constant memory). A cell is quoted when it
/// holds the delimiter, a quote, a line break, or starts or ends with a space or tab (so that it cannot be read as a
/// blank line or lose its spaces); quotes inside are doubled. A row of one empty cell is written as <c>""</c> so that
/// it is not a blank line. The writer does not own the <see cref="TextWriter"/>.
/// </summary>
public sealed class CsvWriter(TextWriter writer, CsvWriteOptions? options = null)
{
    private readonly CsvWriteOptions _options = options ?? new CsvWriteOptions();
    private readonly SearchValues<char> _special = SearchValues.Create([(options ?? new CsvWriteOptions()).Delimiter, '"', '\r', '\n']);

    /// <summary>A UTF-8 writer without BOM over <paramref name="stream"/>, for files and HTTP responses.</summary>
    public static StreamWriter Utf8Writer(Stream stream, bool leaveOpen = true) =>
        new(stream, new UTF8Encoding(false), 64 * 1024, leaveOpen);

    public void WriteRow(IEnumerable<string?> cells)
    {
        var first = true;
        var count = 0;
        var onlyEmpty = true;
        foreach (var cell in cells)
        {
            if (!first)
            {
                writer.Write(_options.Delimiter);
            }

            first = false;
            count++;
            var value = cell ?? "";
            onlyEmpty &= value.Length == 0;
            WriteCell(value);
        }

        if (count == 1 && onlyEmpty)
        {
            writer.Write("\"\"");
        }

        writer.Write(_options.NewLine);
    }

    public void WriteRow(params ReadOnlySpan<string?> cells)
    {
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0)
            {
                writer.Write(_options.Delimiter);
            }

            WriteCell(cells[i] ?? "");
        }

        if (cells.Length == 1 && string.IsNullOrEmpty(cells[0]))
        {
            writer.Write("\"\"");
        }

        writer.Write(_options.NewLine);
    }

    public Task FlushAsync(CancellationToken ct) => writer.FlushAsync(ct);

    /// <summary>Whether a cell would be prefixed against formula injection.</summary>
    public static bool LooksLikeFormula(string value) => value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r';

    private void WriteCell(string value)
    {
        if (_options.NeutraliseFormulas && LooksLikeFormula(value))
        {
            value = "'" + value;
        }

        if (!NeedsQuotes(value))
        {
            writer.Write(value);
            return;
        }

        writer.Write('"');
        var span = value.AsSpan();
        while (true)
        {
            var at = span.IndexOf('"');
            if (at < 0)
            {
                writer.Write(span);
                break;
            }

            writer.Write(span[..(at + 1)]);
            writer.Write('"');
            span = span[(at + 1)..];
        }

        writer.Write('"');
    }

    private bool NeedsQuotes(string value)
    {
        if (value.Length == 0)
        {
            return false;
        }

        if (value[0] is ' ' or '\t' || value[^1] is ' ' or '\t')
        {
            return true;
        }

        return value.AsSpan().ContainsAny(_special);
    }
}
