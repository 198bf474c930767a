using Rapport.Common;
using Rapport.Data;

namespace Rapport.Imports;

/// <summary>
/// A file to import, already stored by <see cref="ImportFiles"/>. <c>FileName</c> is the name it had for the user
/// (no directory); <c>UserId</c> is the signed-in user, null for API keys and the command line.
/// </summary>
public sealed record StartImportRequest(
    ImportKind Kind,
    ImportFormat Format,
    string FileName,
    StoredImportFile File,
    ImportOptions Options,
    bool DryRun,
    long? UserId)
{
    /// <summary>The caller runs the import itself (the command line): it is stored as running, so the background runner leaves it alone.</summary>
    public bool RunNow { get; init; }
}

/// <summary>
/// Checks the options and the file as a whole (readable, not empty, columns that map to the kind's required fields)
/// and queues the import for <see cref="ImportRunner"/> (or the command line, which runs it at once). On any problem
/// the stored file is deleted and nothing is queued.
/// </summary>
public sealed class StartImport(RapportDbContext db, ImportSources sources, ImportFiles files, ImportSignal signal, TimeProvider clock)
{
    public async Task<Result<ImportDetail>> HandleAsync(StartImportRequest request, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (!Enum.IsDefined(request.Kind))
        {
            errors.Add("kind", "Must be one of customers, companies, transactions, interactions, products.");
        }

        if (!Enum.IsDefined(request.Format))
        {
            errors.Add("format", "Must be csv or vcard.");
        }
        else if (request.Format == ImportFormat.VCard && request.Kind != ImportKind.Customers)
        {
            errors.Add("format", "vCard files hold people: import them as customers.");
        }

        var fileName = Path.GetFileName(Validate.Clean(request.FileName) ?? "");
        if (fileName.Length == 0)
        {
            fileName = "import";
        }

        if (fileName.Length > 255)
        {
            fileName = fileName[^255..];
        }

        var source = Validate.Clean(request.Options.Source);
        if (source is not null && (source.Length > 50 || !source.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            errors.Add("source", "Must be up to 50 letters, digits, '-', '_' or '.', e.g. 'shopify'.");
        }

        var options = request.Options with { Source = source };
        if (!errors.Any)
        {
            var (resolved, problems) = await sources.CheckAsync(request.Kind, request.Format, request.File.Path, options, ct);
            foreach (var problem in problems)
            {
                errors.Add(problem.Field, problem.Message);
            }

            options = resolved;
        }

        if (errors.Any)
        {
            files.Delete(request.File.Path);
            return errors.ToResult<ImportDetail>();
        }

        var import = new Import
        {
            Kind = request.Kind,
            Format = request.Format,
            Status = ImportStatus.Queued,
            FileName = fileName,
            StoredPath = request.File.Path,
            FileSize = request.File.Size,
            FileSha256 = request.File.Sha256,
            DryRun = request.DryRun,
            Options = options.ToJson(),
            CreatedByUserId = request.UserId,
        };
        if (request.RunNow)
        {
            import.Status = ImportStatus.Running;
            import.StartedAt = import.HeartbeatAt = clock.GetUtcNow();
        }

        db.Imports.Add(import);
        await db.SaveChangesAsync(ct);
        if (!request.RunNow)
        {
            signal.Notify();
        }

        return await new GetImport(db).HandleAsync(import.Id, ct);
    }
}
