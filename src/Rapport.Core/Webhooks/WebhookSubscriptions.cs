using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Data;

namespace Rapport.Webhooks;

/// <summary>A subscription as the API and the pages show it: never with its secret.</summary>
public sealed record WebhookDetail(
    long Id,
    string Url,
    string? Description,
    IReadOnlyList<string> EventTypes,
    bool Active,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int Version);

/// <summary>A subscription with its signing secret: only the answer to create and rotate carries it.</summary>
public sealed record WebhookWithSecret(WebhookDetail Webhook, string Secret);

/// <summary>A new subscription. <c>Active</c> defaults to true.</summary>
public sealed record CreateWebhookRequest(string? Url, string? Description, IReadOnlyList<string?>? EventTypes, bool? Active = null, long? CreatedByUserId = null);

/// <summary>A partial change: fields that are not set stay as they are.</summary>
public sealed record UpdateWebhookRequest
{
    public Optional<string?> Url { get; init; }
    public Optional<string?> Description { get; init; }
    public Optional<IReadOnlyList<string?>?> EventTypes { get; init; }
    public Optional<bool?> Active { get; init; }
}

internal static class WebhookQueries
{
    public static WebhookDetail ToDetail(WebhookSubscription s) =>
        new(s.Id, s.Url, s.Description, WebhookSubscriptionRules.ParseTypes(s.EventTypes), s.Active, s.CreatedAt, s.UpdatedAt, s.Version);

    public const string StoppedDisabled = "Stopped: the subscription was disabled.";

    /// <summary>Pending deliveries of a disabled subscription are not sent; they stay in the log as Failed and can be replayed.</summary>
    public static Task<int> StopPendingAsync(RapportDbContext db, long subscriptionId, CancellationToken ct) =>
        db.WebhookDeliveries
            .Where(d => d.SubscriptionId == subscriptionId && d.Status == WebhookDeliveryStatus.Pending)
            .ExecuteUpdateAsync(u => u.SetProperty(d => d.Status, WebhookDeliveryStatus.Failed).SetProperty(d => d.LastError, StoppedDisabled), ct);
}

/// <summary>Every subscription, newest first (there are few).</summary>
public sealed class ListWebhooks(RapportDbContext db)
{
    public async Task<IReadOnlyList<WebhookDetail>> HandleAsync(CancellationToken ct)
    {
        var rows = await db.WebhookSubscriptions.AsNoTracking().OrderByDescending(s => s.Id).ToListAsync(ct);
        return [.. rows.Select(WebhookQueries.ToDetail)];
    }
}

public sealed class GetWebhook(RapportDbContext db)
{
    public async Task<Result<WebhookDetail>> HandleAsync(long id, CancellationToken ct)
    {
        var row = await db.WebhookSubscriptions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct);
        return row is null ? NotFound(id) : Result<WebhookDetail>.Ok(WebhookQueries.ToDetail(row));
    }

    internal static Result<WebhookDetail> NotFound(long id) => Result<WebhookDetail>.NotFound($"There is no webhook subscription {id}.");
}

/// <summary>Creates a subscription with a new signing secret, returned once.</summary>
public sealed class CreateWebhook(RapportDbContext db, WebhookOptions options, WebhookOutbox outbox, ILogger<CreateWebhook> logger)
{
    public async Task<Result<WebhookWithSecret>> HandleAsync(CreateWebhookRequest request, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var url = WebhookSubscriptionRules.Url(errors, request.Url, options);
        var description = WebhookSubscriptionRules.Description(errors, request.Description);
        var types = WebhookSubscriptionRules.EventTypes(errors, request.EventTypes);
        if (errors.Any)
        {
            return errors.ToResult<WebhookWithSecret>();
        }

        var subscription = new WebhookSubscription
        {
            Url = url!,
            Description = description,
            EventTypes = types!,
            Secret = WebhookSubscriptionRules.NewSecret(),
            Active = request.Active ?? true,
            CreatedByUserId = request.CreatedByUserId,
        };
        db.WebhookSubscriptions.Add(subscription);
        await db.SaveChangesAsync(ct);
        outbox.Refresh();
        logger.LogInformation("Webhook subscription {WebhookId} created for {EventTypes}", subscription.Id, subscription.EventTypes);
        return Result<WebhookWithSecret>.Ok(new WebhookWithSecret(WebhookQueries.ToDetail(subscription), subscription.Secret));
    }
}

/// <summary>Changes URL, description, event types or the active flag. Disabling stops the subscription's pending deliveries.</summary>
public sealed class UpdateWebhook(RapportDbContext db, WebhookOptions options, WebhookOutbox outbox, ILogger<UpdateWebhook> logger)
{
    public async Task<Result<WebhookDetail>> HandleAsync(long id, UpdateWebhookRequest request, CancellationToken ct)
    {
        var subscription = await db.WebhookSubscriptions.SingleOrDefaultAsync(s => s.Id == id, ct);
        if (subscription is null)
        {
            return GetWebhook.NotFound(id);
        }

        var errors = new FieldErrors();
        if (request.Url.IsSet && WebhookSubscriptionRules.Url(errors, request.Url.Value, options) is { } url)
        {
            subscription.Url = url;
        }

        if (request.Description.IsSet)
        {
            subscription.Description = WebhookSubscriptionRules.Description(errors, request.Description.Value);
        }

        if (request.EventTypes.IsSet && WebhookSubscriptionRules.EventTypes(errors, request.EventTypes.Value) is { } types)
        {
            subscription.EventTypes = types;
        }

        if (request.Active.IsSet)
        {
            if (request.Active.Value is { } active)
            {
                subscription.Active = active;
            }
            else
            {
                errors.Add("active", "Must be true or false.");
            }
        }

        if (errors.Any)
        {
            db.ChangeTracker.Clear();
            return errors.ToResult<WebhookDetail>();
        }

        var disabling = db.Entry(subscription).Property(s => s.Active).IsModified && !subscription.Active;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            await db.SaveChangesAsync(ct);
            if (disabling)
            {
                await WebhookQueries.StopPendingAsync(db, id, ct);
            }

            await transaction.CommitAsync(ct);
        }

        outbox.Refresh();
        logger.LogInformation("Webhook subscription {WebhookId} updated (active: {Active})", id, subscription.Active);
        return Result<WebhookDetail>.Ok(WebhookQueries.ToDetail(subscription));
    }
}

/// <summary>Deletes a subscription with its delivery log; nothing more is sent to it.</summary>
public sealed class DeleteWebhook(RapportDbContext db, WebhookOutbox outbox, ILogger<DeleteWebhook> logger)
{
    public async Task<Result<bool>> HandleAsync(long id, CancellationToken ct)
    {
        var deleted = await db.WebhookSubscriptions.Where(s => s.Id == id).ExecuteDeleteAsync(ct);
        if (deleted == 0)
        {
            return Result<bool>.NotFound($"There is no webhook subscription {id}.");
        }

        outbox.Refresh();
        logger.LogInformation("Webhook subscription {WebhookId} deleted", id);
        return Result<bool>.Ok(true);
    }
}

/// <summary>Replaces the signing secret at once; the new one is returned once. Deliveries sent from now on use it.</summary>
public sealed class RotateWebhookSecret(RapportDbContext db, ILogger<RotateWebhookSecret> logger)
{
    public async Task<Result<WebhookWithSecret>> HandleAsync(long id, CancellationToken ct)
    {
        var subscription = await db.WebhookSubscriptions.SingleOrDefaultAsync(s => s.Id == id, ct);
        if (subscription is null)
        {
            return GetWebhook.NotFound(id).As<WebhookWithSecret>();
        }

        subscription.Secret = WebhookSubscriptionRules.NewSecret();
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Webhook subscription {WebhookId} has a new signing secret", id);
        return Result<WebhookWithSecret>.Ok(new WebhookWithSecret(WebhookQueries.ToDetail(subscription), subscription.Secret));
    }
}
