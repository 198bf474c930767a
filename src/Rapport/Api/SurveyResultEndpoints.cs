using Microsoft.AspNetCore.Http.HttpResults;
using Rapport.Identity;
using Rapport.Surveys;

namespace Rapport.Api;

/// <summary>A survey's results (docs/surveys.md, "Results"): a read, like the results page.</summary>
public static class SurveyResultEndpoints
{
    public static RouteGroupBuilder MapSurveyResultEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/surveys/{id:long}/results", async Task<Results<Ok<SurveyResults>, ProblemHttpResult>> (
                long id, GetSurveyResults results, CancellationToken ct) =>
            {
                var result = await results.HandleAsync(id, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithTags("Surveys")
            .RequireAuthorization(Policies.ResearchView)
            .WithSummary("A survey's results: per question the distribution, the mean, NPS and CSAT with 95 % intervals, value rankings, and free-text answers grouped by the values found in them");
        return api;
    }
}
