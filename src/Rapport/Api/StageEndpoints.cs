using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Rapport.Common;
using Rapport.Identity;
using Rapport.Stages;

namespace Rapport.Api;

/// <summary>
/// Relationship stages (docs/stages.md): counts, the funnel, the rules' settings (read by everyone, written by
/// <c>write-catalog</c>, with ETag/If-Match), a customer's stage with its history, and manual overrides (<c>write-crm</c>).
/// Invalid input is a 400 <c>/problems/validation</c> with per-field errors, as everywhere in the API.
/// </summary>
public static class StageEndpoints
{
    public sealed record StageCountRow(Stage Stage, int Customers);

    public sealed record StageCountsResponse(IReadOnlyList<StageCountRow> Stages, int Total);

    public static RouteGroupBuilder MapStageEndpoints(this RouteGroupBuilder api)
    {
        var stages = api.MapGroup("/stages").WithTags("Stages").RequireAuthorization(Policies.SegmentsView);
        stages.MapGet("", async Task<Ok<StageCountsResponse>> (GetStageCounts counts, CancellationToken ct) =>
            {
                var rows = await counts.HandleAsync(ct);
                return TypedResults.Ok(new StageCountsResponse([.. rows.Select(r => new StageCountRow(r.Stage, r.Customers))], rows.Sum(r => r.Customers)));
            })
            .WithSummary("Customers per stage now, in journey order (prospecting, consideration, purchase, connection, loyalty)");

        stages.MapGet("/funnel", async Task<Results<Ok<StageFunnel>, ProblemHttpResult>> (string? from, string? to, GetStageFunnel funnel, CancellationToken ct) =>
            {
                var errors = new FieldErrors();
                var fromDate = Date(errors, "from", from);
                var toDate = Date(errors, "to", to);
                if (errors.Any)
                {
                    return Invalid(errors.ToDictionary());
                }

                var result = await funnel.HandleAsync(new StageFunnelQuery(fromDate, toDate), ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : Problem(result);
            })
            .WithSummary("The funnel over a period (from/to: dates, both included, UTC; default the last 365 days)")
            .WithDescription("Per stage: customers now; entries during the period; how many of those moved on to a later stage before its end " +
                "and the conversion rate; stays that ended in the period and their median length in days.");

        stages.MapGet("/settings", async Task<Ok<StageSettings>> (GetStageSettings get, HttpResponse response, CancellationToken ct) =>
            {
                var detail = await get.HandleAsync(ct);
                response.Headers.ETag = ETags.Of(detail.Version);
                return TypedResults.Ok(detail.Settings);
            })
            .WithSummary("The stage rules' thresholds; ETag is their version (\"0\" while the defaults were never saved)");

        stages.MapPut("/settings", async Task<Results<Ok<StageSettings>, ProblemHttpResult>> (
                UpdateStageSettingsRequest body, [FromHeader(Name = "If-Match")] string? ifMatch, UpdateStageSettings update,
                ClaimsPrincipal user, HttpResponse response, CancellationToken ct) =>
            {
                if (ETags.IfMatch(ifMatch, required: false, out var version) is { } problem)
                {
                    return problem;
                }

                var result = await update.HandleAsync(body, version, user.GetUserId(), ct);
                if (!result.IsOk)
                {
                    return Problem(result);
                }

                response.Headers.ETag = ETags.Of(result.Value!.Version);
                return TypedResults.Ok(result.Value.Settings);
            })
            .RequireAuthorization(Policies.SegmentsEdit)
            .WithSummary("Change the thresholds (omitted fields keep their value); every stage is recomputed")
            .WithDescription("Windows 1–3650 days, loyaltyMinPurchases 1–1000, loyaltyMinPAlive 0–1, promoterMinScore 0–10, engagementTypes " +
                "a non-empty list of interaction types. With If-Match, a stale version is 412. Up to Rapport:Stages:InlineRecomputeLimit " +
                "customers (20,000) the recompute is done when the response arrives; above, it runs in the background.");

        stages.MapPost("/recompute", async Task<Ok<StageRecomputeResult>> (RecomputeStages recompute, CancellationToken ct) =>
                TypedResults.Ok(await recompute.AllAsync(ct)))
            .RequireAuthorization(Policies.AdminEdit)
            .WithSummary("Recompute every customer's stage now; answers the counts per stage, how many changed and the time taken");

        var customers = api.MapGroup("/customers").WithTags("Stages").RequireAuthorization(Policies.CustomersView).AddEndpointFilter<MergedCustomerFilter>();
        customers.MapGet("/{id:long}/stage", async Task<Results<Ok<CustomerStageDetail>, ProblemHttpResult>> (long id, GetCustomerStage get, CancellationToken ct) =>
            {
                var result = await get.HandleAsync(id, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : Problem(result);
            })
            .WithSummary("A customer's stage, since when, the override holding it (if any) and the full history, newest first");

        customers.MapPut("/{id:long}/stage/override", async Task<Results<Ok<CustomerStageDetail>, ProblemHttpResult>> (
                long id, SetStageOverrideRequest body, SetStageOverride set, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var result = await set.HandleAsync(id, body, user.GetUserId(), ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : Problem(result);
            })
            .RequireAuthorization(Policies.CustomersEdit)
            .WithSummary("Override a customer's stage: {\"stage\":\"loyalty\",\"reason\":\"…\",\"expiresAt\":null}; wins over the rules until it expires or is removed");

        customers.MapDelete("/{id:long}/stage/override", async Task<Results<Ok<CustomerStageDetail>, ProblemHttpResult>> (
                long id, RemoveStageOverride remove, CancellationToken ct) =>
            {
                var result = await remove.HandleAsync(id, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : Problem(result);
            })
            .RequireAuthorization(Policies.CustomersDelete)
            .WithSummary("Remove a customer's override; the rules place them again at once");
        return api;
    }

    private static DateOnly? Date(FieldErrors errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        errors.Add(field, "Must be a date as yyyy-MM-dd.");
        return null;
    }

    private static ProblemHttpResult Problem<T>(Result<T> result) => ApiProblems.From(result);

    private static ProblemHttpResult Invalid(IReadOnlyDictionary<string, string[]> errors) => ApiProblems.Validation(errors);
}
