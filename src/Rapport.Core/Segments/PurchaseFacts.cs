using System.Data.Common;
using Dapper;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Configuration;
using Rapport.Data;
using Rapport.Metrics;

namespace Rapport.Segments;

/// <summary>
/// Keeps <c>customer_purchase_facts</c>: per customer, per product category and per product (SKU), the first and last
/// purchase, the number of transactions and the amount (reporting currency). Rebuilt for the customers whose data
/// changed (one statement pair), or in full (<see cref="RebuildAllAsync"/>, also run by the first analytics run when
/// the table is still empty while lines exist).
/// </summary>
public sealed class PurchaseFacts(RapportDbContext db, IConfiguration configuration)
{
    private bool Postgres => db.Database.IsNpgsql();

    // A customer's lines are reached through their transactions (lines have no index by customer); "+l.product_id"
    // keeps SQLite from starting at a product and walking all its lines (the same text on PostgreSQL, where + is a no-op).
    private string Insert(string filter) =>
        $"""
        INSERT INTO customer_purchase_facts (customer_id, kind, key, first_at, last_at, purchase_count, amount)
        SELECT t.customer_id, 'Category', p.category, MIN(t.occurred_at), MAX(t.occurred_at), COUNT(DISTINCT l.transaction_id),
               SUM(CASE WHEN t.currency = @currency THEN l.amount ELSE 0 END)
        FROM transactions t JOIN transaction_lines l ON l.transaction_id = t.id JOIN products p ON p.id = +l.product_id
        WHERE p.category IS NOT NULL {filter}
        GROUP BY t.customer_id, p.category
        UNION ALL
        SELECT t.customer_id, 'Product', COALESCE(p.sku, l.sku), MIN(t.occurred_at), MAX(t.occurred_at), COUNT(DISTINCT l.transaction_id),
               SUM(CASE WHEN t.currency = @currency THEN l.amount ELSE 0 END)
        FROM transactions t JOIN transaction_lines l ON l.transaction_id = t.id LEFT JOIN products p ON p.id = +l.product_id
        WHERE COALESCE(p.sku, l.sku) IS NOT NULL {filter}
        GROUP BY t.customer_id, COALESCE(p.sku, l.sku)
        """;

    private (DbConnection, DbTransaction?) Connection()
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            db.Database.OpenConnection();
        }

        return (connection, db.Database.CurrentTransaction?.GetDbTransaction());
    }

    private string Currency => CustomerMetricsUpdater.ReportingCurrencyOf(configuration);

    /// <summary>Recomputes the rows of some customers (deleted customers simply lose theirs).</summary>
    public async Task RefreshAsync(IReadOnlyCollection<long> customerIds, CancellationToken ct)
    {
        if (customerIds.Count == 0)
        {
            return;
        }

        var (connection, transaction) = Connection();
        if (customerIds.Count == 1)
        {
            var id = customerIds.First();
            await connection.ExecuteAsync(new CommandDefinition("DELETE FROM customer_purchase_facts WHERE customer_id = @id", new { id }, transaction, cancellationToken: ct));
            await connection.ExecuteAsync(new CommandDefinition(Insert("AND t.customer_id = @id"), new { id, currency = Currency }, transaction, cancellationToken: ct));
            return;
        }

        var ids = SqlIds.Value(Postgres, customerIds);
        var inIds = SqlIds.In(Postgres, "@ids");
        await connection.ExecuteAsync(new CommandDefinition($"DELETE FROM customer_purchase_facts WHERE customer_id {inIds}", new { ids }, transaction, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(Insert($"AND t.customer_id {inIds}"), new { ids, currency = Currency }, transaction, cancellationToken: ct));
    }

    /// <summary>Rebuilds the whole table (set-based); returns the rows written.</summary>
    public async Task<int> RebuildAllAsync(CancellationToken ct)
    {
        var (connection, transaction) = Connection();
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM customer_purchase_facts", null, transaction, cancellationToken: ct));
        var rows = await connection.ExecuteAsync(new CommandDefinition(Insert(""), new { currency = Currency }, transaction, commandTimeout: 3600, cancellationToken: ct));
        if (!Postgres)
        {
            await connection.ExecuteAsync(new CommandDefinition("ANALYZE customer_purchase_facts", null, transaction, cancellationToken: ct));
        }

        return rows;
    }

    /// <summary>True when lines exist but the summary was never built (a database from before 0013, or a fresh demo).</summary>
    public async Task<bool> NeedsBuildAsync(CancellationToken ct)
    {
        var (connection, transaction) = Connection();
        var facts = await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT COUNT(*) FROM (SELECT 1 FROM customer_purchase_facts LIMIT 1) x", null, transaction, cancellationToken: ct));
        if (facts > 0)
        {
            return false;
        }

        return await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT COUNT(*) FROM (SELECT 1 FROM transaction_lines LIMIT 1) x", null, transaction, cancellationToken: ct)) > 0;
    }
}

/// <summary>Lists of ids as one parameter: a JSON array read by <c>json_each</c> on SQLite, a <c>bigint[]</c> on PostgreSQL.</summary>
public static class SqlIds
{
    public static object Value(bool postgres, IEnumerable<long> ids) =>
        postgres ? ids.Distinct().ToArray() : System.Text.Json.JsonSerializer.Serialize(ids.Distinct());

    /// <summary>The right-hand side of a membership test: <c>IN (SELECT value FROM json_each(@ids))</c> or <c>= ANY(@ids)</c>.</summary>
    public static string In(bool postgres, string parameter) =>
        postgres ? $"= ANY({parameter})" : $"IN (SELECT value FROM json_each({parameter}))";
}
