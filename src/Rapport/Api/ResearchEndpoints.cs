using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Rapport.Common;
using Rapport.Identity;
using Rapport.Research.Review;
using Rapport.Research.Sessions;

namespace Rapport.Api;

/// <summary>
/// Interviews and focus groups (<c>/research-sessions</c>: write-crm, they are customer interactions) and the review of
/// emergent themes (<c>/themes</c>: write-research). docs/research.md.
/// </summary>
public static class ResearchEndpoints
{
    /// <summary>Body of <c>POST /research-sessions/{id}/participants</c>.</summary>
    public sealed record ParticipantsBody(IReadOnlyList<long>? CustomerIds);

    /// <summary>Body of <c>PUT /research-sessions/{id}/excerpts/{excerptId}/codes</c>.</summary>
    public sealed record CodesBody(IReadOnlyList<ExcerptCodeRequest?>? Codes);

    public static RouteGroupBuilder MapResearchEndpoints(this RouteGroupBuilder api)
    {
        MapSessions(api.MapGroup("/research-sessions").WithTags("Research sessions").RequireAuthorization(Policies.ResearchView));
        MapThemes(api.MapGroup("/themes").WithTags("Themes").RequireAuthorization(Policies.ResearchView));
        return api;
    }

    private static Results<Ok<SessionDetail>, ProblemHttpResult> Answer(Result<SessionDetail> result, HttpResponse response)
    {
        if (!result.IsOk)
        {
            return ApiProblems.From(result);
        }

        response.Headers.ETag = ETags.Of(result.Value!.Version);
        return TypedResults.Ok(result.Value);
    }

    private static void MapSessions(RouteGroupBuilder group)
    {
        group.MapGet("/", async Task<Results<Ok<Page<SessionRow>>, ProblemHttpResult>> (
                string? kind, long? customerId, int? limit, string? after, ListSessions list, CancellationToken ct) =>
            {
                var errors = new FieldErrors();
                var parsed = ApiEnums.Parse<SessionKind>(kind, "kind", errors);
                if (errors.Any)
                {
                    return ApiProblems.Validation(errors.ToDictionary());
                }

                var result = await list.HandleAsync(new ListSessionsQuery(parsed, customerId, limit, after), ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithSummary("List interviews and focus groups, newest first (filter by kind, participant customerId; keyset paging)")
            .WithDescription("kind: interview or focusGroup. limit 1..200 (default 50); after: the 'next' cursor of the previous page.");

        group.MapPost("/", async Task<Results<Created<SessionDetail>, ProblemHttpResult>> (
                CreateSessionRequest body, CreateSession create, ClaimsPrincipal user, HttpResponse response, CancellationToken ct) =>
            {
                var result = await create.HandleAsync(body, user.GetUserId(), ct);
                if (!result.IsOk)
                {
                    return ApiProblems.From(result);
                }

                response.Headers.ETag = ETags.Of(result.Value!.Version);
                return TypedResults.Created($"/api/v1/research-sessions/{result.Value.Id}", result.Value);
            })
            .RequireAuthorization(Policies.CustomersEdit)
            .WithIdempotency()
            .WithSummary("Record an interview or focus group: kind, title, heldAt, interviewer, transcript, summary, participantIds")
            .WithDescription($"The transcript is at most {SessionLimits.Transcript:N0} characters; line breaks are stored as \\n. " +
                $"At most {SessionLimits.Participants} participants, each an existing customer. The transcript's value mentions become evidence.");

        group.MapGet("/{id:long}", async Task<Results<Ok<SessionDetail>, ProblemHttpResult>> (long id, GetSession get, HttpResponse response, CancellationToken ct) =>
                Answer(await get.HandleAsync(id, ct), response))
            .WithSummary("Read a session with its transcript, participants and coded excerpts. ETag = version");

        group.MapPatch("/{id:long}", async Task<Results<Ok<SessionDetail>, ProblemHttpResult>> (
                long id, SessionChanges body, UpdateSession update, [FromHeader(Name = "If-Match")] string? ifMatch, HttpResponse response, CancellationToken ct) =>
            {
                if (ETags.IfMatch(ifMatch, required: true, out var version) is { } problem)
                {
                    return problem;
                }

                return Answer(await update.HandleAsync(id, version, body, ct), response);
            })
            .RequireAuthorization(Policies.CustomersEdit)
            .WithSummary("Change a session (merge patch); requires If-Match")
            .WithDescription("A new transcript keeps every excerpt whose words it still contains (the excerpt moves with them); " +
                "one that would lose an excerpt's words is refused on transcript.");

        group.MapDelete("/{id:long}", async Task<Results<NoContent, ProblemHttpResult>> (long id, DeleteSession delete, CancellationToken ct) =>
            {
                var result = await delete.HandleAsync(id, ct);
                return result.IsOk ? TypedResults.NoContent() : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.CustomersDelete)
            .WithSummary("Delete a session with its excerpts and the evidence they gave");

        group.MapPost("/{id:long}/participants", async Task<Results<Ok<SessionDetail>, ProblemHttpResult>> (
                long id, ParticipantsBody body, AddParticipants add, HttpResponse response, CancellationToken ct) =>
                Answer(await add.HandleAsync(id, body.CustomerIds, ct), response))
            .RequireAuthorization(Policies.CustomersEdit)
            .WithSummary("Add participants ({\"customerIds\": [..]}); customers already taking part are kept");

        group.MapDelete("/{id:long}/participants/{customerId:long}", async Task<Results<Ok<SessionDetail>, ProblemHttpResult>> (
                long id, long customerId, RemoveParticipant remove, HttpResponse response, CancellationToken ct) =>
                Answer(await remove.HandleAsync(id, customerId, ct), response))
            .RequireAuthorization(Policies.CustomersDelete)
            .WithSummary("Remove a participant (409 while an excerpt names them as its speaker)");

        group.MapPost("/{id:long}/excerpts", async Task<Results<Created<ExcerptDetail>, ProblemHttpResult>> (
                long id, AddExcerptRequest body, AddExcerpt add, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var result = await add.HandleAsync(id, body, user.GetUserId(), ct);
                return result.IsOk ? TypedResults.Created($"/api/v1/research-sessions/{id}/excerpts/{result.Value!.Id}", result.Value) : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.CustomersEdit)
            .WithIdempotency()
            .WithSummary("Code an excerpt of the transcript: start and length (UTF-16) or the quoted text, a speaker, codes")
            .WithDescription("codes: [{\"value\": \"sustainability\", \"stance\": \"cares\"}, {\"theme\": \"gift wrapping\", \"stance\": \"indifferent\"}]. " +
                "A value code is evidence for the speaker, or for every participant when there is none (signal +1 cares, -1 indifferent).");

        group.MapPut("/{id:long}/excerpts/{excerptId:long}/codes", async Task<Results<Ok<ExcerptDetail>, ProblemHttpResult>> (
                long id, long excerptId, CodesBody body, SetExcerptCodes set, CancellationToken ct) =>
            {
                var result = await set.HandleAsync(id, excerptId, body.Codes, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.CustomersEdit)
            .WithSummary("Replace an excerpt's codes ({\"codes\": [..]})");

        group.MapDelete("/{id:long}/excerpts/{excerptId:long}", async Task<Results<NoContent, ProblemHttpResult>> (
                long id, long excerptId, DeleteExcerpt delete, CancellationToken ct) =>
            {
                var result = await delete.HandleAsync(id, excerptId, ct);
                return result.IsOk ? TypedResults.NoContent() : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.CustomersDelete)
            .WithSummary("Delete an excerpt and its evidence");
    }

    private static void MapThemes(RouteGroupBuilder group)
    {
        group.MapGet("/", async Task<Results<Ok<IReadOnlyList<ThemeProposalDetail>>, ProblemHttpResult>> (
                string? status, ListThemeProposals list, CancellationToken ct) =>
            {
                var errors = new FieldErrors();
                var parsed = ApiEnums.Parse<ProposalStatus>(status, "status", errors);
                if (errors.Any)
                {
                    return ApiProblems.Validation(errors.ToDictionary());
                }

                return TypedResults.Ok(await list.HandleAsync(parsed ?? ProposalStatus.Proposed, ct));
            })
            .WithSummary("Emergent themes proposed for review, most distinctive first")
            .WithDescription($"status: proposed (default), accepted, addedToVocabulary or dismissed. At most {ListThemeProposals.MaxRows}.");

        group.MapPost("/refresh", async Task<Ok<ThemeRefreshSummary>> (RefreshThemeProposals refresh, CancellationToken ct) =>
                TypedResults.Ok(await refresh.HandleAsync(ct)))
            .RequireAuthorization(Policies.ResearchEdit)
            .WithSummary("Propose emergent themes again from all free text (survey answers, transcripts, interaction notes)")
            .WithDescription("Decided proposals (accepted, added, dismissed) are kept and never proposed again.");

        group.MapPost("/{id:long}/accept", async Task<Results<Ok<ThemeProposalDetail>, ProblemHttpResult>> (
                long id, AcceptThemeRequest? body, AcceptThemeProposal accept, ClaimsPrincipal user, CancellationToken ct) =>
                Answer(await accept.HandleAsync(id, body ?? new AcceptThemeRequest(), ValueEndpoints.ActorOf(user), ct)))
            .RequireAuthorization(Policies.ResearchEdit)
            .WithSummary("Accept a theme as a new value (key and name default to the phrase; the phrase is its vocabulary)");

        group.MapPost("/{id:long}/add-to-value", async Task<Results<Ok<ThemeProposalDetail>, ProblemHttpResult>> (
                long id, AddThemeToValueRequest body, AddThemeToValue add, ClaimsPrincipal user, CancellationToken ct) =>
                Answer(await add.HandleAsync(id, body, ValueEndpoints.ActorOf(user), ct)))
            .RequireAuthorization(Policies.ResearchEdit)
            .WithSummary("Add the theme's phrase to an existing value's vocabulary ({\"value\": key})");

        group.MapPost("/{id:long}/dismiss", async Task<Results<Ok<ThemeProposalDetail>, ProblemHttpResult>> (
                long id, DismissThemeProposal dismiss, ClaimsPrincipal user, CancellationToken ct) =>
                Answer(await dismiss.HandleAsync(id, ValueEndpoints.ActorOf(user), ct)))
            .RequireAuthorization(Policies.ResearchEdit)
            .WithSummary("Dismiss a theme: it is never proposed again");
    }

    private static Results<Ok<ThemeProposalDetail>, ProblemHttpResult> Answer(Result<ThemeProposalDetail> result) =>
        result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
}
