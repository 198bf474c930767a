namespace Rapport.Exports;

/// <summary>What an export holds.</summary>
public enum ExportKind
{
    Customers,
    Transactions,
    Interactions,
}

/// <summary>The file format of an export.</summary>
public enum ExportFormat
{
    /// <summary>RFC 4180 CSV, UTF-8 with a byte order mark, columns named as the import expects them.</summary>
    Csv,
    /// <summary>One JSON array, streamed.</summary>
    Json,
    /// <summary>Newline-delimited JSON: one object per line.</summary>
    Ndjson,
    /// <summary>vCard (customers only), 4.0 unless version 3.0 is asked for.</summary>
    Vcf,
}

/// <summary>
/// An export and its filters. Customers take the filters of the customer list (<c>Q</c>, <c>Tag</c>,
/// <c>CompanyId</c>, <c>OwnerId</c>, <c>Sort</c>) and come in its order; transactions and interactions come newest
/// first like their lists and take <c>CustomerId</c>, <c>From</c> (inclusive) and <c>To</c> (a date includes that whole
/// day in UTC; a date and time is exclusive); interactions also <c>Channel</c> and <c>Type</c>. <c>Lines</c> (transactions)
/// writes one row per order line instead of one per order. <c>Version</c> is the vCard version (4.0 or 3.0).
/// A filter that does not apply to the kind is a field error, never silently ignored.
/// </summary>
public sealed record ExportRequest
{
    public ExportKind Kind { get; init; }
    public string? Format { get; init; }
    public string? Q { get; init; }
    public string? Tag { get; init; }
    public long? CompanyId { get; init; }
    public long? OwnerId { get; init; }
    public string? Sort { get; init; }
    public string? Stage { get; init; }
    public long? SegmentId { get; init; }
    public string? RfmSegment { get; init; }
    public long? CustomerId { get; init; }
    public string? From { get; init; }
    public string? To { get; init; }
    public string? Channel { get; init; }
    public string? Type { get; init; }
    public bool? Lines { get; init; }
    public string? Version { get; init; }
}

/// <summary>A validated export, ready to stream: its download name, media type and the writer.</summary>
public sealed class ExportFile(string fileName, string contentType, Func<Stream, CancellationToken, Task<long>> write)
{
    public string FileName { get; } = fileName;
    public string ContentType { get; } = contentType;

    /// <summary>
    /// Streams the rows to <paramref name="output"/> page by page, flushing after each page (constant memory; only
    /// asynchronous writes, so it can write to an HTTP response). Returns the number of rows (cards, orders or lines) written.
    /// </summary>
    public Task<long> WriteToAsync(Stream output, CancellationToken ct) => write(output, ct);
}
