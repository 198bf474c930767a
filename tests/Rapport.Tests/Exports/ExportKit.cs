using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Rapport.Imports.Csv;
using Rapport.Tests.Customers;

namespace Rapport.Tests.Exports;

/// <summary>Seeding through the public API and reading exports back.</summary>
internal static class ExportKit
{
    public static string Unique(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..(prefix.Length + 10)];

    public static Task<long> CustomerAsync(HttpClient client, object body) => CustomerTestApi.CreateIdAsync(client, body);

    public static async Task<long> TransactionAsync(HttpClient client, long customerId, string? externalId, DateTimeOffset at, decimal? total, params object[] lines)
    {
        var response = await client.PostAsJsonAsync("/api/v1/transactions", new { customerId, externalId, occurredAt = at, currency = "EUR", total, lines });
        await CustomerTestApi.ExpectAsync(response, HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    public static async Task<long> InteractionAsync(HttpClient client, long customerId, string channel, string type, DateTimeOffset at, string? subject = null, string? notes = null)
    {
        var response = await client.PostAsJsonAsync("/api/v1/interactions", new { customerId, channel, direction = "inbound", type, subject, notes, occurredAt = at });
        await CustomerTestApi.ExpectAsync(response, HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    public static async Task<HttpResponseMessage> ExportAsync(HttpClient client, string kind, string query)
    {
        var response = await client.GetAsync($"/api/v1/exports/{kind}?{query}");
        await CustomerTestApi.ExpectAsync(response, HttpStatusCode.OK);
        return response;
    }

    public static async Task<List<JsonElement>> JsonAsync(HttpClient client, string kind, string query)
    {
        var response = await ExportAsync(client, kind, "format=json&" + query);
        var array = await response.Content.ReadFromJsonAsync<JsonElement>();
        return [.. array.EnumerateArray()];
    }

    /// <summary>The CSV export parsed by the import's own CSV reader: header and rows.</summary>
    public static async Task<(IReadOnlyList<string> Header, List<IReadOnlyList<string>> Rows, byte[] Bytes)> CsvAsync(HttpClient client, string kind, string query)
    {
        var response = await ExportAsync(client, kind, "format=csv&" + query);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var (header, rows) = ParseCsv(bytes);
        return (header, rows, bytes);
    }

    public static (IReadOnlyList<string> Header, List<IReadOnlyList<string>> Rows) ParseCsv(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        var reader = CsvReader.Open(stream);
        reader.HeaderProblem.Should().BeNull();
        var rows = new List<IReadOnlyList<string>>();
        foreach (var record in reader.ReadAll())
        {
            record.Error.Should().BeNull();
            rows.Add(record.Cells);
        }

        return (reader.Header!.Names, rows);
    }

    /// <summary>Every page of a list endpoint, following <c>next</c>.</summary>
    public static async Task<List<JsonElement>> ListAllAsync(HttpClient client, string path, string query)
    {
        var items = new List<JsonElement>();
        string? after = null;
        do
        {
            var url = $"{path}?{query}&limit=200" + (after is null ? "" : $"&after={Uri.EscapeDataString(after)}");
            var page = await client.GetFromJsonAsync<JsonElement>(url);
            items.AddRange(page.GetProperty("items").EnumerateArray());
            after = page.GetProperty("next").ValueKind == JsonValueKind.String ? page.GetProperty("next").GetString() : null;
        }
        while (after is not null);

        return items;
    }

    public static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
