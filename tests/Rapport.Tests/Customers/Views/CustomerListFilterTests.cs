// CA1861: request bodies spell out their JSON arrays inline so each test reads as the request it sends; they run once.
#pragma warning disable CA1861
using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Identity;
using Rapport.Segments;
using Rapport.Stages;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Interactions;
using static Rapport.Tests.Customers.CustomerTestApi;

namespace Rapport.Tests.Customers.Views;

/// <summary>The customer list's filters beyond search and tag: stage, owner, company, segment, RFM segment (API, export, page).</summary>
public sealed class CustomerListFilterTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private readonly HttpClient _sales = app.ClientAs(Role.Sales);

    private static List<long> Ids(IEnumerable<JsonElement> items) => [.. items.Select(i => i.GetProperty("id").GetInt64())];

    /// <summary>Ten customers named Filtera01…10, with stages, RFM segments, an owner and segment membership set directly.</summary>
    private async Task<(List<long> Ids, long Owner, long Segment)> SeedAsync(string name)
    {
        var ids = new List<long>();
        for (var i = 1; i <= 10; i++)
        {
            ids.Add(await CreateIdAsync(_sales, new { firstName = $"{name}{i:00}", lastName = "Listed" }));
        }

        var owner = await app.AddUserAsync(Role.Sales, $"Owner {name}");
        var segment = await app.WithDbAsync(async db =>
        {
            for (var i = 0; i < ids.Count; i++)
            {
                var id = ids[i];
                var stage = i % 2 == 0 ? Stage.Connection : Stage.Prospecting;
                var rfm = i < 3 ? "champions" : null;
                await db.CustomerMetrics.Where(m => m.CustomerId == id).ExecuteUpdateAsync(u => u.SetProperty(m => m.Stage, stage).SetProperty(m => m.RfmSegment, rfm));
            }

            await db.Customers.Where(c => c.Id == ids[1] || c.Id == ids[2]).ExecuteUpdateAsync(u => u.SetProperty(c => c.OwnerId, owner.Id));
            var s = db.Set<Segment>().Add(new Segment { Name = $"Seg {name}", Kind = SegmentKind.Static, MemberCount = 3, CreatedAt = app.Clock.GetUtcNow(), UpdatedAt = app.Clock.GetUtcNow() }).Entity;
            await db.SaveChangesAsync();
            db.Set<SegmentMember>().AddRange(new[] { ids[0], ids[3], ids[4] }.Select(c => new SegmentMember { SegmentId = s.Id, CustomerId = c, AddedAt = app.Clock.GetUtcNow() }));
            await db.SaveChangesAsync();
            return s.Id;
        });
        return (ids, owner.Id, segment);
    }

    [Fact]
    public async Task Stage_owner_segment_and_rfm_filters_narrow_the_list_and_page_through_it()
    {
        var (ids, owner, segment) = await SeedAsync("Filtera");
        Ids(await ListAsync(_sales, "q=filtera&stage=connection")).Should().Equal(ids[0], ids[2], ids[4], ids[6], ids[8]);
        Ids(await ListAsync(_sales, "q=filtera&stage=CONNECTION&rfmSegment=champions")).Should().Equal(ids[0], ids[2]);
        Ids(await ListAsync(_sales, $"q=filtera&ownerId={owner}")).Should().Equal(ids[1], ids[2]);
        Ids(await ListAsync(_sales, $"segmentId={segment}")).Should().Equal(ids[0], ids[3], ids[4]);
        Ids(await ListAsync(_sales, $"segmentId={segment}&stage=connection&sort=-name")).Should().Equal(ids[4], ids[0]);

        var (walked, pages) = await WalkAsync(_sales, "/api/v1/customers?q=filtera&stage=prospecting&limit=2&sort=-createdAt");
        Ids(walked).Should().Equal(ids[9], ids[7], ids[5], ids[3], ids[1]);
        pages.Should().Be(3);

        var page = await _sales.GetAsync("/api/v1/customers?q=filtera&stage=connection&limit=1");
        var row = (await page.ReadJsonAsync()).GetProperty("items")[0];
        row.GetProperty("stage").GetString().Should().Be("connection");
        row.GetProperty("rfmSegment").GetString().Should().Be("champions");
    }

    [Fact]
    public async Task Unknown_filters_are_field_errors()
    {
        await (await _sales.GetAsync("/api/v1/customers?stage=devotion")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "stage");
        await (await _sales.GetAsync("/api/v1/customers?rfmSegment=whales")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "rfmSegment");
        await (await _sales.GetAsync("/api/v1/customers?segmentId=987654")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "segmentId");
        await (await _sales.GetAsync("/api/v1/customers?stage=" + Uri.EscapeDataString("x' OR 1=1 --"))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "stage");
    }

    [Fact]
    public async Task Export_keeps_the_new_filters()
    {
        var (ids, _, segment) = await SeedAsync("Filterb");
        var response = await _sales.GetAsync($"/api/v1/exports/customers?format=json&q=filterb&stage=connection&segmentId={segment}");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var rows = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray().ToList();
        rows.Select(r => r.GetProperty("id").GetInt64()).Should().BeEquivalentTo([ids[0], ids[4]]);
    }

    [Fact]
    public async Task The_list_page_filters_shows_the_chosen_columns_and_links_the_export_with_the_filters()
    {
        var (ids, _, segment) = await SeedAsync("Filterc");
        var session = await Pages.PageSession.SignInAsync(app, Role.Sales);
        var page = await session.GetAsync($"/customers?q=filterc&stage=connection&segment={segment}&col=stage&col=email&col=rfmSegment");
        page.QuerySelectorAll("#customer-results tbody a.row-title").Select(a => a.TextContent.Trim()).Should().Equal("Filterc01 Listed", "Filterc05 Listed");
        page.QuerySelectorAll("#customer-results thead th[data-column]").Select(th => th.GetAttribute("data-column")).Should().Equal("email", "stage", "rfmSegment");
        page.QuerySelectorAll("#customer-results tbody td[data-stage]").Select(td => td.GetAttribute("data-stage")).Should().Equal("connection", "connection");
        var export = page.QuerySelector("#export-customers")!.GetAttribute("href")!;
        export.Should().Contain("stage=connection").And.Contain($"segment={segment}");
        var exportPage = await session.GetAsync(export);
        exportPage.QuerySelectorAll("#export-customers input[data-list-filter]").Select(i => i.GetAttribute("name")).Should().BeEquivalentTo(["stage", "segment"]);

        var bad = await session.Client.GetAsync("/customers?col=shoe-size");
        bad.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        ids.Should().HaveCount(10);
    }
}
