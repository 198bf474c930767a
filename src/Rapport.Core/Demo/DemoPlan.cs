using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Analytics;
using Rapport.Data;
using Rapport.Plan;
using Rapport.Segments;
using Rapport.Values;

namespace Rapport.Demo;

/// <summary>
/// The demo business's audiences and CRM plan, written through the same use cases as the UI and API once the demo's
/// analytics and value profiles exist: four dynamic segments, three goals with objectives set a step better than
/// today's KPI values, the shared values from the map with a messaging pillar each, the target segments and a data plan.
/// Nothing is written when the business already has segments or a plan.
/// </summary>
public static class DemoPlan
{
    private static readonly (string Name, string Description, string Rules)[] Segments =
    [
        ("Loyal regulars going quiet", "Loyalty-stage customers with no purchase for 60 days: reach them before they lapse.",
            """{"all":[{"field":"stage","op":"eq","value":"loyalty"},{"field":"daysSinceLastPurchase","op":"gt","value":60}]}"""),
        ("Coffee lovers after a first order", "Coffee lovers in the Purchase stage: the moment to deepen the relationship.",
            """{"all":[{"field":"tag","op":"eq","value":"coffee-lover"},{"field":"stage","op":"eq","value":"purchase"}]}"""),
        ("Promoters", "Customers whose latest NPS answer was 9 or 10: ask for reviews and referrals.",
            """{"field":"npsGroup","op":"eq","value":"promoter"}"""),
        ("Engaged prospects", "Customers who engaged (enquired, answered, visited) but never bought.",
            """{"field":"stage","op":"eq","value":"consideration"}"""),
    ];

    private static readonly (string Title, string Description, (string Kpi, double Step)[] Objectives)[] Goals =
    [
        ("Keep our regulars", "Fewer customers drifting away after their third order; every regular hears from us in their rhythm.",
            [("retention_rate", 0.05), ("churn_rate", -0.03)]),
        ("Turn first orders into habits", "Welcome, teach and thank: a second order within the first three months.",
            [("repeat_purchase_rate", 0.05)]),
        ("Be the café people recommend", "Act on what promoters and detractors tell us in the survey.",
            [("nps", 10)]),
    ];

    private static readonly Dictionary<string, (string Headline, string[] Proof)> Pillars = new(StringComparer.Ordinal)
    {
        ["quality"] = ("Coffee worth slowing down for", ["Roasted in small batches every week", "Every origin cupped before we buy"]),
        ["craftsmanship"] = ("Made by people who care how it is made", ["Baristas trained in our own school", "Equipment we repair, not replace"]),
        ["service"] = ("We know you, and it shows", ["Your order remembered at the counter", "Answers within a working day"]),
        ["transparency"] = ("Nothing to hide, from farm to cup", ["The price paid to each farm published", "What goes into every blend on the bag"]),
        ["ethics"] = ("Fair to farmers, fair to you", ["Direct trade with the farms we name", "No dark patterns, no surprise charges"]),
        ["sustainability"] = ("Good for the places coffee comes from", ["Compostable bags", "Deliveries grouped by neighbourhood"]),
    };

    private static readonly (string What, string Purpose, string Source, string LegalBasis, string Retention)[] DataItems =
    [
        ("Name, email, postal address", "Orders, delivery and the customer relationship", "Checkout and the café till", "contract", "While a customer, then 3 years"),
        ("Order history", "RFM, lifetime value, stages and recommendations", "Shop and till", "legitimateInterests", "7 years (accounting)"),
        ("Survey answers and comments", "Learn what customers value; NPS and CSAT", "Surveys", "consent", "3 years"),
        ("Interview notes", "Customer research on shared values", "Interviews and focus groups", "consent", "2 years"),
    ];

    public static async Task<string?> WriteAsync(IServiceProvider services, TimeProvider clock, CancellationToken ct)
    {
        var db = services.GetRequiredService<RapportDbContext>();
        if (await db.Set<Segment>().AnyAsync(ct) || await db.Set<PlanGoal>().AnyAsync(ct))
        {
            return null;
        }

        var segmentIds = new List<long>();
        foreach (var (name, description, rules) in Segments)
        {
            using var json = JsonDocument.Parse(rules);
            var created = await services.GetRequiredService<CreateSegment>()
                .HandleAsync(new SegmentRequest(name, description, "dynamic", json.RootElement.Clone()), null, ct);
            if (!created.IsOk)
            {
                throw new InvalidOperationException($"Demo segment '{name}': {created.Message} {string.Join("; ", created.Errors.SelectMany(e => e.Value))}");
            }

            segmentIds.Add(created.Value!.Id);
        }

        var actor = new Actor(null, "Demo");
        await Check(services.GetRequiredService<UpdatePlanSummary>().HandleAsync(new UpdatePlanRequest(
            "Coffee & Co CRM plan", "Keep the regulars who love our coffee, turn first orders into habits, and build on what we and our customers both care about: quality, sustainability and a warm welcome.",
            DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).Year.ToString(CultureInfo.InvariantCulture)), null, actor, ct), "summary");

        var deadline = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddMonths(6).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        foreach (var (title, description, objectives) in Goals)
        {
            await Check(services.GetRequiredService<CreatePlanGoal>().HandleAsync(new PlanGoalRequest(title, description), null, actor, ct), title);
            var goalId = await db.Set<PlanGoal>().AsNoTracking().Where(g => g.Title == title).Select(g => g.Id).SingleAsync(ct);
            foreach (var (kpi, step) in objectives)
            {
                // Created against today's value, then aimed one step better than the baseline the plan recorded.
                await Check(services.GetRequiredService<CreatePlanObjective>().HandleAsync(goalId,
                    new PlanObjectiveRequest(kpi, Number(Math.Abs(step) < 1 ? 0.5 : 50), deadline), null, actor, ct), kpi);
                var view = (await services.GetRequiredService<GetPlan>().HandleAsync(ct)).Goals.Single(g => g.Id == goalId).Objectives.Single(o => o.Kpi == kpi);
                if (view.Baseline is { } baseline)
                {
                    var target = Math.Round((double)baseline + step, 3);
                    target = view.Unit == KpiUnit.Percent ? Math.Clamp(target, 0, 1) : target;
                    await Check(services.GetRequiredService<UpdatePlanObjective>().HandleAsync(view.Id,
                        new PlanObjectiveRequest(kpi, Number(target), deadline), null, actor, ct), kpi);
                }
            }
        }

        await Check(services.GetRequiredService<TakePlanValuesFromMap>().HandleAsync(null, actor, ct), "values", optional: true);
        // A messaging pillar for each shared value the map proposed that the demo has words for.
        var taken = (await services.GetRequiredService<GetPlan>().HandleAsync(ct)).Values;
        if (taken.Any(v => Pillars.ContainsKey(v.Key)))
        {
            await Check(services.GetRequiredService<SetPlanValues>().HandleAsync(new SetPlanValuesRequest(
                [.. taken.Select(v => Pillars.TryGetValue(v.Key, out var p)
                    ? new PlanValueInput(v.Id, p.Headline, p.Proof)
                    : new PlanValueInput(v.Id, v.Headline, v.ProofPoints))]), null, actor, ct), "pillars");
        }

        await Check(services.GetRequiredService<SetPlanSegments>().HandleAsync(new SetPlanSegmentsRequest(segmentIds), null, actor, ct), "segments");
        await Check(services.GetRequiredService<SetDataPlan>().HandleAsync(new SetDataPlanRequest(
            [.. DataItems.Select(d => new PlanDataItemInput(d.What, d.Purpose, d.Source, d.LegalBasis, d.Retention))]), null, actor, ct), "data plan");
        return $"{Segments.Length} segments and a CRM plan with {Goals.Length} goals";
    }

    private static JsonElement Number(double value) => JsonSerializer.SerializeToElement(value);

    private static async Task Check(Task<Common.Result<PlanWrite>> write, string what, bool optional = false)
    {
        var result = await write;
        if (!result.IsOk && !optional)
        {
            throw new InvalidOperationException($"Demo plan, {what}: {result.Message} {string.Join("; ", result.Errors.SelectMany(e => e.Value))}");
        }
    }
}
