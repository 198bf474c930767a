using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Api;
using Rapport.Common;
using Rapport.Identity;
using Rapport.Imports;

namespace Rapport.Pages.Imports;

/// <summary>
/// A new import in two steps: choose the kind and upload the file (stored in the imports folder, streamed to disk);
/// then the preview: detected encoding, delimiter and date format (each can be changed), the mapping with a choice
/// per column, the first rows with their problems highlighted. From there: preview again, dry run or start.
/// </summary>
[RequestSizeLimit(ImportEndpoints.MaxUploadBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = ImportEndpoints.MaxUploadBytes)]
public sealed class NewModel(ImportFiles files, ImportSources sources, StartImport start) : PageModel
{
    public IReadOnlyList<ImportKind> Kinds { get; private set; } = [];
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;
    public ImportPreview? Preview { get; private set; }

    /// <summary>The stored upload the preview is about (its file name in the imports folder).</summary>
    [BindProperty]
    public string? Upload { get; set; }

    [BindProperty]
    public string? FileName { get; set; }

    [BindProperty]
    public string Kind { get; set; } = "customers";

    [BindProperty]
    public string? Format { get; set; }

    [BindProperty]
    public string? Delimiter { get; set; }

    [BindProperty]
    public string? Encoding { get; set; }

    [BindProperty]
    public string? DateFormat { get; set; }

    [BindProperty]
    public string? Source { get; set; }

    /// <summary>Column headers, in file order, as the preview showed them.</summary>
    [BindProperty]
    public List<string> Columns { get; set; } = [];

    /// <summary>The field chosen for each column (same order as <see cref="Columns"/>); empty ignores the column.</summary>
    [BindProperty]
    public List<string> Fields { get; set; } = [];

    public IActionResult OnGet(string? kind)
    {
        if (!Allowed())
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        if (kind is not null && Kinds.Any(k => k.ToString().Equals(kind, StringComparison.OrdinalIgnoreCase)))
        {
            Kind = kind.ToLowerInvariant();
        }

        return Page();
    }

    /// <summary>Step 1 → 2: stores the uploaded file and shows its preview.</summary>
    public async Task<IActionResult> OnPostUploadAsync(IFormFile? file, CancellationToken ct)
    {
        if (!Allowed())
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        if (file is null || file.Length == 0)
        {
            return Invalid("file", file is null ? "Choose a file to import." : "The file is empty: there is nothing to import.");
        }

        StoredImportFile stored;
        await using (var content = file.OpenReadStream())
        {
            stored = await files.StoreAsync(content, ImportEndpoints.MaxUploadBytes, ct);
        }

        Upload = ImportFiles.TokenOf(stored);
        FileName = Path.GetFileName(file.FileName);
        Columns = [];
        Fields = [];
        return await PreviewAsync(ct);
    }

    /// <summary>Shows the preview again with the settings and mapping changed on the page.</summary>
    public async Task<IActionResult> OnPostPreviewAsync(CancellationToken ct)
    {
        if (!Allowed())
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        return await PreviewAsync(ct);
    }

    public Task<IActionResult> OnPostStartAsync(CancellationToken ct) => StartAsync(dryRun: false, ct);

    public Task<IActionResult> OnPostDryRunAsync(CancellationToken ct) => StartAsync(dryRun: true, ct);

    private async Task<IActionResult> StartAsync(bool dryRun, CancellationToken ct)
    {
        if (!Allowed())
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var form = ReadForm(out var errors);
        var stored = await files.FindUploadAsync(Upload, ct);
        if (stored is null)
        {
            return Invalid("file", "The uploaded file is no longer here (it was imported already or removed). Upload it again.");
        }

        if (form is null)
        {
            Errors = errors.ToDictionary();
            return await PreviewAsync(ct);
        }

        var result = await start.HandleAsync(new StartImportRequest(form.Kind, form.Format, FileName ?? "import", stored, form.Options, dryRun, User.GetUserId()), ct);
        if (!result.IsOk)
        {
            // StartImport removed the stored file; the user uploads again after fixing the settings.
            Upload = null;
            Errors = result.Errors.Count > 0 ? result.Errors : new Dictionary<string, string[]> { [""] = [result.Message ?? "The import could not start."] };
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        return Redirect($"/imports/{result.Value!.Id}");
    }

    private async Task<IActionResult> PreviewAsync(CancellationToken ct)
    {
        var form = ReadForm(out var errors);
        var stored = await files.FindUploadAsync(Upload, ct);
        if (stored is null)
        {
            return Invalid("file", "The uploaded file is no longer here. Upload it again.");
        }

        if (form is null)
        {
            Errors = errors.ToDictionary();
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        var preview = await sources.PreviewAsync(form.Kind, form.Format, stored.Path, form.Options, ImportSources.PreviewRows, ct);
        if (!preview.IsOk)
        {
            files.Delete(stored.Path);
            Upload = null;
            Errors = preview.Errors.Count > 0 ? preview.Errors : new Dictionary<string, string[]> { ["file"] = [preview.Message ?? "The file cannot be read."] };
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        Preview = preview.Value;
        Errors = errors.ToDictionary();
        return Page();
    }

    private ImportUploadForm? ReadForm(out FieldErrors errors)
    {
        var fields = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase) { ["kind"] = [Kind] };
        void Set(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                fields[name] = [value];
            }
        }

        Set("format", Format);
        Set("delimiter", Delimiter);
        Set("encoding", Encoding);
        Set("dateFormat", DateFormat);
        Set("source", Source);
        if (Columns.Count > 0 && Columns.Count == Fields.Count)
        {
            fields["map"] = Columns.Select((c, i) => (Column: c, Field: Fields[i] ?? "")).Where(p => !string.IsNullOrWhiteSpace(p.Column)).Select(p => $"{p.Column}={p.Field}").ToList();
        }

        var form = ImportUpload.ParseForm(fields, FileName ?? "import.csv", out errors);
        if (form is not null && !User.Can(ImportEndpoints.PolicyFor(form.Kind)))
        {
            errors.Add("kind", $"Your role may not import {ImportDisplay.Kind(form.Kind).ToLowerInvariant()}.");
            return null;
        }

        return form;
    }

    private PageResult Invalid(string field, string message)
    {
        Errors = new Dictionary<string, string[]> { [field] = [message] };
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    private bool Allowed()
    {
        Kinds = User.Can(Policies.ImportsEdit) ? Enum.GetValues<ImportKind>().Where(k => User.Can(ImportEndpoints.PolicyFor(k))).ToList() : [];
        return Kinds.Count > 0;
    }
}
