using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Data;
using Rapport.Interactions;

namespace Rapport.Transactions;

/// <summary>
/// Filters for <see cref="ListTransactions"/>. Without <c>CustomerId</c> it lists every customer's transactions.
/// <c>Limit</c> is 1..200 (default 50); <c>After</c> is the <c>Next</c> cursor of the previous page.
/// </summary>
public sealed record ListTransactionsQuery(long? CustomerId = null, int? Limit = null, string? After = null);

/// <summary>Transactions newest first (by <c>OccurredAt</c>, then id, both descending), keyset-paged.</summary>
public sealed class ListTransactions(RapportDbContext db, Access.CustomerOwnership ownership)
{
    public async Task<Result<Page<TransactionRow>>> HandleAsync(ListTransactionsQuery query, CancellationToken ct)
    {
        var errors = new FieldErrors();
        Cursor.TryLimit(query.Limit, errors, out var limit);
        Keyset.TryDecode(query.After, errors, out (DateTimeOffset At, long Id)? after);
        if (errors.Any)
        {
            return errors.ToResult<Page<TransactionRow>>();
        }

        if (query.CustomerId is { } customerId && !await ownership.Visible(db.Customers).AnyAsync(c => c.Id == customerId, ct))
        {
            return Result<Page<TransactionRow>>.Invalid("customerId", $"Customer {customerId} does not exist.");
        }

        var rows = db.Transactions.AsNoTracking();
        if (ownership.Restricted)
        {
            var visible = ownership.VisibleIds();
            rows = rows.Where(r => visible.Contains(r.CustomerId));
        }
        if (query.CustomerId is { } id)
        {
            rows = rows.Where(t => t.CustomerId == id);
        }

        if (after is var (at, afterId))
        {
            rows = rows.Where(t => t.OccurredAt < at || (t.OccurredAt == at && t.Id < afterId));
        }

        var items = await rows
            .OrderByDescending(t => t.OccurredAt).ThenByDescending(t => t.Id)
            .Take(limit + 1)
            .Select(t => new TransactionRow(t.Id, t.CustomerId, t.ExternalId, t.OccurredAt, t.Currency, t.Total, t.Lines.Count, t.Source, t.CreatedAt))
            .ToListAsync(ct);
        return Result<Page<TransactionRow>>.Ok(Keyset.ToPage(items, limit, t => Keyset.Encode(t.OccurredAt, t.Id)));
    }
}
