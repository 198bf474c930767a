using System.Globalization;
using System.Text;
using Rapport.Data;
using Rapport.Imports.Csv;

namespace Rapport.Imports;

/// <summary>
/// The rejects of an import as CSV, streamed from the database in line order: the file's own header and cells (so the
/// fixed file can be imported again), then <c>line</c> and <c>reason</c>. A row that cannot be split into the header's
/// cells (a broken quote, extra cells) keeps its whole text in the first column. A cell that a spreadsheet would run
/// (a leading <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>) gets a leading <c>'</c>, which the import removes again. vCard imports give
/// <c>vcard,line,reason</c>.
/// </summary>
public sealed class ImportRejectsFile(RapportDatabase database)
{
    public async Task WriteAsync(long importId, Stream output, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        string format, path, optionsJson;
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT format, stored_path, options FROM imports WHERE id = @id";
            var p = command.CreateParameter();
            p.ParameterName = "@id";
            p.Value = importId;
            command.Parameters.Add(p);
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return;
            }

            (format, path, optionsJson) = (reader.GetString(0), reader.GetString(1), reader.GetString(2));
        }

        var options = ImportOptions.FromJson(optionsJson);
        var isCsv = Enum.Parse<ImportFormat>(format) == ImportFormat.Csv;
        IReadOnlyList<string> header = [];
        var delimiter = ',';
        if (isCsv && ImportSources.TryReadLayout(path, options) is { } layout)
        {
            header = layout.Header;
            delimiter = layout.Delimiter;
        }

        await using var text = CsvWriter.Utf8Writer(output);
        // Neutralised like every export: the file is opened in spreadsheets to fix the rows, and the import takes the quote
        // off again, so a fixed file imports back to the values it was read with.
        var csv = new CsvWriter(text, new CsvWriteOptions { Delimiter = delimiter, NeutraliseFormulas = true });
        csv.WriteRow((IEnumerable<string?>)(isCsv ? [.. header, "line", "reason"] : ["vcard", "line", "reason"]));

        await using var rows = connection.CreateCommand();
        rows.CommandText = "SELECT line_number, reason, raw FROM import_rejects WHERE import_id = @id ORDER BY line_number, id";
        var id = rows.CreateParameter();
        id.ParameterName = "@id";
        id.Value = importId;
        rows.Parameters.Add(id);
        await using var data = await rows.ExecuteReaderAsync(ct);
        var written = 0;
        while (await data.ReadAsync(ct))
        {
            var line = data.GetInt64(0).ToString(CultureInfo.InvariantCulture);
            var reason = data.GetString(1);
            var raw = data.GetString(2);
            if (!isCsv)
            {
                csv.WriteRow(raw, line, reason);
            }
            else
            {
                var cells = SplitLikeTheFile(raw, header, delimiter);
                csv.WriteRow((IEnumerable<string?>)[.. cells, line, reason]);
            }

            if (++written % 1000 == 0)
            {
                await csv.FlushAsync(ct);
            }
        }

        await csv.FlushAsync(ct);
    }

    /// <summary>The row's cells under the file's header; a row that does not split cleanly keeps its text in the first cell.</summary>
    private static string[] SplitLikeTheFile(string raw, IReadOnlyList<string> header, char delimiter)
    {
        var width = Math.Max(1, header.Count);
        var result = new string[width];
        Array.Fill(result, "");
        if (header.Count > 0 && raw.Length > 0)
        {
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(raw));
            CsvEncodings.TryResolve(CsvEncodings.Utf8, out var utf8, out _);
            var reader = CsvReader.Open(stream, new CsvReadOptions { Encoding = utf8, Delimiter = delimiter, Header = header, ScanWholeFileForEncoding = false });
            if (reader.Read() is { Error: null } record && record.Cells.Count <= width && reader.Read() is null)
            {
                for (var i = 0; i < record.Cells.Count; i++)
                {
                    result[i] = record.Cells[i];
                }

                return result;
            }
        }

        result[0] = raw;
        return result;
    }
}
