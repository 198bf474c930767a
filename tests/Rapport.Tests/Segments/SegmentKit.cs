using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Rapport.Tests.Interactions;

namespace Rapport.Tests.Segments;

/// <summary>Customers, transactions and segments through the API, as a client would make them.</summary>
internal static class SegmentKit
{
    public static StringContent Json(string raw) => new(raw, Encoding.UTF8, "application/json");

    public static async Task<long> CustomerAsync(HttpClient staff, object body)
    {
        var response = await staff.PostAsJsonAsync("/api/v1/customers", body);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).GetProperty("id").GetInt64();
    }

    public static async Task<long> TransactionAsync(HttpClient staff, long customerId, DateTimeOffset at, params (string Sku, decimal Quantity, decimal Price)[] lines) =>
        await TransactionAsync(staff, customerId, at, "USD", lines);

    public static async Task<long> TransactionAsync(HttpClient staff, long customerId, DateTimeOffset at, string currency, params (string Sku, decimal Quantity, decimal Price)[] lines)
    {
        var response = await staff.PostAsJsonAsync("/api/v1/transactions", new
        {
            customerId,
            occurredAt = at,
            currency,
            lines = lines.Select(l => new { sku = l.Sku, quantity = l.Quantity, unitPrice = l.Price }).ToArray(),
        });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).GetProperty("id").GetInt64();
    }

    public static async Task<(long Count, List<long> Ids)> PreviewAsync(HttpClient client, string rules)
    {
        var response = await client.PostAsync("/api/v1/segments/preview", Json($"{{\"rules\":{rules}}}"));
        response.StatusCode.Should().Be(HttpStatusCode.OK, $"{rules}: {await response.Content.ReadAsStringAsync()}");
        var body = await response.ReadJsonAsync();
        return (body.GetProperty("count").GetInt64(), body.GetProperty("sample").EnumerateArray().Select(s => s.GetProperty("id").GetInt64()).ToList());
    }

    public static async Task<JsonElement> CreateAsync(HttpClient staff, string name, string rules, string kind = "dynamic")
    {
        var response = await staff.PostAsync("/api/v1/segments", Json($"{{\"name\":{JsonSerializer.Serialize(name)},\"kind\":\"{kind}\",\"rules\":{rules}}}"));
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    public static async Task<List<long>> MembersAsync(HttpClient client, long segmentId)
    {
        var items = await client.WalkAsync($"/api/v1/segments/{segmentId}/members", 200);
        return items.Select(i => i.GetProperty("id").GetInt64()).ToList();
    }

    public static async Task<List<(long Customer, string Kind)>> EventsAsync(HttpClient client, long segmentId)
    {
        var items = await client.WalkAsync($"/api/v1/segments/{segmentId}/events", 200);
        return items.Select(i => (i.GetProperty("customerId").GetInt64(), i.GetProperty("kind").GetString()!)).Reverse().ToList();
    }

    public static async Task<HttpResponseMessage> PatchAsync(HttpClient client, string url, string json, string? etag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, url) { Content = Json(json) };
        if (etag is not null)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue(etag));
        }

        return await client.SendAsync(request);
    }
}
