using Microsoft.AspNetCore.Http.HttpResults;
using Rapport.Analytics;
using Rapport.Identity;

namespace Rapport.Api;

/// <summary>
/// <c>/api/v1/analytics</c>: what the latest analytics run computed, the runs, a recompute; <c>/api/v1/kpis</c>: the KPIs
/// against their targets. See docs/analytics.md.
/// </summary>
public static class AnalyticsEndpoints
{
    public static RouteGroupBuilder MapAnalyticsEndpoints(this RouteGroupBuilder api)
    {
        var analytics = api.MapGroup("/analytics").WithTags("Analytics");

        analytics.MapGet("/", async (GetAnalytics get, CancellationToken ct) => TypedResults.Ok(await get.HandleAsync(ct)))
            .RequireAuthorization(Policies.AnalyticsView)
            .WithSummary("The latest analytics run's results: model fits and diagnostics, RFM segments, best customers, cohorts, CLV totals")
            .WithDescription("Run is the latest succeeded run (null before the first); Newest is a run waiting or running if there is one, else the newest run of any status (so a failed last run shows).");

        analytics.MapGet("/runs", async Task<Results<Ok<IReadOnlyList<AnalyticsRunRow>>, ProblemHttpResult>> (
                int? limit, ListAnalyticsRuns list, CancellationToken ct) =>
            {
                var result = await list.HandleAsync(limit, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.AnalyticsView)
            .WithSummary("The latest analytics runs, newest first")
            .WithDescription($"limit: 1..{ListAnalyticsRuns.MaxLimit} (default 20).");

        analytics.MapPost("/recompute", async (RequestAnalytics request, CancellationToken ct) =>
                TypedResults.Accepted("/api/v1/analytics/runs", new { runId = await request.RequestAsync(AnalyticsTrigger.Manual, ct) }))
            .RequireAuthorization(Policies.AnalyticsEdit)
            .WithSummary("Queue a full recompute of the analytics; answers the queued run's id")
            .WithDescription("At most one run waits at a time: asking while one waits answers that run.");

        analytics.MapGet("/rfm-segments", () => TypedResults.Ok(RfmSegments.All.Select(d => new
            {
                d.Key,
                d.Name,
                d.Description,
                d.Rule,
                Cells = d.Cells.Select(c => new { r = c.Recency, fm = c.FrequencyMonetary }),
            })))
            .RequireAuthorization(Policies.AnalyticsView)
            .WithSummary("The named RFM segments with their definitions and the cells of the R × FM grid each one holds");

        analytics.MapGet("/rfm-segments/{key}/customers", async Task<Results<Ok<IReadOnlyList<SegmentMemberRow>>, ProblemHttpResult>> (
                string key, int? limit, ListRfmSegmentMembers list, CancellationToken ct) =>
            {
                var result = await list.HandleAsync(key, limit, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.AnalyticsView)
            .WithSummary("The customers of one RFM segment, highest revenue first")
            .WithDescription($"limit: 1..{ListRfmSegmentMembers.MaxLimit} (default 50).");

        analytics.MapGet("/top-customers", async Task<Results<Ok<IReadOnlyList<TopCustomerRow>>, ProblemHttpResult>> (
                int? limit, GetTopCustomers top, CancellationToken ct) =>
            {
                var result = await top.HandleAsync(limit, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.AnalyticsView)
            .WithSummary("The best customers of the latest run by revenue, with their names, share of revenue and the categories they buy most")
            .WithDescription($"limit: 1..{GetTopCustomers.MaxLimit} (default 20).");

        analytics.MapGet("/new-customer", async Task<Results<Ok<NewCustomerOutlook>, NoContent, ProblemHttpResult>> (
                int? months, GetNewCustomerOutlook outlook, CancellationToken ct) =>
            {
                var result = await outlook.HandleAsync(months, ct);
                if (!result.IsOk)
                {
                    return ApiProblems.From(result);
                }

                return result.Value is { } value ? TypedResults.Ok(value) : TypedResults.NoContent();
            })
            .RequireAuthorization(Policies.AnalyticsView)
            .WithSummary("What the latest purchase model expects of a new customer: expected repeat purchases and P(0, 1, … 9, 10 or more) in their first months")
            .WithDescription($"months: 1..{GetNewCustomerOutlook.MaxMonths} (default: the CLV horizon). 204 when no purchase model could be fitted.");

        var kpis = api.MapGroup("/kpis").WithTags("Analytics");

        kpis.MapGet("/", async Task<Results<Ok<KpiReport>, ProblemHttpResult>> (string? period, GetKpis get, CancellationToken ct) =>
            {
                var result = await get.HandleAsync(period, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.AnalyticsView)
            .WithSummary("Every KPI with its definition, its value in the latest complete period, its target and status, and its series")
            .WithDescription("period: month (default), quarter or year. Percentages are fractions (0.25 = 25 %); money is in the reporting currency.");

        kpis.MapPut("/{key}/target", async Task<Results<Ok<KpiView>, NoContent, ProblemHttpResult>> (
                string key, SetKpiTargetRequest body, SetKpiTarget set, HttpContext http, CancellationToken ct) =>
            {
                var result = await set.HandleAsync(key, body, http.User.GetUserId(), ct);
                if (!result.IsOk)
                {
                    return ApiProblems.From(result);
                }

                return result.Value is { } view ? TypedResults.Ok(view) : TypedResults.NoContent();
            })
            .RequireAuthorization(Policies.AnalyticsEdit)
            .WithSummary("Set the target of a KPI ({\"target\": 0.4}); {\"target\": null} removes it")
            .WithDescription("Percent KPIs take fractions from 0 to 1.");
        return api;
    }
}
