using Rapport.Identity;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Pages;

namespace Rapport.Tests.Segments;

/// <summary>The segment list before any segment exists (a fixture of its own: the other page tests make segments).</summary>
public sealed class SegmentEmptyStateTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    [Fact]
    public async Task The_empty_list_explains_segments_and_offers_writers_the_first_one()
    {
        var marketing = await (await PageSession.SignInAsync(app, Role.Marketing)).GetAsync("/segments");
        marketing.QuerySelector("#segments-table").Should().BeNull();
        var empty = marketing.QuerySelector("#segments-empty")!;
        empty.TextContent.Should().Contain("dynamic").And.Contain("static");
        empty.QuerySelector("a[href='/segments/new']")!.TextContent.Should().Be("Build the first segment");

        var analyst = await (await PageSession.SignInAsync(app, Role.Analyst)).GetAsync("/segments");
        analyst.QuerySelector("#segments-empty a[href='/segments/new']").Should().BeNull();
        analyst.QuerySelector("#segments-empty")!.TextContent.Should().Contain("Admin and marketing build segments.");
    }
}
