using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Rapport.Common;
using Rapport.Identity;
using Rapport.Plan;

namespace Rapport.Api;

/// <summary>
/// The CRM plan (docs/plan.md): GET /api/v1/plan is the whole plan with computed progress; its parts are written by
/// their own endpoints. Reads need <c>read</c>; writes <c>write-catalog</c> (admin, marketing). Every write stamps the
/// plan's version (the ETag of GET /plan and of every write's answer); If-Match is optional and checked when sent.
/// Invalid fields answer 400 with per-field errors.
/// </summary>
public static class PlanEndpoints
{
    public static RouteGroupBuilder MapPlanEndpoints(this RouteGroupBuilder api)
    {
        var plan = api.MapGroup("/plan").WithTags("Plan").RequireAuthorization(Policies.SegmentsView);

        plan.MapGet("/", async (GetPlan get, HttpResponse response, CancellationToken ct) =>
            {
                var document = await get.HandleAsync(ct);
                response.Headers.ETag = ETags.Of(document.Version);
                return TypedResults.Ok(document);
            })
            .WithSummary("The whole CRM plan: goals with objectives and their progress, target segments, prioritised values with pillars, the communication plan per stage, the data plan, KPI targets. ETag = the plan's version");

        plan.MapPut("/", (UpdatePlanRequest body, UpdatePlanSummary update, GetPlan get, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user, HttpResponse response, CancellationToken ct) =>
                Write(ifMatch, response, get, v => update.HandleAsync(body, v, ValueEndpoints.ActorOf(user), ct), ct))
            .RequireAuthorization(Policies.SegmentsEdit)
            .WithSummary("Set the plan's title, summary and period; answers the plan");

        plan.MapGet("/goals/{id:long}", async Task<Results<Ok<PlanGoalView>, ProblemHttpResult>> (long id, GetPlan get, HttpResponse response, CancellationToken ct) =>
            {
                var document = await get.HandleAsync(ct);
                response.Headers.ETag = ETags.Of(document.Version);
                return document.Goals.FirstOrDefault(g => g.Id == id) is { } goal ? TypedResults.Ok(goal) : ApiProblems.NotFound($"The plan has no goal {id}.");
            })
            .WithSummary("One goal with its objectives and their progress");

        plan.MapPost("/goals", async Task<Results<Created<PlanGoalView>, ProblemHttpResult>> (
                PlanGoalRequest body, CreatePlanGoal create, GetPlan get, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user, HttpResponse response, CancellationToken ct) =>
            {
                if (ETags.IfMatch(ifMatch, required: false, out var version) is { } problem)
                {
                    return problem;
                }

                var result = await create.HandleAsync(body, version, ValueEndpoints.ActorOf(user), ct);
                if (!result.IsOk)
                {
                    return Problem(result);
                }

                var document = await get.HandleAsync(ct);
                response.Headers.ETag = ETags.Of(result.Value!.Version);
                return TypedResults.Created($"/api/v1/plan/goals/{result.Value.Id}", document.Goals.Single(g => g.Id == result.Value.Id));
            })
            .RequireAuthorization(Policies.SegmentsEdit)
            .WithSummary("Add a goal {title, description}");

        plan.MapPut("/goals/{id:long}", async Task<Results<Ok<PlanGoalView>, ProblemHttpResult>> (
                long id, PlanGoalRequest body, UpdatePlanGoal update, GetPlan get, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user, HttpResponse response, CancellationToken ct) =>
            {
                if (ETags.IfMatch(ifMatch, required: false, out var version) is { } problem)
                {
                    return problem;
                }

                var result = await update.HandleAsync(id, body, version, ValueEndpoints.ActorOf(user), ct);
                if (!result.IsOk)
                {
                    return Problem(result);
                }

                response.Headers.ETag = ETags.Of(result.Value!.Version);
                return TypedResults.Ok((await get.HandleAsync(ct)).Goals.Single(g => g.Id == id));
            })
            .RequireAuthorization(Policies.SegmentsEdit)
            .WithSummary("Change a goal's title and description");

        plan.MapDelete("/goals/{id:long}", (long id, DeletePlanGoal delete, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user, HttpResponse response, CancellationToken ct) =>
                Delete(ifMatch, response, v => delete.HandleAsync(id, v, ValueEndpoints.ActorOf(user), ct)))
            .RequireAuthorization(Policies.SegmentsDelete)
            .WithSummary("Remove a goal and its objectives");

        plan.MapPost("/goals/{id:long}/objectives", async Task<Results<Created<PlanObjectiveView>, ProblemHttpResult>> (
                long id, PlanObjectiveRequest body, CreatePlanObjective create, GetPlan get, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user, HttpResponse response, CancellationToken ct) =>
            {
                if (ETags.IfMatch(ifMatch, required: false, out var version) is { } problem)
                {
                    return problem;
                }

                var result = await create.HandleAsync(id, body, version, ValueEndpoints.ActorOf(user), ct);
                if (!result.IsOk)
                {
                    return Problem(result);
                }

                response.Headers.ETag = ETags.Of(result.Value!.Version);
                return TypedResults.Created($"/api/v1/plan/objectives/{result.Value.Id}", await ObjectiveAsync(get, result.Value.Id!.Value, ct));
            })
            .RequireAuthorization(Policies.SegmentsEdit)
            .WithSummary("Add an objective to a goal: {kpi, target (a number in the KPI's unit; percent as a fraction), deadline yyyy-MM-dd, not in the past}; its baseline is the KPI's current value");

        plan.MapGet("/objectives/{id:long}", async Task<Results<Ok<PlanObjectiveView>, ProblemHttpResult>> (long id, GetPlan get, HttpResponse response, CancellationToken ct) =>
            {
                var document = await get.HandleAsync(ct);
                response.Headers.ETag = ETags.Of(document.Version);
                return document.Goals.SelectMany(g => g.Objectives).FirstOrDefault(o => o.Id == id) is { } objective
                    ? TypedResults.Ok(objective)
                    : ApiProblems.NotFound($"The plan has no objective {id}.");
            })
            .WithSummary("One objective with its current value, progress and status");

        plan.MapPut("/objectives/{id:long}", async Task<Results<Ok<PlanObjectiveView>, ProblemHttpResult>> (
                long id, PlanObjectiveRequest body, UpdatePlanObjective update, GetPlan get, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user, HttpResponse response, CancellationToken ct) =>
            {
                if (ETags.IfMatch(ifMatch, required: false, out var version) is { } problem)
                {
                    return problem;
                }

                var result = await update.HandleAsync(id, body, version, ValueEndpoints.ActorOf(user), ct);
                if (!result.IsOk)
                {
                    return Problem(result);
                }

                response.Headers.ETag = ETags.Of(result.Value!.Version);
                return TypedResults.Ok(await ObjectiveAsync(get, id, ct));
            })
            .RequireAuthorization(Policies.SegmentsEdit)
            .WithSummary("Change an objective (a new KPI takes a new baseline)");

        plan.MapDelete("/objectives/{id:long}", (long id, DeletePlanObjective delete, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user, HttpResponse response, CancellationToken ct) =>
                Delete(ifMatch, response, v => delete.HandleAsync(id, v, ValueEndpoints.ActorOf(user), ct)))
            .RequireAuthorization(Policies.SegmentsDelete)
            .WithSummary("Remove an objective");

        plan.MapPut("/values", (SetPlanValuesRequest body, SetPlanValues set, GetPlan get, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user, HttpResponse response, CancellationToken ct) =>
                Write(ifMatch, response, get, v => set.HandleAsync(body, v, ValueEndpoints.ActorOf(user), ct), ct))
            .RequireAuthorization(Policies.SegmentsEdit)
            .WithSummary("Replace the prioritised values with their messaging pillars: {values: [{valueId, headline, proofPoints: [..]}]}, first = highest priority");

        plan.MapGet("/values/proposal", async (ProposePlanValues propose, CancellationToken ct) => TypedResults.Ok(await propose.HandleAsync(ct)))
            .WithSummary("The shared values of the values map, in map order: what 'take from the map' would set");

        plan.MapPost("/values/from-map", (TakePlanValuesFromMap take, GetPlan get, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user, HttpResponse response, CancellationToken ct) =>
                Write(ifMatch, response, get, v => take.HandleAsync(v, ValueEndpoints.ActorOf(user), ct), ct))
            .RequireAuthorization(Policies.SegmentsEdit)
            .WithSummary("Set the prioritised values to the map's shared values in map order, keeping the pillars of values already in the plan");

        plan.MapPut("/segments", (SetPlanSegmentsRequest body, SetPlanSegments set, GetPlan get, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user, HttpResponse response, CancellationToken ct) =>
                Write(ifMatch, response, get, v => set.HandleAsync(body, v, ValueEndpoints.ActorOf(user), ct), ct))
            .RequireAuthorization(Policies.SegmentsEdit)
            .WithSummary("Replace the target segments: {segmentIds: [..]}");

        plan.MapPut("/data-plan", (SetDataPlanRequest body, SetDataPlan set, GetPlan get, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user, HttpResponse response, CancellationToken ct) =>
                Write(ifMatch, response, get, v => set.HandleAsync(body, v, ValueEndpoints.ActorOf(user), ct), ct))
            .RequireAuthorization(Policies.SegmentsEdit)
            .WithSummary("Replace the data plan: {items: [{what, purpose, source, legalBasis, retention}]}; legalBasis: consent, contract, legalObligation, vitalInterests, publicTask, legitimateInterests");

        return api;
    }

    /// <summary>A use case's failure as a problem: invalid fields are a 400 validation problem, as everywhere in the API.</summary>
    internal static ProblemHttpResult Problem<T>(Result<T> result) => ApiProblems.From(result);

    private static async Task<Results<Ok<PlanDocument>, ProblemHttpResult>> Write(string? ifMatch, HttpResponse response, GetPlan get,
        Func<int?, Task<Result<PlanWrite>>> write, CancellationToken ct)
    {
        if (ETags.IfMatch(ifMatch, required: false, out var version) is { } problem)
        {
            return problem;
        }

        var result = await write(version);
        if (!result.IsOk)
        {
            return Problem(result);
        }

        var document = await get.HandleAsync(ct);
        response.Headers.ETag = ETags.Of(document.Version);
        return TypedResults.Ok(document);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(string? ifMatch, HttpResponse response, Func<int?, Task<Result<PlanWrite>>> delete)
    {
        if (ETags.IfMatch(ifMatch, required: false, out var version) is { } problem)
        {
            return problem;
        }

        var result = await delete(version);
        if (!result.IsOk)
        {
            return Problem(result);
        }

        response.Headers.ETag = ETags.Of(result.Value!.Version);
        return TypedResults.NoContent();
    }

    private static async Task<PlanObjectiveView> ObjectiveAsync(GetPlan get, long id, CancellationToken ct) =>
        (await get.HandleAsync(ct)).Goals.SelectMany(g => g.Objectives).Single(o => o.Id == id);
}
