using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Interactions;

/// <summary>
/// Filters for <see cref="ListInteractions"/>; all optional. <c>Limit</c> is 1..200 (default 50);
/// <c>After</c> is the <c>Next</c> cursor of the previous page.
/// </summary>
public sealed record ListInteractionsQuery(
    long? CustomerId = null,
    InteractionChannel? Channel = null,
    InteractionType? Type = null,
    int? Limit = null,
    string? After = null);

/// <summary>
/// Interactions newest first (by <c>OccurredAt</c>, then id, both descending), keyset-paged so that rows written while
/// a client pages never cause duplicates or gaps. Filtering by a customer that does not exist is a field error.
/// </summary>
public sealed class ListInteractions(RapportDbContext db, Access.CustomerOwnership ownership)
{
    public async Task<Result<Page<InteractionDetail>>> HandleAsync(ListInteractionsQuery query, CancellationToken ct)
    {
        var errors = new FieldErrors();
        Cursor.TryLimit(query.Limit, errors, out var limit);
        Keyset.TryDecode(query.After, errors, out (DateTimeOffset At, long Id)? after);
        if (query.Channel is { } channel && !Enum.IsDefined(channel))
        {
            errors.Add("channel", $"Must be one of {LogInteraction.Names<InteractionChannel>()}.");
        }

        if (query.Type is { } type && !Enum.IsDefined(type))
        {
            errors.Add("type", $"Must be one of {LogInteraction.Names<InteractionType>()}.");
        }

        if (errors.Any)
        {
            return errors.ToResult<Page<InteractionDetail>>();
        }

        if (query.CustomerId is { } customerId && !await ownership.Visible(db.Customers).AnyAsync(c => c.Id == customerId, ct))
        {
            return Result<Page<InteractionDetail>>.Invalid("customerId", $"Customer {customerId} does not exist.");
        }

        var rows = db.Interactions.AsNoTracking();
        if (ownership.Restricted)
        {
            var visible = ownership.VisibleIds();
            rows = rows.Where(r => visible.Contains(r.CustomerId));
        }
        if (query.CustomerId is { } id)
        {
            rows = rows.Where(i => i.CustomerId == id);
        }

        if (query.Channel is { } c)
        {
            rows = rows.Where(i => i.Channel == c);
        }

        if (query.Type is { } t)
        {
            rows = rows.Where(i => i.Type == t);
        }

        if (after is var (at, afterId))
        {
            rows = rows.Where(i => i.OccurredAt < at || (i.OccurredAt == at && i.Id < afterId));
        }

        var items = await rows
            .OrderByDescending(i => i.OccurredAt).ThenByDescending(i => i.Id)
            .Take(limit + 1)
            .Select(InteractionDetail.Projection(db))
            .ToListAsync(ct);
        return Result<Page<InteractionDetail>>.Ok(Keyset.ToPage(items, limit, i => Keyset.Encode(i.OccurredAt, i.Id)));
    }
}
