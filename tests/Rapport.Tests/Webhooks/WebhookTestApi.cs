using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Rapport.Identity;

namespace Rapport.Tests.Webhooks;

/// <summary>Requests the webhook tests repeat: subscribing, reading the log, waiting for the dispatcher to record an attempt.</summary>
internal sealed class WebhookTestApi(WebhookAppFactory app)
{
    public HttpClient Admin { get; } = app.ClientAs(Role.Admin);

    public async Task<(long Id, string Secret)> SubscribeAsync(string url, params string[] eventTypes)
    {
        var response = await Admin.PostAsJsonAsync("/api/v1/webhooks", new { url, description = "test receiver", eventTypes });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("webhook").GetProperty("id").GetInt64(), body.GetProperty("secret").GetString()!);
    }

    public async Task<List<JsonElement>> DeliveriesAsync(long subscriptionId, string? status = null)
    {
        var response = await Admin.GetAsync($"/api/v1/webhooks/{subscriptionId}/deliveries?limit=200{(status is null ? "" : $"&status={status}")}");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return [.. body.GetProperty("items").EnumerateArray()];
    }

    public async Task<JsonElement> DeliveryAsync(long deliveryId)
    {
        var response = await Admin.GetAsync($"/api/v1/webhook-deliveries/{deliveryId}");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Queues a ping through the API and returns the delivery id.</summary>
    public async Task<long> PingAsync(long subscriptionId)
    {
        var response = await Admin.PostAsync($"/api/v1/webhooks/{subscriptionId}/test", null);
        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("delivery").GetProperty("id").GetInt64();
    }

    /// <summary>Polls the delivery until its log holds <paramref name="attempts"/> attempts (the dispatcher records after the receiver answered).</summary>
    public async Task<JsonElement> WaitForAttemptsAsync(long deliveryId, int attempts)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var detail = await DeliveryAsync(deliveryId);
            if (detail.GetProperty("attempts").GetArrayLength() >= attempts)
            {
                return detail;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Delivery {deliveryId} has {detail.GetProperty("attempts").GetArrayLength()} attempts, expected {attempts}.");
            }

            await Task.Delay(25);
        }
    }

    /// <summary>Polls the subscription's log until it holds <paramref name="count"/> deliveries.</summary>
    public async Task<List<JsonElement>> WaitForDeliveriesAsync(long subscriptionId, int count, string? status = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var deliveries = await DeliveriesAsync(subscriptionId, status);
            if (deliveries.Count >= count)
            {
                return deliveries;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Subscription {subscriptionId} has {deliveries.Count} deliveries{(status is null ? "" : $" {status}")}, expected {count}.");
            }

            await Task.Delay(25);
        }
    }
}
