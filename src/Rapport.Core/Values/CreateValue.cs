using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Values;

/// <summary>
/// A new value of the taxonomy. <c>Key</c> (lower snake case, unique for ever, cannot change) and <c>Name</c> are
/// required; the vocabulary is a list of words, phrases and variants (stored lower case, duplicates dropped).
/// </summary>
public sealed record CreateValueRequest(string? Key, string? Name, string? Description = null, IReadOnlyList<string?>? Vocabulary = null);

public sealed class CreateValue(RapportDbContext db, GetValue get, ILogger<CreateValue> logger)
{
    public async Task<Result<ValueDetail>> HandleAsync(CreateValueRequest request, Actor actor, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var key = ValueRules.Key(errors, request.Key);
        var name = ValueRules.Name(errors, request.Name);
        var description = ValueRules.Description(errors, request.Description);
        var vocabulary = ValueRules.Vocabulary(errors, request.Vocabulary);
        if (errors.Any)
        {
            return errors.ToResult<ValueDetail>();
        }

        if (await db.TaxonomyValues.AnyAsync(v => v.Key == key, ct))
        {
            return KeyTaken(key!);
        }

        if (await ValueRules.NameTakenAsync(db, name!, null, ct))
        {
            return NameTaken(name!);
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var value = new TaxonomyValue
        {
            Key = key!, Name = name!, Description = description, Vocabulary = ValueRules.JoinVocabulary(vocabulary), Status = ValueStatus.Active,
        };
        db.TaxonomyValues.Add(value);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            return KeyTaken(key!);
        }

        db.ValueChanges.Add(ValueRules.Change(value.Id, ValueChangeKind.Created, $"Created '{value.Name}' with {vocabulary.Count} vocabulary entries.", actor,
            after: value.Vocabulary));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        logger.LogInformation("Created value {ValueId}", value.Id);
        return await get.HandleAsync(value.Key, ct);
    }

    internal static Result<ValueDetail> KeyTaken(string key) =>
        Result<ValueDetail>.Conflict($"A value with key '{key}' exists (keys of retired and merged values stay taken).", "key");

    internal static Result<ValueDetail> NameTaken(string name) =>
        Result<ValueDetail>.Conflict($"Another value is already called '{name}'.", "name");
}
