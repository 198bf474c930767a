using Microsoft.AspNetCore.Http.HttpResults;
using Rapport.Identity;
using Rapport.Values.Map;

namespace Rapport.Api;

/// <summary>The shared-values map, the gap report and the evolution of priorities (docs/values.md); reads, policy <c>read</c>.</summary>
public static class ValueMapEndpoints
{
    public static RouteGroupBuilder MapValueMapEndpoints(this RouteGroupBuilder api)
    {
        // "/values/map" and "/values/trends" are literal routes, chosen before "/values/{key}"; the keys are reserved.
        api.MapGet("/values/map", async Task<Results<Ok<SharedValueMap>, ProblemHttpResult>> (
                string? weighting, string? tag, string? segment, GetValueMap map, CancellationToken ct) =>
            {
                var result = await map.HandleAsync(new ValueMapQuery(weighting, tag, segment), ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithTags("Values")
            .RequireAuthorization(Policies.AnalyticsView)
            .WithSummary("The shared-values map: per active value, customer and business importance and the quadrant, ranked")
            .WithDescription("weighting: none (default), revenue or clv; tag: only customers with this tag; segment: only customers in this RFM segment (its key, e.g. champions). " +
                "Values are ranked shared first (what the CRM plan builds on), then opportunity, misaligned, low priority; values unrated or with too little evidence come last without a rank.");

        api.MapGet("/product-values/gaps", async Task<Results<Ok<ValueGapReport>, ProblemHttpResult>> (
                string? by, GetValueGaps gaps, CancellationToken ct) =>
            {
                var result = await gaps.HandleAsync(new ValueGapQuery(by), ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithTags("Values")
            .RequireAuthorization(Policies.AnalyticsView)
            .WithSummary("The gap report: values the best customers hold that no active product supports, and products whose values few customers hold")
            .WithDescription($"by: revenue (default) or clv, which picks the best customers (the top {ValueGapRules.BestShare:P0}). " +
                $"A customer holds a value with a score of at least {ValueGapRules.HoldsScore}; a product reaches few customers below {ValueGapRules.FewShare:P0} of the profiled ones. At most {GetValueGaps.MaxProducts} products, the lowest share first.");

        api.MapGet("/values/trends", async Task<Results<Ok<ValueTrends>, ProblemHttpResult>> (
                int? months, GetValueTrends trends, CancellationToken ct) =>
            {
                var result = await trends.HandleAsync(new ValueTrendQuery(months), ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithTags("Values")
            .RequireAuthorization(Policies.AnalyticsView)
            .WithSummary("The evolution of priorities: per active value and month, the share of comments mentioning it and the stated importance; shifts of the last 3 months")
            .WithDescription($"months: {GetValueTrends.MinMonths}–{GetValueTrends.MaxMonths} (default {GetValueTrends.DefaultMonths}), UTC calendar months, the current one included. " +
                "shifts: two-proportion z-tests of the last 3 months against the 12 before, Bonferroni-corrected over every series tested, at 1 %.");
        return api;
    }
}
