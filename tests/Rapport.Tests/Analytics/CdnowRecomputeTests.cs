using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Analytics;
using Rapport.Analytics.Models;
using Rapport.Identity;
using Rapport.Tests.Analytics.Models;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Ingestion.Batch;

namespace Rapport.Tests.Analytics;

/// <summary>
/// The whole analytics pipeline on the CDNOW sample: its calibration-period purchases go in through the batch API as a
/// shop would send them, the recompute runs on the real database as of the end of calibration, and what it fitted and
/// stored must be the published results (shared/data/clv/README.md), with every customer's metrics filled in.
/// </summary>
public sealed class CdnowRecomputeTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    [Fact]
    public async Task Recompute_on_the_CDNOW_sample_reproduces_the_published_fits_and_fills_every_customers_metrics()
    {
        var purchases = ClvData.CdnowPurchases().Where(p => p.Date <= ClvData.CdnowCalibrationEnd).ToList();
        var client = app.ClientAs(Role.Marketing);
        var order = 0;
        foreach (var batch in purchases.Chunk(1000))
        {
            var json = new StringBuilder("{\"events\": [");
            json.AppendJoin(",", batch.Select(p => string.Create(CultureInfo.InvariantCulture,
                $$"""{"messageId": "cdnow-{{++order}}", "type": "transaction", "externalId": "cdnow-order-{{order}}", "customer": {"externalId": "cdnow-{{p.Customer}}", "email": null, "firstName": "CDNOW", "lastName": "{{p.Customer}}"}, "occurredAt": "{{p.Date:yyyy-MM-dd}}T12:00:00Z", "currency": "USD", "total": {{p.Amount}}}""")));
            json.Append("]}");
            var response = await client.PostJsonAsync(BatchApi.EventsPath, json.ToString());
            response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            (await response.JsonAsync()).GetProperty("stored").GetInt32().Should().Be(batch.Length);
        }

        // The batches asked for a recompute; the test runs one itself, as of the end of calibration.
        app.Clock.Set(new DateTimeOffset(1997, 9, 30, 18, 0, 0, TimeSpan.Zero));
        var run = await app.WithScopeAsync(sp => sp.GetRequiredService<RecomputeAnalytics>().RunNowAsync(AnalyticsTrigger.Manual, CancellationToken.None));
        run.Status.Should().Be(AnalyticsRunStatus.Succeeded, run.Error);
        run.Customers.Should().Be(2357);

        var view = await app.ClientAs(Role.Analyst).GetFromJsonAsync<JsonElement>("/api/v1/analytics");
        var result = JsonSerializer.Deserialize<AnalyticsResult>(view.GetProperty("result").GetRawText(), AnalyticsJson.Options)!;
        result.RepeatCustomers.Should().Be(946);
        var fit = result.Models.Purchase!;
        fit.Model.Should().Be("bgnbd");
        fit.Parameters["r"].Should().BeApproximately(0.243, 0.0005);
        fit.Parameters["alpha"].Should().BeApproximately(4.414, 0.0005);
        fit.Parameters["a"].Should().BeApproximately(0.793, 0.0005);
        fit.Parameters["b"].Should().BeApproximately(2.426, 0.0005);
        fit.LogLikelihood!.Value.Should().BeApproximately(-9582.4, 0.05);
        var spend = result.Models.Spend!;
        spend.Parameters["p"].Should().BeApproximately(6.25, 0.005);
        spend.Parameters["q"].Should().BeApproximately(3.74, 0.005);
        spend.Parameters["gamma"].Should().BeApproximately(15.44, 0.005);

        // Every customer's stored predictions are the fitted models' answers for that customer's summary.
        var model = new BgNbdModel(fit.Parameters["r"], fit.Parameters["alpha"], fit.Parameters["a"], fit.Parameters["b"]);
        var published = ClvData.PublishedCdnowSummary().ToDictionary(s => s.Id, s => s.Summary);
        var stored = await app.WithDbAsync(db => db.CustomerExternalIds.AsNoTracking()
            .Where(x => x.ExternalId.StartsWith("cdnow-"))
            .Join(db.CustomerMetrics.AsNoTracking(), x => x.CustomerId, m => m.CustomerId, (x, m) => new { x.ExternalId, Metrics = m })
            .ToListAsync());
        stored.Should().HaveCount(2357);
        stored.Should().OnlyContain(s => s.Metrics.AnalyticsAt != null && s.Metrics.RfmSegment != null && s.Metrics.PAlive != null && s.Metrics.Clv != null);
        var horizon = 12 * ClvOptions.WeeksPerMonth;
        foreach (var s in stored.Where((_, i) => i % 97 == 0))
        {
            var summary = published[int.Parse(s.ExternalId["cdnow-".Length..], CultureInfo.InvariantCulture)];
            s.Metrics.PAlive!.Value.Should().BeApproximately(model.ProbabilityAlive(summary), 0.002, s.ExternalId);
            s.Metrics.ExpectedPurchases!.Value.Should().BeApproximately(model.ConditionalExpectedPurchases(horizon, summary), 0.01, s.ExternalId);
        }

        // RFM: every customer in exactly one segment; the grid adds up to the customers.
        result.Rfm.Segments.Sum(x => x.Customers).Should().Be(2357);
        result.Rfm.Grid.SelectMany(r => r).Sum().Should().Be(2357);
        result.BestCustomers.Revenue.Customers.Should().Be(2357);
        result.BestCustomers.Revenue.CustomerShareFor80Percent.Should().BeInRange(0.05m, 0.8m);
        result.Models.Check.Should().NotBeNull("39 weeks of history leave a 12-week holdout");
        result.Models.Check!.Rows.Sum(r => r.Customers).Should().BeGreaterThan(2000);
    }
}
