using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Analytics;
using Rapport.Research.Evidence;
using Rapport.Tests.Infrastructure;
using Rapport.Values.Profiles;

namespace Rapport.Tests.Values.Profiles;

/// <summary>The background recompute: after new evidence once it is quiet, and in full after an analytics run.</summary>
public sealed class ValueProfileWorkerTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    [Fact]
    public async Task New_evidence_is_profiled_once_quiet_and_an_analytics_run_recomputes_everyone()
    {
        var worker = app.Services.GetRequiredService<ValueProfileWorker>();
        (await worker.LookAsync(CancellationToken.None)).Should().Be("started");
        (await worker.LookAsync(CancellationToken.None)).Should().Be("none");

        var ana = await ProfileKit.CustomerAsync(app, "Ana", "Worker");
        await ProfileKit.EvidenceAsync(app, ana, "quality", EvidenceKind.Stated, 1.0, app.Clock.GetUtcNow(), "Rated Quality 5/5");
        (await worker.LookAsync(CancellationToken.None)).Should().Be("waiting");
        app.Clock.Advance(TimeSpan.FromSeconds(10));
        (await worker.LookAsync(CancellationToken.None)).Should().Be("waiting", "the evidence has been quiet for less than 30 s");
        Stored(ana).Should().Be(0);

        app.Clock.Advance(TimeSpan.FromSeconds(31));
        (await worker.LookAsync(CancellationToken.None)).Should().Be("customers:1");
        Stored(ana).Should().Be(1);
        (await worker.LookAsync(CancellationToken.None)).Should().Be("none");

        // Evidence removed (a deleted source): everyone, once quiet.
        await app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<Rapport.Data.RapportDbContext>();
            return await db.Set<ValueEvidence>().Where(e => e.CustomerId == ana).ExecuteDeleteAsync();
        });
        (await worker.LookAsync(CancellationToken.None)).Should().Be("waiting");
        app.Clock.Advance(TimeSpan.FromSeconds(31));
        (await worker.LookAsync(CancellationToken.None)).Should().Be("all");
        Stored(ana).Should().Be(0);

        // A purchase of a tagged product is seen with the next analytics run.
        var beans = await ProfileKit.ProductAsync(app, "Organic beans", ("sustainability", 3));
        await ProfileKit.BuyAsync(app, ana, app.Clock.GetUtcNow().AddDays(-1), (beans, 20m));
        (await worker.LookAsync(CancellationToken.None)).Should().Be("waiting", "a product was tagged; purchases themselves wait for the analytics run");
        var run = await app.WithScopeAsync(sp => sp.GetRequiredService<RecomputeAnalytics>().RunNowAsync(AnalyticsTrigger.Manual, CancellationToken.None));
        run.Status.Should().Be(AnalyticsRunStatus.Succeeded, run.Error);
        (await worker.LookAsync(CancellationToken.None)).Should().Be("all");
        Stored(ana).Should().Be(1);
    }

    private int Stored(long customerId) =>
        app.WithScope(sp => sp.GetRequiredService<Rapport.Data.RapportDbContext>().Set<CustomerValueScore>().CountAsync(s => s.CustomerId == customerId));
}
