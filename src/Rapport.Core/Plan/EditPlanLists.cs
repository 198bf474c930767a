using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Segments;
using Rapport.Values;
using Rapport.Values.Map;

namespace Rapport.Plan;

/// <summary>A prioritised value with its messaging pillar.</summary>
public sealed record PlanValueInput(long? ValueId, string? Headline, IReadOnlyList<string>? ProofPoints);

/// <param name="Values">In priority order, the first first.</param>
public sealed record SetPlanValuesRequest(IReadOnlyList<PlanValueInput>? Values);

/// <summary>
/// Replaces the prioritised values and their pillars. A value must be active in the taxonomy, or already in the plan
/// (a value retired since stays until removed).
/// </summary>
public sealed class SetPlanValues(PlanStore store)
{
    public async Task<Result<PlanWrite>> HandleAsync(SetPlanValuesRequest request, int? version, Actor actor, CancellationToken ct)
    {
        var db = store.Db;
        var errors = new FieldErrors();
        var items = request.Values ?? [];
        if (items.Count > PlanRules.MaxValues)
        {
            return Result<PlanWrite>.Invalid("values", $"At most {PlanRules.MaxValues} values.");
        }

        var ids = items.Where(i => i.ValueId is not null).Select(i => i.ValueId!.Value).Distinct().ToList();
        var current = await db.Set<PlanValue>().ToListAsync(ct);
        var inPlan = current.Select(v => v.ValueId).ToHashSet();
        var known = (await db.TaxonomyValues.AsNoTracking().Where(v => ids.Contains(v.Id)).Select(v => new { v.Id, v.Status }).ToListAsync(ct))
            .Where(v => v.Status == ValueStatus.Active || inPlan.Contains(v.Id)).Select(v => v.Id).ToHashSet();
        var seen = new HashSet<long>();
        var rows = new List<PlanValue>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var field = $"values[{i}]";
            if (item.ValueId is not { } id)
            {
                errors.Add($"{field}.valueId", "Is required.");
                continue;
            }

            if (!known.Contains(id))
            {
                errors.Add($"{field}.valueId", $"There is no active value {id}.");
            }
            else if (!seen.Add(id))
            {
                errors.Add($"{field}.valueId", "Is listed twice.");
            }

            var headline = PlanStore.Text(errors, $"{field}.headline", item.Headline, PlanRules.MaxTitle);
            var proof = new List<string>();
            var points = item.ProofPoints ?? [];
            if (points.Count > PlanRules.MaxProofPoints)
            {
                errors.Add($"{field}.proofPoints", $"At most {PlanRules.MaxProofPoints} proof points.");
            }

            for (var p = 0; p < points.Count; p++)
            {
                if (PlanStore.Text(errors, $"{field}.proofPoints[{p}]", points[p], PlanRules.MaxPurpose) is { } point)
                {
                    proof.Add(point);
                }
            }

            rows.Add(new PlanValue { ValueId = id, Position = i, Headline = headline, ProofPoints = proof.Count == 0 ? null : string.Join('\n', proof) });
        }

        if (string.Join('\n', rows.Select(r => r.ProofPoints)).Length > PlanRules.MaxText * PlanRules.MaxValues)
        {
            errors.Add("values", "Too much text.");
        }

        if (rows.Any(r => r.ProofPoints is { Length: > PlanRules.MaxText }))
        {
            errors.Add("values", $"A value's proof points are at most {PlanRules.MaxText} characters together.");
        }

        if (errors.Any)
        {
            return errors.ToResult<PlanWrite>();
        }

        if (await store.TouchAsync(version, actor, ct) is not { } plan)
        {
            return PlanStore.Stale();
        }

        // Rows kept are updated in place (removing and adding the same key in one save is not possible), so the
        // whole change is one SaveChanges: one transaction.
        var byId = current.ToDictionary(v => v.ValueId);
        db.Set<PlanValue>().RemoveRange(current.Where(v => !seen.Contains(v.ValueId)));
        foreach (var row in rows)
        {
            if (byId.TryGetValue(row.ValueId, out var kept))
            {
                kept.Position = row.Position;
                kept.Headline = row.Headline;
                kept.ProofPoints = row.ProofPoints;
            }
            else
            {
                db.Set<PlanValue>().Add(row);
            }
        }

        return await store.SaveAsync(plan, null, ct);
    }
}

/// <summary>A value the map proposes for the plan.</summary>
/// <param name="Rank">Its rank on the map (1 = first to build on).</param>
public sealed record PlanValueProposal(long ValueId, string Key, string Name, int? Rank, double? CustomerImportance, int? BusinessImportance);

/// <param name="Notice">Why nothing is proposed, when the map cannot place values yet.</param>
public sealed record PlanValueProposals(IReadOnlyList<PlanValueProposal> Values, string? Notice);

/// <summary>The shared values of the overall map (quadrant Shared), in map order: what "take from the map" proposes.</summary>
public sealed class ProposePlanValues(GetValueMap map, Data.RapportDbContext db)
{
    public async Task<PlanValueProposals> HandleAsync(CancellationToken ct)
    {
        var result = await map.HandleAsync(new ValueMapQuery(), ct);
        var shared = result.Value!.Values.Where(v => v.Quadrant == Quadrant.Shared).ToList();
        var keys = shared.Select(v => v.Key).ToList();
        var ids = await db.TaxonomyValues.AsNoTracking().Where(v => keys.Contains(v.Key)).ToDictionaryAsync(v => v.Key, v => v.Id, ct);
        var proposals = shared.Where(v => ids.ContainsKey(v.Key))
            .Select(v => new PlanValueProposal(ids[v.Key], v.Key, v.Name, v.Rank, v.CustomerImportance, v.BusinessImportance)).ToList();
        var notice = proposals.Count > 0 ? null
            : result.Value.Notice ?? "No value is shared yet: customers and the business do not both rate any value high.";
        return new PlanValueProposals(proposals, notice);
    }
}

/// <summary>Replaces the prioritised values by the map's shared values, keeping the pillars of values already in the plan.</summary>
public sealed class TakePlanValuesFromMap(ProposePlanValues propose, SetPlanValues set, PlanStore store)
{
    public async Task<Result<PlanWrite>> HandleAsync(int? version, Actor actor, CancellationToken ct)
    {
        var proposals = await propose.HandleAsync(ct);
        if (proposals.Values.Count == 0)
        {
            return Result<PlanWrite>.Invalid("values", proposals.Notice ?? "The map proposes no value.");
        }

        var pillars = await store.Db.Set<PlanValue>().AsNoTracking().ToDictionaryAsync(v => v.ValueId, ct);
        var values = proposals.Values.Take(PlanRules.MaxValues).Select(p => pillars.TryGetValue(p.ValueId, out var old)
            ? new PlanValueInput(p.ValueId, old.Headline, GetPlan.Lines(old.ProofPoints))
            : new PlanValueInput(p.ValueId, null, null)).ToList();
        return await set.HandleAsync(new SetPlanValuesRequest(values), version, actor, ct);
    }
}

/// <param name="SegmentIds">The target segments, in order.</param>
public sealed record SetPlanSegmentsRequest(IReadOnlyList<long>? SegmentIds);

/// <summary>Replaces the target segments.</summary>
public sealed class SetPlanSegments(PlanStore store)
{
    public async Task<Result<PlanWrite>> HandleAsync(SetPlanSegmentsRequest request, int? version, Actor actor, CancellationToken ct)
    {
        var db = store.Db;
        var ids = request.SegmentIds ?? [];
        if (ids.Count > PlanRules.MaxSegments)
        {
            return Result<PlanWrite>.Invalid("segmentIds", $"At most {PlanRules.MaxSegments} segments.");
        }

        var distinct = ids.Distinct().ToList();
        var known = (await db.Set<Segment>().AsNoTracking().Where(s => distinct.Contains(s.Id)).Select(s => s.Id).ToListAsync(ct)).ToHashSet();
        var errors = new FieldErrors();
        var seen = new HashSet<long>();
        for (var i = 0; i < ids.Count; i++)
        {
            if (!known.Contains(ids[i]))
            {
                errors.Add($"segmentIds[{i}]", $"There is no segment {ids[i]}.");
            }
            else if (!seen.Add(ids[i]))
            {
                errors.Add($"segmentIds[{i}]", "Is listed twice.");
            }
        }

        if (errors.Any)
        {
            return errors.ToResult<PlanWrite>();
        }

        if (await store.TouchAsync(version, actor, ct) is not { } plan)
        {
            return PlanStore.Stale();
        }

        var current = (await db.Set<PlanSegment>().ToListAsync(ct)).ToDictionary(s => s.SegmentId);
        db.Set<PlanSegment>().RemoveRange(current.Values.Where(s => !seen.Contains(s.SegmentId)));
        for (var i = 0; i < ids.Count; i++)
        {
            if (current.TryGetValue(ids[i], out var kept))
            {
                kept.Position = i;
            }
            else
            {
                db.Set<PlanSegment>().Add(new PlanSegment { SegmentId = ids[i], Position = i });
            }
        }

        return await store.SaveAsync(plan, null, ct);
    }
}

public sealed record PlanDataItemInput(string? What, string? Purpose, string? Source, string? LegalBasis, string? Retention);

public sealed record SetDataPlanRequest(IReadOnlyList<PlanDataItemInput>? Items);

/// <summary>Replaces the data plan: what is collected, why, from where, on what legal basis, for how long.</summary>
public sealed class SetDataPlan(PlanStore store)
{
    public async Task<Result<PlanWrite>> HandleAsync(SetDataPlanRequest request, int? version, Actor actor, CancellationToken ct)
    {
        var db = store.Db;
        var items = request.Items ?? [];
        if (items.Count > PlanRules.MaxDataItems)
        {
            return Result<PlanWrite>.Invalid("items", $"At most {PlanRules.MaxDataItems} rows.");
        }

        var errors = new FieldErrors();
        var rows = new List<PlanDataItem>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var field = $"items[{i}]";
            var what = PlanStore.Text(errors, $"{field}.what", item.What, PlanRules.MaxTitle, required: true);
            var purpose = PlanStore.Text(errors, $"{field}.purpose", item.Purpose, PlanRules.MaxPurpose, required: true, multiline: true);
            var source = PlanStore.Text(errors, $"{field}.source", item.Source, PlanRules.MaxTitle);
            var retention = PlanStore.Text(errors, $"{field}.retention", item.Retention, PlanRules.MaxTitle);
            var basis = Validate.Clean(item.LegalBasis);
            if (basis is not null)
            {
                var match = PlanRules.LegalBases.FirstOrDefault(b => string.Equals(b, basis, StringComparison.OrdinalIgnoreCase));
                if (match is null)
                {
                    errors.Add($"{field}.legalBasis", $"Must be one of: {string.Join(", ", PlanRules.LegalBases)}.");
                }

                basis = match;
            }

            rows.Add(new PlanDataItem { Position = i, What = what ?? "", Purpose = purpose ?? "", Source = source, LegalBasis = basis, Retention = retention });
        }

        if (errors.Any)
        {
            return errors.ToResult<PlanWrite>();
        }

        if (await store.TouchAsync(version, actor, ct) is not { } plan)
        {
            return PlanStore.Stale();
        }

        db.Set<PlanDataItem>().RemoveRange(await db.Set<PlanDataItem>().ToListAsync(ct));
        db.Set<PlanDataItem>().AddRange(rows);
        return await store.SaveAsync(plan, null, ct);
    }
}
