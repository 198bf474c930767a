using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Analytics;
using Rapport.Common;
using Rapport.Values;

namespace Rapport.Plan;

public sealed record UpdatePlanRequest(string? Title, string? Summary, string? Period);

/// <summary>Sets the plan's title, summary and period (PUT: every field replaced).</summary>
public sealed class UpdatePlanSummary(PlanStore store)
{
    public async Task<Result<PlanWrite>> HandleAsync(UpdatePlanRequest request, int? version, Actor actor, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var title = PlanStore.Text(errors, "title", request.Title, PlanRules.MaxTitle, required: true);
        var summary = PlanStore.Text(errors, "summary", request.Summary, PlanRules.MaxText, multiline: true);
        var period = PlanStore.Text(errors, "period", request.Period, PlanRules.MaxShort);
        if (errors.Any)
        {
            return errors.ToResult<PlanWrite>();
        }

        if (await store.TouchAsync(version, actor, ct) is not { } plan)
        {
            return PlanStore.Stale();
        }

        plan.Title = title!;
        plan.Summary = summary;
        plan.Period = period;
        return await store.SaveAsync(plan, null, ct);
    }
}

public sealed record PlanGoalRequest(string? Title, string? Description);

/// <summary>Adds a goal at the end of the plan's goals.</summary>
public sealed class CreatePlanGoal(PlanStore store)
{
    public async Task<Result<PlanWrite>> HandleAsync(PlanGoalRequest request, int? version, Actor actor, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var title = PlanStore.Text(errors, "title", request.Title, PlanRules.MaxTitle, required: true);
        var description = PlanStore.Text(errors, "description", request.Description, PlanRules.MaxText, multiline: true);
        if (errors.Any)
        {
            return errors.ToResult<PlanWrite>();
        }

        var goals = store.Db.Set<PlanGoal>();
        var count = await goals.CountAsync(ct);
        if (count >= PlanRules.MaxGoals)
        {
            return Result<PlanWrite>.Invalid("title", $"A plan has at most {PlanRules.MaxGoals} goals.");
        }

        if (await store.TouchAsync(version, actor, ct) is not { } plan)
        {
            return PlanStore.Stale();
        }

        var position = count == 0 ? 0 : await goals.MaxAsync(g => g.Position, ct) + 1;
        var goal = goals.Add(new PlanGoal { Title = title!, Description = description, Position = position }).Entity;
        return await store.SaveAsync(plan, () => goal.Id, ct);
    }
}

/// <summary>Changes a goal's title and description.</summary>
public sealed class UpdatePlanGoal(PlanStore store)
{
    public async Task<Result<PlanWrite>> HandleAsync(long id, PlanGoalRequest request, int? version, Actor actor, CancellationToken ct)
    {
        if (await store.Db.Set<PlanGoal>().SingleOrDefaultAsync(g => g.Id == id, ct) is not { } goal)
        {
            return Result<PlanWrite>.NotFound($"The plan has no goal {id}.");
        }

        var errors = new FieldErrors();
        var title = PlanStore.Text(errors, "title", request.Title, PlanRules.MaxTitle, required: true);
        var description = PlanStore.Text(errors, "description", request.Description, PlanRules.MaxText, multiline: true);
        if (errors.Any)
        {
            return errors.ToResult<PlanWrite>();
        }

        if (await store.TouchAsync(version, actor, ct) is not { } plan)
        {
            return PlanStore.Stale();
        }

        goal.Title = title!;
        goal.Description = description;
        return await store.SaveAsync(plan, () => goal.Id, ct);
    }
}

/// <summary>Removes a goal with its objectives.</summary>
public sealed class DeletePlanGoal(PlanStore store)
{
    public async Task<Result<PlanWrite>> HandleAsync(long id, int? version, Actor actor, CancellationToken ct)
    {
        if (await store.Db.Set<PlanGoal>().SingleOrDefaultAsync(g => g.Id == id, ct) is not { } goal)
        {
            return Result<PlanWrite>.NotFound($"The plan has no goal {id}.");
        }

        if (await store.TouchAsync(version, actor, ct) is not { } plan)
        {
            return PlanStore.Stale();
        }

        store.Db.Set<PlanObjective>().RemoveRange(await store.Db.Set<PlanObjective>().Where(o => o.GoalId == id).ToListAsync(ct));
        store.Db.Set<PlanGoal>().Remove(goal);
        return await store.SaveAsync(plan, null, ct);
    }
}

/// <summary>
/// An objective as sent: the KPI key, the target (a JSON number, in the KPI's unit; percent as a fraction) and the
/// deadline (yyyy-MM-dd). Target and deadline are read loosely so that a wrong type is a field error, not a bad body.
/// </summary>
public sealed record PlanObjectiveRequest(string? Kpi, JsonElement? Target, string? Deadline);

/// <summary>Reads and checks an objective's fields.</summary>
internal static class ObjectiveInput
{
    public static (KpiDefinition? Kpi, decimal Target, DateOnly Deadline) Read(PlanObjectiveRequest request, FieldErrors errors)
    {
        var key = Validate.Clean(request.Kpi);
        KpiDefinition? kpi = null;
        if (key is null)
        {
            errors.Add("kpi", "Is required.");
        }
        else if ((kpi = KpiRegistry.Default.Find(key)) is null)
        {
            errors.Add("kpi", $"Is not a KPI. Known: {string.Join(", ", KpiRegistry.Default.All.Select(k => k.Key))}.");
        }

        decimal target = 0;
        if (request.Target is not { } element || element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            errors.Add("target", "Is required.");
        }
        else if (element.ValueKind != JsonValueKind.Number || !element.TryGetDecimal(out target))
        {
            errors.Add("target", "Must be a number (a percentage as a fraction: 0.4 for 40 %).");
        }
        else if (Math.Abs(target) > 1e12m)
        {
            errors.Add("target", "Is too large.");
        }
        else if (kpi?.Unit == KpiUnit.Percent && target is < 0 or > 1)
        {
            errors.Add("target", "A percentage target is a fraction from 0 to 1 (0.4 for 40 %).");
        }
        else if (target < 0 && kpi?.Unit is KpiUnit.Count or KpiUnit.Money)
        {
            errors.Add("target", "Must not be negative.");
        }

        DateOnly deadline = default;
        var text = Validate.Clean(request.Deadline);
        if (text is null)
        {
            errors.Add("deadline", "Is required.");
        }
        else if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out deadline))
        {
            errors.Add("deadline", "Must be a date, yyyy-MM-dd.");
        }

        return (kpi, Math.Round(target, 4), deadline);
    }

    public static void NotPast(DateOnly deadline, TimeProvider clock, FieldErrors errors)
    {
        if (deadline != default && deadline < GetPlan.Today(clock))
        {
            errors.Add("deadline", "Must not be in the past.");
        }
    }
}

/// <summary>Adds an objective to a goal; its baseline is the KPI's current value (latest complete month).</summary>
public sealed class CreatePlanObjective(PlanStore store, GetKpis getKpis, TimeProvider clock)
{
    public async Task<Result<PlanWrite>> HandleAsync(long goalId, PlanObjectiveRequest request, int? version, Actor actor, CancellationToken ct)
    {
        var db = store.Db;
        if (!await db.Set<PlanGoal>().AnyAsync(g => g.Id == goalId, ct))
        {
            return Result<PlanWrite>.NotFound($"The plan has no goal {goalId}.");
        }

        var errors = new FieldErrors();
        var (kpi, target, deadline) = ObjectiveInput.Read(request, errors);
        ObjectiveInput.NotPast(deadline, clock, errors);
        var count = await db.Set<PlanObjective>().CountAsync(o => o.GoalId == goalId, ct);
        if (count >= PlanRules.MaxObjectivesPerGoal)
        {
            errors.Add("kpi", $"A goal has at most {PlanRules.MaxObjectivesPerGoal} objectives.");
        }

        if (errors.Any)
        {
            return errors.ToResult<PlanWrite>();
        }

        var report = await GetPlan.ReportAsync(getKpis, ct);
        if (await store.TouchAsync(version, actor, ct) is not { } plan)
        {
            return PlanStore.Stale();
        }

        var position = count == 0 ? 0 : await db.Set<PlanObjective>().Where(o => o.GoalId == goalId).MaxAsync(o => o.Position, ct) + 1;
        var objective = db.Set<PlanObjective>().Add(new PlanObjective
        {
            GoalId = goalId,
            Kpi = kpi!.Key,
            Target = target,
            Baseline = report.Kpis.FirstOrDefault(k => k.Key == kpi.Key)?.Value is { } b ? Math.Round(b, 4) : null,
            BaselineAt = clock.GetUtcNow(),
            Deadline = deadline,
            Position = position,
        }).Entity;
        return await store.SaveAsync(plan, () => objective.Id, ct);
    }
}

/// <summary>
/// Changes an objective. A new KPI takes a new baseline; a changed deadline must not be in the past (an unchanged one
/// may be: the objective is then reported as achieved or missed).
/// </summary>
public sealed class UpdatePlanObjective(PlanStore store, GetKpis getKpis, TimeProvider clock)
{
    public async Task<Result<PlanWrite>> HandleAsync(long id, PlanObjectiveRequest request, int? version, Actor actor, CancellationToken ct)
    {
        var db = store.Db;
        if (await db.Set<PlanObjective>().SingleOrDefaultAsync(o => o.Id == id, ct) is not { } objective)
        {
            return Result<PlanWrite>.NotFound($"The plan has no objective {id}.");
        }

        var errors = new FieldErrors();
        var (kpi, target, deadline) = ObjectiveInput.Read(request, errors);
        if (deadline != objective.Deadline)
        {
            ObjectiveInput.NotPast(deadline, clock, errors);
        }

        if (errors.Any)
        {
            return errors.ToResult<PlanWrite>();
        }

        if (kpi!.Key != objective.Kpi)
        {
            var report = await GetPlan.ReportAsync(getKpis, ct);
            objective.Kpi = kpi.Key;
            objective.Baseline = report.Kpis.FirstOrDefault(k => k.Key == kpi.Key)?.Value is { } b ? Math.Round(b, 4) : null;
            objective.BaselineAt = clock.GetUtcNow();
        }

        if (await store.TouchAsync(version, actor, ct) is not { } plan)
        {
            return PlanStore.Stale();
        }

        objective.Target = target;
        objective.Deadline = deadline;
        return await store.SaveAsync(plan, () => objective.Id, ct);
    }
}

public sealed class DeletePlanObjective(PlanStore store)
{
    public async Task<Result<PlanWrite>> HandleAsync(long id, int? version, Actor actor, CancellationToken ct)
    {
        if (await store.Db.Set<PlanObjective>().SingleOrDefaultAsync(o => o.Id == id, ct) is not { } objective)
        {
            return Result<PlanWrite>.NotFound($"The plan has no objective {id}.");
        }

        if (await store.TouchAsync(version, actor, ct) is not { } plan)
        {
            return PlanStore.Stale();
        }

        store.Db.Set<PlanObjective>().Remove(objective);
        return await store.SaveAsync(plan, null, ct);
    }
}
