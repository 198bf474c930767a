using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Rapport.Analytics;
using Rapport.Data;
using Rapport.Playbooks;
using Rapport.Segments;
using Rapport.Stages;
using Rapport.Values;

namespace Rapport.Plan;

/// <summary>
/// The whole plan (GET /api/v1/plan, /plan, /plan/print): its parts, the communication plan read from the playbooks
/// with the customers per stage, and every objective's and KPI target's progress against the KPIs of the latest
/// analytics run (the latest complete month).
/// </summary>
public sealed class GetPlan(RapportDbContext db, GetKpis getKpis, TimeProvider clock)
{
    public async Task<PlanDocument> HandleAsync(CancellationToken ct)
    {
        var plan = await db.Set<CrmPlan>().AsNoTracking().SingleOrDefaultAsync(p => p.Id == CrmPlan.SingleId, ct);
        var report = await ReportAsync(getKpis, ct);
        var today = Today(clock);

        var goals = await db.Set<PlanGoal>().AsNoTracking().OrderBy(g => g.Position).ThenBy(g => g.Id).ToListAsync(ct);
        var objectives = (await db.Set<PlanObjective>().AsNoTracking().OrderBy(o => o.Position).ThenBy(o => o.Id).ToListAsync(ct))
            .ToLookup(o => o.GoalId);
        var goalViews = goals.Select(g => new PlanGoalView(g.Id, g.Title, g.Description,
            [.. objectives[g.Id].Select(o => ObjectiveView(o, report, today))])).ToList();

        var segments = await (from ps in db.Set<PlanSegment>().AsNoTracking()
                              join s in db.Set<Segment>().AsNoTracking() on ps.SegmentId equals s.Id
                              orderby ps.Position, s.Id
                              select new PlanSegmentView(s.Id, s.Name, s.Kind, s.MemberCount)).ToListAsync(ct);

        var values = (await (from pv in db.Set<PlanValue>().AsNoTracking()
                             join v in db.TaxonomyValues.AsNoTracking() on pv.ValueId equals v.Id
                             orderby pv.Position, v.Id
                             select new { v.Id, v.Key, v.Name, pv.Headline, pv.ProofPoints }).ToListAsync(ct))
            .Select((v, i) => new PlanValueView(v.Id, v.Key, v.Name, i + 1, v.Headline, Lines(v.ProofPoints))).ToList();

        var data = await db.Set<PlanDataItem>().AsNoTracking().OrderBy(d => d.Position).ThenBy(d => d.Id)
            .Select(d => new PlanDataItemView(d.Id, d.What, d.Purpose, d.Source, d.LegalBasis, d.Retention)).ToListAsync(ct);

        var targets = report.Kpis.Where(k => k.Target is not null)
            .Select(k => new PlanKpiTargetView(k.Key, k.Name, k.Unit, k.Direction, k.Target!.Value, k.Value, k.Status)).ToList();

        return new PlanDocument(
            plan?.Title is { Length: > 0 } title ? title : DefaultTitle,
            plan?.Summary,
            plan?.Period,
            plan?.UpdatedAt,
            plan?.UpdatedBy,
            plan?.Version ?? 0,
            new PlanKpiSource(report.RunId, report.AsOf, report.Latest),
            goalViews,
            segments,
            values,
            await CommunicationAsync(ct),
            data,
            targets);
    }

    public const string DefaultTitle = "CRM plan";

    /// <summary>The KPI report by month from the latest run (never invalid for "month").</summary>
    internal static async Task<KpiReport> ReportAsync(GetKpis getKpis, CancellationToken ct) =>
        (await getKpis.HandleAsync("month", ct)).Value!;

    internal static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    internal static PlanObjectiveView ObjectiveView(PlanObjective o, KpiReport report, DateOnly today)
    {
        var definition = KpiRegistry.Default.Find(o.Kpi);
        var kpi = report.Kpis.FirstOrDefault(k => k.Key == o.Kpi);
        var direction = definition?.Direction ?? KpiDirection.HigherIsBetter;
        var progress = PlanRules.Progress(direction, o.Target, o.Baseline, DateOnly.FromDateTime(o.BaselineAt.UtcDateTime), o.Deadline, kpi?.Value, today);
        return new PlanObjectiveView(o.Id, o.GoalId, o.Kpi, definition?.Name ?? o.Kpi, definition?.Unit ?? KpiUnit.Number, direction,
            o.Target, o.Baseline, o.BaselineAt, o.Deadline, kpi?.Value, progress.Progress, progress.Expected, progress.Status,
            progress.Status is ObjectiveStatus.Achieved or ObjectiveStatus.OnTrack);
    }

    private async Task<PlanCommunication> CommunicationAsync(CancellationToken ct)
    {
        var playbooks = (await db.Set<Playbook>().AsNoTracking().ToListAsync(ct)).ToDictionary(p => p.Stage);
        // One GROUP BY over the stage index.
        var counts = (await db.CustomerMetrics.AsNoTracking().GroupBy(m => m.Stage).Select(g => new { Stage = g.Key, Count = g.Count() }).ToListAsync(ct))
            .ToDictionary(c => c.Stage, c => c.Count);
        var stages = Stages.Stages.All.Select(stage =>
        {
            var customers = counts.GetValueOrDefault(stage);
            if (!playbooks.TryGetValue(stage, out var p))
            {
                return new PlanStageView(stage, stage.ToString(), customers, false, [], [], null, null, null, null, null);
            }

            return new PlanStageView(stage, stage.ToString(), customers, true,
                [.. p.Channels.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
                Lines(p.Templates), p.Emphasis, p.MinDaysBetweenContacts, p.MaxContactsPerThirtyDays, p.MaxDaysWithoutContact,
                Frequency(p));
        }).ToList();
        return new PlanCommunication(playbooks.Count > 0, stages);
    }

    /// <summary>The cadence in words.</summary>
    public static string Frequency(Playbook p)
    {
        var parts = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"at most {p.MaxContactsPerThirtyDays} contact{(p.MaxContactsPerThirtyDays == 1 ? "" : "s")} per 30 days"),
        };
        if (p.MinDaysBetweenContacts > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"at least {p.MinDaysBetweenContacts} day{(p.MinDaysBetweenContacts == 1 ? "" : "s")} apart"));
        }

        if (p.MaxDaysWithoutContact is { } most)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"at least every {most} day{(most == 1 ? "" : "s")}"));
        }

        return string.Join(", ", parts);
    }

    public static IReadOnlyList<string> Lines(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => l.Length > 0)];
}
