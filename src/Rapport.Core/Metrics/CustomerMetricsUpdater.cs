using System.Data.Common;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Rapport.Analytics;
using Rapport.Customers.Changes;
using Rapport.Data;

namespace Rapport.Metrics;

/// <summary>
/// Recomputes the <c>customer_metrics</c> row of one customer (after any write to their transactions or
/// interactions, inside the same database transaction) or of every customer (after bulk loads).
/// One upsert statement, identical on SQLite and PostgreSQL; nothing is read back into memory.
/// </summary>
public sealed class CustomerMetricsUpdater(RapportDbContext db, IConfiguration configuration, TimeProvider clock, CustomerAnalyticsUpdater analytics, CustomerChanges changes)
{
    private const string Columns = "customer_id, first_purchase_at, last_purchase_at, purchase_count, revenue, interaction_count, last_interaction_at, updated_at";

    private const string OnConflict = """
        ON CONFLICT (customer_id) DO UPDATE SET
            first_purchase_at = excluded.first_purchase_at,
            last_purchase_at = excluded.last_purchase_at,
            purchase_count = excluded.purchase_count,
            revenue = excluded.revenue,
            interaction_count = excluded.interaction_count,
            last_interaction_at = excluded.last_interaction_at,
            updated_at = excluded.updated_at
        """;

    /// <summary>The currency revenue is counted in; transactions in other currencies count as purchases but not revenue.</summary>
    public string ReportingCurrency => ReportingCurrencyOf(configuration);

    public static string ReportingCurrencyOf(IConfiguration configuration) =>
        (configuration["Rapport:Currency"] ?? "USD").Trim().ToUpperInvariant();

    public async Task RefreshAsync(long customerId, CancellationToken ct)
    {
        var now = DbValues.Instant(db, clock.GetUtcNow());
        await db.Database.ExecuteSqlRawAsync(
            $$"""
            INSERT INTO customer_metrics ({{Columns}})
            SELECT c.id,
                (SELECT MIN(t.occurred_at) FROM transactions t WHERE t.customer_id = c.id),
                (SELECT MAX(t.occurred_at) FROM transactions t WHERE t.customer_id = c.id),
                (SELECT COUNT(*) FROM transactions t WHERE t.customer_id = c.id),
                (SELECT COALESCE(SUM(t.total), 0) FROM transactions t WHERE t.customer_id = c.id AND t.currency = {1}),
                (SELECT COUNT(*) FROM interactions i WHERE i.customer_id = c.id),
                (SELECT MAX(i.occurred_at) FROM interactions i WHERE i.customer_id = c.id),
                {2}
            FROM customers c WHERE c.id = {0}
            {{OnConflict}}
            """,
            [customerId, ReportingCurrency, now],
            ct);
        // The customer's RFM scores and predictions follow at once, with the models of the latest analytics run;
        // then what derives from all of it (stage, segment memberships).
        await analytics.UpdateAsync(customerId, ct);
        await changes.ChangedAsync(customerId, ct);
    }

    /// <summary>
    /// Recomputes the rows of these customers with one set-based statement on a raw connection, inside the caller's
    /// transaction; the same computation as <see cref="RefreshAsync"/>. Used by the bulk ingestion writers.
    /// </summary>
    public async Task RefreshManyAsync(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<long> customerIds, CancellationToken ct)
    {
        if (customerIds.Count == 0)
        {
            return;
        }

        var postgres = connection is NpgsqlConnection;
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText =
            $$"""
            INSERT INTO customer_metrics ({{Columns}})
            SELECT c.id,
                (SELECT MIN(t.occurred_at) FROM transactions t WHERE t.customer_id = c.id),
                (SELECT MAX(t.occurred_at) FROM transactions t WHERE t.customer_id = c.id),
                (SELECT COUNT(*) FROM transactions t WHERE t.customer_id = c.id),
                (SELECT COALESCE(SUM(t.total), 0) FROM transactions t WHERE t.customer_id = c.id AND t.currency = @currency),
                (SELECT COUNT(*) FROM interactions i WHERE i.customer_id = c.id),
                (SELECT MAX(i.occurred_at) FROM interactions i WHERE i.customer_id = c.id),
                @now
            FROM customers c WHERE c.id IN {{(postgres ? "(SELECT unnest(@ids))" : "(SELECT value FROM json_each(@ids))")}}
            {{OnConflict}}
            """;
        command.AddParameter("@currency", ReportingCurrency);
        command.AddParameter("@now", postgres ? clock.GetUtcNow().ToUniversalTime() : SqliteFormats.Instant(clock.GetUtcNow()));
        command.AddParameter("@ids", postgres ? customerIds.ToArray() : JsonSerializer.Serialize(customerIds));
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Recomputes every customer's row with set-based SQL; used after imports and demo generation.</summary>
    public async Task RefreshAllAsync(CancellationToken ct)
    {
        var now = DbValues.Instant(db, clock.GetUtcNow());
        var previousTimeout = db.Database.GetCommandTimeout();
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
        try
        {
            await db.Database.ExecuteSqlRawAsync(
                $$"""
                INSERT INTO customer_metrics ({{Columns}})
                SELECT c.id, t.first_at, t.last_at, COALESCE(t.n, 0), COALESCE(t.revenue, 0), COALESCE(i.n, 0), i.last_at, {1}
                FROM customers c
                LEFT JOIN (
                    SELECT customer_id, MIN(occurred_at) AS first_at, MAX(occurred_at) AS last_at, COUNT(*) AS n,
                           SUM(CASE WHEN currency = {0} THEN total ELSE 0 END) AS revenue
                    FROM transactions GROUP BY customer_id) t ON t.customer_id = c.id
                LEFT JOIN (
                    SELECT customer_id, COUNT(*) AS n, MAX(occurred_at) AS last_at
                    FROM interactions GROUP BY customer_id) i ON i.customer_id = c.id
                WHERE true
                {{OnConflict}}
                """,
                [ReportingCurrency, now],
                ct);
        }
        finally
        {
            db.Database.SetCommandTimeout(previousTimeout);
        }
    }
}
