using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Values;

/// <summary>A value by key; a merged value's key resolves to the value it was merged into.</summary>
public sealed class GetValue(RapportDbContext db)
{
    public async Task<Result<ValueDetail>> HandleAsync(string key, CancellationToken ct)
    {
        var value = await ValueRules.ResolveAsync(db, key, tracking: false, ct);
        return value is null ? ValueRules.NotFound<ValueDetail>(key) : Result<ValueDetail>.Ok((await DetailsAsync(db, [value], ct))[0]);
    }

    /// <summary>The read model of several values at once (one query each for ratings, owners, merge targets and product counts).</summary>
    internal static async Task<IReadOnlyList<ValueDetail>> DetailsAsync(RapportDbContext db, IReadOnlyList<TaxonomyValue> values, CancellationToken ct)
    {
        var ids = values.Select(v => v.Id).ToList();
        var latest = await db.ValueRatings.AsNoTracking()
            .Where(r => ids.Contains(r.ValueId) && !db.ValueRatings.Any(n => n.ValueId == r.ValueId && n.Id > r.Id))
            .ToListAsync(ct);
        var ratings = await ImportanceAsync(db, latest, ct);
        var targetIds = values.Where(v => v.MergedIntoId is not null).Select(v => v.MergedIntoId!.Value).Distinct().ToList();
        var targets = targetIds.Count == 0 ? [] : await db.TaxonomyValues.AsNoTracking().Where(v => targetIds.Contains(v.Id)).ToDictionaryAsync(v => v.Id, v => v.Key, ct);
        var products = await db.ProductValues.AsNoTracking().Where(p => ids.Contains(p.ValueId))
            .GroupBy(p => p.ValueId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        return values.Select(v => new ValueDetail(
            v.Id, v.Key, v.Name, v.Description, v.VocabularyList, v.Status,
            v.MergedIntoId is { } into ? targets.GetValueOrDefault(into) : null,
            ratings.GetValueOrDefault(v.Id),
            products.GetValueOrDefault(v.Id),
            v.CreatedAt, v.UpdatedAt, v.Version)).ToList();
    }

    /// <summary>Ratings with their owners' names, by value id (the last one per value wins).</summary>
    internal static async Task<Dictionary<long, ImportanceRating>> ImportanceAsync(RapportDbContext db, IReadOnlyList<ValueRating> ratings, CancellationToken ct)
    {
        var ownerIds = ratings.Where(r => r.OwnerUserId is not null).Select(r => r.OwnerUserId!.Value).Distinct().ToList();
        var owners = ownerIds.Count == 0 ? [] : await db.Users.AsNoTracking().Where(u => ownerIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var result = new Dictionary<long, ImportanceRating>();
        foreach (var r in ratings.OrderBy(r => r.Id))
        {
            result[r.ValueId] = ToRating(r, owners);
        }

        return result;
    }

    internal static ImportanceRating ToRating(ValueRating r, IReadOnlyDictionary<long, string> owners) => new(
        r.Importance, r.Evidence,
        r.OwnerUserId is { } owner ? new StaffRef(owner, owners.GetValueOrDefault(owner) ?? $"User {owner}") : null,
        r.RatedBy, r.CreatedAt);
}

/// <summary>Filters of the value list; <c>Status</c> null lists every value, merged ones included.</summary>
public sealed record ListValuesQuery(ValueStatus? Status = null);

/// <summary>The taxonomy, ordered by name then key (a business has dozens of values, so no paging).</summary>
public sealed class ListValues(RapportDbContext db)
{
    public async Task<IReadOnlyList<ValueDetail>> HandleAsync(ListValuesQuery query, CancellationToken ct)
    {
        var values = db.TaxonomyValues.AsNoTracking();
        if (query.Status is { } status)
        {
            values = values.Where(v => v.Status == status);
        }

        var list = await values.ToListAsync(ct);
        var ordered = list.OrderBy(v => v.Name, StringComparer.OrdinalIgnoreCase).ThenBy(v => v.Key, StringComparer.Ordinal).ToList();
        return await GetValue.DetailsAsync(db, ordered, ct);
    }
}

/// <summary>
/// A value's own history by its key (not resolved: a merged value's history ends with "merged into …"), and the
/// business's importance ratings of it, oldest first.
/// </summary>
public sealed class GetValueHistory(RapportDbContext db)
{
    public async Task<Result<ValueHistory>> HandleAsync(string key, CancellationToken ct)
    {
        var value = await db.TaxonomyValues.AsNoTracking().SingleOrDefaultAsync(v => v.Key == key, ct);
        if (value is null)
        {
            return ValueRules.NotFound<ValueHistory>(key);
        }

        var changes = await db.ValueChanges.AsNoTracking().Where(c => c.ValueId == value.Id).OrderBy(c => c.Id)
            .Select(c => new ValueHistoryEntry(c.Id, c.Kind, c.Summary, c.Before, c.After, c.RelatedKey, c.ChangedBy, c.ChangedByUserId, c.CreatedAt))
            .ToListAsync(ct);
        var ratings = await db.ValueRatings.AsNoTracking().Where(r => r.ValueId == value.Id).OrderBy(r => r.Id).ToListAsync(ct);
        var ownerIds = ratings.Where(r => r.OwnerUserId is not null).Select(r => r.OwnerUserId!.Value).Distinct().ToList();
        var owners = ownerIds.Count == 0 ? [] : await db.Users.AsNoTracking().Where(u => ownerIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        return Result<ValueHistory>.Ok(new ValueHistory(value.Key, changes, ratings.Select(r => GetValue.ToRating(r, owners)).ToList()));
    }
}
