using System.Runtime.CompilerServices;
using Rapport.Common;
using Rapport.Imports.Csv;

namespace Rapport.Imports;

/// <summary>
/// Opens stored import files by format: checks a file before it is queued, previews it, and reads its rows from a
/// committed position for <see cref="ImportProcessor"/>. CSV files are read by <see cref="CsvReader"/> and mapped
/// to the kind's incoming items by <see cref="CsvRowMapper"/>.
/// </summary>
public sealed class ImportSources
{
    /// <summary>Rows a preview shows.</summary>
    public const int PreviewRows = 20;

    /// <summary>Error fields that describe the file as a whole (the command line exits with 2 for them).</summary>
    public static bool IsFileField(string field) => field is "file" or "columns";

    /// <summary>How a CSV file is read: its header and delimiter.</summary>
    public sealed record CsvLayout(IReadOnlyList<string> Header, char Delimiter);

    /// <summary>Options with problems: each invalid override as a field error.</summary>
    private static (CsvReadOptions? Read, DateFormat? Dates, List<ImportFileProblem> Problems) ReadOptions(ImportOptions options)
    {
        var problems = new List<ImportFileProblem>();
        CsvEncoding? encoding = null;
        if (options.Encoding is { Length: > 0 } encodingName && !CsvEncodings.TryResolve(encodingName, out encoding, out var encodingProblem))
        {
            problems.Add(new ImportFileProblem("encoding", encodingProblem!));
        }

        char? delimiter = null;
        if (options.Delimiter is { Length: > 0 } delimiterText)
        {
            if (CsvDelimiters.TryParse(delimiterText, out var d, out var delimiterProblem))
            {
                delimiter = d;
            }
            else
            {
                problems.Add(new ImportFileProblem("delimiter", delimiterProblem!));
            }
        }

        DateFormat? dates = null;
        if (options.DateFormat is { Length: > 0 } dateText)
        {
            if (DateFormat.TryParse(dateText, out var parsed, out var dateProblem))
            {
                dates = parsed;
            }
            else
            {
                problems.Add(new ImportFileProblem("dateFormat", dateProblem!));
            }
        }

        return (problems.Count > 0 ? null : new CsvReadOptions { Encoding = encoding, Delimiter = delimiter }, dates, problems);
    }

    /// <summary>
    /// Checks a stored file before it is queued: the options, that it has a header and at least one row, and that
    /// its columns map to the kind's required fields. Returns the options with what was detected filled in
    /// (encoding, delimiter, date format), so that a resumed import reads the file exactly as it started.
    /// </summary>
    public Task<(ImportOptions Resolved, IReadOnlyList<ImportFileProblem> Problems)> CheckAsync(
        ImportKind kind, ImportFormat format, string path, ImportOptions options, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        if (format == ImportFormat.VCard)
        {
            return VCardImportSource.CheckAsync(path, options, ct);
        }

        var (read, dates, problems) = ReadOptions(options);
        if (read is null)
        {
            return Task.FromResult<(ImportOptions, IReadOnlyList<ImportFileProblem>)>((options, problems));
        }

        using var stream = OpenFile(path);
        var reader = CsvReader.Open(stream, read);
        if (reader.HeaderProblem is { } headerProblem)
        {
            return Task.FromResult<(ImportOptions, IReadOnlyList<ImportFileProblem>)>((options, [new ImportFileProblem("file", headerProblem)]));
        }

        var mapper = CsvRowMapper.Create(kind, reader.Header!.Names, options.Map, dates, Sample(reader), out var mapProblems);
        problems.AddRange(mapProblems);
        if (problems.Count == 0)
        {
            stream.Position = 0;
            var again = CsvReader.Open(stream, read with { ScanWholeFileForEncoding = false, Encoding = reader.Encoding, Delimiter = reader.Delimiter });
            if (again.Read() is null && again.EndProblem is { } empty)
            {
                problems.Add(new ImportFileProblem("file", empty));
            }
        }

        var resolved = options with
        {
            Encoding = reader.Encoding.Name,
            Delimiter = reader.Delimiter == '\t' ? "tab" : reader.Delimiter.ToString(),
            DateFormat = mapper?.Dates.Name ?? options.DateFormat,
        };
        return Task.FromResult<(ImportOptions, IReadOnlyList<ImportFileProblem>)>((resolved, problems));
    }

    /// <summary>The header and delimiter of a stored CSV file (for the rejects file); null when it cannot be read.</summary>
    public CsvLayout? TryReadLayout(string path, ImportOptions options)
    {
        var (read, _, _) = ReadOptions(options);
        if (read is null || !File.Exists(path))
        {
            return null;
        }

        using var stream = OpenFile(path);
        var reader = CsvReader.Open(stream, read with { ScanWholeFileForEncoding = read.Encoding is null });
        return reader.Header is null ? null : new CsvLayout(reader.Header.Names, reader.Delimiter);
    }

    /// <summary>Reads the rows of a stored file from a committed position (0 = the start).</summary>
    public Task<IImportSource> OpenAsync(ImportKind kind, ImportFormat format, string path, ImportOptions options, long offset, long committedLine, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        if (!File.Exists(path))
        {
            throw new ImportFileException("The stored copy of the file is gone; upload it again.");
        }

        if (format == ImportFormat.VCard)
        {
            return Task.FromResult<IImportSource>(new VCardImportSource(path, offset, committedLine));
        }

        var (read, dates, problems) = ReadOptions(options);
        if (read is null)
        {
            throw new ImportFileException(string.Join(" ", problems.Select(p => p.Message)));
        }

        var stream = OpenFile(path);
        try
        {
            var header = CsvReader.Open(stream, read with { ScanWholeFileForEncoding = read.Encoding is null });
            if (header.HeaderProblem is { } problem)
            {
                throw new ImportFileException(problem);
            }

            var mapper = CsvRowMapper.Create(kind, header.Header!.Names, options.Map, dates, [], out var mapProblems)
                ?? throw new ImportFileException(string.Join(" ", mapProblems.Select(p => p.Message)));
            var reader = header;
            if (offset > 0)
            {
                stream.Position = 0;
                reader = CsvReader.Open(stream, read with
                {
                    Encoding = header.Encoding,
                    Delimiter = header.Delimiter,
                    Header = header.Header.Names,
                    StartOffset = offset,
                    StartLine = committedLine + 1,
                    ScanWholeFileForEncoding = false,
                });
            }

            return Task.FromResult<IImportSource>(new CsvImportSource(stream, reader, mapper));
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>The preview of a stored file: settings, mapping and the first rows with their problems.</summary>
    public Task<Result<ImportPreview>> PreviewAsync(ImportKind kind, ImportFormat format, string path, ImportOptions options, int rows, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        if (format == ImportFormat.VCard)
        {
            return VCardImportSource.PreviewAsync(kind, path, rows, ct);
        }

        var (read, dates, problems) = ReadOptions(options);
        if (read is null)
        {
            var errors = new FieldErrors();
            foreach (var p in problems)
            {
                errors.Add(p.Field, p.Message);
            }

            return Task.FromResult(errors.ToResult<ImportPreview>());
        }

        using var stream = OpenFile(path);
        var reader = CsvReader.Open(stream, read);
        if (reader.HeaderProblem is { } headerProblem)
        {
            return Task.FromResult(Result<ImportPreview>.Invalid("file", headerProblem));
        }

        var header = reader.Header!.Names;
        var sample = Sample(reader);
        var mapper = CsvRowMapper.Create(kind, header, options.Map, dates, sample, out var mapProblems);
        var previewRows = new List<ImportPreviewRow>();
        foreach (var record in sample.Take(rows))
        {
            if (mapper is null)
            {
                previewRows.Add(new ImportPreviewRow(record.Line, record.Cells, record.Error, []));
                continue;
            }

            var mapped = mapper.Map(record);
            previewRows.Add(new ImportPreviewRow(record.Line, record.Cells, mapped.Error, mapped.ProblemColumns));
        }

        var columns = header.Select((h, i) => new ImportPreviewColumn(i, h, mapper?.FieldOf(i))).ToList();
        return Task.FromResult(Result<ImportPreview>.Ok(new ImportPreview(
            kind, ImportFormat.Csv,
            reader.Encoding.Name, reader.Encoding.Detected,
            reader.Delimiter == '\t' ? "tab" : reader.Delimiter.ToString(), reader.DelimiterDetected,
            mapper?.Dates.Name, mapper?.DatesDetected ?? false,
            columns,
            CsvRowMapper.Choices(kind),
            previewRows,
            [.. mapProblems.Select(p => p.Message)])));
    }

    /// <summary>The first records, for date-format detection and the preview.</summary>
    private static List<CsvRecord> Sample(CsvReader reader)
    {
        var sample = new List<CsvRecord>();
        while (sample.Count < CsvRowMapper.SampleRows && reader.Read() is { } record)
        {
            sample.Add(record);
        }

        return sample;
    }

    private static FileStream OpenFile(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);

    private sealed class CsvImportSource(FileStream stream, CsvReader reader, CsvRowMapper mapper) : IImportSource
    {
        public IReadOnlyList<string> Header => reader.Header!.Names;

        public async IAsyncEnumerable<ImportRow> ReadAsync([EnumeratorCancellation] CancellationToken ct)
        {
            await Task.CompletedTask;
            while (reader.Read() is { } record)
            {
                ct.ThrowIfCancellationRequested();
                var mapped = mapper.Map(record);
                yield return new ImportRow(record.Line, record.LineCount, record.Raw, record.EndOffset, mapped.GroupKey, mapped.Item, mapped.Error);
            }
        }

        public ValueTask DisposeAsync() => stream.DisposeAsync();
    }
}
