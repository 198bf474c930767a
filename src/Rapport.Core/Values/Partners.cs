using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Values;

/// <summary>Partners and influencers with their value ratings and fit scores, by name.</summary>
public sealed class ListPartners(RapportDbContext db)
{
    public async Task<IReadOnlyList<PartnerDetail>> HandleAsync(CancellationToken ct)
    {
        var partners = await db.Partners.AsNoTracking().ToListAsync(ct);
        var details = await DetailsAsync(db, partners, ct);
        return details.OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase).ThenBy(p => p.Id).ToList();
    }

    internal static async Task<IReadOnlyList<PartnerDetail>> DetailsAsync(RapportDbContext db, IReadOnlyList<Partner> partners, CancellationToken ct)
    {
        var ids = partners.Select(p => p.Id).ToList();
        var ratings = await (from pv in db.PartnerValues.AsNoTracking()
                             join v in db.TaxonomyValues.AsNoTracking() on pv.ValueId equals v.Id
                             where ids.Contains(pv.PartnerId)
                             select new { pv.PartnerId, pv.ValueId, v.Key, v.Name, v.Status, pv.Rating }).ToListAsync(ct);
        var business = await BusinessImportanceAsync(db, ct);
        return partners.Select(p =>
        {
            var mine = ratings.Where(r => r.PartnerId == p.Id).ToList();
            var fit = PartnerFit.Score(mine.Where(r => r.Status == ValueStatus.Active).ToDictionary(r => r.ValueId, r => r.Rating), business);
            return new PartnerDetail(p.Id, p.Name, p.Kind, p.Audience, ValueRules.SplitVocabulary(p.Channels), p.Contact,
                mine.OrderByDescending(r => r.Rating).ThenBy(r => r.Name, StringComparer.OrdinalIgnoreCase).Select(r => new PartnerValueRating(r.Key, r.Name, r.Rating)).ToList(),
                fit, p.CreatedAt, p.UpdatedAt, p.Version);
        }).ToList();
    }

    /// <summary>The current importance of every active value the business has rated, by value id.</summary>
    internal static async Task<Dictionary<long, int>> BusinessImportanceAsync(RapportDbContext db, CancellationToken ct)
    {
        var latest = await (from r in db.ValueRatings.AsNoTracking()
                            join v in db.TaxonomyValues.AsNoTracking() on r.ValueId equals v.Id
                            where v.Status == ValueStatus.Active && !db.ValueRatings.Any(n => n.ValueId == r.ValueId && n.Id > r.Id)
                            select new { r.ValueId, r.Importance }).ToListAsync(ct);
        return latest.ToDictionary(r => r.ValueId, r => r.Importance);
    }
}

public sealed class GetPartner(RapportDbContext db)
{
    public async Task<Result<PartnerDetail>> HandleAsync(long id, CancellationToken ct)
    {
        var partner = await db.Partners.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, ct);
        return partner is null
            ? Result<PartnerDetail>.NotFound($"Partner {id} does not exist.")
            : Result<PartnerDetail>.Ok((await ListPartners.DetailsAsync(db, [partner], ct))[0]);
    }
}

public sealed class CreatePartner(RapportDbContext db, GetPartner get, ILogger<CreatePartner> logger)
{
    public async Task<Result<PartnerDetail>> HandleAsync(CreatePartnerRequest request, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var name = PartnerRules.Name(errors, request.Name);
        var kind = request.Kind ?? PartnerKind.Partner;
        PartnerRules.Kind(errors, kind);
        var audience = PartnerRules.Audience(errors, request.Audience);
        var channels = PartnerRules.Channels(errors, request.Channels);
        var contact = PartnerRules.Contact(errors, request.Contact);
        if (errors.Any)
        {
            return errors.ToResult<PartnerDetail>();
        }

        var partner = new Partner { Name = name!, Kind = kind, Audience = audience, Channels = channels, Contact = contact };
        db.Partners.Add(partner);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        logger.LogInformation("Created partner {PartnerId}", partner.Id);
        return await get.HandleAsync(partner.Id, ct);
    }
}

/// <summary>Applies <see cref="PartnerChanges"/> with optimistic concurrency, like the other versioned resources.</summary>
public sealed class UpdatePartner(RapportDbContext db, GetPartner get, ILogger<UpdatePartner> logger)
{
    public async Task<Result<PartnerDetail>> HandleAsync(long id, int? expectedVersion, PartnerChanges changes, CancellationToken ct)
    {
        var partner = await db.Partners.SingleOrDefaultAsync(p => p.Id == id, ct);
        if (partner is null)
        {
            return Result<PartnerDetail>.NotFound($"Partner {id} does not exist.");
        }

        if (expectedVersion is { } version && version != partner.Version)
        {
            db.ChangeTracker.Clear();
            return Result<PartnerDetail>.PreconditionFailed($"Partner {id} is at version {partner.Version}, not {version}; read it again.");
        }

        var errors = new FieldErrors();
        if (changes.Name.IsSet)
        {
            partner.Name = PartnerRules.Name(errors, changes.Name.Value) ?? partner.Name;
        }

        if (changes.Kind.IsSet)
        {
            if (changes.Kind.Value is { } kind)
            {
                PartnerRules.Kind(errors, kind);
                partner.Kind = kind;
            }
            else
            {
                errors.Add("kind", "Cannot be cleared.");
            }
        }

        if (changes.Audience.IsSet)
        {
            partner.Audience = PartnerRules.Audience(errors, changes.Audience.Value);
        }

        if (changes.Channels.IsSet)
        {
            partner.Channels = PartnerRules.Channels(errors, changes.Channels.Value);
        }

        if (changes.Contact.IsSet)
        {
            partner.Contact = PartnerRules.Contact(errors, changes.Contact.Value);
        }

        if (errors.Any)
        {
            db.ChangeTracker.Clear();
            return errors.ToResult<PartnerDetail>();
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return Result<PartnerDetail>.PreconditionFailed($"Partner {id} changed while it was being updated; read it again.");
        }

        db.ChangeTracker.Clear();
        logger.LogInformation("Updated partner {PartnerId} to version {Version}", id, partner.Version);
        return await get.HandleAsync(id, ct);
    }
}

public sealed class DeletePartner(RapportDbContext db, ILogger<DeletePartner> logger)
{
    public async Task<Result<bool>> HandleAsync(long id, int? expectedVersion, CancellationToken ct)
    {
        var partner = await db.Partners.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, ct);
        if (partner is null)
        {
            return Result<bool>.NotFound($"Partner {id} does not exist.");
        }

        if (expectedVersion is { } version && version != partner.Version)
        {
            return Result<bool>.PreconditionFailed($"Partner {id} is at version {partner.Version}, not {version}; read it again.");
        }

        if (await db.Partners.Where(p => p.Id == id && p.Version == partner.Version).ExecuteDeleteAsync(ct) == 0)
        {
            return Result<bool>.PreconditionFailed($"Partner {id} changed while it was being deleted; read it again.");
        }

        logger.LogInformation("Deleted partner {PartnerId}", id);
        return Result<bool>.Ok(true);
    }
}

/// <summary>Replaces a partner's value ratings (1–5 each; [] removes them); same value rules as product tags.</summary>
public sealed class SetPartnerValues(RapportDbContext db, GetPartner get, ILogger<SetPartnerValues> logger)
{
    public async Task<Result<PartnerDetail>> HandleAsync(long partnerId, SetPartnerValuesRequest request, CancellationToken ct)
    {
        if (!await db.Partners.AnyAsync(p => p.Id == partnerId, ct))
        {
            return Result<PartnerDetail>.NotFound($"Partner {partnerId} does not exist.");
        }

        var errors = new FieldErrors();
        var chosen = await ValueTagRules.ResolveAsync(db, errors, request.Values?.Select(v => (v?.Value, v?.Rating)).ToList(), "rating",
            ValueLimits.MinImportance, ValueLimits.MaxImportance, 100, ct);
        if (errors.Any)
        {
            return errors.ToResult<PartnerDetail>();
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.PartnerValues.Where(p => p.PartnerId == partnerId).ExecuteDeleteAsync(ct);
        db.PartnerValues.AddRange(chosen.Select(c => new PartnerValue { PartnerId = partnerId, ValueId = c.ValueId, Rating = c.Level }));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        logger.LogInformation("Partner {PartnerId} rated on {Count} values", partnerId, chosen.Count);
        return await get.HandleAsync(partnerId, ct);
    }
}
