using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Imports;

/// <summary>
/// Deletes uploads that never became an import: a file uploaded for a preview that nobody started stays in the imports
/// folder until then. An upload older than <see cref="KeepFor"/> that no import refers to is deleted; files of imports
/// (running, finished, failed or cancelled) are kept, for resume and for the rejects download.
/// </summary>
public sealed class SweepImportUploads(RapportDbContext db, ImportFiles files, TimeProvider clock)
{
    /// <summary>How long an upload waits for its import to be started (the preview page is meant to be used at once).</summary>
    public static readonly TimeSpan KeepFor = TimeSpan.FromHours(24);

    /// <summary>Deletes the abandoned uploads and returns how many.</summary>
    public async Task<int> HandleAsync(CancellationToken ct)
    {
        if (!Directory.Exists(files.Folder))
        {
            return 0;
        }

        var cutOff = (clock.GetUtcNow() - KeepFor).UtcDateTime;
        var candidates = Directory.EnumerateFiles(files.Folder, "*.upload")
            .Where(path => ImportFiles.IsUploadName(Path.GetFileName(path)) && File.GetLastWriteTimeUtc(path) < cutOff)
            .ToList();
        if (candidates.Count == 0)
        {
            return 0;
        }

        // Read after listing: an upload that an import starts from meanwhile is in this set, or younger than the cut-off.
        var referenced = (await db.Imports.AsNoTracking().Select(i => i.StoredPath).ToListAsync(ct))
            .Select(Path.GetFileName)
            .ToHashSet(StringComparer.Ordinal);
        var deleted = 0;
        foreach (var path in candidates.Where(p => !referenced.Contains(Path.GetFileName(p))))
        {
            files.Delete(path);
            deleted += File.Exists(path) ? 0 : 1;
        }

        return deleted;
    }
}

/// <summary>Runs <see cref="SweepImportUploads"/> a minute after start-up and then every hour.</summary>
public sealed class ImportUploadSweeper(IServiceScopeFactory scopes, ILogger<ImportUploadSweeper> logger) : HourlySweeper(logger)
{
    protected override string What => "import uploads that were never started";

    protected override async Task<int> SweepAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SweepImportUploads>().HandleAsync(ct);
    }
}
