using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Rapport.Common;
using Rapport.Identity;
using Rapport.Imports;

namespace Rapport.Api;

/// <summary>
/// Imports over the API: upload a file (multipart) to preview its mapping or to queue it, follow its progress,
/// download its rejects, cancel it. Kinds need the policy of what they write: products WriteCatalog, the rest WriteCrm.
/// </summary>
public static class ImportEndpoints
{
    /// <summary>Largest file the upload endpoints accept (1 GiB); it is streamed to disk, never held in memory.</summary>
    public const long MaxUploadBytes = 1L << 30;

    public static RouteGroupBuilder MapImportEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/imports").WithTags("Imports").RequireAuthorization(Policies.ImportsView);

        group.MapPost("/preview", async Task<Results<Ok<ImportPreview>, ProblemHttpResult>> (HttpContext http, ImportFiles files, ImportSources sources, CancellationToken ct) =>
            {
                var upload = await ImportUpload.ReadAsync(http, files, ct);
                if (upload.Problem is { } problem)
                {
                    return problem;
                }

                try
                {
                    var form = upload.Form!;
                    if (Forbidden(http.User, form.Kind) is { } forbidden)
                    {
                        return forbidden;
                    }

                    var preview = await sources.PreviewAsync(form.Kind, form.Format, upload.File!.Path, form.Options, ImportSources.PreviewRows, ct);
                    return preview.IsOk ? TypedResults.Ok(preview.Value) : ApiProblems.From(preview);
                }
                finally
                {
                    files.Delete(upload.File!.Path);
                }
            })
            .RequireAuthorization(Policies.ImportsEdit)
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxUploadBytes))
            .WithSummary("Preview an import: detected encoding, delimiter and date format, the column mapping and the first rows with their problems")
            .WithDescription(ImportUpload.FormDescription + " Nothing is stored.");

        group.MapPost("/", async Task<Results<Accepted<ImportDetail>, ProblemHttpResult>> (HttpContext http, ImportFiles files, StartImport start, CancellationToken ct) =>
            {
                var upload = await ImportUpload.ReadAsync(http, files, ct);
                if (upload.Problem is { } problem)
                {
                    return problem;
                }

                var form = upload.Form!;
                if (Forbidden(http.User, form.Kind) is { } forbidden)
                {
                    files.Delete(upload.File!.Path);
                    return forbidden;
                }

                var options = form.Options with { StartedBy = http.User.FindFirstValue(ClaimTypes.Name) };
                var result = await start.HandleAsync(new StartImportRequest(form.Kind, form.Format, form.FileName, upload.File!, options, form.DryRun, http.User.GetUserId()), ct);
                return result.IsOk
                    ? TypedResults.Accepted($"/api/v1/imports/{result.Value!.Id}", result.Value)
                    : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.ImportsEdit)
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxUploadBytes))
            .WithSummary("Start an import; it runs in the background (follow it at the Location)")
            .WithDescription(ImportUpload.FormDescription + " dryRun: true validates and counts every row and writes nothing but the rejects.");

        group.MapGet("/", async Task<Results<Ok<Page<ImportDetail>>, ProblemHttpResult>> (int? limit, string? after, ListImports list, CancellationToken ct) =>
            {
                var result = await list.HandleAsync(after, limit, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithSummary("Every import, newest first; keyset paging (limit 1..200, after = the previous page's next)");

        group.MapGet("/{id:long}", async Task<Results<Ok<ImportDetail>, ProblemHttpResult>> (long id, GetImport get, CancellationToken ct) =>
            {
                var result = await get.HandleAsync(id, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithSummary("An import's status, counts, percent done, rows per second and seconds left");

        group.MapGet("/{id:long}/rejects", async Task<IResult> (long id, HttpContext http, GetImport get, ImportRejectsFile rejects, CancellationToken ct) =>
            {
                var import = await get.HandleAsync(id, ct);
                if (!import.IsOk)
                {
                    return ApiProblems.From(import);
                }

                if (Forbidden(http.User, import.Value!.Kind) is { } forbidden)
                {
                    return forbidden;
                }

                return new RejectsCsvResult(rejects, import.Value);
            })
            .RequireAuthorization(Policies.ImportsExport)
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .WithSummary("The rejected rows as CSV: the file's own columns, then line and reason");

        group.MapPost("/{id:long}/cancel", async Task<Results<Ok<ImportDetail>, ProblemHttpResult>> (long id, HttpContext http, GetImport get, CancelImport cancel, CancellationToken ct) =>
            {
                var import = await get.HandleAsync(id, ct);
                if (!import.IsOk)
                {
                    return ApiProblems.From(import);
                }

                if (Forbidden(http.User, import.Value!.Kind) is { } forbidden)
                {
                    return forbidden;
                }

                var result = await cancel.HandleAsync(id, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.ImportsEdit)
            .WithSummary("Cancel a queued or running import; batches already committed stay");

        return api;
    }

    /// <summary>
    /// The policy an import of this kind needs: what it writes. The upload and cancel endpoints also require WriteCrm up
    /// front (every role that may import anything has it), so a role that may import nothing is refused before its upload is read.
    /// </summary>
    public static string PolicyFor(ImportKind kind) => kind == ImportKind.Products ? Policies.CatalogEdit : Policies.CustomersEdit;

    private static ProblemHttpResult? Forbidden(ClaimsPrincipal user, ImportKind kind) => user.Can(PolicyFor(kind))
        ? null
        : ApiProblems.Problem(StatusCodes.Status403Forbidden, "forbidden", "Forbidden", $"Your role may not import {kind.ToString().ToLowerInvariant()}.");

    /// <summary>Streams the rejects CSV straight from the database to the response.</summary>
    private sealed class RejectsCsvResult(ImportRejectsFile rejects, ImportDetail import) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.ContentType = "text/csv; charset=utf-8";
            var name = $"import-{import.Id}-rejects.csv";
            httpContext.Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileNameStar = name, FileName = name }.ToString();
            await rejects.WriteAsync(import.Id, httpContext.Response.Body, httpContext.RequestAborted);
        }
    }
}

/// <summary>The fields of an import upload form, as read and checked.</summary>
public sealed record ImportUploadForm(ImportKind Kind, ImportFormat Format, string FileName, ImportOptions Options, bool DryRun);

/// <summary>
/// Reads a <c>multipart/form-data</c> import upload section by section: the file goes straight to the imports folder
/// (hashed on the way), the other fields are small text values. Fields may come before or after the file.
/// </summary>
internal static class ImportUpload
{
    public const string FormDescription =
        "multipart/form-data with: file (the CSV or vCard file), kind (customers, companies, transactions, interactions, products), " +
        "format (csv or vcard; default csv, vcard for .vcf), delimiter (, ; | or tab), encoding (utf-8, windows-1252, utf-16, …), " +
        "dateFormat (e.g. dd/MM/yyyy or iso), source (scopes external ids), map (repeat: \"Column=field\").";

    private const int MaxFieldChars = 4000;
    private const int MaxFields = 200;

    public sealed record Upload(ImportUploadForm? Form, StoredImportFile? File, ProblemHttpResult? Problem);

    public static async Task<Upload> ReadAsync(HttpContext http, ImportFiles files, CancellationToken ct)
    {
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var mediaType) ||
            !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase) ||
            HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 } boundary)
        {
            return new Upload(null, null, ApiProblems.Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Unsupported media type",
                "Send the file as multipart/form-data with a 'file' part and the options as form fields."));
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = ImportEndpoints.MaxUploadBytes;
        }

        var fields = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        StoredImportFile? stored = null;
        string? fileName = null;
        try
        {
            var reader = new MultipartReader(boundary, http.Request.Body);
            var count = 0;
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (++count > MaxFields || !ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) ||
                    !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (disposition.IsFileDisposition())
                {
                    if (!name.Equals("file", StringComparison.OrdinalIgnoreCase) || stored is not null)
                    {
                        return Fail(stored, files, "file", "Send exactly one file, in the 'file' part.");
                    }

                    fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                    stored = await files.StoreAsync(section.Body, ImportEndpoints.MaxUploadBytes, ct);
                    continue;
                }

                using var text = new StreamReader(section.Body);
                var buffer = new char[MaxFieldChars + 1];
                var read = await text.ReadBlockAsync(buffer, ct);
                if (read > MaxFieldChars)
                {
                    return Fail(stored, files, name, $"Is longer than {MaxFieldChars:N0} characters.");
                }

                if (!fields.TryGetValue(name, out var values))
                {
                    fields[name] = values = [];
                }

                values.Add(new string(buffer, 0, read));
            }
        }
        catch (ImportFileTooLargeException)
        {
            return Fail(stored, files, null, null, ApiProblems.Problem(StatusCodes.Status413PayloadTooLarge, "too-large", "File too large",
                $"The file must be at most {ImportEndpoints.MaxUploadBytes:N0} bytes."));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Fail(stored, files, null, null, ApiProblems.Problem(StatusCodes.Status413PayloadTooLarge, "too-large", "File too large",
                $"The file must be at most {ImportEndpoints.MaxUploadBytes:N0} bytes."));
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            return Fail(stored, files, null, null, ApiProblems.Problem(StatusCodes.Status400BadRequest, "malformed-request", "Malformed request",
                "The multipart body could not be read to its end."));
        }

        if (stored is null)
        {
            return Fail(null, files, "file", "Is required: the file to import, as the 'file' part.");
        }

        var form = ParseForm(fields, fileName ?? "import.csv", out var errors);
        if (form is null)
        {
            files.Delete(stored.Path);
            return new Upload(null, null, ApiProblems.Validation(errors.ToDictionary()));
        }

        return new Upload(form, stored, null);
    }

    /// <summary>Checks the text fields of an upload (the API's and the page's).</summary>
    public static ImportUploadForm? ParseForm(IReadOnlyDictionary<string, List<string>> fields, string fileName, out FieldErrors errors)
    {
        errors = new FieldErrors();
        string? One(string name) => fields.TryGetValue(name, out var v) && v.Count > 0 ? Validate.Clean(v[^1]) : null;

        var kindText = One("kind");
        ImportKind kind = default;
        if (kindText is null)
        {
            errors.Add("kind", "Is required: customers, companies, transactions, interactions or products.");
        }
        else if (!Enum.TryParse(kindText, ignoreCase: true, out kind) || !Enum.IsDefined(kind) || int.TryParse(kindText, out _))
        {
            errors.Add("kind", "Must be one of customers, companies, transactions, interactions, products.");
        }

        var format = One("format")?.ToLowerInvariant() switch
        {
            null => fileName.EndsWith(".vcf", StringComparison.OrdinalIgnoreCase) ? ImportFormat.VCard : ImportFormat.Csv,
            "csv" => ImportFormat.Csv,
            "vcard" or "vcf" => ImportFormat.VCard,
            _ => (ImportFormat)(-1),
        };
        if (!Enum.IsDefined(format))
        {
            errors.Add("format", "Must be csv or vcard.");
        }

        var dryRun = false;
        if (One("dryRun") is { } dry && !bool.TryParse(dry, out dryRun))
        {
            errors.Add("dryRun", "Must be true or false.");
        }

        var pairs = fields.TryGetValue("map", out var maps) ? maps.Where(m => !string.IsNullOrWhiteSpace(m)) : [];
        if (!ImportOptions.TryParseMap(pairs, out var map, out var mapProblem))
        {
            errors.Add("map", mapProblem!);
        }

        foreach (var unknown in fields.Keys.Where(k => !KnownFields.Contains(k)))
        {
            errors.Add(unknown, "Is not a field of an import upload.");
        }

        if (errors.Any)
        {
            return null;
        }

        var options = new ImportOptions
        {
            Map = map.Count > 0 ? map : null,
            Delimiter = One("delimiter") ?? (fields.TryGetValue("delimiter", out var d) && d.Count > 0 && d[^1] == "\t" ? "tab" : null),
            Encoding = One("encoding"),
            DateFormat = One("dateFormat"),
            Source = One("source"),
        };
        return new ImportUploadForm(kind, format, fileName, options, dryRun);
    }

    private static readonly HashSet<string> KnownFields = new(StringComparer.OrdinalIgnoreCase)
    {
        "kind", "format", "dryRun", "map", "delimiter", "encoding", "dateFormat", "source", "__RequestVerificationToken",
    };

    private static Upload Fail(StoredImportFile? stored, ImportFiles files, string? field, string? message, ProblemHttpResult? problem = null)
    {
        if (stored is not null)
        {
            files.Delete(stored.Path);
        }

        return new Upload(null, null, problem ?? ApiProblems.Validation(field!, message!));
    }

    internal static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
