using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Interactions;

public sealed class GetInteraction(RapportDbContext db)
{
    public async Task<Result<InteractionDetail>> HandleAsync(long id, CancellationToken ct)
    {
        var interaction = await db.Interactions.AsNoTracking()
            .Where(i => i.Id == id)
            .Select(InteractionDetail.Projection(db))
            .SingleOrDefaultAsync(ct);
        return interaction is null
            ? Result<InteractionDetail>.NotFound($"Interaction {id} does not exist.")
            : Result<InteractionDetail>.Ok(interaction);
    }
}
