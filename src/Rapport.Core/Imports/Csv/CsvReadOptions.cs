namespace Rapport.Imports.Csv;

/// <summary>How to read a CSV file. Everything is optional: what is not given is detected from the file.</summary>
public sealed record CsvReadOptions
{
    /// <summary>Read the file with this encoding instead of detecting it (see <see cref="CsvEncodings.TryResolve"/>).</summary>
    public CsvEncoding? Encoding { get; init; }

    /// <summary>Split cells at this character instead of detecting it.</summary>
    public char? Delimiter { get; init; }

    /// <summary>
    /// Resume: the byte offset in the file where reading starts (a <see cref="CsvRecord.EndOffset"/> of an earlier
    /// read), and the physical line number of the line that starts there (that record's <see cref="CsvRecord.NextLine"/>).
    /// 0 reads from the start.
    /// </summary>
    public long StartOffset { get; init; }

    /// <inheritdoc cref="StartOffset"/>
    public long StartLine { get; init; } = 1;

    /// <summary>
    /// The column names when they are already known: when resuming (with <see cref="StartOffset"/>), or for a file
    /// without a header line (at offset 0 every line is then data). Null reads the header from the start of the file.
    /// </summary>
    public IReadOnlyList<string>? Header { get; init; }

    /// <summary>
    /// The broken-quote rule: a quoted cell may run over at most this many line breaks. A quote that stays open longer,
    /// or up to the end of the file, makes its record malformed: only the record's first line is reported and reading
    /// resumes on the next line.
    /// </summary>
    public int MaxLinesPerRecord { get; init; } = DefaultMaxLinesPerRecord;

    /// <summary>Longest record in characters; a longer line is reported malformed (with its start only) and skipped.</summary>
    public int MaxRecordLength { get; init; } = DefaultMaxRecordLength;

    /// <summary>Scan a seekable file to its end to choose between UTF-8 and Windows-1252 (otherwise only the first 64 KB).</summary>
    public bool ScanWholeFileForEncoding { get; init; } = true;

    public const int DefaultMaxLinesPerRecord = 100;
    public const int DefaultMaxRecordLength = 1 << 20;
}
