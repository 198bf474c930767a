using System.Data.Common;
using System.Globalization;
using System.Text;
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
    private static string Insert(string filter) =>
        "INSERT INTO customer_purchase_facts (customer_id, kind, key, first_at, last_at, purchase_count, amount)\n" + Select(filter);

    private static string Select(string filter) =>
        $"""
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
            await RefreshOneAsync(connection, transaction, customerIds.First(), ct);
            return;
        }

        var ids = SqlIds.Value(Postgres, customerIds);
        var inIds = SqlIds.In(Postgres, "@ids");
        await connection.ExecuteAsync(new CommandDefinition($"DELETE FROM customer_purchase_facts WHERE customer_id {inIds}", new { ids }, transaction, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(Insert($"AND t.customer_id {inIds}"), new { ids, currency = Currency }, transaction, cancellationToken: ct));
    }

    private sealed record FactRow(string Kind, string Key, object FirstAt, object LastAt, long Count, object Amount);

    /// <summary>
    /// One customer: their rows computed afresh and compared with the stored ones, and only the differences written
    /// (after a new transaction, the few categories and products it touched), so that index pages are rewritten only
    /// where something changed.
    /// </summary>
    private async Task RefreshOneAsync(DbConnection connection, DbTransaction? transaction, long id, CancellationToken ct)
    {
        // Both reads in one command: the rows computed afresh, then the stored ones. One customer's lines are a few
        // dozen, but PostgreSQL's estimate of a customer's transactions (from a sample) can be ten times too high, and
        // then it starts parallel workers: about 8 ms of start-up for a 0.2 ms query. SET LOCAL lasts until the end of
        // the transaction (or of this command's implicit one); it is set back after.
        const string storedRows = "SELECT customer_id, kind, key, first_at, last_at, purchase_count, amount FROM customer_purchase_facts WHERE customer_id = @id";
        var text = Postgres
            ? $"SET LOCAL max_parallel_workers_per_gather = 0; {Select("AND t.customer_id = @id")}; SET LOCAL max_parallel_workers_per_gather TO DEFAULT; {storedRows}"
            : $"{Select("AND t.customer_id = @id")}; {storedRows}";
        var fresh = new Dictionary<(string, string), FactRow>();
        var stored = new Dictionary<(string, string), FactRow>();
        await using (var reader = await connection.ExecuteReaderAsync(new CommandDefinition(text, new { id, currency = Currency }, transaction, cancellationToken: ct)))
        {
            foreach (var rows in new[] { fresh, stored })
            {
                if (rows == stored && !await reader.NextResultAsync(ct))
                {
                    throw new InvalidOperationException("The purchase summary's stored rows did not come back.");
                }

                while (await reader.ReadAsync(ct))
                {
                    var row = new FactRow(reader.GetString(1), reader.GetString(2), reader.GetValue(3), reader.GetValue(4),
                        Convert.ToInt64(reader.GetValue(5), CultureInfo.InvariantCulture), reader.GetValue(6));
                    rows[(row.Kind, row.Key)] = row;
                }
            }
        }

        // The differences, written in one command.
        var writes = new StringBuilder();
        var parameters = new DynamicParameters(new { id });
        var n = 0;
        foreach (var key in stored.Keys.Where(k => !fresh.ContainsKey(k)))
        {
            writes.Append(CultureInfo.InvariantCulture, $"DELETE FROM customer_purchase_facts WHERE customer_id = @id AND kind = @kind{n} AND key = @key{n};");
            parameters.Add($"kind{n}", key.Item1);
            parameters.Add($"key{n}", key.Item2);
            n++;
        }

        foreach (var row in fresh.Values.Where(r => !stored.TryGetValue((r.Kind, r.Key), out var old) || !Same(old, r)))
        {
            writes.Append(stored.ContainsKey((row.Kind, row.Key))
                ? $"UPDATE customer_purchase_facts SET first_at = @first{n}, last_at = @last{n}, purchase_count = @count{n}, amount = @amount{n} WHERE customer_id = @id AND kind = @kind{n} AND key = @key{n};"
                : $"INSERT INTO customer_purchase_facts (customer_id, kind, key, first_at, last_at, purchase_count, amount) VALUES (@id, @kind{n}, @key{n}, @first{n}, @last{n}, @count{n}, @amount{n});");
            parameters.Add($"kind{n}", row.Kind);
            parameters.Add($"key{n}", row.Key);
            parameters.Add($"first{n}", row.FirstAt);
            parameters.Add($"last{n}", row.LastAt);
            parameters.Add($"count{n}", row.Count);
            parameters.Add($"amount{n}", row.Amount);
            n++;
        }

        if (n > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(writes.ToString(), parameters, transaction, cancellationToken: ct));
        }
    }

    private static bool Same(FactRow a, FactRow b) =>
        Equals(a.FirstAt, b.FirstAt) && Equals(a.LastAt, b.LastAt) && a.Count == b.Count && SameAmount(a.Amount, b.Amount);

    // SQLite sums whole numbers to an integer that the REAL column stores as a double; PostgreSQL has numerics.
    private static bool SameAmount(object a, object b) => a is decimal || b is decimal
        ? Convert.ToDecimal(a, CultureInfo.InvariantCulture) == Convert.ToDecimal(b, CultureInfo.InvariantCulture)
        : Convert.ToDouble(a, CultureInfo.InvariantCulture).Equals(Convert.ToDouble(b, CultureInfo.InvariantCulture));

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
