using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Rapport.Analytics;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Ingestion.Batch;

namespace Rapport.Tests.Analytics;

/// <summary>Purchases sent as a shop would, and the run helpers the analytics tests share.</summary>
internal static class AnalyticsSeed
{
    /// <summary>Posts purchases (customer key, day, total) through the batch API; customers are created from their key.</summary>
    public static async Task PostAsync(RapportAppFactory app, IEnumerable<(string Customer, DateOnly Day, decimal Total)> purchases)
    {
        var client = app.ClientAs(Role.Marketing);
        foreach (var batch in purchases.Chunk(1000))
        {
            var json = new StringBuilder("{\"events\": [");
            json.AppendJoin(",", batch.Select(p =>
            {
                var id = Guid.NewGuid().ToString("N");
                return string.Create(CultureInfo.InvariantCulture,
                    $$"""{"messageId": "m-{{id}}", "type": "transaction", "externalId": "o-{{id}}", "customer": {"externalId": "{{p.Customer}}", "email": null, "firstName": "Test", "lastName": "{{p.Customer}}"}, "occurredAt": "{{p.Day:yyyy-MM-dd}}T12:00:00Z", "currency": "USD", "total": {{p.Total}}}""");
            }));
            json.Append("]}");
            var response = await client.PostJsonAsync(BatchApi.EventsPath, json.ToString());
            response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            (await response.JsonAsync()).GetProperty("rejected").GetInt32().Should().Be(0);
        }
    }

    public static Task<AnalyticsRun> RunAsync(RapportAppFactory app) =>
        app.WithScopeAsync(sp => sp.GetRequiredService<RecomputeAnalytics>().RunNowAsync(AnalyticsTrigger.Manual, CancellationToken.None));

    public static async Task<AnalyticsResult> LatestAsync(RapportAppFactory app)
    {
        var view = await app.ClientAs(Role.Analyst).GetFromJsonAsync<JsonElement>("/api/v1/analytics");
        return JsonSerializer.Deserialize<AnalyticsResult>(view.GetProperty("result").GetRawText(), AnalyticsJson.Options)!;
    }

    /// <summary>A small shop: 60 customers buying every 1–8 weeks over two years, some stopping early.</summary>
    public static IEnumerable<(string Customer, DateOnly Day, decimal Total)> Shop(DateOnly end, string prefix)
    {
        var random = new Random(42);
        for (var c = 0; c < 60; c++)
        {
            var day = end.AddDays(-730 + random.Next(300));
            var stopAfter = random.Next(1, 12);
            for (var n = 0; n < stopAfter && day <= end; n++)
            {
                yield return ($"{prefix}-{c}", day, Math.Round(10 + (decimal)random.NextDouble() * 90 + c, 2));
                day = day.AddDays(7 * random.Next(1, 9));
            }
        }
    }
}

/// <summary>A database with no purchases: the run succeeds, says why there is nothing to predict, and the API answers.</summary>
public sealed class EmptyAnalyticsTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    [Fact]
    public async Task A_run_without_any_purchase_succeeds_and_explains_why_nothing_is_predicted()
    {
        var run = await AnalyticsSeed.RunAsync(app);
        run.Status.Should().Be(AnalyticsRunStatus.Succeeded, run.Error);
        run.Customers.Should().Be(0);
        var result = await AnalyticsSeed.LatestAsync(app);
        result.Models.Purchase.Should().BeNull();
        result.Models.Problems.Select(p => p.Code).Should().Contain("no-customers");
        result.Rfm.Segments.Sum(s => s.Customers).Should().Be(0);
        result.BestCustomers.Revenue.CustomerShareFor80Percent.Should().BeNull();

        var kpis = await app.ClientAs(Role.Analyst).GetFromJsonAsync<JsonElement>("/api/v1/kpis");
        kpis.GetProperty("kpis").EnumerateArray().Select(k => k.GetProperty("key").GetString()).Should().Contain(["retention_rate", "churn_rate", "average_clv"]);
    }

    [Fact]
    public async Task Kpi_targets_are_set_checked_and_removed()
    {
        var marketing = app.ClientAs(Role.Marketing);
        var set = await marketing.PutAsJsonAsync("/api/v1/kpis/retention_rate/target", new { target = 0.4m });
        set.StatusCode.Should().Be(HttpStatusCode.OK);
        (await set.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("target").GetDecimal().Should().Be(0.4m);

        var tooHigh = await marketing.PutAsJsonAsync("/api/v1/kpis/retention_rate/target", new { target = 40m });
        tooHigh.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await tooHigh.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("target", out _).Should().BeTrue();

        (await marketing.PutAsJsonAsync("/api/v1/kpis/happiness/target", new { target = 1m })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await app.ClientAs(Role.Analyst).PutAsJsonAsync("/api/v1/kpis/churn_rate/target", new { target = 0.1m })).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        var report = await app.ClientAs(Role.Analyst).GetFromJsonAsync<JsonElement>("/api/v1/kpis?period=quarter");
        var retention = report.GetProperty("kpis").EnumerateArray().Single(k => k.GetProperty("key").GetString() == "retention_rate");
        retention.GetProperty("target").GetDecimal().Should().Be(0.4m);
        (await app.ClientAs(Role.Analyst).GetAsync("/api/v1/kpis?period=decade")).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        (await marketing.PutAsJsonAsync("/api/v1/kpis/retention_rate/target", new { target = (decimal?)null })).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await app.WithDbAsync(db => db.KpiTargets.CountAsync())).Should().Be(0);
    }

    [Fact]
    public async Task Asking_twice_queues_one_run_which_the_worker_then_runs()
    {
        var marketing = app.ClientAs(Role.Marketing);
        var first = await marketing.PostAsync("/api/v1/analytics/recompute", null);
        first.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var second = await marketing.PostAsync("/api/v1/analytics/recompute", null);
        var firstId = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetInt64();
        (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetInt64().Should().Be(firstId);
        (await app.ClientAs(Role.Analyst).PostAsync("/api/v1/analytics/recompute", null)).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        var worker = app.Services.GetServices<IHostedService>().OfType<AnalyticsWorker>().Single();
        (await worker.RunNextAsync(CancellationToken.None)).Should().BeTrue();
        var run = await app.WithDbAsync(db => db.AnalyticsRuns.AsNoTracking().SingleAsync(r => r.Id == firstId));
        run.Status.Should().Be(AnalyticsRunStatus.Succeeded);
        (await worker.RunNextAsync(CancellationToken.None)).Should().BeFalse("nothing else waits");
    }
}

/// <summary>A small shop's history: predictions for every buyer, and a customer's own numbers following a new purchase at once.</summary>
public sealed class AnalyticsRunTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    [Fact]
    public async Task A_run_predicts_for_every_buyer_and_a_new_purchase_updates_that_customer_at_once()
    {
        var today = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
        var purchases = AnalyticsSeed.Shop(today, "shop").ToList();
        // One purchase dated tomorrow: left out and reported.
        purchases.Add(("shop-1", today.AddDays(1), 20m));
        await AnalyticsSeed.PostAsync(app, purchases);

        var run = await AnalyticsSeed.RunAsync(app);
        run.Status.Should().Be(AnalyticsRunStatus.Succeeded, run.Error);
        run.Customers.Should().Be(60);
        var result = await AnalyticsSeed.LatestAsync(app);
        result.Models.Purchase.Should().NotBeNull();
        result.Models.Problems.Select(p => p.Code).Should().Contain("future-transactions");
        result.Retention.Months.Should().NotBeEmpty();
        result.Retention.Months.Sum(m => m.Orders).Should().Be(purchases.Count - 1);

        var metrics = await app.WithDbAsync(db => db.CustomerMetrics.AsNoTracking().Where(m => m.PurchaseCount > 0).ToListAsync());
        metrics.Should().HaveCount(60);
        metrics.Should().OnlyContain(m => m.RfmSegment != null && m.PAlive >= 0 && m.PAlive <= 1 && m.ExpectedPurchases >= 0 && m.Clv != null);

        // A purchase recorded through the API changes that customer's analytics in the same request.
        var customerId = await app.WithDbAsync(db => db.CustomerExternalIds.Where(x => x.ExternalId == "shop-5").Select(x => x.CustomerId).SingleAsync());
        var before = metrics.Single(m => m.CustomerId == customerId);
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        var recorded = await app.ClientAs(Role.Sales).PostAsJsonAsync("/api/v1/transactions",
            new { customerId, total = 80m, currency = "USD", occurredAt = app.Clock.GetUtcNow().AddHours(-1) });
        recorded.StatusCode.Should().Be(HttpStatusCode.Created);
        var after = await app.WithDbAsync(db => db.CustomerMetrics.AsNoTracking().SingleAsync(m => m.CustomerId == customerId));
        after.AnalyticsAt.Should().BeAfter(before.AnalyticsAt!.Value);
        after.RecencyScore.Should().Be(5, "the customer bought today");
        // Under BG/NBD a customer may drop out right after a purchase: buying today gives P(alive) = 1 / (1 + a / (b + x − 1)).
        var days = await app.WithDbAsync(db => db.Transactions.AsNoTracking().Where(t => t.CustomerId == customerId).Select(t => t.OccurredAt).ToListAsync());
        var x = days.Select(d => d.UtcDateTime.Date).Distinct().Count() - 1;
        var fit = result.Models.Purchase!.Parameters;
        after.PAlive.Should().BeApproximately(1 / (1 + (fit["a"] / (fit["b"] + x - 1))), 1e-9);
    }
}

/// <summary>Customers who each bought once: no purchase model can be fitted; the run says so and still scores RFM.</summary>
public sealed class NoRepeatBuyersTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    [Fact]
    public async Task Without_repeat_buyers_the_run_succeeds_with_a_clear_problem_and_no_predictions()
    {
        var today = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
        await AnalyticsSeed.PostAsync(app, Enumerable.Range(0, 30).Select(i => ($"once-{i}", today.AddDays(-i * 5), 10m + i)));

        var run = await AnalyticsSeed.RunAsync(app);
        run.Status.Should().Be(AnalyticsRunStatus.Succeeded, run.Error);
        var result = await AnalyticsSeed.LatestAsync(app);
        result.Models.Purchase.Should().BeNull();
        result.Models.Spend.Should().BeNull();
        result.Models.Problems.Select(p => p.Code).Should().Contain("no-repeat-buyers");
        var metrics = await app.WithDbAsync(db => db.CustomerMetrics.AsNoTracking().Where(m => m.PurchaseCount > 0).ToListAsync());
        metrics.Should().HaveCount(30);
        metrics.Should().OnlyContain(m => m.PAlive == null && m.Clv == null && m.RfmSegment != null && m.ExpectedSpend != null);

        // After the run, a new customer and a new purchase are refreshed at once with the run's (empty) models:
        // no prediction is stored as NULL, not refused.
        var client = app.ClientAs(Role.Marketing);
        var created = await client.PostAsJsonAsync("/api/v1/customers", new { firstName = "Late", lastName = "Comer" });
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var bought = await client.PostAsJsonAsync("/api/v1/transactions",
            new { customerId = id, total = 25m, currency = "USD", occurredAt = app.Clock.GetUtcNow().AddHours(-1) });
        bought.StatusCode.Should().Be(HttpStatusCode.Created, await bought.Content.ReadAsStringAsync());
        var late = await app.WithDbAsync(db => db.CustomerMetrics.AsNoTracking().SingleAsync(m => m.CustomerId == id));
        late.PurchaseCount.Should().Be(1);
        late.PAlive.Should().BeNull();
        late.RfmSegment.Should().NotBeNull();
        late.ExpectedSpend.Should().Be(25m);
    }
}
