namespace Rapport.Imports;

/// <summary>
/// One input row, read and mapped: where it starts (physical line), the text exactly as read, the byte offset just
/// after it, and either the typed incoming item for the import's kind or why the row cannot be imported.
/// <c>GroupKey</c> is the order id of a transaction row (contiguous rows of one order become one order with several
/// lines), also when the rest of the row is invalid.
/// </summary>
public readonly record struct ImportRow(long Line, int LineCount, string Raw, long EndOffset, string? GroupKey, object? Item, string? Error)
{
    /// <summary>A timeline note that goes with a customer row (what a vCard holds beyond the profile fields).</summary>
    public Ingestion.IncomingInteraction? Note { get; init; }
}

/// <summary>Reads the rows of a stored import file from a committed position; one implementation per format.</summary>
public interface IImportSource : IAsyncDisposable
{
    /// <summary>The column names of the file (CSV header) for the rejects file; empty for formats without columns.</summary>
    IReadOnlyList<string> Header { get; }

    IAsyncEnumerable<ImportRow> ReadAsync(CancellationToken ct);
}

/// <summary>A problem with the file as a whole (empty, unreadable, no usable columns): nothing is imported.</summary>
public sealed record ImportFileProblem(string Field, string Message);
