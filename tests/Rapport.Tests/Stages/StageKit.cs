using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Identity;
using Rapport.Metrics;
using Rapport.Stages;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Stages;

/// <summary>Customers, purchases and interactions at exact dates through the API, and readers of the stored stage.</summary>
internal static class StageKit
{
    private static int _counter;

    public static async Task<long> CustomerAsync(this RapportAppFactory app, params string[] tags)
    {
        var n = Interlocked.Increment(ref _counter);
        var response = await app.ClientAs(Role.Sales).PostAsJsonAsync("/api/v1/customers",
            new { firstName = "Stage", lastName = $"Tester{n}", email = $"stage.tester{n}.{Guid.NewGuid():N}@example.com", tags });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    public static async Task BuyAsync(this RapportAppFactory app, long customerId, DateTimeOffset at, decimal total = 20m)
    {
        var response = await app.ClientAs(Role.Sales).PostAsJsonAsync("/api/v1/transactions",
            new { customerId, total, currency = "USD", occurredAt = at });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    public static async Task InteractAsync(this RapportAppFactory app, long customerId, DateTimeOffset at, string direction = "inbound", string type = "enquiry")
    {
        var response = await app.ClientAs(Role.Sales).PostAsJsonAsync("/api/v1/interactions",
            new { customerId, channel = "email", direction, type, subject = "Hello", notes = "Asked about the new roast.", occurredAt = at });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    public static Task<Stage> StageOfAsync(this RapportAppFactory app, long customerId) =>
        app.WithDbAsync(db => db.Set<CustomerMetrics>().Where(m => m.CustomerId == customerId).Select(m => m.Stage).SingleAsync());

    public static Task<CustomerMetrics> MetricsOfAsync(this RapportAppFactory app, long customerId) =>
        app.WithDbAsync(db => db.Set<CustomerMetrics>().AsNoTracking().SingleAsync(m => m.CustomerId == customerId));

    /// <summary>The customer's history, oldest first.</summary>
    public static Task<List<StageChange>> HistoryOfAsync(this RapportAppFactory app, long customerId) =>
        app.WithDbAsync(db => db.Set<StageChange>().AsNoTracking().Where(c => c.CustomerId == customerId)
            .OrderBy(c => c.ChangedAt).ThenBy(c => c.Id).ToListAsync());

    public static Task<StageEvaluation> RecomputeAllAsync(this RapportAppFactory app) =>
        app.WithScopeAsync(sp => sp.GetRequiredService<StageEngine>().EvaluateAllAsync(CancellationToken.None));

    public static Task SetPAliveAsync(this RapportAppFactory app, long customerId, double? pAlive) =>
        app.WithDbAsync(db => db.Set<CustomerMetrics>().Where(m => m.CustomerId == customerId)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.PAlive, pAlive)));

    public static DateTimeOffset DaysAgo(this RapportAppFactory app, int days) => app.Clock.GetUtcNow().AddDays(-days);
}
