using System.Collections.Frozen;
using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using Rapport.Data;

namespace Rapport.Webhooks;

/// <summary>
/// Queues webhook events in the same database transaction as the change they describe (the transactional outbox),
/// so an event is sent if and only if the change is committed. Registered as a singleton.
/// <para>
/// Usage: <c>if (outbox.Wants(WebhookEvents.CustomerCreated)) await outbox.EnqueueAsync(connection, transaction,
/// WebhookEvents.CustomerCreated, ids, ct);</c> before committing. <see cref="Wants"/> answers from a cached list of
/// active subscriptions (refreshed at once on this instance when subscriptions change, and at least every
/// <see cref="WebhookOptions.RefreshInterval"/> so several servers stay in step); <see cref="EnqueueAsync(DbConnection, DbTransaction?, string, IReadOnlyCollection{long}, CancellationToken)"/>
/// reads the subscriptions again inside the transaction and queues nothing when none wants the type.
/// </para>
/// </summary>
public sealed class WebhookOutbox(RapportDatabase database, WebhookOptions options, TimeProvider clock, ILogger<WebhookOutbox> logger) : IDisposable
{
    private const int RowsPerInsert = 500;

    private readonly Lock _loadLock = new();
    private readonly SemaphoreSlim _work = new(0, 1);
    private volatile Snapshot? _snapshot;
    private int _refreshing;

    private sealed record Snapshot(FrozenSet<string> Types, long LoadedAt);

    /// <summary>Whether any active subscription asks for <paramref name="eventType"/>. Cheap: no database access on most calls.</summary>
    public bool Wants(string eventType)
    {
        var snapshot = _snapshot;
        if (snapshot is null)
        {
            lock (_loadLock)
            {
                snapshot = _snapshot ??= Load();
            }
        }
        else if (Stopwatch.GetElapsedTime(snapshot.LoadedAt) > options.RefreshInterval && Interlocked.Exchange(ref _refreshing, 1) == 0)
        {
            // Answer from the current list and read the new one off this thread.
            _ = Task.Run(() =>
            {
                try
                {
                    _snapshot = Load();
                }
                finally
                {
                    Volatile.Write(ref _refreshing, 0);
                }
            });
        }

        return snapshot.Types.Contains(eventType);
    }

    /// <summary>Reads the active subscriptions again now (after a subscription was created, changed or deleted).</summary>
    public void Refresh()
    {
        lock (_loadLock)
        {
            _snapshot = Load();
        }
    }

    /// <summary>
    /// Builds the payloads of <paramref name="eventType"/> for <paramref name="ids"/> from the database, inside the
    /// caller's transaction (so it sees the caller's uncommitted rows), and inserts one pending delivery per active
    /// subscription that wants the type. A fixed number of queries whatever the number of ids. The caller commits.
    /// What the ids are depends on the type: see <see cref="WebhookEvents"/>. Ids that do not exist are skipped.
    /// </summary>
    public async Task EnqueueAsync(DbConnection connection, DbTransaction? transaction, string eventType, IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        CheckType(eventType);
        if (ids.Count == 0)
        {
            return;
        }

        var builder = new DbContextOptionsBuilder<RapportDbContext>();
        if (database.IsPostgres)
        {
            builder.UseNpgsql(connection);
        }
        else
        {
            builder.UseSqlite(connection);
        }

        await using var db = new RapportDbContext(builder.Options);
        if (transaction is not null)
        {
            await db.Database.UseTransactionAsync(transaction, ct);
        }

        await EnqueueCoreAsync(db, connection, transaction, eventType, ids, ct);
    }

    /// <summary>
    /// The same for use cases written with EF: call it after <c>SaveChangesAsync</c> inside the transaction the use case
    /// opened with <c>db.Database.BeginTransactionAsync</c>, before committing.
    /// </summary>
    public Task EnqueueAsync(RapportDbContext db, string eventType, IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        CheckType(eventType);
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Queue webhook events inside the transaction that writes the change (db.Database.BeginTransactionAsync).");
        return ids.Count == 0 ? Task.CompletedTask : EnqueueCoreAsync(db, db.Database.GetDbConnection(), transaction, eventType, ids, ct);
    }

    /// <summary>Queues one ready-made event for one subscription (the test ping, which is not built from rows).</summary>
    internal async Task<long> EnqueueOneAsync(RapportDbContext db, long subscriptionId, string eventType, object data, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var eventId = WebhookJson.NewEventId();
        var delivery = new WebhookDelivery
        {
            SubscriptionId = subscriptionId,
            EventId = eventId,
            EventType = eventType,
            Payload = WebhookJson.Serialize(eventId, eventType, now, data),
            Status = WebhookDeliveryStatus.Pending,
            NextAttemptAt = now,
            CreatedAt = now,
        };
        db.WebhookDeliveries.Add(delivery);
        await db.SaveChangesAsync(ct);
        Wake();
        return delivery.Id;
    }

    /// <summary>Tells the dispatcher on this instance that there may be work (it also polls, for other instances' work).</summary>
    internal void Wake()
    {
        try
        {
            _work.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one wake-up covers any number of new deliveries.
        }
    }

    internal async Task WaitForWorkAsync(TimeSpan timeout, CancellationToken ct) => await _work.WaitAsync(timeout, ct);

    public void Dispose() => _work.Dispose();

    private static void CheckType(string eventType)
    {
        if (!WebhookEvents.IsKnown(eventType))
        {
            throw new ArgumentException($"'{eventType}' is not a webhook event type; use a WebhookEvents constant.", nameof(eventType));
        }
    }

    private async Task EnqueueCoreAsync(RapportDbContext db, DbConnection connection, DbTransaction? transaction, string eventType, IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        var subscriptions = (await db.WebhookSubscriptions.AsNoTracking()
                .Where(s => s.Active)
                .Select(s => new { s.Id, s.EventTypes })
                .ToListAsync(ct))
            .Where(s => WebhookSubscriptionRules.ParseTypes(s.EventTypes).Contains(eventType))
            .Select(s => s.Id)
            .ToList();
        if (subscriptions.Count == 0)
        {
            return;
        }

        var found = await WebhookPayloads.LoadAsync(db, eventType, [.. ids.Distinct()], ct);
        if (found.Count == 0)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var events = found.Select(f =>
        {
            var eventId = WebhookJson.NewEventId();
            return (EventId: eventId, Payload: WebhookJson.Serialize(eventId, eventType, now, f.Data));
        }).ToList();

        var rows = subscriptions.SelectMany(s => events.Select(e => (Subscription: s, e.EventId, e.Payload))).ToList();
        var stamp = DbValues.Instant(database, now);
        foreach (var chunk in rows.Chunk(RowsPerInsert))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var sql = new System.Text.StringBuilder(
                "INSERT INTO webhook_deliveries (subscription_id, event_id, event_type, payload, status, attempts, next_attempt_at, created_at) VALUES ");
            command.AddParameter("@t", eventType);
            command.AddParameter("@s", nameof(WebhookDeliveryStatus.Pending));
            command.AddParameter("@n", stamp);
            for (var i = 0; i < chunk.Length; i++)
            {
                sql.Append(i == 0 ? "" : ", ").Append(System.Globalization.CultureInfo.InvariantCulture, $"(@b{i}, @e{i}, @t, @p{i}, @s, 0, @n, @n)");
                command.AddParameter($"@b{i}", chunk[i].Subscription);
                command.AddParameter($"@e{i}", chunk[i].EventId);
                command.AddParameter($"@p{i}", chunk[i].Payload);
            }

            command.CommandText = sql.ToString();
            await command.ExecuteNonQueryAsync(ct);
        }

        logger.LogDebug("Queued {EventCount} {EventType} events for {SubscriptionCount} webhook subscriptions", events.Count, eventType, subscriptions.Count);
        Wake();
    }

    private Snapshot Load()
    {
        var types = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            using var connection = database.CreateConnection();
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT event_types FROM webhook_subscriptions WHERE active = @active";
            command.AddParameter("@active", true);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                types.UnionWith(WebhookSubscriptionRules.ParseTypes(reader.GetString(0)));
            }
        }
        catch (DbException e)
        {
            // Not migrated yet or the database is unreachable: say no for now and ask again after the refresh interval.
            logger.LogWarning("Could not read webhook subscriptions ({Error}); no events are queued until the next refresh", e.GetType().Name);
        }

        return new Snapshot(types.ToFrozenSet(StringComparer.Ordinal), Stopwatch.GetTimestamp());
    }
}
