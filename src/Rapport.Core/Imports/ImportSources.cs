using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Data;
using Rapport.Imports.Csv;

namespace Rapport.Imports;

/// <summary>
/// Opens stored import files by format: checks a file before it is queued, previews it, and reads its rows from a
/// committed position for <see cref="ImportProcessor"/>. CSV files go through the CSV engine (<see cref="CsvPreview"/>
/// for detection and mapping, <see cref="CsvReader"/> for the rows) and <see cref="CsvRowMapper"/>.
/// </summary>
public sealed class ImportSources(RapportDbContext db)
{
    /// <summary>Rows a preview shows.</summary>
    public const int PreviewRows = 20;

    /// <summary>Error fields that describe the file as a whole (the command line exits with 2 for them).</summary>
    public static bool IsFileField(string field) => field is "file" or "map";

    /// <summary>How a CSV file is read: its header and delimiter.</summary>
    public sealed record CsvLayout(IReadOnlyList<string> Header, char Delimiter);

    private async Task<IReadOnlyCollection<string>?> CustomFieldKeysAsync(ImportKind kind, CancellationToken ct) =>
        kind == ImportKind.Customers ? await db.CustomFields.AsNoTracking().Select(f => f.Key).ToListAsync(ct) : null;

    private static (CsvPreviewOptions Options, List<ImportFileProblem> Problems) PreviewOptions(ImportOptions options, IReadOnlyCollection<string>? customFieldKeys, int rows)
    {
        var preview = CsvPreviewOptions.From(options, customFieldKeys, out var found);
        var problems = found.Select(p => new ImportFileProblem(p.Field, p.Message)).ToList();
        if (!string.IsNullOrWhiteSpace(options.NumberFormat))
        {
            if (NumberFormat.TryParse(options.NumberFormat, out var number, out var problem))
            {
                preview = preview with { NumberFormat = number };
            }
            else
            {
                problems.Add(new ImportFileProblem("numberFormat", problem!));
            }
        }

        return (preview with { Rows = rows }, problems);
    }

    /// <summary>
    /// Checks a stored file before it is queued: the options, that it has a header and at least one row, and that
    /// its columns map to the kind's required fields. Returns the options with what was detected filled in
    /// (encoding, delimiter, date and number formats), so that a resumed import reads the file as it started.
    /// </summary>
    public async Task<(ImportOptions Resolved, IReadOnlyList<ImportFileProblem> Problems)> CheckAsync(
        ImportKind kind, ImportFormat format, string path, ImportOptions options, CancellationToken ct)
    {
        if (format == ImportFormat.VCard)
        {
            return await VCardImportSource.CheckAsync(path, options, ct);
        }

        var (previewOptions, problems) = PreviewOptions(options, await CustomFieldKeysAsync(kind, ct), 0);
        if (problems.Count > 0)
        {
            return (options, problems);
        }

        CsvPreviewResult preview;
        await using (var stream = OpenFile(path))
        {
            preview = CsvPreview.Run(stream, kind, previewOptions);
        }

        problems.AddRange(preview.Problems.Select(p => new ImportFileProblem(p.Field == "map" ? "map" : p.Field, p.Message)));
        var resolved = options with
        {
            Encoding = preview.Encoding?.Name ?? options.Encoding,
            Delimiter = preview.Delimiter == '\t' ? "tab" : preview.Delimiter.ToString(),
            DateFormat = preview.DateFormat.Format.Name,
            NumberFormat = preview.NumberFormat.Format.Name,
        };
        return (resolved, problems);
    }

    /// <summary>The header and delimiter of a stored CSV file (for the rejects file); null when it cannot be read.</summary>
    public static CsvLayout? TryReadLayout(string path, ImportOptions options)
    {
        var (previewOptions, problems) = PreviewOptions(options, null, 0);
        if (problems.Count > 0 || !File.Exists(path))
        {
            return null;
        }

        using var stream = OpenFile(path);
        var reader = CsvReader.Open(stream, new CsvReadOptions { Encoding = previewOptions.Encoding, Delimiter = previewOptions.Delimiter, ScanWholeFileForEncoding = previewOptions.Encoding is null });
        return reader.Header is null ? null : new CsvLayout(reader.Header.Names, reader.Delimiter);
    }

    /// <summary>Reads the rows of a stored file from a committed position (0 = the start).</summary>
    public async Task<IImportSource> OpenAsync(ImportKind kind, ImportFormat format, string path, ImportOptions options, long offset, long committedLine, CancellationToken ct)
    {
        if (!File.Exists(path))
        {
            throw new ImportFileException("The stored copy of the file is gone; upload it again.");
        }

        if (format == ImportFormat.VCard)
        {
            return new VCardImportSource(path, offset, committedLine);
        }

        var (previewOptions, problems) = PreviewOptions(options, await CustomFieldKeysAsync(kind, ct), 0);
        if (problems.Count > 0)
        {
            throw new ImportFileException(string.Join(" ", problems.Select(p => p.Message)));
        }

        var stream = OpenFile(path);
        try
        {
            var read = new CsvReadOptions { Encoding = previewOptions.Encoding, Delimiter = previewOptions.Delimiter, ScanWholeFileForEncoding = previewOptions.Encoding is null };
            var reader = CsvReader.Open(stream, read);
            if (reader.Header is not { } header)
            {
                throw new ImportFileException(reader.HeaderProblem ?? "The file has no header.");
            }

            var mapping = ColumnMapping.Create(kind, header.Names, options.Map, previewOptions.CustomFieldKeys);
            if (!mapping.IsValid)
            {
                throw new ImportFileException(string.Join(" ", mapping.Problems));
            }

            if (offset > 0)
            {
                stream.Position = 0;
                reader = CsvReader.Open(stream, read with
                {
                    Encoding = reader.Encoding,
                    Delimiter = reader.Delimiter,
                    Header = header.Names,
                    StartOffset = offset,
                    StartLine = committedLine + 1,
                    ScanWholeFileForEncoding = false,
                });
            }

            var values = new ImportValues(previewOptions.DateFormat ?? DateFormat.Iso, previewOptions.NumberFormat ?? NumberFormat.Dot);
            return new CsvImportSource(stream, reader, new CsvRowMapper(mapping, values, header.Names));
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    /// <summary>The preview of a stored file: settings, mapping and the first rows with their problems.</summary>
    public async Task<Result<ImportPreview>> PreviewAsync(ImportKind kind, ImportFormat format, string path, ImportOptions options, int rows, CancellationToken ct)
    {
        if (format == ImportFormat.VCard)
        {
            return await VCardImportSource.PreviewAsync(kind, path, rows, ct);
        }

        var (previewOptions, problems) = PreviewOptions(options, await CustomFieldKeysAsync(kind, ct), rows);
        if (problems.Count > 0)
        {
            var errors = new FieldErrors();
            foreach (var p in problems)
            {
                errors.Add(p.Field, p.Message);
            }

            return errors.ToResult<ImportPreview>();
        }

        CsvPreviewResult preview;
        await using (var stream = OpenFile(path))
        {
            preview = CsvPreview.Run(stream, kind, previewOptions);
        }

        // A file that cannot be imported whatever the mapping (empty, no header, no rows) is not previewed.
        if (preview.Mapping is null || preview.Problems.Any(p => p.Field == "file"))
        {
            var fileProblem = preview.Problems.FirstOrDefault(p => p.Field == "file")?.Message;
            return Result<ImportPreview>.Invalid("file", fileProblem ?? "The file cannot be read.");
        }

        var mapper = preview.Mapping.IsValid ? new CsvRowMapper(preview.Mapping, preview.Values, preview.Headers) : null;
        var previewRows = preview.Rows.Select(r =>
        {
            var bad = r.Cells.Select((c, i) => (c, i)).Where(x => x.c.Error is not null).Select(x => x.i).ToList();
            var error = r.Error ?? (bad.Count > 0 ? string.Join("; ", bad.Select(i => r.Cells[i].Error)) : null);
            if (error is null && mapper is not null)
            {
                // The rules the mapper adds to single cells (a line without its unit price).
                var mapped = mapper.Map(new CsvRecord(r.Line, 1, r.Raw, [.. r.Cells.Select(c => c.Text)], 0, null));
                error = mapped.Error;
                bad = [.. mapped.ProblemColumns];
            }

            return new ImportPreviewRow(r.Line, [.. r.Cells.Select(c => c.Text)], error, bad);
        }).ToList();
        var fields = ImportFields.For(kind).Select(f => new ImportFieldChoice(f.Key, f.Description, ImportFields.Required(kind).Any(g => g.Count == 1 && g[0] == f.Key)))
            .Concat((previewOptions.CustomFieldKeys ?? []).Select(k => new ImportFieldChoice(k, $"Custom field {k}", false)))
            .ToList();
        return Result<ImportPreview>.Ok(new ImportPreview(
            kind, ImportFormat.Csv,
            preview.Encoding?.Name ?? "", preview.Encoding?.Detected ?? false,
            preview.Delimiter == '\t' ? "tab" : preview.Delimiter.ToString(), preview.DelimiterDetected,
            preview.DateFormat.Format.Name, preview.DateFormat.Detected,
            [.. preview.Mapping.Columns.Select(c => new ImportPreviewColumn(c.Index, c.Header, c.Field?.Key))],
            fields,
            previewRows,
            [.. preview.Problems.Select(p => p.Message)],
            [.. preview.Warnings]));
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
