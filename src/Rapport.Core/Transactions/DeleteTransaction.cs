using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Data;
using Rapport.Metrics;

namespace Rapport.Transactions;

/// <summary>
/// Deletes a transaction with its lines and refreshes its customer's metrics in the same database transaction;
/// returns what was deleted.
/// </summary>
public sealed class DeleteTransaction(RapportDbContext db, GetTransaction get, CustomerMetricsUpdater metrics, ILogger<DeleteTransaction> logger)
{
    public async Task<Result<TransactionDetail>> HandleAsync(long id, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var found = await get.HandleAsync(id, ct);
        if (!found.IsOk)
        {
            return found;
        }

        // Lines go with their transaction (ON DELETE CASCADE); deleting them first keeps that explicit on both providers.
        await db.TransactionLines.Where(l => l.TransactionId == id).ExecuteDeleteAsync(ct);
        if (await db.Transactions.Where(t => t.Id == id).ExecuteDeleteAsync(ct) == 0)
        {
            return Result<TransactionDetail>.NotFound($"Transaction {id} does not exist.");
        }

        await metrics.RefreshAsync(found.Value!.CustomerId, ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Deleted transaction {TransactionId} of customer {CustomerId}", id, found.Value.CustomerId);
        return found;
    }
}
