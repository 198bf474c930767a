namespace Rapport.Imports;

/// <summary>What an import file holds.</summary>
public enum ImportKind
{
    Customers,
    Companies,
    Transactions,
    Interactions,
    Products,
}

/// <summary>The file format an import reads.</summary>
public enum ImportFormat
{
    Csv,
    VCard,
}

public enum ImportStatus
{
    /// <summary>Stored and waiting for the background runner.</summary>
    Queued,
    Running,
    Completed,
    /// <summary>Stopped by an error that is not a row's fault (the file is unreadable, the database is gone).</summary>
    Failed,
    Cancelled,
}

/// <summary>
/// One import of one file. Counts and <see cref="CommittedLine"/>/<see cref="CommittedOffset"/> are written in the
/// same transaction as each batch, so after a crash the runner resumes right after the last committed batch and
/// no row is counted twice.
/// </summary>
public sealed class Import : Common.IStamped
{
    public long Id { get; set; }
    public ImportKind Kind { get; set; }
    public ImportFormat Format { get; set; }
    public ImportStatus Status { get; set; }
    /// <summary>The name the file had when it was uploaded or given on the command line (no directory).</summary>
    public string FileName { get; set; } = "";
    /// <summary>Where the runner reads the file from: a copy under the data directory's <c>imports/</c> folder.</summary>
    public string StoredPath { get; set; } = "";
    public long FileSize { get; set; }
    /// <summary>Hex SHA-256 of the file, so that the history shows when the same file was imported again.</summary>
    public string FileSha256 { get; set; } = "";
    /// <summary>A dry run validates and counts every row but writes nothing except this record and its rejects.</summary>
    public bool DryRun { get; set; }
    /// <summary>JSON of the import options: column mapping, delimiter, encoding, date format, source name.</summary>
    public string Options { get; set; } = "{}";
    public long RowsRead { get; set; }
    public long Created { get; set; }
    public long Updated { get; set; }
    public long Merged { get; set; }
    public long Rejected { get; set; }
    /// <summary>Physical line number of the last row in the last committed batch (0 before the first).</summary>
    public long CommittedLine { get; set; }
    /// <summary>Byte offset in the stored file just after the last committed batch (0 before the first).</summary>
    public long CommittedOffset { get; set; }
    /// <summary>Why the import failed or what the file-level problem was; never holds row content.</summary>
    public string? Error { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    /// <summary>Refreshed while running; a Running import whose heartbeat is old was killed and is resumed.</summary>
    public DateTimeOffset? HeartbeatAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public long? CreatedByUserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>An input row that was not imported: the original text, its line number and why.</summary>
public sealed class ImportReject
{
    public long Id { get; set; }
    public long ImportId { get; set; }
    /// <summary>The physical line the row starts on (1 is the header line for CSV).</summary>
    public long LineNumber { get; set; }
    public string Reason { get; set; } = "";
    /// <summary>The row exactly as read (a quoted multi-line row keeps its line breaks).</summary>
    public string Raw { get; set; } = "";
}
