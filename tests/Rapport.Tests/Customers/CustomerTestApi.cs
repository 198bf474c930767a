using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Data;
using Rapport.Interactions;
using Rapport.Metrics;
using Rapport.Tests.Infrastructure;
using Rapport.Transactions;

namespace Rapport.Tests.Customers;

/// <summary>Small helpers for the customer API tests: requests, problem assertions and seeding history straight into the database.</summary>
internal static class CustomerTestApi
{
    public static async Task<JsonElement> CreateAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/v1/customers", body);
        await ExpectAsync(response, HttpStatusCode.Created);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<long> CreateIdAsync(HttpClient client, object body) => (await CreateAsync(client, body)).GetProperty("id").GetInt64();

    public static async Task<JsonElement> GetAsync(HttpClient client, long id)
    {
        var response = await client.GetAsync($"/api/v1/customers/{id}");
        await ExpectAsync(response, HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static HttpRequestMessage Patch(long id, string json, string? ifMatch) => Json(HttpMethod.Patch, $"/api/v1/customers/{id}", json, ifMatch);

    public static HttpRequestMessage Json(HttpMethod method, string url, string json, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return request;
    }

    public static async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        if (response.StatusCode != status)
        {
            var body = await response.Content.ReadAsStringAsync();
            response.StatusCode.Should().Be(status, "the response body was: {0}", body);
        }
    }

    /// <summary>Asserts a problem-details response with this status naming each field in <c>errors</c>; returns the body.</summary>
    public static async Task<JsonElement> ExpectProblemAsync(HttpResponseMessage response, HttpStatusCode status, params string[] fields)
    {
        await ExpectAsync(response, status);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("status").GetInt32().Should().Be((int)status);
        problem.GetProperty("type").GetString().Should().StartWith("/problems/");
        if (fields.Length > 0)
        {
            var errors = problem.GetProperty("errors");
            foreach (var field in fields)
            {
                errors.TryGetProperty(field, out _).Should().BeTrue("errors should name '{0}' but were {1}", field, errors.GetRawText());
            }
        }

        return problem;
    }

    public static async Task<List<JsonElement>> ListAsync(HttpClient client, string query)
    {
        var response = await client.GetAsync($"/api/v1/customers?{query}");
        await ExpectAsync(response, HttpStatusCode.OK);
        var page = await response.Content.ReadFromJsonAsync<JsonElement>();
        return [.. page.GetProperty("items").EnumerateArray()];
    }

    /// <summary>Follows <c>next</c> until the last page; returns every item in order and how many pages it took.</summary>
    public static async Task<(List<JsonElement> Items, int Pages)> WalkAsync(HttpClient client, string baseUrl)
    {
        var items = new List<JsonElement>();
        string? next = null;
        var pages = 0;
        do
        {
            var url = next is null ? baseUrl : $"{baseUrl}&after={Uri.EscapeDataString(next)}";
            var response = await client.GetAsync(url);
            await ExpectAsync(response, HttpStatusCode.OK);
            var page = await response.Content.ReadFromJsonAsync<JsonElement>();
            items.AddRange(page.GetProperty("items").EnumerateArray());
            next = page.GetProperty("next").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next").GetString();
            pages++;
            pages.Should().BeLessThan(1000, "paging must end");
        }
        while (next is not null);
        return (items, pages);
    }

    public static string ETagOf(HttpResponseMessage response) => response.Headers.ETag!.Tag;

    /// <summary>Adds a transaction (and its lines) the way the transactions feature stores them, then refreshes the customer's metrics.</summary>
    public static async Task<long> AddTransactionAsync(RapportAppFactory app, long customerId, DateTimeOffset at, decimal total, string? externalId = null, params (string Description, decimal Quantity, decimal UnitPrice)[] lines)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RapportDbContext>();
        var transaction = new Transaction
        {
            CustomerId = customerId,
            ExternalId = externalId,
            OccurredAt = at,
            Currency = "USD",
            Total = total,
            Source = "test",
            Lines = [.. lines.Select((l, i) => new TransactionLine
            {
                CustomerId = customerId,
                LineNumber = i + 1,
                Description = l.Description,
                Quantity = l.Quantity,
                UnitPrice = l.UnitPrice,
                Amount = l.Quantity * l.UnitPrice,
            })],
        };
        db.Transactions.Add(transaction);
        await db.SaveChangesAsync();
        await scope.ServiceProvider.GetRequiredService<CustomerMetricsUpdater>().RefreshAsync(customerId, CancellationToken.None);
        return transaction.Id;
    }

    public static async Task<long> AddInteractionAsync(RapportAppFactory app, long customerId, DateTimeOffset at, InteractionType type = InteractionType.Call, InteractionDirection direction = InteractionDirection.Outbound, string? subject = null)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RapportDbContext>();
        var interaction = new Interaction
        {
            CustomerId = customerId,
            Channel = InteractionChannel.Phone,
            Direction = direction,
            Type = type,
            Subject = subject,
            OccurredAt = at,
            Source = "test",
        };
        db.Interactions.Add(interaction);
        await db.SaveChangesAsync();
        await scope.ServiceProvider.GetRequiredService<CustomerMetricsUpdater>().RefreshAsync(customerId, CancellationToken.None);
        return interaction.Id;
    }

    /// <summary>The stored customer row with its tags, field values and external ids, read fresh.</summary>
    public static Task<Rapport.Customers.Customer?> StoredAsync(RapportAppFactory app, long id) =>
        app.WithDbAsync(db => db.Customers.AsNoTracking()
            .Include(c => c.Tags).Include(c => c.FieldValues).Include(c => c.ExternalIds)
            .AsSplitQuery()
            .SingleOrDefaultAsync(c => c.Id == id));

    public static void AddIfMatch(this HttpRequestMessage request, string etag) => request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(etag));
}
