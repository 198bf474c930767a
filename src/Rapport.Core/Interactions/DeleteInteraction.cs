using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Data;
using Rapport.Metrics;

namespace Rapport.Interactions;

/// <summary>Deletes an interaction and refreshes its customer's metrics in the same transaction; returns what was deleted.</summary>
public sealed class DeleteInteraction(RapportDbContext db, CustomerMetricsUpdater metrics, ILogger<DeleteInteraction> logger)
{
    public async Task<Result<InteractionDetail>> HandleAsync(long id, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var interaction = await db.Interactions.AsNoTracking()
            .Where(i => i.Id == id)
            .Select(InteractionDetail.Projection(db))
            .SingleOrDefaultAsync(ct);
        if (interaction is null)
        {
            return Result<InteractionDetail>.NotFound($"Interaction {id} does not exist.");
        }

        if (await db.Interactions.Where(i => i.Id == id).ExecuteDeleteAsync(ct) == 0)
        {
            return Result<InteractionDetail>.NotFound($"Interaction {id} does not exist.");
        }

        await metrics.RefreshAsync(interaction.CustomerId, ct);
        await Research.Evidence.ValueEvidenceStore.RemoveAsync(db, Research.Evidence.EvidenceSources.Interaction, id, ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Deleted interaction {InteractionId} of customer {CustomerId}", id, interaction.CustomerId);
        return Result<InteractionDetail>.Ok(interaction);
    }
}
