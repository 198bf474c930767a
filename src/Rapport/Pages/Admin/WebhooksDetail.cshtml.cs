using Microsoft.AspNetCore.Mvc;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Webhooks;

namespace Rapport.Pages.Admin;

/// <summary>/admin/webhooks/{id}: a subscription's settings, its delivery log with replay, and a test event.</summary>
public sealed class WebhooksDetailModel(
    GetWebhook get,
    UpdateWebhook update,
    ListWebhookDeliveries deliveries,
    ReplayWebhookDelivery replay,
    SendWebhookTest test,
    TimeProvider clock) : AdminPageModel
{
    public WebhookDetail Webhook { get; private set; } = null!;
    public Page<WebhookDeliveryRow> Deliveries { get; private set; } = new([], null);
    public WebhookDeliveryStatus? Status { get; private set; }
    public DateTimeOffset Now => clock.GetUtcNow();

    public string? FormUrl { get; private set; }
    public string? FormDescription { get; private set; }
    public IReadOnlyList<string> FormEventTypes { get; private set; } = [];
    public bool FormActive { get; private set; }
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;

    public async Task<IActionResult> OnGetAsync(long id, string? status, string? after, CancellationToken ct)
    {
        Status = Enum.TryParse<WebhookDeliveryStatus>(status, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed : null;
        return await LoadAsync(id, after, ct) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostSaveAsync(long id, string? url, string? description, string[]? eventTypes, bool active, CancellationToken ct)
    {
        var result = await update.HandleAsync(id, new UpdateWebhookRequest
        {
            Url = new Optional<string?>(url),
            Description = new Optional<string?>(description),
            EventTypes = new Optional<IReadOnlyList<string?>?>(eventTypes ?? []),
            Active = new Optional<bool?>(active),
        }, ct);
        if (result.IsOk)
        {
            TempData["Flash"] = "The webhook is saved.";
            return Redirect($"/admin/webhooks/{id}");
        }

        if (result.Kind == ResultKind.NotFound || !await LoadAsync(id, null, ct))
        {
            return NotFound();
        }

        (FormUrl, FormDescription, FormEventTypes, FormActive, Errors) = (url, description, eventTypes ?? [], active, result.Errors);
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    public async Task<IActionResult> OnPostTestAsync(long id, CancellationToken ct)
    {
        var result = await test.HandleAsync(id, ct);
        if (result.Kind == ResultKind.NotFound)
        {
            return NotFound();
        }

        TempData["Flash"] = result.IsOk
            ? $"A ping event ({result.Value!.Delivery.EventId}) is queued; its attempt appears below in a moment."
            : result.Message;
        return Redirect($"/admin/webhooks/{id}");
    }

    public async Task<IActionResult> OnPostReplayAsync(long id, long deliveryId, CancellationToken ct)
    {
        var result = await replay.HandleAsync(deliveryId, ct);
        if (result.Kind == ResultKind.NotFound)
        {
            return NotFound();
        }

        TempData["Flash"] = result.IsOk ? $"Delivery {deliveryId} is queued again with the same event id." : result.Message;
        return Redirect($"/admin/webhooks/{id}");
    }

    private async Task<bool> LoadAsync(long id, string? after, CancellationToken ct)
    {
        var found = await get.HandleAsync(id, ct);
        if (!found.IsOk)
        {
            return false;
        }

        Webhook = found.Value!;
        (FormUrl, FormDescription, FormEventTypes, FormActive) = (Webhook.Url, Webhook.Description, Webhook.EventTypes, Webhook.Active);
        var page = await deliveries.HandleAsync(new ListWebhookDeliveriesQuery(id, Status, null, after), ct);
        Deliveries = page.IsOk ? page.Value! : await deliveries.HandleAsync(new ListWebhookDeliveriesQuery(id, Status), ct) is { IsOk: true } first ? first.Value! : Deliveries;
        return true;
    }

    public static string Badge(WebhookDeliveryStatus status) => status switch
    {
        WebhookDeliveryStatus.Succeeded => "badge-success",
        WebhookDeliveryStatus.Failed => "badge-danger",
        _ => "badge-warning",
    };
}
