using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Customers;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Interactions;

/// <summary>
/// Helpers for the interaction, transaction, product and company tests: customers are inserted straight through the
/// DbContext (the customers API is another slice), and problem responses are checked the same way everywhere.
/// </summary>
internal static class ActivityKit
{
    private static int _counter;

    public static async Task<long> CustomerAsync(this RapportAppFactory app, string? first = null, string? last = null, long? companyId = null)
    {
        var n = Interlocked.Increment(ref _counter);
        first ??= "Ada";
        last ??= $"Tester{n}";
        var email = $"{first}.{last}.{n}@example.com".ToLowerInvariant();
        return await app.WithDbAsync(async db =>
        {
            var customer = new Customer
            {
                FirstName = first,
                LastName = last,
                Email = email,
                EmailNormalized = email,
                CompanyId = companyId,
                Source = "test",
                SearchText = $"{first} {last} {email}".ToLowerInvariant(),
            };
            db.Customers.Add(customer);
            await db.SaveChangesAsync();
            return customer.Id;
        });
    }

    /// <summary>Calls a use case the way the pages and the CLI do, in its own scope.</summary>
    public static async Task<T> RunAsync<TService, T>(this RapportAppFactory app, Func<TService, Task<T>> action)
        where TService : notnull
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<TService>());
    }

    public static StringContent Json(string raw) => new(raw, Encoding.UTF8, "application/json");

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>Asserts a problem-details response with the status and, when given, an error naming <paramref name="field"/>.</summary>
    public static async Task<JsonElement> ShouldBeProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string? field = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, text);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json", text);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        problem.GetProperty("status").GetInt32().Should().Be((int)status);
        problem.GetProperty("type").GetString().Should().StartWith("/problems/");
        if (field is not null)
        {
            problem.TryGetProperty("errors", out var errors).Should().BeTrue(text);
            errors.TryGetProperty(field, out var messages).Should().BeTrue($"the problem should name '{field}': {text}");
            messages.GetArrayLength().Should().BeGreaterThan(0);
        }

        return problem;
    }

    /// <summary>Follows <c>next</c> cursors from the first page to the last, returning every item in order.</summary>
    public static async Task<List<JsonElement>> WalkAsync(this HttpClient client, string url, int limit)
    {
        var items = new List<JsonElement>();
        string? next = null;
        var separator = url.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        for (var pages = 0; pages < 1000; pages++)
        {
            var page = await client.GetAsync($"{url}{separator}limit={limit}" + (next is null ? "" : $"&after={Uri.EscapeDataString(next)}"));
            page.StatusCode.Should().Be(HttpStatusCode.OK, await page.Content.ReadAsStringAsync());
            var body = await page.ReadJsonAsync();
            var pageItems = body.GetProperty("items").EnumerateArray().ToList();
            pageItems.Count.Should().BeLessThanOrEqualTo(limit);
            items.AddRange(pageItems);
            next = body.GetProperty("next").GetString();
            if (next is null)
            {
                return items;
            }

            pageItems.Should().HaveCount(limit, "only the last page may be short");
        }

        throw new InvalidOperationException("Paging did not end.");
    }
}
