namespace Rapport.Imports;

/// <summary>
/// What an import would read, before it starts: how the file is read (each setting with whether it was detected or
/// given), every column with the field it maps to, the fields of the kind, the first rows with their problems, and
/// problems with the file as a whole (a required field no column maps to). Nothing is stored.
/// </summary>
public sealed record ImportPreview(
    ImportKind Kind,
    ImportFormat Format,
    string Encoding,
    bool EncodingDetected,
    string Delimiter,
    bool DelimiterDetected,
    string? DateFormat,
    bool DateFormatDetected,
    IReadOnlyList<ImportPreviewColumn> Columns,
    IReadOnlyList<ImportFieldChoice> Fields,
    IReadOnlyList<ImportPreviewRow> Rows,
    IReadOnlyList<string> Problems,
    IReadOnlyList<string> Warnings);

/// <summary>A column of the file and the field it maps to (null: ignored).</summary>
public sealed record ImportPreviewColumn(int Index, string Header, string? Field);

/// <summary>A field a column can map to.</summary>
public sealed record ImportFieldChoice(string Name, string Label, bool Required);

/// <summary>
/// A row as read: its cells, and, when it would be rejected, why. <c>ProblemColumns</c> are the indexes of the cells
/// the problem is about (empty when it concerns the row as a whole).
/// </summary>
public sealed record ImportPreviewRow(long Line, IReadOnlyList<string> Cells, string? Problem, IReadOnlyList<int> ProblemColumns);
