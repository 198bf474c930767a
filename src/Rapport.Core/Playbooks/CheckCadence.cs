using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Data;
using Rapport.Interactions;
using Rapport.Stages;

namespace Rapport.Playbooks;

/// <summary>
/// Where a customer stands against their stage's playbook at <c>At</c>. A contact is an outbound interaction (for the
/// spacing and the 30-day count); "without contact" counts from the last interaction that is not internal (a reply
/// from the customer is contact too), or from when the customer was added if that is later. docs/playbooks.md.
/// </summary>
/// <param name="LastContactAt">Last interaction in either direction that is not internal; null = never.</param>
/// <param name="LastOutboundAt">Last outbound interaction; null = never.</param>
/// <param name="OutboundInLastThirtyDays">Outbound interactions in the 30 days up to <c>At</c>.</param>
/// <param name="NextContactAllowedFrom">From when one more outbound contact keeps to the playbook (spacing and 30-day cap); at or before <c>At</c> = now.</param>
/// <param name="DaysWithoutContact">Whole days since the last contact, or since the customer was added when never contacted or added later.</param>
/// <param name="OverdueSince">When the customer is (or will be) past the playbook's maximum days without contact; null when the playbook sets none.</param>
/// <param name="Warnings">Why an outbound contact at <c>At</c> would break the playbook; empty = it keeps to it.</param>
/// <param name="LastContactWarnings">What the most recent outbound contact broke when it was made; empty = it kept to the playbook.</param>
public sealed record CadenceStatus(
    long CustomerId,
    Stage Stage,
    DateTimeOffset At,
    int MinDaysBetweenContacts,
    int MaxContactsPerThirtyDays,
    int? MaxDaysWithoutContact,
    DateTimeOffset? LastContactAt,
    DateTimeOffset? LastOutboundAt,
    int OutboundInLastThirtyDays,
    DateTimeOffset NextContactAllowedFrom,
    int DaysWithoutContact,
    DateTimeOffset? OverdueSince,
    bool Overdue,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> LastContactWarnings);

/// <summary>
/// The cadence check, shared by the customer page, the API and (later) campaigns, which will refuse what this warns
/// about. Reads one customer's outbound interactions of the last 2 × max(minimum days, 30) days, and their latest contact,
/// through the (customer_id, occurred_at) index.
/// </summary>
public sealed class CheckCadence(RapportDbContext db, TimeProvider clock)
{
    public async Task<Result<CadenceStatus>> HandleAsync(long customerId, DateTimeOffset? at, CancellationToken ct)
    {
        var now = at ?? clock.GetUtcNow();
        var customer = await (
                from c in db.Customers.AsNoTracking()
                where c.Id == customerId
                join m in db.CustomerMetrics.AsNoTracking() on c.Id equals m.CustomerId into metrics
                from m in metrics.DefaultIfEmpty()
                select new { c.CreatedAt, Stage = m == null ? Stage.Prospecting : m.Stage })
            .SingleOrDefaultAsync(ct);
        if (customer is null)
        {
            return Result<CadenceStatus>.NotFound($"Customer {customerId} does not exist.");
        }

        var playbook = await db.Set<Playbook>().AsNoTracking().SingleOrDefaultAsync(p => p.Stage == customer.Stage, ct)
            ?? new Playbook { Stage = customer.Stage, MinDaysBetweenContacts = 0, MaxContactsPerThirtyDays = PlaybookRules.MaxPerThirtyDays };

        var lastContact = await db.Interactions.AsNoTracking()
            .Where(i => i.CustomerId == customerId && i.Direction != InteractionDirection.Internal && i.OccurredAt <= now)
            .OrderByDescending(i => i.OccurredAt)
            .Select(i => (DateTimeOffset?)i.OccurredAt)
            .FirstOrDefaultAsync(ct);
        // Enough history for the spacing (up to 365 days) and the 30-day window, for now and for the last contact.
        var since = now.AddDays(-(Math.Max(playbook.MinDaysBetweenContacts, 30) * 2 + 1));
        var outbound = await db.Interactions.AsNoTracking()
            .Where(i => i.CustomerId == customerId && i.Direction == InteractionDirection.Outbound && i.OccurredAt <= now && i.OccurredAt > since)
            .OrderBy(i => i.OccurredAt).ThenBy(i => i.Id)
            .Select(i => i.OccurredAt)
            .ToListAsync(ct);
        var lastOutbound = outbound.Count > 0
            ? outbound[^1]
            : await db.Interactions.AsNoTracking()
                .Where(i => i.CustomerId == customerId && i.Direction == InteractionDirection.Outbound && i.OccurredAt <= now)
                .OrderByDescending(i => i.OccurredAt)
                .Select(i => (DateTimeOffset?)i.OccurredAt)
                .FirstOrDefaultAsync(ct);

        var warnings = Judge(playbook, outbound, now, out var inWindow, out var allowedFrom);
        var lastWarnings = outbound.Count > 0 ? Judge(playbook, outbound.GetRange(0, outbound.Count - 1), outbound[^1], out _, out _) : [];

        var from = lastContact is { } lc && lc > customer.CreatedAt ? lc : customer.CreatedAt;
        var days = Math.Max(0, (int)Math.Floor((now - from).TotalDays));
        DateTimeOffset? overdueSince = playbook.MaxDaysWithoutContact is { } max ? from.AddDays(max + 1) : null;

        return Result<CadenceStatus>.Ok(new CadenceStatus(
            customerId, customer.Stage, now, playbook.MinDaysBetweenContacts, playbook.MaxContactsPerThirtyDays, playbook.MaxDaysWithoutContact,
            lastContact, lastOutbound, inWindow, allowedFrom, days, overdueSince, overdueSince <= now, warnings, lastWarnings));
    }

    /// <summary>What an outbound contact at <paramref name="at"/> would break, given the earlier ones (oldest first).</summary>
    private static List<string> Judge(Playbook playbook, List<DateTimeOffset> earlier, DateTimeOffset at, out int inWindow, out DateTimeOffset allowedFrom)
    {
        var warnings = new List<string>();
        var window = earlier.Where(t => t > at.AddDays(-30) && t <= at).ToList();
        inWindow = window.Count;
        allowedFrom = at;
        var stage = playbook.Stage.ToString();
        if (earlier.Count > 0 && playbook.MinDaysBetweenContacts > 0)
        {
            var last = earlier[^1];
            var spacedFrom = last.AddDays(playbook.MinDaysBetweenContacts);
            if (spacedFrom > at)
            {
                warnings.Add($"Only {Days(at - last)} since the last contact; the {stage} playbook asks for at least {Plural(playbook.MinDaysBetweenContacts, "day")} between contacts.");
                allowedFrom = spacedFrom;
            }
        }

        if (window.Count >= playbook.MaxContactsPerThirtyDays)
        {
            // One more is fine once enough of the window's contacts are more than 30 days old.
            var freedAt = window[window.Count - playbook.MaxContactsPerThirtyDays].AddDays(30);
            warnings.Add($"{Plural(window.Count, "contact")} in the last 30 days already; the {stage} playbook allows {playbook.MaxContactsPerThirtyDays}.");
            if (freedAt > allowedFrom)
            {
                allowedFrom = freedAt;
            }
        }

        return warnings;
    }

    private static string Days(TimeSpan span) => span.TotalDays >= 1 ? Plural((int)Math.Floor(span.TotalDays), "day") : Plural((int)Math.Floor(span.TotalHours), "hour");

    private static string Plural(int n, string word) => n == 1 ? $"1 {word}" : $"{n} {word}s";
}
