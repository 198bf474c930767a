using System.Runtime.CompilerServices;
using Rapport.Common;
using Rapport.VCards;

namespace Rapport.Imports;

/// <summary>
/// Reads the cards of a stored .vcf file for a customers import through <see cref="VCardReader"/>: each card is one
/// row (its first line number, its text for the rejects file), with the customer it describes and its timeline note.
/// </summary>
internal sealed class VCardImportSource(string path, long offset, long committedLine) : IImportSource
{
    private readonly FileStream _stream = Open(path);

    public IReadOnlyList<string> Header => [];

    public async IAsyncEnumerable<ImportRow> ReadAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var start = offset > 0 ? new VCardReadPosition(offset, committedLine + 1) : VCardReadPosition.Start;
        await foreach (var card in VCardReader.ReadAsync(_stream, start, ct))
        {
            var lines = (int)Math.Max(1, card.EndLine - card.LineNumber + 1);
            yield return new ImportRow(card.LineNumber, lines, card.Raw, card.EndOffset, null, card.Customer, card.Customer is null ? card.Error ?? "The card could not be read." : null)
            {
                Note = card.Note,
            };
        }
    }

    public ValueTask DisposeAsync() => _stream.DisposeAsync();

    private static FileStream Open(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);

    /// <summary>A file with no card at all (or one the reader refuses as a whole, such as UTF-16) is a file-level problem.</summary>
    public static async Task<(ImportOptions Resolved, IReadOnlyList<ImportFileProblem> Problems)> CheckAsync(string path, ImportOptions options, CancellationToken ct)
    {
        var problems = new List<ImportFileProblem>();
        foreach (var (field, given) in new[] { ("delimiter", options.Delimiter), ("encoding", options.Encoding), ("dateFormat", options.DateFormat) })
        {
            if (!string.IsNullOrWhiteSpace(given) && !(field == "encoding" && given.Replace("-", "", StringComparison.Ordinal).Equals("utf8", StringComparison.OrdinalIgnoreCase)))
            {
                problems.Add(new ImportFileProblem(field, "Does not apply to vCard files (they are UTF-8 with their own dates)."));
            }
        }

        if (options.Map is { Count: > 0 })
        {
            problems.Add(new ImportFileProblem("map", "vCard files have no columns to map."));
        }

        if (problems.Count == 0)
        {
            var first = (await FirstCardsAsync(path, 1, ct)).FirstOrDefault();
            if (first is null)
            {
                problems.Add(new ImportFileProblem("file", new FileInfo(path).Length == 0 ? "The file is empty." : "The file holds no vCard (no BEGIN:VCARD line)."));
            }
            else if (first.Customer is null && first.Error is { } error && first.EndOffset >= new FileInfo(path).Length && first.Raw.Length == 0)
            {
                problems.Add(new ImportFileProblem("file", error));
            }
        }

        return (options with { Encoding = null }, problems);
    }

    public static async Task<Result<ImportPreview>> PreviewAsync(ImportKind kind, string path, int rows, CancellationToken ct)
    {
        var (_, problems) = await CheckAsync(path, new ImportOptions(), ct);
        if (problems.Count > 0)
        {
            return Result<ImportPreview>.Invalid("file", problems[0].Message);
        }

        string[] headers = ["First name", "Last name", "Email", "Phone", "Company", "City"];
        var previewRows = (await FirstCardsAsync(path, rows, ct)).Select(card => card.Customer is { } c
                ? new ImportPreviewRow(card.LineNumber, [c.FirstName ?? "", c.LastName ?? "", c.Email ?? "", c.Phone ?? "", c.CompanyName ?? "", c.City ?? ""], null, [])
                : new ImportPreviewRow(card.LineNumber, [], card.Error, []))
            .ToList();
        return Result<ImportPreview>.Ok(new ImportPreview(kind, ImportFormat.VCard, "utf-8", true, "", false, null, false,
            [.. headers.Select((h, i) => new ImportPreviewColumn(i, h, null))], [], previewRows,
            kind == ImportKind.Customers ? [] : ["vCard files hold people: import them as customers."], []));
    }

    private static async Task<List<VCardRecord>> FirstCardsAsync(string path, int count, CancellationToken ct)
    {
        await using var stream = Open(path);
        var cards = new List<VCardRecord>();
        await foreach (var card in VCardReader.ReadAsync(stream, null, ct))
        {
            cards.Add(card);
            if (cards.Count >= count)
            {
                break;
            }
        }

        return cards;
    }
}
