using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Rapport.Common;
using Rapport.Identity;
using Rapport.Surveys;

namespace Rapport.Api;

/// <summary>
/// Surveys: the builder, publishing and closing, invitations and the anonymous link, responses and their CSV import
/// (docs/surveys.md). Reads need <c>read</c>; every write needs <c>write-research</c> (admin, marketing).
/// The answering page itself is public (<c>/s/{token}</c>), not part of the API.
/// </summary>
public static class SurveyEndpoints
{
    public static RouteGroupBuilder MapSurveyEndpoints(this RouteGroupBuilder api)
    {
        MapSurveys(api.MapGroup("/surveys").WithTags("Surveys").RequireAuthorization(Policies.ResearchView));
        MapResponses(api.MapGroup("/survey-responses").WithTags("Surveys").RequireAuthorization(Policies.ResearchView));
        return api;
    }

    private static Results<Ok<SurveyDetail>, ProblemHttpResult> Answer(Result<SurveyDetail> result, HttpResponse response)
    {
        if (!result.IsOk)
        {
            return ApiProblems.From(result);
        }

        response.Headers.ETag = ETags.Of(result.Value!.Version);
        return TypedResults.Ok(result.Value);
    }

    private static void MapSurveys(RouteGroupBuilder group)
    {
        group.MapGet("/", async Task<Results<Ok<IReadOnlyList<SurveySummary>>, ProblemHttpResult>> (string? status, ListSurveys list, CancellationToken ct) =>
            {
                var errors = new FieldErrors();
                var parsed = ApiEnums.Parse<SurveyStatus>(status, "status", errors);
                return errors.Any ? ApiProblems.Validation(errors.ToDictionary()) : TypedResults.Ok(await list.HandleAsync(parsed, ct));
            })
            .WithSummary("Every survey, newest first, with question and response counts")
            .WithDescription("status: draft, open or closed (an open survey past its closesAt reads as closed).");

        group.MapPost("/", async Task<Results<Created<SurveyDetail>, ProblemHttpResult>> (
                CreateSurveyRequest body, CreateSurvey create, HttpResponse response, CancellationToken ct) =>
            {
                var result = await create.HandleAsync(body, ct);
                if (!result.IsOk)
                {
                    return ApiProblems.From(result);
                }

                response.Headers.ETag = ETags.Of(result.Value!.Version);
                return TypedResults.Created($"/api/v1/surveys/{result.Value.Id}", result.Value);
            })
            .RequireAuthorization(Policies.ResearchEdit)
            .WithIdempotency()
            .WithSummary("Create a draft survey: {title, intro, thankYou, closesAt, anonymousEnabled, questions: [{kind, prompt, helpText, required, options, value, key}]}");

        group.MapGet("/{id:long}", async Task<Results<Ok<SurveyDetail>, ProblemHttpResult>> (long id, GetSurvey get, HttpResponse response, CancellationToken ct) =>
                Answer(await get.HandleAsync(id, ct), response))
            .WithSummary("A survey with its questions in order and its anonymous link (when enabled). ETag = version");

        group.MapPatch("/{id:long}", async Task<Results<Ok<SurveyDetail>, ProblemHttpResult>> (
                long id, SurveyChanges body, UpdateSurvey update, [FromHeader(Name = "If-Match")] string? ifMatch, HttpResponse response, CancellationToken ct) =>
            {
                if (ETags.IfMatch(ifMatch, required: true, out var version) is { } problem)
                {
                    return problem;
                }

                return Answer(await update.HandleAsync(id, version, body, ct), response);
            })
            .RequireAuthorization(Policies.ResearchEdit)
            .WithSummary("Change title, intro, thankYou, closesAt or anonymousEnabled (merge patch); requires If-Match; a closed survey answers 409");

        group.MapDelete("/{id:long}", async Task<Results<NoContent, ProblemHttpResult>> (long id, DeleteSurvey delete, CancellationToken ct) =>
            {
                var result = await delete.HandleAsync(id, ct);
                return result.IsOk ? TypedResults.NoContent() : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.ResearchDelete)
            .WithSummary("Delete a draft survey (a published one answers 409: close it instead)");

        group.MapPost("/{id:long}/questions", async Task<Results<Ok<SurveyDetail>, ProblemHttpResult>> (
                long id, SurveyQuestionInput body, AddSurveyQuestion add, HttpResponse response, CancellationToken ct) =>
                Answer(await add.HandleAsync(id, body, ct), response))
            .RequireAuthorization(Policies.ResearchEdit)
            .WithSummary("Add a question at the end of a draft: {kind, prompt, helpText, required, options, value, key}; answers the survey");

        group.MapPatch("/{id:long}/questions/{questionId:long}", async Task<Results<Ok<SurveyDetail>, ProblemHttpResult>> (
                long id, long questionId, SurveyQuestionChanges body, UpdateSurveyQuestion update, HttpResponse response, CancellationToken ct) =>
                Answer(await update.HandleAsync(id, questionId, body, ct), response))
            .RequireAuthorization(Policies.ResearchEdit)
            .WithSummary("Change a question (merge patch); once the survey is open only prompt and helpText (409 otherwise)");

        group.MapDelete("/{id:long}/questions/{questionId:long}", async Task<Results<Ok<SurveyDetail>, ProblemHttpResult>> (
                long id, long questionId, RemoveSurveyQuestion remove, HttpResponse response, CancellationToken ct) =>
                Answer(await remove.HandleAsync(id, questionId, ct), response))
            .RequireAuthorization(Policies.ResearchDelete)
            .WithSummary("Remove a question from a draft; answers the survey");

        group.MapPut("/{id:long}/questions/order", async Task<Results<Ok<SurveyDetail>, ProblemHttpResult>> (
                long id, ReorderQuestionsRequest body, ReorderSurveyQuestions reorder, HttpResponse response, CancellationToken ct) =>
                Answer(await reorder.HandleAsync(id, body, ct), response))
            .RequireAuthorization(Policies.ResearchEdit)
            .WithSummary("Reorder a draft's questions: {questionIds: [every question id once, in the new order]}");

        group.MapPost("/{id:long}/publish", async Task<Results<Ok<SurveyDetail>, ProblemHttpResult>> (
                long id, PublishSurvey publish, [FromHeader(Name = "If-Match")] string? ifMatch, HttpResponse response, CancellationToken ct) =>
            {
                if (ETags.IfMatch(ifMatch, required: false, out var version) is { } problem)
                {
                    return problem;
                }

                return Answer(await publish.HandleAsync(id, version, ct), response);
            })
            .RequireAuthorization(Policies.ResearchEdit)
            .WithSummary("Publish a draft: it opens for answers and its questions lock except their wording");

        group.MapPost("/{id:long}/close", async Task<Results<Ok<SurveyDetail>, ProblemHttpResult>> (
                long id, CloseSurvey close, [FromHeader(Name = "If-Match")] string? ifMatch, HttpResponse response, CancellationToken ct) =>
            {
                if (ETags.IfMatch(ifMatch, required: false, out var version) is { } problem)
                {
                    return problem;
                }

                return Answer(await close.HandleAsync(id, version, ct), response);
            })
            .RequireAuthorization(Policies.ResearchEdit)
            .WithSummary("Close an open survey: every link then shows a closed page and stores nothing");

        group.MapGet("/{id:long}/invitations", async Task<Results<Ok<IReadOnlyList<SurveyInvitationDetail>>, ProblemHttpResult>> (
                long id, ListSurveyInvitations list, CancellationToken ct) =>
            {
                var result = await list.HandleAsync(id, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.ResearchEdit)
            .WithSummary("The survey's invitations with each customer's personal link (write-research: the links answer as the customer)");

        group.MapPost("/{id:long}/invitations", async Task<Results<Ok<InviteCustomersResult>, ProblemHttpResult>> (
                long id, InviteCustomersRequest body, InviteCustomers invite, CancellationToken ct) =>
            {
                var result = await invite.HandleAsync(id, body, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.ResearchEdit)
            .WithSummary($"Invite customers: {{customerIds: [...]}} and/or {{tag}}; one link per customer (inviting again returns it); at most {InviteCustomers.MaxPerRequest} at a time");

        group.MapPut("/{id:long}/anonymous-link", async Task<Results<Ok<SurveyDetail>, ProblemHttpResult>> (
                long id, AnonymousLinkRequest body, UpdateSurvey update, HttpResponse response, CancellationToken ct) =>
                Answer(await update.HandleAsync(id, null, new SurveyChanges { AnonymousEnabled = body.Enabled }, ct), response))
            .RequireAuthorization(Policies.ResearchEdit)
            .WithSummary("Turn the anonymous link on or off: {enabled}; the survey's anonymousLink is the path to share");

        group.MapGet("/{id:long}/responses", async Task<Results<Ok<Page<SurveyResponseSummary>>, ProblemHttpResult>> (
                long id, int? limit, string? after, ListSurveyResponses list, CancellationToken ct) =>
            {
                var result = await list.HandleAsync(id, limit, after, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithSummary("The survey's responses, newest first (?limit=&after=)");

        group.MapPost("/{id:long}/responses/import", async Task<Results<Ok<SurveyImportResult>, ProblemHttpResult>> (
                long id, HttpRequest request, ImportSurveyResponses import, CancellationToken ct) =>
            {
                if (request.ContentLength > ImportSurveyResponses.MaxBytes)
                {
                    return ApiProblems.Validation("file", $"The file is larger than {ImportSurveyResponses.MaxBytes / (1024 * 1024)} MB.");
                }

                Stream csv;
                if (request.HasFormContentType)
                {
                    var form = await request.ReadFormAsync(ct);
                    if (form.Files.GetFile("file") is not { } file)
                    {
                        return ApiProblems.Validation("file", "Send the CSV file in a part named 'file'.");
                    }

                    csv = file.OpenReadStream();
                }
                else if (request.ContentType is { } type && (type.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase) || type.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase)))
                {
                    // The CSV reader reads synchronously; the request body may only be read asynchronously.
                    var buffer = new MemoryStream();
                    var chunk = new byte[81920];
                    int read;
                    while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
                    {
                        if (buffer.Length + read > ImportSurveyResponses.MaxBytes)
                        {
                            return ApiProblems.Validation("file", $"The file is larger than {ImportSurveyResponses.MaxBytes / (1024 * 1024)} MB.");
                        }

                        buffer.Write(chunk, 0, read);
                    }

                    buffer.Position = 0;
                    csv = buffer;
                }
                else
                {
                    return ApiProblems.Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Unsupported media type",
                        "Send the CSV as text/csv, or as multipart/form-data with a part named 'file'.");
                }

                await using (csv)
                {
                    var result = await import.HandleAsync(id, csv, ct);
                    return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
                }
            })
            .RequireAuthorization(Policies.ResearchEdit)
            .WithSummary("Import responses collected elsewhere from CSV (text/csv or multipart 'file'): columns = question keys or positions, optional email or customer_id, response_id (re-import updates), submitted_at")
            .WithDescription("Answers {created, updated, rejected: [{line, reason}], rejectedTotal}; good rows are stored even when others are rejected.");
    }

    private static void MapResponses(RouteGroupBuilder group)
    {
        group.MapGet("/", async Task<Results<Ok<Page<SurveyResponseSummary>>, ProblemHttpResult>> (
                long? surveyId, int? limit, string? after, ListSurveyResponses list, CancellationToken ct) =>
            {
                if (surveyId is not { } id)
                {
                    return ApiProblems.Validation("surveyId", "Is required: the responses of which survey.");
                }

                var result = await list.HandleAsync(id, limit, after, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithSummary("Responses of one survey (?surveyId=), newest first, keyset-paginated");

        group.MapGet("/{id:long}", async Task<Results<Ok<SurveyResponseDetail>, ProblemHttpResult>> (long id, GetSurveyResponse get, HttpResponse response, CancellationToken ct) =>
            {
                var result = await get.HandleAsync(id, ct);
                if (!result.IsOk)
                {
                    return ApiProblems.From(result);
                }

                response.Headers.ETag = ETags.Of(result.Value!.Version);
                return TypedResults.Ok(result.Value);
            })
            .WithSummary("One response with every answer as stored (free text exactly as given)");

        group.MapDelete("/{id:long}", async Task<Results<NoContent, ProblemHttpResult>> (long id, DeleteSurveyResponse delete, CancellationToken ct) =>
            {
                var result = await delete.HandleAsync(id, ct);
                return result.IsOk ? TypedResults.NoContent() : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.ResearchDelete)
            .WithSummary("Delete a response with its answers and the value evidence it produced");
    }
}

public sealed record AnonymousLinkRequest(bool? Enabled);
