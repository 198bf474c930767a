using Microsoft.Extensions.Logging.Abstractions;
using Rapport.Tests.Demo;
using Rapport.Values.Profiles;

namespace Rapport.Tests.Values.Profiles;

/// <summary>The demo business, profiled as `serve --demo` profiles it: a new user sees what its customers care about.</summary>
public sealed class DemoProfileTests
{
    [Fact]
    public async Task The_demo_business_has_value_profiles_from_its_research_and_purchases_and_an_alignment_per_profiled_customer()
    {
        await using var demo = await DemoDatabase.CreateAsync();
        await demo.GenerateAsync(300, 42);

        var run = await demo.WithDbAsync(db => new RecomputeValueProfiles(demo.Database, new Rapport.Customers.Changes.CustomerChanges([], db, demo.Clock), demo.Clock, NullLogger<RecomputeValueProfiles>.Instance).AllAsync(CancellationToken.None));

        run.Customers.Should().BeGreaterThan(250, "nearly every demo customer bought a tagged product");
        run.Scores.Should().Be((int)await demo.ScalarAsync("SELECT COUNT(*) FROM customer_value_scores"));
        (await demo.ScalarAsync("SELECT COUNT(*) FROM customer_value_scores WHERE score <= 0 OR score >= 1 OR confidence <= 0 OR confidence >= 1"))
            .Should().Be(0, "scores and confidences lie strictly inside 0..1");
        (await demo.ScalarAsync("SELECT COUNT(*) FROM customer_value_profiles WHERE alignment IS NOT NULL")).Should().Be(run.Customers);
        // Stated survey answers and coded interview excerpts make some profiles far more confident than purchases alone can.
        (await demo.ScalarAsync("SELECT COUNT(*) FROM customer_value_scores WHERE confidence >= 0.5")).Should().BeGreaterThan(0);
        (await demo.ScalarAsync("SELECT COUNT(DISTINCT customer_id) FROM value_evidence WHERE customer_id IS NOT NULL")).Should().BeGreaterThan(0);
    }
}
