using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Ingestion.Batch;

/// <summary>Requests and readers shared by the batch ingestion and idempotency tests.</summary>
internal static class BatchApi
{
    public const string EventsPath = "/api/v1/events/batch";
    public const string CustomersPath = "/api/v1/customers/batch";

    public static async Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, string json, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        return await client.SendAsync(request);
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    public static bool IsReplay(this HttpResponseMessage response) =>
        response.Headers.TryGetValues("Idempotent-Replayed", out var values) && values.Single() == "true";

    /// <summary>A transaction event with a fresh order id and customer unless given.</summary>
    public static string Transaction(string messageId, string? orderId = null, string? email = null, decimal total = 42.5m, string extra = "") =>
        $$"""
        {"messageId": "{{messageId}}", "type": "transaction", "externalId": "{{orderId ?? "SO-" + Guid.NewGuid().ToString("N")[..10]}}",
         "customer": {"externalId": null, "email": "{{email ?? Unique.Email()}}", "firstName": "Ada", "lastName": "Lovelace"},
         "occurredAt": "2026-06-01T10:00:00Z", "currency": "EUR", "total": {{total.ToString(System.Globalization.CultureInfo.InvariantCulture)}},
         "lines": [{"sku": null, "description": "Tea", "quantity": 2, "unitPrice": 21.25}]{{extra}}}
        """;

    public static string Interaction(string messageId, string? email = null) =>
        $$"""
        {"type": "interaction", "messageId": "{{messageId}}", "customer": {"email": "{{email ?? Unique.Email()}}", "firstName": "Grace", "lastName": null, "externalId": null},
         "channel": "email", "direction": "inbound", "interactionType": "support", "subject": "Where is my order?", "notes": null,
         "occurredAt": "2026-06-02T09:30:00Z", "externalId": null}
        """;

    public static string Events(params string[] events) => $$"""{"events": [{{string.Join(",", events)}}]}""";

    /// <summary>A client with its own new API key of the given role (the fixture's <c>ClientAs</c> shares one key per role).</summary>
    public static async Task<HttpClient> ClientWithNewKeyAsync(RapportAppFactory app, Role role)
    {
        var created = await app.ClientAs(Role.Admin).PostAsJsonAsync("/api/v1/api-keys", new { name = $"batch {Guid.NewGuid():N}", role = Roles.Name(role) });
        created.EnsureSuccessStatusCode();
        var client = app.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await created.JsonAsync()).GetProperty("key").GetString());
        return client;
    }
}

internal static class Unique
{
    public static string Email() => $"c{Guid.NewGuid():N}@example.com";

    public static string Id(string prefix) => $"{prefix}-{Guid.NewGuid():N}";
}
