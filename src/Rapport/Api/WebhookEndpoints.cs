using Microsoft.AspNetCore.Http.HttpResults;
using Rapport.Common;
using Rapport.Identity;
using Rapport.Webhooks;

namespace Rapport.Api;

/// <summary>Outgoing webhooks: subscriptions, their delivery log, replay and test events (admin only). See docs/webhooks.md.</summary>
public static class WebhookEndpoints
{
    /// <summary>Body of <c>POST /api/v1/webhooks</c>: <c>url</c> and <c>eventTypes</c> are required; <c>active</c> defaults to true.</summary>
    public sealed record CreateWebhookBody(string? Url, string? Description, IReadOnlyList<string?>? EventTypes, bool? Active);

    public static RouteGroupBuilder MapWebhookEndpoints(this RouteGroupBuilder api)
    {
        var hooks = api.MapGroup("/webhooks").WithTags("Webhooks").RequireAuthorization(Policies.AdminEdit);

        hooks.MapGet("/", async (ListWebhooks list, CancellationToken ct) => TypedResults.Ok(await list.HandleAsync(ct)))
            .WithSummary("List webhook subscriptions, newest first (never their secrets)");

        hooks.MapPost("/", async Task<Results<Created<WebhookWithSecret>, ProblemHttpResult>> (CreateWebhookBody body, CreateWebhook create, HttpContext http, CancellationToken ct) =>
            {
                var result = await create.HandleAsync(new CreateWebhookRequest(body.Url, body.Description, body.EventTypes, body.Active, http.User.GetUserId()), ct);
                return result.IsOk ? TypedResults.Created($"/api/v1/webhooks/{result.Value!.Webhook.Id}", result.Value) : ApiProblems.From(result);
            })
            .WithSummary("Subscribe a URL to event types; the response is the only time the signing secret is shown")
            .WithDescription("eventTypes: customer.created, customer.updated, customer.merged, transaction.created, interaction.created. " +
                "url: https:// (http:// only when the server allows it), no user name or password; loopback and private addresses are refused unless allowed.");

        hooks.MapGet("/{id:long}", async Task<Results<Ok<WebhookDetail>, ProblemHttpResult>> (long id, GetWebhook get, CancellationToken ct) =>
            {
                var result = await get.HandleAsync(id, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithSummary("Read a webhook subscription (without its secret)");

        hooks.MapPatch("/{id:long}", async Task<Results<Ok<WebhookDetail>, ProblemHttpResult>> (long id, UpdateWebhookRequest body, UpdateWebhook update, CancellationToken ct) =>
            {
                var result = await update.HandleAsync(id, body, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithSummary("Change url, description, eventTypes or active; fields left out stay as they are")
            .WithDescription("Setting active to false stops the subscription's pending deliveries (they are marked failed and can be replayed once it is active again).");

        hooks.MapDelete("/{id:long}", async Task<Results<NoContent, ProblemHttpResult>> (long id, DeleteWebhook delete, CancellationToken ct) =>
            {
                var result = await delete.HandleAsync(id, ct);
                return result.IsOk ? TypedResults.NoContent() : ApiProblems.From(result);
            })
            .WithSummary("Delete a webhook subscription and its delivery log");

        hooks.MapPost("/{id:long}/rotate-secret", async Task<Results<Ok<WebhookWithSecret>, ProblemHttpResult>> (long id, RotateWebhookSecret rotate, CancellationToken ct) =>
            {
                var result = await rotate.HandleAsync(id, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithSummary("Replace the signing secret; the response is the only time the new secret is shown");

        hooks.MapPost("/{id:long}/test", async Task<Results<Accepted<WebhookDeliveryDetail>, ProblemHttpResult>> (long id, SendWebhookTest test, CancellationToken ct) =>
            {
                var result = await test.HandleAsync(id, ct);
                return result.IsOk
                    ? TypedResults.Accepted($"/api/v1/webhook-deliveries/{result.Value!.Delivery.Id}", result.Value)
                    : ApiProblems.From(result);
            })
            .WithSummary("Queue a ping event to the subscription; follow the Location to see the attempt");

        hooks.MapGet("/{id:long}/deliveries", async Task<Results<Ok<Page<WebhookDeliveryRow>>, ProblemHttpResult>> (
                long id, string? status, int? limit, string? after, ListWebhookDeliveries list, CancellationToken ct) =>
            {
                var errors = new FieldErrors();
                var parsed = ApiEnums.Parse<WebhookDeliveryStatus>(status, "status", errors);
                if (errors.Any)
                {
                    return ApiProblems.Validation(errors.ToDictionary());
                }

                var result = await list.HandleAsync(new ListWebhookDeliveriesQuery(id, parsed, limit, after), ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithSummary("A subscription's delivery log, newest first (filter by status: pending, succeeded, failed; keyset paging with limit and after)");

        var deliveries = api.MapGroup("/webhook-deliveries").WithTags("Webhooks").RequireAuthorization(Policies.AdminEdit);

        deliveries.MapGet("/{id:long}", async Task<Results<Ok<WebhookDeliveryDetail>, ProblemHttpResult>> (long id, GetWebhookDelivery get, CancellationToken ct) =>
            {
                var result = await get.HandleAsync(id, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithSummary("A delivery with its exact request body and every attempt");

        deliveries.MapPost("/{id:long}/replay", async Task<Results<Accepted<WebhookDeliveryDetail>, ProblemHttpResult>> (long id, ReplayWebhookDelivery replay, CancellationToken ct) =>
            {
                var result = await replay.HandleAsync(id, ct);
                return result.IsOk ? TypedResults.Accepted($"/api/v1/webhook-deliveries/{id}", result.Value) : ApiProblems.From(result);
            })
            .WithSummary("Queue a succeeded or failed delivery again, with the same event id and body");

        return api;
    }
}
