namespace Rapport.Imports.Csv;

/// <summary>What to read a file with; every property left null is detected.</summary>
public sealed record CsvPreviewOptions
{
    public CsvEncoding? Encoding { get; init; }
    public char? Delimiter { get; init; }
    public DateFormat? DateFormat { get; init; }
    public NumberFormat? NumberFormat { get; init; }

    /// <summary>Header → field key overrides (<c>"E-mail" → "email"</c>; "" or "-" ignores the column).</summary>
    public IReadOnlyDictionary<string, string>? Map { get; init; }

    /// <summary>The customer custom field keys a header may name.</summary>
    public IReadOnlyCollection<string>? CustomFieldKeys { get; init; }

    /// <summary>Rows returned with their parsed values.</summary>
    public int Rows { get; init; } = 20;

    /// <summary>Rows read to detect the date and number formats.</summary>
    public int SampleRows { get; init; } = 1000;

    /// <summary>
    /// Resolves the text options of an import (as given on the command line, in the API or in the upload form) into
    /// reading options; problems are keyed by the option's name (encoding, delimiter, dateFormat).
    /// </summary>
    public static CsvPreviewOptions From(ImportOptions options, IReadOnlyCollection<string>? customFieldKeys, out IReadOnlyList<CsvProblem> problems)
    {
        var found = new List<CsvProblem>();
        CsvEncoding? encoding = null;
        char? delimiter = null;
        DateFormat? dateFormat = null;
        if (!string.IsNullOrWhiteSpace(options.Encoding))
        {
            if (CsvEncodings.TryResolve(options.Encoding, out var e, out var problem))
            {
                encoding = e;
            }
            else
            {
                found.Add(new CsvProblem("encoding", problem!));
            }
        }

        if (!string.IsNullOrEmpty(options.Delimiter))
        {
            if (CsvDelimiters.TryParse(options.Delimiter, out var d, out var problem))
            {
                delimiter = d;
            }
            else
            {
                found.Add(new CsvProblem("delimiter", problem!));
            }
        }

        if (!string.IsNullOrWhiteSpace(options.DateFormat))
        {
            if (Csv.DateFormat.TryParse(options.DateFormat, out var f, out var problem))
            {
                dateFormat = f;
            }
            else
            {
                found.Add(new CsvProblem("dateFormat", problem!));
            }
        }

        problems = found;
        return new CsvPreviewOptions
        {
            Encoding = encoding,
            Delimiter = delimiter,
            DateFormat = dateFormat,
            Map = options.Map,
            CustomFieldKeys = customFieldKeys,
        };
    }
}

/// <summary>A problem with the file or the options as a whole. <c>Field</c>: file, map, encoding, delimiter or dateFormat.</summary>
public sealed record CsvProblem(string Field, string Message);

/// <summary>One cell of a preview row: the text as read and, for a mapped column, the parsed value or why it does not parse.</summary>
public sealed record PreviewCell(string Text, object? Value, string? Error);

/// <summary>A previewed row: its line, its raw text, one cell per header column, and the row-level error (malformed row).</summary>
public sealed record PreviewRow(long Line, string Raw, IReadOnlyList<PreviewCell> Cells, string? Error);

/// <summary>
/// Everything the CLI, the API and the upload page show before an import: what was detected (or given), the header
/// and its mapping, the first rows parsed, and the problems that stop the import. <see cref="ReadOptions"/> and
/// <see cref="Values"/> are what the import then reads the file with.
/// </summary>
public sealed record CsvPreviewResult(
    CsvEncoding? Encoding,
    char Delimiter,
    bool DelimiterDetected,
    DateFormatDetection DateFormat,
    NumberFormatDetection NumberFormat,
    IReadOnlyList<string> Headers,
    ColumnMapping? Mapping,
    IReadOnlyList<PreviewRow> Rows,
    IReadOnlyList<CsvProblem> Problems,
    IReadOnlyList<string> Warnings)
{
    public bool CanImport => Problems.Count == 0;

    /// <summary>The reading options with encoding and delimiter fixed to what was used here.</summary>
    public CsvReadOptions ReadOptions => new() { Encoding = Encoding, Delimiter = Delimiter };

    /// <summary>The value reader with the date and number formats used here.</summary>
    public ImportValues Values => new(DateFormat.Format, NumberFormat.Format);
}

/// <summary>Reads the start of a CSV file for an import of <c>kind</c>: detection, header, mapping, first rows.</summary>
public static class CsvPreview
{
    public static CsvPreviewResult Run(Stream stream, ImportKind kind, CsvPreviewOptions? options = null)
    {
        options ??= new CsvPreviewOptions();
        var problems = new List<CsvProblem>();
        var warnings = new List<string>();
        var reader = CsvReader.Open(stream, new CsvReadOptions { Encoding = options.Encoding, Delimiter = options.Delimiter });
        var noDate = new DateFormatDetection(options.DateFormat ?? DateFormat.Iso, false, false, 0, 0, null);
        var noNumber = new NumberFormatDetection(options.NumberFormat ?? NumberFormat.Dot, false, false);
        if (reader.Header is not { } header)
        {
            problems.Add(new CsvProblem("file", reader.HeaderProblem ?? "The file has no header."));
            return new CsvPreviewResult(reader.Encoding, reader.Delimiter, reader.DelimiterDetected, noDate, noNumber, [], null, [], problems, warnings);
        }

        var mapping = ColumnMapping.Create(kind, header.Names, options.Map, options.CustomFieldKeys);
        problems.AddRange(mapping.Problems.Select(p => new CsvProblem("map", p)));
        if (header.Names.Count == 1 && reader.DelimiterDetected && header.Names[0].AsSpan().IndexOfAny(",;\t|") < 0 && !mapping.IsValid)
        {
            warnings.Add("Only one column was found; if the file uses another delimiter, give it.");
        }

        var dateColumns = mapping.Mapped.Where(c => c.Field!.Type is ImportFieldType.Date or ImportFieldType.Instant).Select(c => c.Index).ToArray();
        var numberColumns = mapping.Mapped.Where(c => c.Field!.Type is ImportFieldType.Decimal or ImportFieldType.Integer).Select(c => c.Index).ToArray();
        var dateSamples = new List<string>();
        var numberSamples = new List<string>();
        var kept = new List<CsvRecord>();
        var read = 0;
        while (read < Math.Max(options.SampleRows, options.Rows) && reader.Read() is { } record)
        {
            read++;
            if (kept.Count < options.Rows)
            {
                kept.Add(record);
            }

            if (record.IsMalformed)
            {
                continue;
            }

            Collect(record, dateColumns, dateSamples);
            Collect(record, numberColumns, numberSamples);
        }

        if (read == 0 && reader.EndProblem is { } empty)
        {
            problems.Add(new CsvProblem("file", empty));
        }

        var date = options.DateFormat is { } givenDate
            ? new DateFormatDetection(givenDate, false, false, dateSamples.Count, dateSamples.Count(s => DateFormats.TryParse(s, givenDate.Order, out _, out _)), null)
            : DateFormats.Detect(dateSamples);
        if (date.Ambiguous)
        {
            warnings.Add($"Every sampled date fits day-first and month-first; they are read as {date.Format.Name}. Give the date format if they are month-first (MM/dd/yyyy).");
        }

        if (date.Problem is not null)
        {
            warnings.Add(date.Problem);
        }

        var number = options.NumberFormat is { } givenNumber
            ? new NumberFormatDetection(givenNumber, false, false)
            : NumberFormats.Detect(numberSamples, reader.Delimiter);
        if (number.Ambiguous)
        {
            warnings.Add($"Some sampled numbers fit a decimal point and a decimal comma alike; they are read as {number.Format.Name}. Give the number format if that is wrong.");
        }

        var values = new ImportValues(date.Format, number.Format);
        var rows = kept.Select(r => Row(r, header, mapping, values)).ToList();
        return new CsvPreviewResult(reader.Encoding, reader.Delimiter, reader.DelimiterDetected, date, number, header.Names, mapping, rows, problems, warnings);
    }

    private static void Collect(CsvRecord record, int[] columns, List<string> samples)
    {
        foreach (var i in columns)
        {
            if (i < record.Cells.Count && !string.IsNullOrWhiteSpace(record.Cells[i]))
            {
                samples.Add(record.Cells[i]);
            }
        }
    }

    private static PreviewRow Row(CsvRecord record, CsvHeader header, ColumnMapping mapping, ImportValues values)
    {
        var cells = new PreviewCell[header.Names.Count];
        for (var i = 0; i < cells.Length; i++)
        {
            var text = i < record.Cells.Count ? record.Cells[i] : "";
            var field = mapping.Columns[i].Field;
            if (field is null || record.IsMalformed)
            {
                cells[i] = new PreviewCell(text, null, null);
                continue;
            }

            // Parsed as the import parses it: without the quote that neutralised a formula ('+49 …).
            var parsed = values.Parse(field, header.Describe(i), ColumnMapping.WithoutFormulaQuote(text));
            cells[i] = new PreviewCell(text, parsed.Value, parsed.Error);
        }

        return new PreviewRow(record.Line, record.Raw, cells, record.Error);
    }
}
