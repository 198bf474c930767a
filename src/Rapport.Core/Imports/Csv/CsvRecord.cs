namespace Rapport.Imports.Csv;

/// <summary>
/// One record of a CSV file as read: where it starts (1-based physical line), how many physical lines it spans, the
/// text exactly as in the file without its line break (a quoted multi-line record keeps its inner line breaks), the
/// cells, the byte offset in the file just after the record and its line break (seek there to resume), and why the
/// record is malformed (null when it is well formed). A well-formed record has exactly the header's number of cells;
/// a malformed one has the cells as read when its shape is wrong, and none when a broken quote or an over-long line
/// made it malformed (it is then its first physical line only).
/// </summary>
public sealed record CsvRecord(long Line, int LineCount, string Raw, IReadOnlyList<string> Cells, long EndOffset, string? Error)
{
    public bool IsMalformed => Error is not null;

    /// <summary>The physical line number where the next record can start (blank lines in between are skipped).</summary>
    public long NextLine => Line + LineCount;
}

/// <summary>
/// The header row: the column names (trimmed), the line it was on and the byte offset just after it. Names given by
/// the caller (<see cref="CsvReadOptions.Header"/>) have line 0 and no lines: they are not in the file.
/// </summary>
public sealed record CsvHeader(IReadOnlyList<string> Names, long Line, long EndOffset)
{
    /// <summary>Physical lines the header spans (more than one when a quoted name holds a line break).</summary>
    public int LineCount { get; init; } = 1;

    /// <summary>How a column is named in messages: its header, or "column 3" when the header cell is empty.</summary>
    public string Describe(int index) =>
        index < Names.Count && Names[index].Length > 0 ? $"\"{CsvText.Clip(Names[index])}\"" : $"column {index + 1}";
}
