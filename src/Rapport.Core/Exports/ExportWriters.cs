using System.Buffers;
using System.Text;
using System.Text.Json;
using Rapport.Imports;
using Rapport.Imports.Csv;
using Rapport.VCards;

namespace Rapport.Exports;

/// <summary>
/// Streams pages of rows to a stream in each format. A page is formatted into a reused buffer and then written and
/// flushed with asynchronous calls only, so memory holds one page at most and an HTTP response sees data as it comes.
/// </summary>
internal static class ExportWriters
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static async Task<long> CsvAsync<T>(
        Stream output, IReadOnlyList<string> header, IAsyncEnumerable<IReadOnlyList<T>> pages, Func<T, CsvWriter, int> writeRow, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await using var text = new StreamWriter(buffer, Utf8, 64 * 1024, leaveOpen: true);
        var csv = new CsvWriter(text);
        // The byte order mark makes Excel read the file as UTF-8 (names like José or 田中); the import skips it.
        buffer.Write(Encoding.UTF8.Preamble);
        csv.WriteRow(header);
        long rows = 0;
        await foreach (var page in pages.WithCancellation(ct))
        {
            foreach (var row in page)
            {
                rows += writeRow(row, csv);
            }

            await SendAsync(text, buffer, output, ct);
        }

        await SendAsync(text, buffer, output, ct);
        return rows;
    }

    public static async Task<long> VCardAsync(
        Stream output, IAsyncEnumerable<IReadOnlyList<CustomerExportRow>> pages, VCardVersion version, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await using var text = new StreamWriter(buffer, Utf8, 64 * 1024, leaveOpen: true);
        long rows = 0;
        await foreach (var page in pages.WithCancellation(ct))
        {
            foreach (var row in page)
            {
                VCardWriter.Write(text, ExportFormats.Contact(row), version);
                rows++;
            }

            await SendAsync(text, buffer, output, ct);
        }

        return rows;
    }

    /// <summary>A JSON array (<paramref name="lines"/> false) or one object per line (NDJSON).</summary>
    public static async Task<long> JsonAsync<T>(
        Stream output, IAsyncEnumerable<IReadOnlyList<T>> pages, Action<Utf8JsonWriter, T> writeRow, bool lines, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        var options = new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = lines };
        await using var json = new Utf8JsonWriter(buffer, options);
        if (!lines)
        {
            json.WriteStartArray();
        }

        long rows = 0;
        await foreach (var page in pages.WithCancellation(ct))
        {
            foreach (var row in page)
            {
                writeRow(json, row);
                rows++;
                if (lines)
                {
                    json.Flush();
                    buffer.Write("\n"u8);
                    json.Reset(buffer);
                }
            }

            json.Flush();
            await output.WriteAsync(buffer.WrittenMemory, ct);
            await output.FlushAsync(ct);
            buffer.ResetWrittenCount();
        }

        if (!lines)
        {
            json.WriteEndArray();
            json.Flush();
            buffer.Write("\n"u8);
            await output.WriteAsync(buffer.WrittenMemory, ct);
            await output.FlushAsync(ct);
        }

        return rows;
    }

    private static async Task SendAsync(StreamWriter text, MemoryStream buffer, Stream output, CancellationToken ct)
    {
        await text.FlushAsync(ct);
        if (buffer.Length == 0)
        {
            return;
        }

        await output.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ct);
        await output.FlushAsync(ct);
        buffer.SetLength(0);
    }

    /// <summary>The import kind whose canonical column names a CSV export of this kind uses.</summary>
    public static ImportKind ImportKindOf(ExportKind kind) => kind switch
    {
        ExportKind.Customers => ImportKind.Customers,
        ExportKind.Transactions => ImportKind.Transactions,
        _ => ImportKind.Interactions,
    };
}
