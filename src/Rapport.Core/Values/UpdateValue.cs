using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Data;

namespace Rapport.Values;

/// <summary>
/// A partial update of a value (merge-patch semantics): an absent field keeps its value; <c>Description</c> set to
/// null clears it; <c>Name</c> cannot be cleared; <c>Vocabulary</c> replaces the whole list (null or [] empties it).
/// The key and the status do not change here (merge, retire and reinstate do that).
/// </summary>
public sealed record ValueChanges
{
    public Optional<string?> Name { get; init; }
    public Optional<string?> Description { get; init; }
    public Optional<IReadOnlyList<string?>?> Vocabulary { get; init; }
}

/// <summary>
/// Applies <see cref="ValueChanges"/> with optimistic concurrency (<c>expectedVersion</c> from If-Match or the form)
/// and records each change in the value's history. A merged key resolves to the value it was merged into.
/// </summary>
public sealed class UpdateValue(RapportDbContext db, GetValue get, ILogger<UpdateValue> logger)
{
    public async Task<Result<ValueDetail>> HandleAsync(string key, int? expectedVersion, ValueChanges changes, Actor actor, CancellationToken ct)
    {
        var value = await ValueRules.ResolveAsync(db, key, tracking: true, ct);
        if (value is null)
        {
            return ValueRules.NotFound<ValueDetail>(key);
        }

        if (expectedVersion is { } version && version != value.Version)
        {
            db.ChangeTracker.Clear();
            return Result<ValueDetail>.PreconditionFailed(
                $"Value '{value.Key}' is at version {value.Version}, not {version}: it changed since you read it. Read it again and retry with the new ETag.");
        }

        var errors = new FieldErrors();
        var history = new List<ValueChange>();
        if (changes.Name.IsSet)
        {
            var name = ValueRules.Name(errors, changes.Name.Value);
            if (name is not null && !errors.Any && name != value.Name)
            {
                if (await ValueRules.NameTakenAsync(db, name, value.Id, ct))
                {
                    db.ChangeTracker.Clear();
                    return CreateValue.NameTaken(name);
                }

                history.Add(ValueRules.Change(value.Id, ValueChangeKind.Renamed, $"Renamed from '{value.Name}' to '{name}'.", actor, value.Name, name));
                value.Name = name;
            }
        }

        if (changes.Description.IsSet)
        {
            var description = ValueRules.Description(errors, changes.Description.Value);
            if (!errors.Any && description != value.Description)
            {
                history.Add(ValueRules.Change(value.Id, ValueChangeKind.DescriptionChanged,
                    description is null ? "Description cleared." : "Description changed.", actor, value.Description, description));
                value.Description = description;
            }
        }

        if (changes.Vocabulary.IsSet)
        {
            var vocabulary = ValueRules.Vocabulary(errors, changes.Vocabulary.Value);
            var before = value.VocabularyList;
            if (!errors.Any && !before.SequenceEqual(vocabulary, StringComparer.Ordinal))
            {
                history.Add(ValueRules.Change(value.Id, ValueChangeKind.VocabularyChanged, VocabularySummary(before, vocabulary), actor,
                    value.Vocabulary, ValueRules.JoinVocabulary(vocabulary)));
                value.Vocabulary = ValueRules.JoinVocabulary(vocabulary);
            }
        }

        if (errors.Any)
        {
            db.ChangeTracker.Clear();
            return errors.ToResult<ValueDetail>();
        }

        if (history.Count > 0)
        {
            db.ValueChanges.AddRange(history);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                db.ChangeTracker.Clear();
                return Result<ValueDetail>.PreconditionFailed($"Value '{value.Key}' changed while it was being updated; read it again.");
            }

            logger.LogInformation("Updated value {ValueId} to version {Version}", value.Id, value.Version);
        }

        db.ChangeTracker.Clear();
        return await get.HandleAsync(value.Key, ct);
    }

    internal static string VocabularySummary(IReadOnlyList<string> before, IReadOnlyList<string> after)
    {
        var added = after.Except(before, StringComparer.Ordinal).ToList();
        var removed = before.Except(after, StringComparer.Ordinal).ToList();
        var parts = new List<string>();
        if (added.Count > 0)
        {
            parts.Add("added " + string.Join(", ", added.Select(a => $"'{a}'")));
        }

        if (removed.Count > 0)
        {
            parts.Add("removed " + string.Join(", ", removed.Select(r => $"'{r}'")));
        }

        return parts.Count == 0 ? "Vocabulary reordered." : "Vocabulary: " + string.Join("; ", parts) + ".";
    }
}
