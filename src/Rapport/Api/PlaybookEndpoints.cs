using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Rapport.Identity;
using Rapport.Playbooks;
using Rapport.Stages;

namespace Rapport.Api;

public static class PlaybookEndpoints
{
    public static RouteGroupBuilder MapPlaybookEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/playbooks").WithTags("Playbooks").RequireAuthorization(Policies.SegmentsView);

        group.MapGet("/", async Task<Ok<IReadOnlyList<PlaybookDetail>>> (ListPlaybooks list, CancellationToken ct) =>
                TypedResults.Ok(await list.HandleAsync(ct)))
            .WithSummary("Every stage's playbook (cadence, channels, emphasis, templates), prospecting to loyalty");

        group.MapGet("/{stage}", async Task<Results<Ok<PlaybookDetail>, ProblemHttpResult>> (string stage, GetPlaybook get, HttpResponse response, CancellationToken ct) =>
            {
                if (!Stages.Stages.TryParse(stage, out var s))
                {
                    return UnknownStage(stage);
                }

                var result = await get.HandleAsync(s, ct);
                if (!result.IsOk)
                {
                    return ApiProblems.From(result);
                }

                response.Headers.ETag = ETags.Of(result.Value!.Version);
                return TypedResults.Ok(result.Value);
            })
            .WithSummary("One stage's playbook; stage is prospecting, consideration, purchase, connection or loyalty");

        group.MapPut("/{stage}", async Task<Results<Ok<PlaybookDetail>, ProblemHttpResult>> (
                string stage, UpdatePlaybookRequest body, UpdatePlaybook update, [FromHeader(Name = "If-Match")] string? ifMatch,
                HttpContext http, CancellationToken ct) =>
            {
                if (!Stages.Stages.TryParse(stage, out var s))
                {
                    return UnknownStage(stage);
                }

                if (ETags.IfMatch(ifMatch, required: true, out var version) is { } problem)
                {
                    return problem;
                }

                var result = await update.HandleAsync(s, version, body, http.User.GetUserId(), ct);
                if (!result.IsOk)
                {
                    return ApiProblems.From(result);
                }

                http.Response.Headers.ETag = ETags.Of(result.Value!.Version);
                return TypedResults.Ok(result.Value);
            })
            .RequireAuthorization(Policies.SegmentsEdit)
            .WithSummary("Replace a stage's playbook (every field); requires If-Match")
            .WithDescription("minDaysBetweenContacts 0..365; maxContactsPerThirtyDays 1..30 and reachable with that spacing; " +
                             "maxDaysWithoutContact 1..730 and above the spacing, or null (no follow-up tasks); channels: interaction channels, " +
                             "at least one, no repeats; emphasis: educate, reassure, thank, deepen or reward; templates: at most 20 lines.");

        api.MapGet("/customers/{id:long}/cadence", async Task<Results<Ok<CadenceStatus>, ProblemHttpResult>> (
                long id, DateTimeOffset? at, CheckCadence check, CancellationToken ct) =>
            {
                var result = await check.HandleAsync(id, at, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithTags("Playbooks")
            .RequireAuthorization(Policies.SegmentsView)
            .WithSummary("A customer against their stage's playbook: last contact, contacts in 30 days, next contact allowed from, overdue since")
            .WithDescription("at: the instant to judge (default now). warnings: why an outbound contact at that instant would break the " +
                             "playbook; lastContactWarnings: what the latest outbound contact broke when it was made. Logging an interaction is " +
                             "never refused for cadence reasons.");

        return api;
    }

    private static ProblemHttpResult UnknownStage(string stage) =>
        ApiProblems.NotFound($"There is no stage '{stage}': use prospecting, consideration, purchase, connection or loyalty.");
}
