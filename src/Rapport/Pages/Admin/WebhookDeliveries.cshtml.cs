using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Rapport.Common;
using Rapport.Webhooks;

namespace Rapport.Pages.Admin;

/// <summary>/admin/webhook-deliveries/{id}: one delivery's body, headers-to-be and every attempt, with replay.</summary>
public sealed class WebhookDeliveriesModel(GetWebhookDelivery get, GetWebhook getWebhook, ReplayWebhookDelivery replay) : AdminPageModel
{
    public WebhookDeliveryDetail Detail { get; private set; } = null!;
    public WebhookDetail Webhook { get; private set; } = null!;

    /// <summary>The body indented for reading; the bytes sent (and signed) are the compact original.</summary>
    public string PayloadIndented { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        var found = await get.HandleAsync(id, ct);
        if (!found.IsOk)
        {
            return NotFound();
        }

        Detail = found.Value!;
        var webhook = await getWebhook.HandleAsync(Detail.Delivery.SubscriptionId, ct);
        if (!webhook.IsOk)
        {
            return NotFound();
        }

        Webhook = webhook.Value!;
        using var document = JsonDocument.Parse(Detail.Payload);
        PayloadIndented = JsonSerializer.Serialize(document.RootElement, Indented);
        return Page();
    }

    public async Task<IActionResult> OnPostReplayAsync(long id, CancellationToken ct)
    {
        var result = await replay.HandleAsync(id, ct);
        if (result.Kind == ResultKind.NotFound)
        {
            return NotFound();
        }

        TempData["Flash"] = result.IsOk ? "The delivery is queued again with the same event id." : result.Message;
        return Redirect($"/admin/webhook-deliveries/{id}");
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
