using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Rapport.Exports;
using Rapport.Identity;

namespace Rapport.Api;

/// <summary>
/// <c>GET /api/v1/exports/{customers|transactions|interactions}</c>: the whole filtered list as a streamed download
/// (CSV, JSON, NDJSON, or vCard for customers), and <c>GET /api/v1/customers/{id}/vcard</c>.
/// </summary>
public static class ExportEndpoints
{
    public static RouteGroupBuilder MapExportEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/exports").WithTags("Exports").RequireAuthorization(Policies.CustomersExport);

        group.MapGet("/{kind}", async Task<Results<ExportDownload, ProblemHttpResult>> (
                string kind, string? format,
                string? q, string? tag, long? companyId, long? ownerId, string? sort,
                long? customerId, string? from, string? to, string? channel, string? type, bool? lines, string? version,
                string? stage, long? segmentId, string? rfmSegment, ExportData export, CancellationToken ct) =>
            {
                if (!ExportData.TryParseKind(kind, out var exportKind))
                {
                    return ApiProblems.NotFound($"There is no export of \"{kind}\"; export customers, transactions or interactions.");
                }

                var result = await export.HandleAsync(new ExportRequest
                {
                    Kind = exportKind, Format = format, Q = q, Tag = tag, CompanyId = companyId, OwnerId = ownerId, Sort = sort,
                    Stage = stage, SegmentId = segmentId, RfmSegment = rfmSegment,
                    CustomerId = customerId, From = from, To = to, Channel = channel, Type = type, Lines = lines, Version = version,
                }, ct);
                return result.IsOk ? new ExportDownload(result.Value!) : ApiProblems.From(result);
            })
            .WithSummary("Export customers, transactions or interactions as CSV, JSON, NDJSON or vCard, streamed")
            .WithDescription(
                "format: csv (default), json (one array), ndjson (one object per line), vcf (customers only; version=4.0 default or 3.0). " +
                "Customers take the customer list's filters and order: q, tag, companyId, ownerId, stage, segmentId, rfmSegment, sort. " +
                "Transactions and interactions come newest first and take customerId, from and to (a date such as 2024-03-31 covers that whole UTC day; " +
                "a date and time is used as given, from inclusive, to exclusive); interactions also channel and type; transactions lines=true for one row per " +
                "order line. CSV columns use the import's canonical names, so the file imports back with automatic mapping; text cells that start with " +
                "= + - @, tab or carriage return get a leading single quote. A filter that does not apply to the kind is a 400.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv", additionalContentTypes: ["application/json", "application/x-ndjson", "text/vcard"]);

        api.MapGet("/customers/{id:long}/vcard", async Task<Results<VCardDownload, ProblemHttpResult>> (
                long id, string? version, ExportVCard vcard, CancellationToken ct) =>
            {
                var result = await vcard.HandleAsync(id, version, ct);
                return result.IsOk ? new VCardDownload(result.Value!) : ApiProblems.From(result);
            })
            .WithTags("Customers")
            .RequireAuthorization(Policies.CustomersExport)
            .WithSummary("A customer's vCard (4.0, or 3.0 with version=3.0)")
            .Produces(StatusCodes.Status200OK, contentType: "text/vcard");

        return api;
    }

    /// <summary>Headers shared by every download: attachment with its file name (RFC 6266, UTF-8 safe), never cached.</summary>
    public static void DownloadHeaders(HttpResponse response, string fileName, string contentType)
    {
        response.ContentType = contentType;
        response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileNameStar = fileName, FileName = fileName }.ToString();
        response.Headers.CacheControl = "no-store";
        response.Headers.XContentTypeOptions = "nosniff";
    }

    /// <summary>Streams an export into the response as it is read; nothing is buffered beyond one page.</summary>
    public sealed class ExportDownload(ExportFile file) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            DownloadHeaders(httpContext.Response, file.FileName, file.ContentType);
            httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            await file.WriteToAsync(httpContext.Response.Body, httpContext.RequestAborted);
        }
    }

    public sealed class VCardDownload(CustomerVCard card) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            DownloadHeaders(httpContext.Response, card.FileName, "text/vcard; charset=utf-8");
            await httpContext.Response.WriteAsync(card.Text, httpContext.RequestAborted);
        }
    }
}
