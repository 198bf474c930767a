using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Values;

/// <summary>
/// The business's rating of a value: <c>Importance</c> 1 (hardly matters to us) … 5 (core to who we are), the
/// <c>Evidence</c> behind it (required: why we say so) and the <c>OwnerId</c> of the enabled staff member who owns it.
/// </summary>
public sealed record RateImportanceRequest(int? Importance, string? Evidence, long? OwnerId);

/// <summary>
/// Records a new rating of a value (a merged key resolves to its target; a retired value cannot be rated). Ratings
/// are never overwritten: each is a new row, the newest is current, the older ones are its history.
/// </summary>
public sealed class RateValueImportance(RapportDbContext db, GetValue get, ILogger<RateValueImportance> logger)
{
    public async Task<Result<ValueDetail>> HandleAsync(string key, RateImportanceRequest request, Actor actor, CancellationToken ct)
    {
        var value = await ValueRules.ResolveAsync(db, key, tracking: false, ct);
        if (value is null)
        {
            return ValueRules.NotFound<ValueDetail>(key);
        }

        var errors = new FieldErrors();
        ValueRules.Importance(errors, "importance", request.Importance);
        var evidence = Validate.Clean(request.Evidence);
        if (evidence is null)
        {
            errors.Add("evidence", "Is required: say why the value matters this much to the business.");
        }

        TextRules.MultiLine(errors, "evidence", evidence, ValueLimits.Evidence);
        if (request.OwnerId is not { } ownerId)
        {
            errors.Add("ownerId", "Is required: the staff member who owns this rating.");
        }
        else if (!await db.Users.AnyAsync(u => u.Id == ownerId && !u.Disabled, ct))
        {
            errors.Add("ownerId", $"There is no enabled staff user {ownerId}.");
        }

        if (errors.Any)
        {
            return errors.ToResult<ValueDetail>();
        }

        if (value.Status != ValueStatus.Active)
        {
            return Result<ValueDetail>.Conflict($"Value '{value.Key}' is retired; reinstate it before rating it.");
        }

        db.ValueRatings.Add(new ValueRating
        {
            ValueId = value.Id,
            Importance = request.Importance!.Value,
            Evidence = evidence!,
            OwnerUserId = request.OwnerId,
            RatedByUserId = actor.UserId,
            RatedBy = actor.Name.Length <= 200 ? actor.Name : actor.Name[..200],
        });
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        logger.LogInformation("Rated value {ValueId} at {Importance}", value.Id, request.Importance);
        return await get.HandleAsync(value.Key, ct);
    }
}
