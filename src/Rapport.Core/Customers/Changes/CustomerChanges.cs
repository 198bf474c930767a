using System.Data.Common;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Rapport.Data;

namespace Rapport.Customers.Changes;

/// <summary>
/// Something derived from a customer's data that must follow when that data changes: their relationship stage, their
/// dynamic segment memberships. Handlers run in <see cref="Order"/> (the stage first: segment rules read it).
/// </summary>
public interface ICustomerChangeHandler
{
    /// <summary>Lower runs first. Stages: 100; segments: 200.</summary>
    int Order { get; }

    /// <summary>
    /// One customer's data changed (a transaction, an interaction, a profile edit, a survey answer…). Runs on the
    /// request's <see cref="RapportDbContext"/>, inside its transaction when the writer opened one; a customer that no
    /// longer exists is not an error.
    /// </summary>
    Task CustomerChangedAsync(long customerId, CancellationToken ct);

    /// <summary>Many customers changed (bulk ingestion): the same work, set-based. Called by <see cref="CustomerChangeWorker"/>.</summary>
    Task CustomersChangedAsync(IReadOnlyList<long> customerIds, CancellationToken ct);

    /// <summary>
    /// Every customer's <paramref name="facts"/> may have changed (an analytics run rescored everyone; value profiles
    /// were recomputed): the full, set-based recompute, or nothing when the handler does not read those facts.
    /// </summary>
    Task AllChangedAsync(ChangedFacts facts, CancellationToken ct);
}

/// <summary>Kinds of per-customer facts, for <see cref="ICustomerChangeHandler.AllChangedAsync"/>.</summary>
[Flags]
public enum ChangedFacts
{
    /// <summary>RFM scores and segment, P(alive), CLV (the analytics run).</summary>
    Analytics = 1,
    /// <summary>Value scores and alignment (the value profiles recompute).</summary>
    Values = 2,
    /// <summary>Anything at all (e.g. after rules that read the clock should be re-checked).</summary>
    All = Analytics | Values | 4,
}

/// <summary>
/// Tells the handlers that customers changed. Single-customer writers call <see cref="ChangedAsync"/> at once (the
/// customer's page shows the new stage on the next request); bulk writers queue the ids in <c>customer_changes</c>
/// inside their own transaction (<see cref="QueueAsync"/>), and <see cref="CustomerChangeWorker"/> drains the queue.
/// </summary>
public sealed class CustomerChanges(IEnumerable<ICustomerChangeHandler> handlers, RapportDbContext db, TimeProvider clock)
{
    private readonly ICustomerChangeHandler[] _handlers = [.. handlers.OrderBy(h => h.Order)];

    public async Task ChangedAsync(long customerId, CancellationToken ct)
    {
        foreach (var handler in _handlers)
        {
            await handler.CustomerChangedAsync(customerId, ct);
        }
    }

    public async Task ChangedAsync(IReadOnlyList<long> customerIds, CancellationToken ct)
    {
        if (customerIds.Count == 0)
        {
            return;
        }

        foreach (var handler in _handlers)
        {
            await handler.CustomersChangedAsync(customerIds, ct);
        }
    }

    public async Task AllChangedAsync(ChangedFacts facts, CancellationToken ct)
    {
        foreach (var handler in _handlers)
        {
            await handler.AllChangedAsync(facts, ct);
        }
    }

    /// <summary>Queues customers for the worker on the context's connection (and transaction, if one is open).</summary>
    public async Task QueueAsync(IReadOnlyCollection<long> customerIds, CancellationToken ct)
    {
        if (customerIds.Count == 0)
        {
            return;
        }

        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync(ct);
        }

        await CustomerChangeQueue.AddAsync(connection, db.Database.CurrentTransaction?.GetDbTransaction(), customerIds, clock.GetUtcNow(), ct);
    }
}

/// <summary>The <c>customer_changes</c> table: customers whose derived facts wait for <see cref="CustomerChangeWorker"/>.</summary>
public static class CustomerChangeQueue
{
    /// <summary>Adds the ids with one statement (a customer already queued moves to the back: the worker then sees their latest change).</summary>
    public static async Task AddAsync(DbConnection connection, DbTransaction? transaction, IReadOnlyCollection<long> customerIds, DateTimeOffset now, CancellationToken ct)
    {
        if (customerIds.Count == 0)
        {
            return;
        }

        var postgres = connection is NpgsqlConnection;
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = postgres
            ? "INSERT INTO customer_changes (customer_id, changed_at) SELECT unnest(@ids), @now ON CONFLICT (customer_id) DO UPDATE SET changed_at = excluded.changed_at"
            : "INSERT INTO customer_changes (customer_id, changed_at) SELECT value, @now FROM json_each(@ids) WHERE true ON CONFLICT (customer_id) DO UPDATE SET changed_at = excluded.changed_at";
        command.AddParameter("@ids", postgres ? customerIds.Distinct().ToArray() : JsonSerializer.Serialize(customerIds.Distinct()));
        command.AddParameter("@now", postgres ? now.ToUniversalTime() : SqliteFormats.Instant(now));
        await command.ExecuteNonQueryAsync(ct);
    }

}

/// <summary>A queued customer (<see cref="CustomerChangeQueue"/>). No foreign key: a customer deleted meanwhile is simply skipped.</summary>
public sealed class CustomerChange
{
    public long CustomerId { get; set; }
    public DateTimeOffset ChangedAt { get; set; }
}
