using Microsoft.Extensions.Logging.Abstractions;
using Rapport.Tests.Demo;
using Rapport.Values.Map;
using Rapport.Values.Profiles;

namespace Rapport.Tests.Values.Map;

/// <summary>The demo business as `serve --demo` leaves it: a new user sees a living map.</summary>
public sealed class DemoMapTests
{
    [Fact]
    public async Task The_demo_business_places_every_value_on_the_map_with_shared_values_to_build_on()
    {
        await using var demo = await DemoDatabase.CreateAsync();
        await demo.GenerateAsync(300, 42);
        await demo.WithDbAsync(db => new RecomputeValueProfiles(demo.Database, new Rapport.Customers.Changes.CustomerChanges([], db, demo.Clock), demo.Clock, NullLogger<RecomputeValueProfiles>.Instance).AllAsync(CancellationToken.None));

        var map = (await demo.WithDbAsync(db => new GetValueMap(db, demo.Clock).HandleAsync(new ValueMapQuery(), CancellationToken.None))).Value!;
        var weighted = (await demo.WithDbAsync(db => new GetValueMap(db, demo.Clock).HandleAsync(new ValueMapQuery("revenue"), CancellationToken.None))).Value!;
        var gaps = await demo.WithDbAsync(db => new GetValueGaps(db, new GetValueMap(db, demo.Clock)).HandleAsync(new ValueGapQuery(), CancellationToken.None));
        var trends = await demo.WithDbAsync(db => new GetValueTrends(db, demo.Clock).HandleAsync(new ValueTrendQuery(), CancellationToken.None));

        map.Notice.Should().BeNull();
        map.Customers.Should().BeGreaterThan(250);
        map.Values.Should().HaveCount(12).And.OnlyContain(v => v.Quadrant != null, "the demo rates all twelve values and profiles most customers");
        map.Values.Select(v => v.Rank).Should().Equal(Enumerable.Range(1, 12).Cast<int?>());
        map.Values.Should().Contain(v => v.Quadrant == Quadrant.Shared);
        map.Values.Select(v => v.Quadrant).Should().BeInAscendingOrder();
        weighted.Values.Should().OnlyContain(v => v.Quadrant != null);
        gaps.IsOk.Should().BeTrue();
        gaps.Value!.BestWithProfiles.Should().BeGreaterThan(0);
        gaps.Value.Products.Should().NotBeEmpty();
        trends.IsOk.Should().BeTrue();
        trends.Value!.Texts.Sum().Should().BeGreaterThan(0, "the demo's survey answers, notes and transcripts mention values");
    }
}
