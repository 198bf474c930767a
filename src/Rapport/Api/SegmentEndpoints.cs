using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Rapport.Common;
using Rapport.Data;
using Rapport.Identity;
using Rapport.Segments;

namespace Rapport.Api;

/// <summary>
/// Segments (docs/segments.md). Rule trees are read from the raw body (not the model binder, whose depth limit would
/// turn a deep tree into an unreadable-request error); an invalid tree or segment is a 400 validation problem with an error per path.
/// </summary>
public static class SegmentEndpoints
{
    private static readonly JsonDocumentOptions BodyOptions = new() { MaxDepth = 256 };

    public static RouteGroupBuilder MapSegmentEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/segments").WithTags("Segments").RequireAuthorization(Policies.SegmentsView);

        group.MapGet("/fields", async (ListSegmentFields list, CancellationToken ct) => TypedResults.Ok(await list.HandleAsync(ct)))
            .WithSummary("Every field segment rules can test, with its type, allowed ops, options and group");

        group.MapPost("/preview", async Task<Results<Ok<SegmentPreview>, ProblemHttpResult>> (HttpRequest request, PreviewSegment preview, CancellationToken ct) =>
            {
                var (body, problem) = await ReadAsync(request, ["rules"], ct);
                if (problem is not null)
                {
                    return problem;
                }

                using (body)
                {
                    var result = await preview.HandleAsync(Property(body!, "rules"), ct);
                    return result.IsOk ? TypedResults.Ok(result.Value) : Problem(result);
                }
            })
            .Accepts<PreviewBody>("application/json")
            // A POST: like every write-shaped route, not for read-only roles (the builder is marketing's tool).
            .RequireAuthorization(Policies.SegmentsEdit)
            .WithSummary("Count and first 10 customers matching a rule tree, without saving it");

        group.MapGet("/", async (ListSegments list, CancellationToken ct) => TypedResults.Ok(await list.HandleAsync(ct)))
            .WithSummary("Every segment, by name");

        group.MapPost("/", async Task<Results<Created<SegmentDetail>, ProblemHttpResult>> (HttpRequest request, CreateSegment create, HttpResponse response, CancellationToken ct) =>
            {
                var (body, problem) = await ReadAsync(request, SegmentBody.Properties, ct);
                if (problem is not null)
                {
                    return problem;
                }

                using (body)
                {
                    if (SegmentBody.From(body!, out var segmentRequest) is { } bad)
                    {
                        return bad;
                    }

                    var result = await create.HandleAsync(segmentRequest, null, ct);
                    if (!result.IsOk)
                    {
                        return Problem(result);
                    }

                    response.Headers.ETag = ETags.Of(result.Value!.Version);
                    return TypedResults.Created($"/api/v1/segments/{result.Value.Id}", result.Value);
                }
            })
            .Accepts<SegmentBody>("application/json")
            .RequireAuthorization(Policies.SegmentsEdit)
            .WithSummary("Create a segment (dynamic by default); its members are computed at once");

        group.MapGet("/{id:long}", async Task<Results<Ok<SegmentDetail>, ProblemHttpResult>> (long id, GetSegment get, HttpResponse response, CancellationToken ct) =>
            {
                var result = await get.HandleAsync(id, ct);
                if (!result.IsOk)
                {
                    return ApiProblems.From(result);
                }

                response.Headers.ETag = ETags.Of(result.Value!.Version);
                return TypedResults.Ok(result.Value);
            })
            .WithSummary("Read a segment");

        group.MapPatch("/{id:long}", async Task<Results<Ok<SegmentDetail>, ProblemHttpResult>> (
                long id, HttpRequest request, UpdateSegment update, [FromHeader(Name = "If-Match")] string? ifMatch, HttpResponse response, CancellationToken ct) =>
            {
                if (ETags.IfMatch(ifMatch, required: true, out var version) is { } precondition)
                {
                    return precondition;
                }

                var (body, problem) = await ReadAsync(request, SegmentBody.Properties, ct);
                if (problem is not null)
                {
                    return problem;
                }

                using (body)
                {
                    if (SegmentBody.From(body!, out var segmentRequest) is { } bad)
                    {
                        return bad;
                    }

                    var result = await update.HandleAsync(id, version, segmentRequest, ct);
                    if (!result.IsOk)
                    {
                        return Problem(result);
                    }

                    response.Headers.ETag = ETags.Of(result.Value!.Version);
                    return TypedResults.Ok(result.Value);
                }
            })
            .Accepts<SegmentBody>("application/json")
            .RequireAuthorization(Policies.SegmentsEdit)
            .WithSummary("Change a segment's name, description, kind or rules (absent keeps); requires If-Match. New rules rebuild the members.");

        group.MapDelete("/{id:long}", async Task<Results<NoContent, ProblemHttpResult>> (long id, DeleteSegment delete, [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct) =>
            {
                if (ETags.IfMatch(ifMatch, required: false, out var version) is { } problem)
                {
                    return problem;
                }

                var result = await delete.HandleAsync(id, version, ct);
                return result.IsOk ? TypedResults.NoContent() : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.SegmentsDelete)
            .WithSummary("Delete a segment; 409 while another segment's rules use it");

        group.MapPost("/{id:long}/snapshot", async Task<Results<Ok<SegmentDetail>, ProblemHttpResult>> (long id, SnapshotSegment snapshot, HttpResponse response, CancellationToken ct) =>
            {
                var result = await snapshot.HandleAsync(id, ct);
                if (!result.IsOk)
                {
                    return ApiProblems.From(result);
                }

                response.Headers.ETag = ETags.Of(result.Value!.Version);
                return TypedResults.Ok(result.Value);
            })
            .RequireAuthorization(Policies.SegmentsEdit)
            .WithSummary("Take the members again from the rules now (a static segment's new snapshot); records no events");

        group.MapGet("/{id:long}/members", async Task<Results<Ok<Page<MemberRow>>, ProblemHttpResult>> (long id, int? limit, string? after, ListSegmentMembers list, CancellationToken ct) =>
            {
                var result = await list.HandleAsync(new SegmentMembersQuery(id, limit, after), ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithSummary("The members, by customer id; keyset paging")
            .WithDescription("limit: 1..200 (default 50). after: the 'next' cursor of the previous page, unchanged.");

        group.MapGet("/{id:long}/members.csv", async Task<Results<EmptyHttpResult, ProblemHttpResult>> (long id, RapportDbContext db, Access.CustomerOwnership ownership, HttpResponse response, CancellationToken ct) =>
            {
                if (!await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AnyAsync(db.Set<Segment>(), s => s.Id == id, ct))
                {
                    return ApiProblems.NotFound($"Segment {id} does not exist.");
                }

                await SegmentMembersCsv.WriteAsync(db, ownership.Visible(db.Customers), id, response, ct);
                return TypedResults.Empty;
            })
            .RequireAuthorization(Policies.SegmentsExport)
            .WithSummary("The members as CSV (streamed, by customer id)");

        group.MapGet("/{id:long}/events", async Task<Results<Ok<Page<SegmentEventRow>>, ProblemHttpResult>> (long id, int? limit, string? after, ListSegmentEvents list, CancellationToken ct) =>
            {
                var result = await list.HandleAsync(new SegmentEventsQuery(id, limit, after), ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithSummary("Customers who entered or left the segment after a change to their data, newest first; keyset paging");

        return api;
    }

    /// <summary>Rule and segment errors are 400 validation problems, as everywhere in the API, with an error per path.</summary>
    private static ProblemHttpResult Problem<T>(Result<T> result) => result.Kind == ResultKind.Invalid
        ? ApiProblems.Problem(StatusCodes.Status400BadRequest, "validation", "Invalid segment", result.Message ?? "One or more fields are invalid.", result.Errors)
        : ApiProblems.From(result);

    private static async Task<(JsonDocument? Body, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, string[] allowed, CancellationToken ct)
    {
        if (request.ContentType is not { } type || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, ApiProblems.Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Unsupported media type", "Send the body as application/json."));
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, BodyOptions, ct);
        }
        catch (JsonException e)
        {
            return (null, ApiProblems.Problem(StatusCodes.Status400BadRequest, "malformed-request", "Malformed request",
                $"The body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine}); rule trees may nest at most {RuleLimits.MaxDepth} levels."));
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            return (null, ApiProblems.Problem(StatusCodes.Status400BadRequest, "validation", "Invalid request", "The body must be a JSON object."));
        }

        var unknown = document.RootElement.EnumerateObject().Select(p => p.Name).Where(n => !allowed.Contains(n)).ToList();
        if (unknown.Count > 0)
        {
            document.Dispose();
            return (null, ApiProblems.Problem(StatusCodes.Status400BadRequest, "validation", "Invalid request", "The body has unknown properties.",
                unknown.ToDictionary(n => RuleParser.Short(n), _ => new[] { $"Unknown property; allowed: {string.Join(", ", allowed)}." })));
        }

        return (document, null);
    }

    private static JsonElement? Property(JsonDocument body, string name) =>
        body.RootElement.TryGetProperty(name, out var value) ? value : null;

    /// <summary>The body of a preview (for the OpenAPI document).</summary>
    public sealed record PreviewBody(JsonElement Rules);

    /// <summary>The body of create and update (for the OpenAPI document, and read by hand).</summary>
    public sealed record SegmentBody(string? Name, string? Description, string? Kind, JsonElement? Rules)
    {
        public static readonly string[] Properties = ["name", "description", "kind", "rules"];

        public static ProblemHttpResult? From(JsonDocument body, out SegmentRequest request)
        {
            var errors = new FieldErrors();
            string? Text(string name)
            {
                if (!body.RootElement.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
                {
                    return null;
                }

                if (v.ValueKind != JsonValueKind.String)
                {
                    errors.Add(name, "Must be a text.");
                    return null;
                }

                return v.GetString();
            }

            request = new SegmentRequest(Text("name"), Text("description"), Text("kind"), Property(body, "rules") is { ValueKind: not JsonValueKind.Null } r ? r : null);
            return errors.Any
                ? ApiProblems.Problem(StatusCodes.Status400BadRequest, "validation", "Invalid segment", "One or more fields are invalid.", errors.ToDictionary())
                : null;
        }
    }
}
