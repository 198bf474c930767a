using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Customers;
using Rapport.Data;
using Rapport.Metrics;
using Rapport.Research.Evidence;
using Rapport.Tests.Infrastructure;
using Rapport.Values;
using Rapport.Values.Profiles;

namespace Rapport.Tests.Values.Map;

/// <summary>Test data for the map: customers with revenue, CLV, segment and tags; ratings; value scores written straight to the table.</summary>
internal static class MapData
{
    public static async Task<long> CustomerAsync(RapportAppFactory app, decimal revenue, decimal? clv = null, string? segment = null, params string[] tags)
    {
        var id = await app.WithScopeAsync(async sp =>
        {
            var created = await sp.GetRequiredService<CreateCustomer>().HandleAsync(
                new CreateCustomerRequest { FirstName = "Map", LastName = "Customer " + Guid.NewGuid().ToString("N")[..6], Tags = tags.Length == 0 ? null : tags },
                CustomerSources.Api, CancellationToken.None);
            created.IsOk.Should().BeTrue(string.Join("; ", created.Errors.SelectMany(e => e.Value)));
            return created.Value!.Id;
        });
        await app.WithDbAsync(async db =>
        {
            if (!await db.CustomerMetrics.AnyAsync(m => m.CustomerId == id))
            {
                db.CustomerMetrics.Add(new CustomerMetrics { CustomerId = id, UpdatedAt = app.Clock.GetUtcNow() });
                await db.SaveChangesAsync();
            }

            return await db.CustomerMetrics.Where(m => m.CustomerId == id).ExecuteUpdateAsync(u => u
                .SetProperty(m => m.Revenue, revenue).SetProperty(m => m.Clv, clv).SetProperty(m => m.RfmSegment, segment));
        });
        return id;
    }

    public static Task<long> ValueIdAsync(RapportAppFactory app, string key) =>
        app.WithDbAsync(db => db.TaxonomyValues.Where(v => v.Key == key).Select(v => v.Id).SingleAsync());

    public static async Task RateAsync(RapportAppFactory app, string key, int importance)
    {
        var valueId = await ValueIdAsync(app, key);
        await app.WithDbAsync(async db =>
        {
            db.ValueRatings.Add(new ValueRating { ValueId = valueId, Importance = importance, Evidence = "test", RatedBy = "test", CreatedAt = app.Clock.GetUtcNow() });
            return await db.SaveChangesAsync();
        });
    }

    public static async Task ScoreAsync(RapportAppFactory app, long customerId, string key, double score, double confidence)
    {
        var valueId = await ValueIdAsync(app, key);
        await app.WithDbAsync(async db =>
        {
            db.Set<CustomerValueScore>().Add(new CustomerValueScore
            {
                CustomerId = customerId, ValueId = valueId, Score = score, Confidence = confidence, EvidenceCount = 1,
                LastEvidenceAt = app.Clock.GetUtcNow(), ComputedAt = app.Clock.GetUtcNow(),
            });
            return await db.SaveChangesAsync();
        });
    }

    /// <summary>Switches profiling off for a customer (the profiles helper's flag; written directly here).</summary>
    public static Task ProfilingOffAsync(RapportAppFactory app, long customerId) =>
        app.WithDbAsync(async db =>
        {
            db.Set<CustomerValueProfile>().Add(new CustomerValueProfile { CustomerId = customerId, ProfilingEnabled = false, ProfilingChangedAt = app.Clock.GetUtcNow(), ProfilingChangedBy = "test" });
            return await db.SaveChangesAsync();
        });

    /// <summary>One anonymous survey response stating how much each value matters (signal −1..1).</summary>
    public static async Task AnonymousResponseAsync(RapportAppFactory app, long responseId, params (string Key, double Signal)[] answers)
    {
        var evidence = new List<NewEvidence>();
        foreach (var (key, signal) in answers)
        {
            evidence.Add(new NewEvidence(null, await ValueIdAsync(app, key), EvidenceKind.Stated, app.Clock.GetUtcNow(), signal, null, "Rated in a test survey"));
        }

        await app.WithDbAsync(async db =>
        {
            await ValueEvidenceStore.ReplaceAsync(db, EvidenceSources.SurveyResponse, responseId, EvidenceKind.Stated, evidence, CancellationToken.None);
            return 0;
        });
    }
}
