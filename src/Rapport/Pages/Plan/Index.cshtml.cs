using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Rapport.Analytics;
using Rapport.Api;
using Rapport.Common;
using Rapport.Data;
using Rapport.Identity;
using Rapport.Plan;
using Rapport.Values;

namespace Rapport.Pages.Plan;

/// <summary>A row of the data plan as the form posts it.</summary>
public sealed class DataRowForm
{
    public string? What { get; set; }
    public string? Purpose { get; set; }
    public string? Source { get; set; }
    public string? LegalBasis { get; set; }
    public string? Retention { get; set; }
    public bool Remove { get; set; }
}

/// <summary>
/// /plan: the CRM plan, edited section by section (ordinary posts, post–redirect–get, a message on refusal). Marketing
/// and admins edit; everyone reads. /plan/print is the same plan on one printable page.
/// </summary>
public sealed class IndexModel(GetPlan getPlan, RapportDbContext db, IConfiguration configuration, TimeProvider clock) : PageModel
{
    public PlanDocument Plan { get; private set; } = null!;
    public IReadOnlyList<(long Id, string Name, string Kind, int Members)> AllSegments { get; private set; } = [];
    public IReadOnlyList<(long Id, string Name)> AllValues { get; private set; } = [];
    public bool CanWrite => User.Can(Policies.SegmentsEdit);
    public string Currency => Metrics.CustomerMetricsUpdater.ReportingCurrencyOf(configuration);
    public string Today { get; private set; } = "";

    public async Task OnGetAsync(CancellationToken ct)
    {
        Plan = await getPlan.HandleAsync(ct);
        AllSegments = (await db.Set<Rapport.Segments.Segment>().AsNoTracking().OrderBy(s => s.Name).ThenBy(s => s.Id)
            .Select(s => new { s.Id, s.Name, s.Kind, s.MemberCount }).Take(500).ToListAsync(ct))
            .Select(s => (s.Id, s.Name, s.Kind.ToString(), s.MemberCount)).ToList();
        AllValues = (await db.TaxonomyValues.AsNoTracking().Where(v => v.Status == ValueStatus.Active).OrderBy(v => v.Name)
            .Select(v => new { v.Id, v.Name }).ToListAsync(ct)).Select(v => (v.Id, v.Name)).ToList();
        Today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    private Actor Actor => ValueEndpoints.ActorOf(User);

    public Task<IActionResult> OnPostSummaryAsync(string? title, string? summary, string? period, [FromServices] UpdatePlanSummary update, CancellationToken ct) =>
        RunAsync("summary", "The plan's summary was saved.", () => update.HandleAsync(new UpdatePlanRequest(title, summary, period), null, Actor, ct));

    public Task<IActionResult> OnPostAddGoalAsync(string? title, string? description, [FromServices] CreatePlanGoal create, CancellationToken ct) =>
        RunAsync("goals", "The goal was added.", () => create.HandleAsync(new PlanGoalRequest(title, description), null, Actor, ct));

    public Task<IActionResult> OnPostGoalAsync(long id, string? title, string? description, [FromServices] UpdatePlanGoal update, CancellationToken ct) =>
        RunAsync($"goal-{id}", "The goal was saved.", () => update.HandleAsync(id, new PlanGoalRequest(title, description), null, Actor, ct));

    public Task<IActionResult> OnPostDeleteGoalAsync(long id, [FromServices] DeletePlanGoal delete, CancellationToken ct) =>
        RunAsync("goals", "The goal was removed.", () => delete.HandleAsync(id, null, Actor, ct));

    public Task<IActionResult> OnPostAddObjectiveAsync(long goalId, string? kpi, string? target, string? deadline, [FromServices] CreatePlanObjective create, CancellationToken ct) =>
        RunAsync($"goal-{goalId}", "The objective was added.", () => create.HandleAsync(goalId, Objective(kpi, target, deadline), null, Actor, ct));

    public Task<IActionResult> OnPostObjectiveAsync(long id, long goalId, string? kpi, string? target, string? deadline, [FromServices] UpdatePlanObjective update, CancellationToken ct) =>
        RunAsync($"goal-{goalId}", "The objective was saved.", () => update.HandleAsync(id, Objective(kpi, target, deadline), null, Actor, ct));

    public Task<IActionResult> OnPostDeleteObjectiveAsync(long id, long goalId, [FromServices] DeletePlanObjective delete, CancellationToken ct) =>
        RunAsync($"goal-{goalId}", "The objective was removed.", () => delete.HandleAsync(id, null, Actor, ct));

    public Task<IActionResult> OnPostSegmentsAsync(long[]? segmentIds, [FromServices] SetPlanSegments set, CancellationToken ct) =>
        RunAsync("segments", "The target segments were saved.", () => set.HandleAsync(new SetPlanSegmentsRequest(segmentIds ?? []), null, Actor, ct));

    public Task<IActionResult> OnPostValuesFromMapAsync([FromServices] TakePlanValuesFromMap take, CancellationToken ct) =>
        RunAsync("values", "The shared values were taken from the map.", () => take.HandleAsync(null, Actor, ct));

    /// <summary>One value's pillar saved, a value added, moved or removed: the whole list is sent again.</summary>
    public async Task<IActionResult> OnPostValueAsync(long valueId, string? op, string? headline, string? proofPoints, [FromServices] SetPlanValues set, CancellationToken ct)
    {
        if (!CanWrite)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var current = (await getPlan.HandleAsync(ct)).Values
            .Select(v => new PlanValueInput(v.Id, v.Headline, v.ProofPoints)).ToList();
        var index = current.FindIndex(v => v.ValueId == valueId);
        switch (op)
        {
            case "add" when index < 0:
                current.Add(new PlanValueInput(valueId, null, null));
                break;
            case "up" when index > 0:
                (current[index - 1], current[index]) = (current[index], current[index - 1]);
                break;
            case "down" when index >= 0 && index < current.Count - 1:
                (current[index + 1], current[index]) = (current[index], current[index + 1]);
                break;
            case "remove" when index >= 0:
                current.RemoveAt(index);
                break;
            case "save" when index >= 0:
                current[index] = new PlanValueInput(valueId, headline, GetPlan.Lines(proofPoints));
                break;
        }

        return await RunAsync("values", "The values were saved.", () => set.HandleAsync(new SetPlanValuesRequest(current), null, Actor, ct));
    }

    public Task<IActionResult> OnPostDataPlanAsync(List<DataRowForm>? rows, [FromServices] SetDataPlan set, CancellationToken ct) =>
        RunAsync("data-plan", "The data plan was saved.", () => set.HandleAsync(new SetDataPlanRequest(
            [.. (rows ?? []).Where(r => !r.Remove && !(string.IsNullOrWhiteSpace(r.What) && string.IsNullOrWhiteSpace(r.Purpose)))
                .Select(r => new PlanDataItemInput(r.What, r.Purpose, r.Source, r.LegalBasis, r.Retention))]), null, Actor, ct));

    /// <summary>A target typed in the page's units (percent KPIs in percent) as the use case reads it.</summary>
    private static PlanObjectiveRequest Objective(string? kpi, string? target, string? deadline)
    {
        var definition = KpiRegistry.Default.Find(kpi?.Trim() ?? "");
        JsonElement? value = null;
        if (!string.IsNullOrWhiteSpace(target))
        {
            value = decimal.TryParse(target.Trim().TrimEnd('%').Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out var typed)
                ? JsonSerializer.SerializeToElement(definition?.Unit == KpiUnit.Percent ? typed / 100m : typed)
                : JsonSerializer.SerializeToElement(target);
        }

        return new PlanObjectiveRequest(kpi, value, deadline);
    }

    private async Task<IActionResult> RunAsync(string anchor, string done, Func<Task<Result<PlanWrite>>> write)
    {
        if (!CanWrite)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var result = await write();
        if (result.IsOk)
        {
            TempData["Flash"] = done;
        }
        else
        {
            var messages = result.Errors.Count > 0
                ? result.Errors.Select(e => $"{Field(e.Key)}: {string.Join(" ", e.Value)}")
                : [result.Message ?? "Not saved."];
            TempData["FlashError"] = "Not saved. " + string.Join(" ", messages);
        }

        return Redirect($"/plan#{anchor}");
    }

    private static string Field(string key) => key switch
    {
        "kpi" => "KPI",
        "target" => "Target",
        "deadline" => "Deadline",
        "title" => "Title",
        _ => key,
    };
}
