using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Analytics;
using Rapport.Demo;
using Rapport.Plan;
using Rapport.Segments;
using Rapport.Tests.Infrastructure;
using Rapport.Values.Profiles;

namespace Rapport.Tests.Demo;

/// <summary>`serve --demo` leaves audiences and a CRM plan to start from, written through the product's own use cases.</summary>
public sealed class DemoPlanTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    [Fact]
    public async Task The_demo_gets_four_segments_with_members_and_a_plan_with_goals_values_segments_and_a_data_plan_once()
    {
        await app.WithScopeAsync(async sp =>
        {
            await sp.GetRequiredService<DemoGenerator>().GenerateAsync(new DemoOptions(300, 42), null, CancellationToken.None);
            await sp.GetRequiredService<RecomputeAnalytics>().RunNowAsync(AnalyticsTrigger.Import, CancellationToken.None);
            return await sp.GetRequiredService<RecomputeValueProfiles>().AllAsync(CancellationToken.None);
        });

        var written = await app.WithScopeAsync(sp => DemoPlan.WriteAsync(sp, app.Clock, CancellationToken.None));
        var again = await app.WithScopeAsync(sp => DemoPlan.WriteAsync(sp, app.Clock, CancellationToken.None));

        written.Should().Be("4 segments and a CRM plan with 3 goals");
        again.Should().BeNull("a business that has segments or a plan keeps its own");
        var segments = await app.WithDbAsync(db => db.Set<Segment>().AsNoTracking().ToListAsync());
        segments.Should().HaveCount(4).And.OnlyContain(s => s.Kind == SegmentKind.Dynamic);
        segments.Sum(s => s.MemberCount).Should().BeGreaterThan(0);
        var plan = await app.WithScopeAsync(sp => sp.GetRequiredService<GetPlan>().HandleAsync(CancellationToken.None));
        plan.Goals.Should().HaveCount(3);
        plan.Goals.SelectMany(g => g.Objectives).Should().HaveCount(4)
            .And.OnlyContain(o => o.Baseline == null || o.Target != o.Baseline, "each target is a step from today's value");
        plan.Segments.Should().HaveCount(4);
        plan.DataPlan.Should().HaveCount(4);
    }
}
