using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Rapport.Identity;
using Rapport.Values.Profiles;

namespace Rapport.Api;

/// <summary>
/// Customer value profiles (docs/values.md, "Customer value profiles"): a customer's scores with their evidence
/// (<c>read</c>), the profiling switch (<c>write-crm</c>, like the rest of a customer's record) and the full
/// recompute (<c>write-research</c>: admin and marketing, who run the research the profiles come from).
/// </summary>
public static class ValueProfileEndpoints
{
    public static RouteGroupBuilder MapValueProfileEndpoints(this RouteGroupBuilder api)
    {
        // A merged-away customer answers 404 /problems/merged naming the survivor, as every /customers/{id} route does.
        var customers = api.MapGroup("/customers").WithTags("Value profiles").RequireAuthorization(Policies.CustomersView).AddEndpointFilter<MergedCustomerFilter>();
        customers.MapGet("/{id:long}/values", async Task<Results<Ok<CustomerValues>, ProblemHttpResult>> (long id, GetCustomerValues get, CancellationToken ct) =>
            {
                var result = await get.HandleAsync(id, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithSummary("A customer's value profile: every value with evidence, its score (0–1), confidence (0–1 and in words) and the evidence behind it")
            .WithDescription("Computed from the customer's evidence and purchases as they are now, with the scoring of the stored profiles. " +
                "Each evidence item: kind (stated, coded, mention, purchase), sourceType and sourceId, observedAt, signal, weight after decay, quote. " +
                "With profiling off: profilingEnabled false, no values, alignment null.");

        customers.MapPut("/{id:long}/profiling", async Task<Results<Ok<ProfilingState>, ProblemHttpResult>> (
                long id, SetProfilingRequest body, SetProfiling set, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var result = await set.HandleAsync(id, body, ValueEndpoints.ActorOf(user), ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.CustomersEdit)
            .WithSummary("Switch value profiling on or off for a customer ({\"enabled\": false})")
            .WithDescription("Off deletes the customer's scores and alignment at once; their evidence is kept but not used until it is switched on again.");

        api.MapPost("/values/profiles/recompute", async Task<Ok<ValueProfileRun>> (RecomputeValueProfiles recompute, CancellationToken ct) =>
                TypedResults.Ok(await recompute.AllAsync(ct)))
            .WithTags("Value profiles")
            .RequireAuthorization(Policies.ResearchEdit)
            .WithSummary("Recompute every customer's value profile and alignment now")
            .WithDescription("The web host also does this after every analytics run and shortly after evidence, ratings or product tags change.");
        return api;
    }
}
