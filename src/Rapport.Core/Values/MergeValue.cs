using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Values;

/// <summary>The key of the active value to merge into.</summary>
public sealed record MergeValueRequest(string? Into);

/// <summary>
/// Merges value <c>key</c> into value <c>into</c>, in one transaction: the vocabulary of the first moves into the
/// second (the first is left with none) (entries it already has are not repeated); product tags and partner ratings move too (where the target
/// already has one, the stronger is kept); the first is marked merged (a kind of retired) pointing to the second,
/// and values merged into the first before now point to the second. The first keeps its key, history and its own
/// importance ratings. Both values get a history entry. Answers the target.
/// </summary>
public sealed class MergeValue(RapportDbContext db, GetValue get, ILogger<MergeValue> logger)
{
    public async Task<Result<ValueDetail>> HandleAsync(string key, string? into, int? expectedVersion, Actor actor, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var source = await db.TaxonomyValues.SingleOrDefaultAsync(v => v.Key == key, ct);
        if (source is null)
        {
            return ValueRules.NotFound<ValueDetail>(key);
        }

        if (source.Status == ValueStatus.Merged)
        {
            return Result<ValueDetail>.Conflict($"Value '{key}' is already merged into another value.");
        }

        if (expectedVersion is { } version && version != source.Version)
        {
            return Result<ValueDetail>.PreconditionFailed($"Value '{key}' is at version {source.Version}, not {version}; read it again.");
        }

        if (string.IsNullOrWhiteSpace(into))
        {
            return Result<ValueDetail>.Invalid("into", "Is required: the key of the value to merge into.");
        }

        var target = await db.TaxonomyValues.SingleOrDefaultAsync(v => v.Key == into.Trim(), ct);
        if (target is null)
        {
            return Result<ValueDetail>.Invalid("into", $"There is no value with key '{into.Trim()}'.");
        }

        if (target.Id == source.Id)
        {
            return Result<ValueDetail>.Invalid("into", "A value cannot be merged into itself.");
        }

        if (target.Status != ValueStatus.Active)
        {
            return Result<ValueDetail>.Invalid("into", $"Value '{target.Key}' is {ValueRules.Describe(target.Status)}; merge into an active value.");
        }

        var before = target.VocabularyList;
        var moved = source.VocabularyList.Where(e => !before.Contains(e, StringComparer.Ordinal)).ToList();
        if (before.Count + moved.Count > ValueLimits.VocabularyEntries)
        {
            return Result<ValueDetail>.Invalid("into", $"Together the two vocabularies would have more than {ValueLimits.VocabularyEntries} entries; trim one first.");
        }

        var merged = before.Concat(moved).ToList();
        target.Vocabulary = ValueRules.JoinVocabulary(merged);
        // A touch of the target even when no entry moved: it changed (it absorbed a value), so its ETag changes.
        db.Entry(target).Property(v => v.Vocabulary).IsModified = true;
        var sourceVocabulary = source.Vocabulary;
        source.Status = ValueStatus.Merged;
        source.MergedIntoId = target.Id;
        // Moved, not copied: detection must not find the same words under two values. The history keeps the list.
        source.Vocabulary = "";
        db.ValueChanges.Add(ValueRules.Change(source.Id, ValueChangeKind.MergedInto,
            $"Merged into '{target.Key}' ({target.Name}); its vocabulary moved there.", actor, sourceVocabulary, null, target.Key));
        db.ValueChanges.Add(ValueRules.Change(target.Id, ValueChangeKind.Absorbed,
            $"'{source.Key}' ({source.Name}) was merged into this value" + (moved.Count == 0 ? "; no new vocabulary." : "; " + UpdateValue.VocabularySummary(before, merged)),
            actor, ValueRules.JoinVocabulary(before), target.Vocabulary, source.Key));
        await db.SaveChangesAsync(ct);

        await db.TaxonomyValues.Where(v => v.MergedIntoId == source.Id).ExecuteUpdateAsync(s => s.SetProperty(v => v.MergedIntoId, target.Id), ct);
        await MoveProductTagsAsync(source.Id, target.Id, ct);
        await MovePartnerRatingsAsync(source.Id, target.Id, ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        logger.LogInformation("Merged value {ValueId} into {TargetId}", source.Id, target.Id);
        return await get.HandleAsync(target.Key, ct);
    }

    private async Task MoveProductTagsAsync(long from, long to, CancellationToken ct)
    {
        var tags = await db.ProductValues.Where(p => p.ValueId == from || p.ValueId == to).ToListAsync(ct);
        foreach (var group in tags.GroupBy(t => t.ProductId))
        {
            var strength = group.Max(t => t.Strength);
            db.ProductValues.RemoveRange(group);
            await db.SaveChangesAsync(ct);
            db.ProductValues.Add(new ProductValue { ProductId = group.Key, ValueId = to, Strength = strength });
            await db.SaveChangesAsync(ct);
        }
    }

    private async Task MovePartnerRatingsAsync(long from, long to, CancellationToken ct)
    {
        var ratings = await db.PartnerValues.Where(p => p.ValueId == from || p.ValueId == to).ToListAsync(ct);
        foreach (var group in ratings.GroupBy(t => t.PartnerId))
        {
            var rating = group.Max(t => t.Rating);
            db.PartnerValues.RemoveRange(group);
            await db.SaveChangesAsync(ct);
            db.PartnerValues.Add(new PartnerValue { PartnerId = group.Key, ValueId = to, Rating = rating });
            await db.SaveChangesAsync(ct);
        }
    }
}

/// <summary>
/// Retires an active value (kept with its history and ratings, no longer offered for tagging or detection) or
/// reinstates a retired one. A merged value cannot be reinstated: its vocabulary lives in another value now.
/// </summary>
public sealed class ChangeValueStatus(RapportDbContext db, GetValue get, ILogger<ChangeValueStatus> logger)
{
    public Task<Result<ValueDetail>> RetireAsync(string key, int? expectedVersion, Actor actor, CancellationToken ct) =>
        HandleAsync(key, expectedVersion, ValueStatus.Retired, actor, ct);

    public Task<Result<ValueDetail>> ReinstateAsync(string key, int? expectedVersion, Actor actor, CancellationToken ct) =>
        HandleAsync(key, expectedVersion, ValueStatus.Active, actor, ct);

    private async Task<Result<ValueDetail>> HandleAsync(string key, int? expectedVersion, ValueStatus status, Actor actor, CancellationToken ct)
    {
        var value = await db.TaxonomyValues.SingleOrDefaultAsync(v => v.Key == key, ct);
        if (value is null)
        {
            return ValueRules.NotFound<ValueDetail>(key);
        }

        if (value.Status == ValueStatus.Merged)
        {
            db.ChangeTracker.Clear();
            return Result<ValueDetail>.Conflict($"Value '{key}' was merged into another value; it can be neither retired nor reinstated.");
        }

        if (expectedVersion is { } version && version != value.Version)
        {
            db.ChangeTracker.Clear();
            return Result<ValueDetail>.PreconditionFailed($"Value '{key}' is at version {value.Version}, not {version}; read it again.");
        }

        if (value.Status != status)
        {
            value.Status = status;
            db.ValueChanges.Add(status == ValueStatus.Retired
                ? ValueRules.Change(value.Id, ValueChangeKind.Retired, "Retired.", actor)
                : ValueRules.Change(value.Id, ValueChangeKind.Reinstated, "Reinstated.", actor));
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                db.ChangeTracker.Clear();
                return Result<ValueDetail>.PreconditionFailed($"Value '{key}' changed meanwhile; read it again.");
            }

            logger.LogInformation("Value {ValueId} is now {Status}", value.Id, status);
        }

        db.ChangeTracker.Clear();
        return await get.HandleAsync(value.Key, ct);
    }
}
