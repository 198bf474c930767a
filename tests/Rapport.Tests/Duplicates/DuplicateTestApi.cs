using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Rapport.Tests.Customers;

namespace Rapport.Tests.Duplicates;

/// <summary>Requests of the duplicates API used by several test classes.</summary>
internal static class DuplicateTestApi
{
    public static async Task<JsonElement> DetectAsync(HttpClient client)
    {
        var response = await client.PostAsync("/api/v1/duplicates/detect", null);
        await CustomerTestApi.ExpectAsync(response, HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Every candidate of the status (open, dismissed, all), walking all pages.</summary>
    public static async Task<List<JsonElement>> CandidatesAsync(HttpClient client, string status = "open") =>
        (await CustomerTestApi.WalkAsync(client, $"/api/v1/duplicates?status={status}&limit=200")).Items;

    /// <summary>The candidate for the pair of these two customers, in either order, or null.</summary>
    public static JsonElement? Pair(IEnumerable<JsonElement> candidates, long x, long y)
    {
        var (a, b) = x < y ? (x, y) : (y, x);
        foreach (var c in candidates)
        {
            if (c.GetProperty("a").GetProperty("id").GetInt64() == a && c.GetProperty("b").GetProperty("id").GetInt64() == b)
            {
                return c;
            }
        }

        return null;
    }

    public static string[] Reasons(JsonElement candidate) => [.. candidate.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()!)];

    public static Task<HttpResponseMessage> MergeAsync(HttpClient client, long survivor, object body, string? ifMatch = null) =>
        client.SendAsync(CustomerTestApi.Json(HttpMethod.Post, $"/api/v1/customers/{survivor}/merge", JsonSerializer.Serialize(body), ifMatch));
}
