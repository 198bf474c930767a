using Microsoft.EntityFrameworkCore;
using Rapport.Data;

namespace Rapport.Demo;

/// <summary>
/// The demo's consent ledger, so that the consent card, the consent check and the preferences page have something to
/// show: 70 % of the demo customers granted email marketing on the web sign-up form when they became customers (notice
/// version 2025-01), 25 % of all also SMS; one in ten of those granting email withdrew it 40 days before the end of the
/// demo (the preferences page). Profiling
/// keeps its default (on, legitimate interest), so the value profiles the demo computed stay as they are. Written set-based with the state derived from the
/// events, like the consent benchmark; customers that already have a ledger are left alone.
/// </summary>
internal static class DemoConsent
{
    public const string Notice = "2025-01";

    public static async Task<long> WriteAsync(RapportDbContext db, DateTimeOffset end, CancellationToken ct)
    {
        const string H = "((c.id * 2654435761) % 1000)";
        const string P0 = "{0}"; // the first SQL parameter
        const string Columns = "customer_id, channel, purpose, status, legal_basis, source, source_reference, notice_version, occurred_at, recorded_at";
        const string Fresh = $"c.source = '{DemoCatalog.Source}' AND NOT EXISTS (SELECT 1 FROM consent_events x WHERE x.customer_id = c.id)";
        var withdrawnAt = DbValues.Instant(db, end.AddDays(-40));
        object[] p = [withdrawnAt];
        long rows = 0;
        // The withdrawals first (their customers still have no ledger), dated after the sign-up they withdraw.
        var withdrawers = $"SELECT c.id FROM customers c WHERE {Fresh} AND {H} < 70 AND c.created_at < {P0}";
        var ids = await db.Database.SqlQueryRaw<long>(withdrawers, p).ToListAsync(ct);
        rows += await db.Database.ExecuteSqlRawAsync($"""
            INSERT INTO consent_events ({Columns})
            SELECT c.id, 'Email', 'Marketing', 'Granted', 'Consent', 'Form', 'web sign-up', '{Notice}', c.created_at, c.created_at
            FROM customers c WHERE {Fresh} AND {H} < 700 ORDER BY c.id
            """, ct);
        rows += await db.Database.ExecuteSqlRawAsync($"""
            INSERT INTO consent_events ({Columns})
            SELECT c.id, 'Sms', 'Marketing', 'Granted', 'Consent', 'Form', 'web sign-up', '{Notice}', c.created_at, c.created_at
            FROM customers c WHERE c.source = '{DemoCatalog.Source}' AND c.phone IS NOT NULL AND {H} < 250
              AND NOT EXISTS (SELECT 1 FROM consent_state s WHERE s.customer_id = c.id)
              AND EXISTS (SELECT 1 FROM consent_events x WHERE x.customer_id = c.id AND x.channel = 'Email')
            ORDER BY c.id
            """, ct);
        foreach (var chunk in ids.Chunk(500))
        {
#pragma warning disable EF1002 // the list is of ids (longs) read above, formatted here; no text reaches the SQL
            rows += await db.Database.ExecuteSqlRawAsync($"""
                INSERT INTO consent_events ({Columns})
                SELECT c.id, 'Email', 'Marketing', 'Withdrawn', 'Consent', 'Preferences', 'preferences page', NULL, {P0}, {P0}
                FROM customers c WHERE c.id IN ({string.Join(",", chunk)}) ORDER BY c.id
                """, p);
#pragma warning restore EF1002
        }

        rows += await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO consent_state (customer_id, channel, purpose, status, legal_basis, since, event_id)
            SELECT e.customer_id, e.channel, e.purpose, e.status, e.legal_basis, e.occurred_at, e.id FROM consent_events e
            WHERE NOT EXISTS (SELECT 1 FROM consent_state s WHERE s.customer_id = e.customer_id AND s.channel = e.channel AND s.purpose = e.purpose)
              AND NOT EXISTS (SELECT 1 FROM consent_events n WHERE n.customer_id = e.customer_id AND n.channel = e.channel AND n.purpose = e.purpose
                AND (n.occurred_at > e.occurred_at OR (n.occurred_at = e.occurred_at AND n.id > e.id)))
            """, ct);
        return rows;
    }
}
