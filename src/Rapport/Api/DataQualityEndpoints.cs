using Microsoft.AspNetCore.Http.HttpResults;
using Rapport.DataQuality;
using Rapport.Identity;

namespace Rapport.Api;

/// <summary><c>/api/v1/data-quality</c>: completeness per field, invalid contacts, likely duplicates, stale records, unused companies and products.</summary>
public static class DataQualityEndpoints
{
    public static RouteGroupBuilder MapDataQualityEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/data-quality", async Task<Results<Ok<DataQualityReport>, ProblemHttpResult>> (
                int? staleMonths, GetDataQuality get, CancellationToken ct) =>
            {
                var result = await get.HandleAsync(staleMonths, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithTags("Data quality")
            .RequireAuthorization(Policies.AnalyticsView)
            .WithSummary("The state of the customer data: completeness per field, invalid emails and phones, likely duplicates, stale records")
            .WithDescription($"staleMonths: customers neither updated nor active for this many months count as stale (1..{GetDataQuality.MaxStaleMonths}, default {GetDataQuality.DefaultStaleMonths}). " +
                $"Each list holds at most {GetDataQuality.ListSize} items; the count is exact.");
        return api;
    }
}
