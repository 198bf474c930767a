using Rapport.Analytics;
using Rapport.Playbooks;
using Rapport.Segments;
using Rapport.Stages;

namespace Rapport.Plan;

/// <summary>The whole CRM plan as one document, with progress computed from the latest analytics run.</summary>
/// <param name="Version">The plan's ETag: grows with every change to any of its parts; 0 before the first change.</param>
/// <param name="Kpis">Which analytics run and period the current values come from.</param>
public sealed record PlanDocument(
    string Title,
    string? Summary,
    string? Period,
    DateTimeOffset? UpdatedAt,
    string? UpdatedBy,
    int Version,
    PlanKpiSource Kpis,
    IReadOnlyList<PlanGoalView> Goals,
    IReadOnlyList<PlanSegmentView> Segments,
    IReadOnlyList<PlanValueView> Values,
    PlanCommunication Communication,
    IReadOnlyList<PlanDataItemView> DataPlan,
    IReadOnlyList<PlanKpiTargetView> KpiTargets);

/// <param name="RunId">The analytics run the values come from; null before the first run.</param>
/// <param name="Latest">The latest complete month, whose values are "current".</param>
public sealed record PlanKpiSource(long? RunId, DateOnly? AsOf, string? Latest);

public sealed record PlanGoalView(long Id, string Title, string? Description, IReadOnlyList<PlanObjectiveView> Objectives);

/// <param name="Current">The KPI's value in the latest complete month; null when not available.</param>
/// <param name="Progress">0 at the baseline, 1 at the target; null without a baseline or current value.</param>
/// <param name="Expected">The share of the time from baseline to deadline gone by today.</param>
public sealed record PlanObjectiveView(
    long Id,
    long GoalId,
    string Kpi,
    string KpiName,
    KpiUnit Unit,
    KpiDirection Direction,
    decimal Target,
    decimal? Baseline,
    DateTimeOffset BaselineAt,
    DateOnly Deadline,
    decimal? Current,
    decimal? Progress,
    decimal Expected,
    ObjectiveStatus Status,
    bool OnTrack);

public sealed record PlanSegmentView(long Id, string Name, SegmentKind Kind, int MemberCount);

/// <param name="Priority">1 = the first value to build on.</param>
public sealed record PlanValueView(long Id, string Key, string Name, int Priority, string? Headline, IReadOnlyList<string> ProofPoints);

/// <param name="PlaybooksSet">False when the playbooks table is empty: the stages show counts only.</param>
public sealed record PlanCommunication(bool PlaybooksSet, IReadOnlyList<PlanStageView> Stages);

/// <summary>One stage of the communication plan, from its playbook.</summary>
/// <param name="Customers">Customers in the stage now (customer_metrics.stage).</param>
/// <param name="Touchpoints">The playbook's recommended templates or touchpoints, one per line.</param>
/// <param name="Frequency">The cadence in words, e.g. "at most 2 contacts per 30 days, at least 7 days apart, at least every 60 days".</param>
public sealed record PlanStageView(
    Stage Stage,
    string Name,
    int Customers,
    bool HasPlaybook,
    IReadOnlyList<string> Channels,
    IReadOnlyList<string> Touchpoints,
    ContentEmphasis? Emphasis,
    int? MinDaysBetweenContacts,
    int? MaxContactsPerThirtyDays,
    int? MaxDaysWithoutContact,
    string? Frequency);

public sealed record PlanDataItemView(long Id, string What, string Purpose, string? Source, string? LegalBasis, string? Retention);

/// <summary>A standing KPI target (kpi_targets) with the KPI's current value.</summary>
public sealed record PlanKpiTargetView(string Key, string Name, KpiUnit Unit, KpiDirection Direction, decimal Target, decimal? Current, KpiStatus Status);
