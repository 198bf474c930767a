using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Transactions;

/// <summary>A transaction with its lines in line-number order.</summary>
public sealed class GetTransaction(RapportDbContext db)
{
    public async Task<Result<TransactionDetail>> HandleAsync(long id, CancellationToken ct)
    {
        var detail = await db.Transactions.AsNoTracking()
            .Where(t => t.Id == id)
            .Select(t => new TransactionDetail(
                t.Id, t.CustomerId, t.ExternalId, t.OccurredAt, t.Currency, t.Total, t.Source, t.CreatedAt,
                t.Lines.OrderBy(l => l.LineNumber)
                    .Select(l => new TransactionLineDetail(l.LineNumber, l.ProductId, l.Sku, l.Description, l.Quantity, l.UnitPrice, l.Amount))
                    .ToList()))
            .SingleOrDefaultAsync(ct);
        return detail is null
            ? Result<TransactionDetail>.NotFound($"Transaction {id} does not exist.")
            : Result<TransactionDetail>.Ok(detail);
    }
}
