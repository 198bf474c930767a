using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Imports;

/// <summary>
/// One import as the history, the progress page and the API show it. <c>Percent</c> is the share of the file's bytes
/// committed (0–100); <c>RowsPerSecond</c> and <c>SecondsLeft</c> are measured from the start to the last heartbeat.
/// </summary>
public sealed record ImportDetail(
    long Id,
    ImportKind Kind,
    ImportFormat Format,
    ImportStatus Status,
    string FileName,
    long FileSize,
    string FileSha256,
    bool DryRun,
    string StartedBy,
    long Read,
    long Created,
    long Updated,
    long Merged,
    long Rejected,
    double Percent,
    double? RowsPerSecond,
    double? SecondsLeft,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt)
{
    public bool IsActive => Status is ImportStatus.Queued or ImportStatus.Running;
}

/// <summary>A rejected row as shown inline on the progress page and in the API.</summary>
public sealed record ImportRejectRow(long Line, string Reason, string Raw);

internal static class ImportProjection
{
    public sealed record Raw(Import Import, string? UserName);

    public static ImportDetail ToDetail(Import i, string? userName)
    {
        var options = ImportOptions.FromJson(i.Options);
        var percent = i.Status == ImportStatus.Completed ? 100.0
            : i.FileSize > 0 ? Math.Round(Math.Min(100.0, 100.0 * i.CommittedOffset / i.FileSize), 1) : 0.0;
        double? rate = null;
        double? left = null;
        var until = i.FinishedAt ?? i.HeartbeatAt;
        if (i.StartedAt is { } started && until is { } end && end > started && i.RowsRead > 0)
        {
            rate = Math.Round(i.RowsRead / (end - started).TotalSeconds, 0);
            if (i.Status == ImportStatus.Running && i.CommittedOffset > 0)
            {
                var bytesPerSecond = i.CommittedOffset / (end - started).TotalSeconds;
                left = Math.Round(Math.Max(0, i.FileSize - i.CommittedOffset) / bytesPerSecond, 0);
            }
        }

        return new ImportDetail(i.Id, i.Kind, i.Format, i.Status, i.FileName, i.FileSize, i.FileSha256, i.DryRun,
            userName ?? options.StartedBy ?? "", i.RowsRead, i.Created, i.Updated, i.Merged, i.Rejected, percent, rate, left, i.Error,
            i.CreatedAt, i.StartedAt, i.FinishedAt);
    }
}

/// <summary>Every import, newest first, keyset-paginated.</summary>
public sealed class ListImports(RapportDbContext db)
{
    public async Task<Result<Page<ImportDetail>>> HandleAsync(string? after, int? limit, CancellationToken ct)
    {
        var errors = new FieldErrors();
        Cursor.TryLimit(limit, errors, out var take);
        if (!Cursor.TryDecode(after, out var keys) || (keys.Length > 0 && (keys.Length != 1 || !keys[0].TryGetInt64(out _))))
        {
            errors.Add("after", "Is not a cursor from this list.");
        }

        if (errors.Any)
        {
            return errors.ToResult<Page<ImportDetail>>();
        }

        var query = db.Imports.AsNoTracking();
        if (keys.Length == 1)
        {
            var afterId = keys[0].GetInt64();
            query = query.Where(i => i.Id < afterId);
        }

        var rows = await query.OrderByDescending(i => i.Id).Take(take + 1)
            .Select(i => new ImportProjection.Raw(i, db.Users.Where(u => u.Id == i.CreatedByUserId).Select(u => u.DisplayName).FirstOrDefault()))
            .ToListAsync(ct);
        var items = rows.Take(take).Select(r => ImportProjection.ToDetail(r.Import, r.UserName)).ToList();
        return Result<Page<ImportDetail>>.Ok(new Page<ImportDetail>(items, rows.Count > take ? Cursor.Encode(items[^1].Id) : null));
    }
}

public sealed class GetImport(RapportDbContext db)
{
    public async Task<Result<ImportDetail>> HandleAsync(long id, CancellationToken ct)
    {
        var row = await db.Imports.AsNoTracking().Where(i => i.Id == id)
            .Select(i => new ImportProjection.Raw(i, db.Users.Where(u => u.Id == i.CreatedByUserId).Select(u => u.DisplayName).FirstOrDefault()))
            .FirstOrDefaultAsync(ct);
        return row is null
            ? Result<ImportDetail>.NotFound($"There is no import {id}.")
            : Result<ImportDetail>.Ok(ImportProjection.ToDetail(row.Import, row.UserName));
    }
}

/// <summary>The first rejects of an import in line order (the page shows a few inline; the CSV has them all).</summary>
public sealed class ListImportRejects(RapportDbContext db)
{
    public async Task<IReadOnlyList<ImportRejectRow>> HandleAsync(long importId, int limit, CancellationToken ct) =>
        await db.ImportRejects.AsNoTracking().Where(r => r.ImportId == importId)
            .OrderBy(r => r.LineNumber).ThenBy(r => r.Id).Take(limit)
            .Select(r => new ImportRejectRow(r.LineNumber, r.Reason, r.Raw))
            .ToListAsync(ct);
}

/// <summary>
/// Stops an import: a queued one never starts; a running one stops before its next batch commits (batches already
/// committed stay, and the counts say exactly what they held).
/// </summary>
public sealed class CancelImport(RapportDbContext db, TimeProvider clock)
{
    public async Task<Result<ImportDetail>> HandleAsync(long id, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var changed = await db.Imports
            .Where(i => i.Id == id && (i.Status == ImportStatus.Queued || i.Status == ImportStatus.Running))
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, ImportStatus.Cancelled).SetProperty(i => i.FinishedAt, now).SetProperty(i => i.UpdatedAt, now), ct);
        var detail = await new GetImport(db).HandleAsync(id, ct);
        if (!detail.IsOk || changed > 0)
        {
            return detail;
        }

        return Result<ImportDetail>.Conflict($"Import {id} has already finished ({detail.Value!.Status.ToString().ToLowerInvariant()}).");
    }
}
