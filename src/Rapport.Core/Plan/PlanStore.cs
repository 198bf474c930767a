using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Data;
using Rapport.Values;

namespace Rapport.Plan;

/// <summary>What a write to the plan answers: the plan's new version (its ETag) and the id of the goal, objective … written.</summary>
public sealed record PlanWrite(int Version, long? Id = null);

/// <summary>
/// The plan row every write stamps: made on the first write, checked against the caller's version (If-Match), and
/// saved with "last updated by/at" and a new version in the same SaveChanges as the part that changed.
/// </summary>
public sealed class PlanStore(RapportDbContext db, TimeProvider clock)
{
    public RapportDbContext Db => db;

    /// <summary>The tracked plan row, stamped; null when the caller's version is stale.</summary>
    public async Task<CrmPlan?> TouchAsync(int? expectedVersion, Actor actor, CancellationToken ct)
    {
        var plan = await db.Set<CrmPlan>().SingleOrDefaultAsync(p => p.Id == CrmPlan.SingleId, ct);
        if (expectedVersion is { } expected && expected != (plan?.Version ?? 0))
        {
            return null;
        }

        if (plan is null)
        {
            plan = db.Set<CrmPlan>().Add(new CrmPlan { Title = GetPlan.DefaultTitle }).Entity;
        }
        else
        {
            db.Entry(plan).State = EntityState.Modified;
        }

        plan.UpdatedAt = clock.GetUtcNow();
        plan.UpdatedByUserId = actor.UserId;
        plan.UpdatedBy = actor.Name.Length > PlanRules.MaxShort ? actor.Name[..PlanRules.MaxShort] : actor.Name;
        return plan;
    }

    /// <summary>Saves; a concurrent change to the plan since it was read (or a concurrent first write) is a stale version (412).</summary>
    public async Task<Result<PlanWrite>> SaveAsync(CrmPlan plan, Func<long?>? id, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Stale();
        }
        catch (DbUpdateException) when (db.Entry(plan).State == EntityState.Added)
        {
            // Two first writes at once: the other one made the plan row first, so this caller's view is stale.
            return Stale();
        }

        return Result<PlanWrite>.Ok(new PlanWrite(plan.Version, id?.Invoke()));
    }

    public static Result<PlanWrite> Stale() =>
        Result<PlanWrite>.PreconditionFailed("The plan changed since you read it; read it again and retry with the new ETag.");

    /// <summary>Trims; records an error when required and missing, too long, or holding control characters (newlines are allowed where multiline).</summary>
    internal static string? Text(FieldErrors errors, string field, string? value, int max, bool required = false, bool multiline = false)
    {
        var clean = Validate.Clean(value);
        if (clean is null)
        {
            if (required)
            {
                errors.Add(field, "Is required.");
            }

            return null;
        }

        if (clean.Length > max)
        {
            errors.Add(field, $"Must be at most {max} characters.");
        }
        else if (Validate.HasControl(multiline ? clean.Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal) : clean))
        {
            errors.Add(field, "Must not contain control characters.");
        }

        return multiline ? clean.Replace("\r\n", "\n", StringComparison.Ordinal) : clean;
    }
}
