using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Consent;
using Rapport.Customers;
using Rapport.Data;

namespace Rapport.Values.Profiles;

/// <summary>Whether a customer is profiled, when that last changed and by whom.</summary>
public sealed record ProfilingState(long CustomerId, bool Enabled, DateTimeOffset? ChangedAt, string? ChangedBy, double? Alignment);

public sealed record SetProfilingRequest(bool? Enabled);

/// <summary>
/// Switches value profiling on or off for one customer, through the consent ledger (docs/privacy.md, "Profiling"): the
/// switch is a profiling event (granted or withdrawn, on the email channel, legitimate interest) recorded by
/// <see cref="RecordConsent"/>, which derives <c>customer_value_profiles.profiling_enabled</c> from the ledger. Off:
/// their scores and alignment are deleted at once and never computed while it stays off; their evidence is kept (it
/// belongs to the surveys, interviews and notes it came from) but not used. On: their profile is computed again at once.
/// </summary>
public sealed class SetProfiling(RapportDbContext db, RecordConsent record, RecomputeValueProfiles recompute)
{
    public async Task<Result<ProfilingState>> HandleAsync(long customerId, SetProfilingRequest request, Actor actor, CancellationToken ct, ConsentContext? context = null)
    {
        if (request.Enabled is not { } enabled)
        {
            return Result<ProfilingState>.Invalid("enabled", "Say whether profiling is on: true or false.");
        }

        if (!await db.Set<Customer>().AnyAsync(c => c.Id == customerId, ct))
        {
            return Result<ProfilingState>.NotFound($"Customer {customerId} does not exist.");
        }

        context ??= new ConsentContext(ConsentSource.Staff, actor.Name, actor.UserId, SourceReference: "profiling switch");
        var recorded = await record.RecordAsync(customerId,
            [new ConsentInput(ConsentChannel.Email, ConsentPurpose.Profiling, enabled ? ConsentStatus.Granted : ConsentStatus.Withdrawn, LegalBasis.LegitimateInterest)],
            context, skipUnchanged: false, ct);
        if (!recorded.IsOk)
        {
            return recorded.As<ProfilingState>();
        }

        if (recorded.Value!.ProfilingEnabled)
        {
            await recompute.CustomerAsync(customerId, ct);
        }

        var state = await db.Set<CustomerValueProfile>().AsNoTracking().SingleAsync(p => p.CustomerId == customerId, ct);
        return Result<ProfilingState>.Ok(new ProfilingState(customerId, state.ProfilingEnabled, state.ProfilingChangedAt, state.ProfilingChangedBy, state.Alignment));
    }
}

/// <summary>The stored alignment of a page of customers (the customer list's column): one indexed read by primary key.</summary>
public sealed class GetAlignments(RapportDbContext db)
{
    public async Task<IReadOnlyDictionary<long, double>> HandleAsync(IReadOnlyCollection<long> customerIds, CancellationToken ct)
    {
        if (customerIds.Count == 0)
        {
            return new Dictionary<long, double>();
        }

        var ids = customerIds.ToList();
        return await db.Set<CustomerValueProfile>().AsNoTracking()
            .Where(p => ids.Contains(p.CustomerId) && p.Alignment != null && p.ProfilingEnabled)
            .ToDictionaryAsync(p => p.CustomerId, p => p.Alignment!.Value, ct);
    }
}
