using Microsoft.AspNetCore.Mvc;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Identity;
using Rapport.Webhooks;

namespace Rapport.Pages.Admin;

/// <summary>/admin/webhooks: the subscriptions, creating one (its secret shown once), enabling, disabling, rotating, deleting.</summary>
public sealed class WebhooksModel(ListWebhooks list, CreateWebhook create, UpdateWebhook update, RotateWebhookSecret rotate, DeleteWebhook delete) : AdminPageModel
{
    public IReadOnlyList<WebhookDetail> Webhooks { get; private set; } = [];

    /// <summary>A subscription just created or given a new secret: the secret is in this response and nowhere else.</summary>
    public WebhookWithSecret? Secret { get; private set; }
    public bool Rotated { get; private set; }

    public string? NewUrl { get; private set; }
    public string? NewDescription { get; private set; }
    public IReadOnlyList<string> NewEventTypes { get; private set; } = [];
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;

    public async Task OnGetAsync(CancellationToken ct) => Webhooks = await list.HandleAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(string? url, string? description, string[]? eventTypes, CancellationToken ct)
    {
        var result = await create.HandleAsync(new CreateWebhookRequest(url, description, eventTypes, true, User.GetUserId()), ct);
        if (result.IsOk)
        {
            Secret = result.Value;
        }
        else
        {
            (NewUrl, NewDescription, NewEventTypes, Errors) = (url, description, eventTypes ?? [], result.Errors);
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        }

        Webhooks = await list.HandleAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRotateAsync(long id, CancellationToken ct)
    {
        var result = await rotate.HandleAsync(id, ct);
        if (!result.IsOk)
        {
            return NotFound();
        }

        (Secret, Rotated) = (result.Value, true);
        Webhooks = await list.HandleAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostActiveAsync(long id, bool active, CancellationToken ct)
    {
        var result = await update.HandleAsync(id, new UpdateWebhookRequest { Active = new Optional<bool?>(active) }, ct);
        if (!result.IsOk)
        {
            return NotFound();
        }

        TempData["Flash"] = active
            ? $"The webhook to {result.Value!.Url} is enabled."
            : $"The webhook to {result.Value!.Url} is disabled; its pending deliveries are stopped and can be replayed from its log.";
        return Redirect("/admin/webhooks");
    }

    public async Task<IActionResult> OnPostDeleteAsync(long id, CancellationToken ct)
    {
        var result = await delete.HandleAsync(id, ct);
        if (!result.IsOk)
        {
            return NotFound();
        }

        TempData["Flash"] = "The webhook and its delivery log are deleted.";
        return Redirect("/admin/webhooks");
    }
}
