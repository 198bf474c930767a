using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Consent;

public sealed record ConsentStateView(ConsentChannel Channel, ConsentPurpose Purpose, ConsentStatus Status, LegalBasis LegalBasis, DateTimeOffset Since, long EventId);

/// <summary>A customer's consent: the current state (only the channel × purpose pairs with an event) and the full ledger, newest first.</summary>
public sealed record CustomerConsent(long CustomerId, bool ProfilingEnabled, IReadOnlyList<ConsentStateView> State, IReadOnlyList<ConsentEventView> History);

public sealed class GetConsent(RapportDbContext db)
{
    public async Task<Result<CustomerConsent>> HandleAsync(long customerId, CancellationToken ct)
    {
        if (!await db.Customers.AnyAsync(c => c.Id == customerId, ct))
        {
            return Result<CustomerConsent>.NotFound($"Customer {customerId} does not exist.");
        }

        var state = await db.Set<ConsentStateRow>().AsNoTracking().Where(s => s.CustomerId == customerId).ToListAsync(ct);
        var history = await db.Set<ConsentEvent>().AsNoTracking().Where(e => e.CustomerId == customerId)
            .OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id).ToListAsync(ct);
        return Result<CustomerConsent>.Ok(new CustomerConsent(
            customerId,
            RecordConsent.ProfilingFrom(state),
            [.. state.OrderBy(s => s.Channel).ThenBy(s => s.Purpose).Select(s => new ConsentStateView(s.Channel, s.Purpose, s.Status, s.LegalBasis, s.Since, s.EventId))],
            [.. history.Select(ConsentEventView.Of)]));
    }
}
