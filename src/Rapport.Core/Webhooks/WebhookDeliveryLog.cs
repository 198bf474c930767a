using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Webhooks;

/// <summary>
/// One event for one subscription in the delivery log. <c>NextAttemptAt</c> is set only while the delivery is Pending;
/// <c>Attempts</c> counts the attempts of the current round (a replay starts a new round; every attempt stays in the log).
/// </summary>
public sealed record WebhookDeliveryRow(
    long Id,
    long SubscriptionId,
    string EventId,
    string EventType,
    WebhookDeliveryStatus Status,
    int Attempts,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? LastAttemptAt,
    int? LastStatusCode,
    string? LastError,
    DateTimeOffset? DeliveredAt,
    DateTimeOffset CreatedAt);

/// <summary>One HTTP attempt: the status code the receiver answered (null when there was no answer), how long it took, and what went wrong.</summary>
public sealed record WebhookAttemptRow(long Id, DateTimeOffset AttemptedAt, int? StatusCode, int DurationMs, string? Error);

/// <summary>A delivery with its exact request body (<c>Payload</c>, the bytes that were signed) and its attempts, oldest first.</summary>
public sealed record WebhookDeliveryDetail(WebhookDeliveryRow Delivery, string Payload, IReadOnlyList<WebhookAttemptRow> Attempts);

/// <summary>Filters for a subscription's delivery log: <c>Status</c> optional, <c>Limit</c> 1..200 (default 50), <c>After</c> the previous page's cursor.</summary>
public sealed record ListWebhookDeliveriesQuery(long SubscriptionId, WebhookDeliveryStatus? Status = null, int? Limit = null, string? After = null);

internal static class WebhookDeliveryRows
{
    public static IQueryable<WebhookDeliveryRow> Rows(IQueryable<WebhookDelivery> deliveries) => deliveries.Select(d => new WebhookDeliveryRow(
        d.Id, d.SubscriptionId, d.EventId, d.EventType, d.Status, d.Attempts,
        d.Status == WebhookDeliveryStatus.Pending ? d.NextAttemptAt : null,
        d.LastAttemptAt, d.LastStatusCode, d.LastError, d.DeliveredAt, d.CreatedAt));
}

/// <summary>A subscription's deliveries, newest first, keyset-paged by id.</summary>
public sealed class ListWebhookDeliveries(RapportDbContext db)
{
    public async Task<Result<Page<WebhookDeliveryRow>>> HandleAsync(ListWebhookDeliveriesQuery query, CancellationToken ct)
    {
        var errors = new FieldErrors();
        Cursor.TryLimit(query.Limit, errors, out var limit);
        long? after = null;
        if (!Cursor.TryDecode(query.After, out var keys) || (keys.Length > 0 && (keys.Length != 1 || !keys[0].TryGetInt64(out _))))
        {
            errors.Add("after", "Is not a cursor of this list; pass the 'next' value of the previous page unchanged.");
        }
        else if (keys.Length == 1)
        {
            after = keys[0].GetInt64();
        }

        if (query.Status is { } status && !Enum.IsDefined(status))
        {
            errors.Add("status", "Must be one of pending, succeeded, failed.");
        }

        if (errors.Any)
        {
            return errors.ToResult<Page<WebhookDeliveryRow>>();
        }

        if (!await db.WebhookSubscriptions.AnyAsync(s => s.Id == query.SubscriptionId, ct))
        {
            return Result<Page<WebhookDeliveryRow>>.NotFound($"There is no webhook subscription {query.SubscriptionId}.");
        }

        var rows = db.WebhookDeliveries.AsNoTracking().Where(d => d.SubscriptionId == query.SubscriptionId);
        if (query.Status is { } s)
        {
            rows = rows.Where(d => d.Status == s);
        }

        if (after is { } afterId)
        {
            rows = rows.Where(d => d.Id < afterId);
        }

        var items = await WebhookDeliveryRows.Rows(rows.OrderByDescending(d => d.Id).Take(limit + 1)).ToListAsync(ct);
        var next = items.Count > limit ? Cursor.Encode(items[limit - 1].Id) : null;
        return Result<Page<WebhookDeliveryRow>>.Ok(new Page<WebhookDeliveryRow>(items.Count > limit ? items[..limit] : items, next));
    }
}

public sealed class GetWebhookDelivery(RapportDbContext db)
{
    public async Task<Result<WebhookDeliveryDetail>> HandleAsync(long id, CancellationToken ct)
    {
        // Attempts first: the dispatcher stores an attempt and the delivery's new state in one transaction, so the
        // delivery read afterwards is at least as new as the attempts listed.
        var attempts = await db.WebhookAttempts.AsNoTracking()
            .Where(a => a.DeliveryId == id)
            .OrderBy(a => a.Id)
            .Select(a => new WebhookAttemptRow(a.Id, a.AttemptedAt, a.StatusCode, a.DurationMs, a.Error))
            .ToListAsync(ct);
        var found = await db.WebhookDeliveries.AsNoTracking().Where(d => d.Id == id).Select(d => new { d.Payload }).SingleOrDefaultAsync(ct);
        var row = await WebhookDeliveryRows.Rows(db.WebhookDeliveries.AsNoTracking().Where(d => d.Id == id)).SingleOrDefaultAsync(ct);
        if (row is null || found is null)
        {
            return Result<WebhookDeliveryDetail>.NotFound($"There is no webhook delivery {id}.");
        }

        return Result<WebhookDeliveryDetail>.Ok(new WebhookDeliveryDetail(row, found.Payload, attempts));
    }
}

/// <summary>
/// Queues a succeeded or failed delivery again, now, with the same event id and body (receivers deduplicate on the
/// event id). Its subscription must be active. A pending delivery is already queued: a conflict.
/// </summary>
public sealed class ReplayWebhookDelivery(RapportDbContext db, WebhookOutbox outbox, TimeProvider clock, GetWebhookDelivery get, ILogger<ReplayWebhookDelivery> logger)
{
    public async Task<Result<WebhookDeliveryDetail>> HandleAsync(long id, CancellationToken ct)
    {
        var found = await db.WebhookDeliveries.AsNoTracking()
            .Where(d => d.Id == id)
            .Select(d => new { d.Status, Active = db.WebhookSubscriptions.Where(s => s.Id == d.SubscriptionId).Select(s => s.Active).FirstOrDefault() })
            .SingleOrDefaultAsync(ct);
        if (found is null)
        {
            return Result<WebhookDeliveryDetail>.NotFound($"There is no webhook delivery {id}.");
        }

        if (!found.Active)
        {
            return Result<WebhookDeliveryDetail>.Conflict("The subscription is disabled; enable it before replaying its deliveries.");
        }

        var queued = await db.WebhookDeliveries
            .Where(d => d.Id == id && d.Status != WebhookDeliveryStatus.Pending)
            .ExecuteUpdateAsync(u => u
                .SetProperty(d => d.Status, WebhookDeliveryStatus.Pending)
                .SetProperty(d => d.Attempts, 0)
                .SetProperty(d => d.NextAttemptAt, clock.GetUtcNow())
                .SetProperty(d => d.DeliveredAt, (DateTimeOffset?)null), ct);
        if (queued == 0)
        {
            return Result<WebhookDeliveryDetail>.Conflict("The delivery is already queued (pending).");
        }

        logger.LogInformation("Webhook delivery {DeliveryId} queued again", id);
        outbox.Wake();
        return await get.HandleAsync(id, ct);
    }
}

/// <summary>Queues a <c>ping</c> event for one active subscription, to check the receiver and its signature check.</summary>
public sealed class SendWebhookTest(RapportDbContext db, WebhookOutbox outbox, GetWebhookDelivery get)
{
    public async Task<Result<WebhookDeliveryDetail>> HandleAsync(long subscriptionId, CancellationToken ct)
    {
        var active = await db.WebhookSubscriptions.Where(s => s.Id == subscriptionId).Select(s => (bool?)s.Active).SingleOrDefaultAsync(ct);
        if (active is null)
        {
            return Result<WebhookDeliveryDetail>.NotFound($"There is no webhook subscription {subscriptionId}.");
        }

        if (active == false)
        {
            return Result<WebhookDeliveryDetail>.Conflict("The subscription is disabled; enable it to send a test event.");
        }

        var id = await outbox.EnqueueOneAsync(db, subscriptionId, WebhookEvents.Ping,
            new PingData(subscriptionId, "A test event from Rapport: the subscription works when this request is answered with a 2xx status."), ct);
        return await get.HandleAsync(id, ct);
    }
}
