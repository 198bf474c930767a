using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Analytics;
using Rapport.Customers.Changes;
using Rapport.Identity;
using Rapport.Metrics;
using Rapport.Segments;
using Rapport.Surveys;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Interactions;

namespace Rapport.Tests.Segments;

public sealed class SegmentMembershipTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private readonly HttpClient _marketing = app.ClientAs(Role.Marketing);

    [Fact]
    public async Task A_purchase_puts_the_customer_in_a_dynamic_segment_at_once_and_deleting_it_takes_them_out_with_events()
    {
        (await _marketing.PostAsJsonAsync("/api/v1/products", new { sku = "BEAN-7", name = "Beans", category = "beans" })).StatusCode.Should().Be(HttpStatusCode.Created);
        var ada = await SegmentKit.CustomerAsync(_marketing, new { firstName = "Ada", email = "ada.member@example.com" });
        var segment = await SegmentKit.CreateAsync(_marketing, "Bean buyers", """{"purchased":{"category":"beans","withinDays":30}}""");
        var id = segment.GetProperty("id").GetInt64();
        segment.GetProperty("memberCount").GetInt32().Should().Be(0);

        var order = await SegmentKit.TransactionAsync(_marketing, ada, app.Clock.GetUtcNow().AddHours(-1), ("BEAN-7", 1, 12));
        (await SegmentKit.MembersAsync(_marketing, id)).Should().Equal(ada);
        (await (await _marketing.GetAsync($"/api/v1/segments/{id}")).ReadJsonAsync()).GetProperty("memberCount").GetInt32().Should().Be(1);

        (await _marketing.DeleteAsync($"/api/v1/transactions/{order}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await SegmentKit.MembersAsync(_marketing, id)).Should().BeEmpty();
        (await SegmentKit.EventsAsync(_marketing, id)).Should().Equal((ada, "entered"), (ada, "left"));
    }

    [Fact]
    public async Task A_tag_edit_moves_the_customer_and_a_static_segment_keeps_its_snapshot_until_retaken()
    {
        var bob = await SegmentKit.CustomerAsync(_marketing, new { firstName = "Bob", email = "bob.member@example.com", tags = new List<string> { "silver" } });
        var dynamic = (await SegmentKit.CreateAsync(_marketing, "Gold", """{"field":"tag","op":"eq","value":"gold"}""")).GetProperty("id").GetInt64();
        var snapshot = (await SegmentKit.CreateAsync(_marketing, "Gold snapshot", """{"field":"tag","op":"eq","value":"gold"}""", "static")).GetProperty("id").GetInt64();

        var read = await _marketing.GetAsync($"/api/v1/customers/{bob}");
        var patched = await SegmentKit.PatchAsync(_marketing, $"/api/v1/customers/{bob}", """{"tags":["gold"]}""", read.Headers.ETag!.Tag);
        patched.StatusCode.Should().Be(HttpStatusCode.OK, await patched.Content.ReadAsStringAsync());

        (await SegmentKit.MembersAsync(_marketing, dynamic)).Should().Equal(bob);
        (await SegmentKit.EventsAsync(_marketing, dynamic)).Should().Equal((bob, "entered"));
        (await SegmentKit.MembersAsync(_marketing, snapshot)).Should().BeEmpty("a static segment is a snapshot");
        (await SegmentKit.EventsAsync(_marketing, snapshot)).Should().BeEmpty();

        var retaken = await _marketing.PostAsync($"/api/v1/segments/{snapshot}/snapshot", null);
        retaken.StatusCode.Should().Be(HttpStatusCode.OK);
        (await retaken.ReadJsonAsync()).GetProperty("memberCount").GetInt32().Should().Be(1);
        (await SegmentKit.MembersAsync(_marketing, snapshot)).Should().Equal(bob);
    }

    [Fact]
    public async Task A_survey_answer_makes_a_promoter()
    {
        var cleo = await SegmentKit.CustomerAsync(_marketing, new { firstName = "Cleo", email = "cleo.member@example.com", tags = new List<string> { "survey-test" } });
        var promoters = (await SegmentKit.CreateAsync(_marketing, "Promoters in the test",
            """{"all":[{"field":"tag","op":"eq","value":"survey-test"},{"field":"npsGroup","op":"eq","value":"promoter"}]}""")).GetProperty("id").GetInt64();
        var survey = await Surveys.SurveyKit.CreateAsync(_marketing, new { title = "NPS", questions = new object[] { new { kind = "nps", key = "nps", prompt = "Recommend us?" } } });
        var surveyId = survey.GetProperty("id").GetInt64();
        await Surveys.SurveyKit.PublishAsync(_marketing, surveyId);

        var saved = await app.WithScopeAsync(sp => sp.GetRequiredService<SaveSurveyResponse>().HandleAsync(new ResponseToSave(
            surveyId, null, cleo, null, SurveyResponseSource.Import, null, app.Clock.GetUtcNow(),
            new Dictionary<string, SurveyAnswerInput> { ["nps"] = new(Number: 10) }), CancellationToken.None));
        saved.IsOk.Should().BeTrue();

        (await SegmentKit.MembersAsync(_marketing, promoters)).Should().Equal(cleo);
        (await SegmentKit.EventsAsync(_marketing, promoters)).Should().Equal((cleo, "entered"));
    }

    [Fact]
    public async Task Bulk_changes_follow_when_the_worker_drains_the_queue()
    {
        var ids = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await SegmentKit.CustomerAsync(_marketing, new { firstName = $"Bulk{i}", email = $"bulk{i}@example.com" }));
        }

        var segment = (await SegmentKit.CreateAsync(_marketing, "Imported", """{"field":"tag","op":"eq","value":"imported"}""")).GetProperty("id").GetInt64();
        await app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<Rapport.Data.RapportDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            foreach (var id in ids)
            {
                await db.Database.ExecuteSqlRawAsync("INSERT INTO customer_tags (customer_id, tag) VALUES ({0}, 'imported')", id);
            }

            await sp.GetRequiredService<CustomerChanges>().QueueAsync(ids, CancellationToken.None);
            await transaction.CommitAsync();
            return 0;
        });
        (await SegmentKit.MembersAsync(_marketing, segment)).Should().BeEmpty("bulk writes follow through the queue");

        await app.Services.GetRequiredService<CustomerChangeWorker>().DrainAsync(CancellationToken.None);
        (await SegmentKit.MembersAsync(_marketing, segment)).Should().BeEquivalentTo(ids);
        (await SegmentKit.EventsAsync(_marketing, segment)).Select(e => e.Kind).Should().Equal("entered", "entered", "entered");
    }

    [Fact]
    public async Task An_analytics_run_re_evaluates_segments_on_rfm_and_builds_a_missing_purchase_summary()
    {
        var now = app.Clock.GetUtcNow();
        var buyers = new List<long>();
        for (var i = 0; i < 6; i++)
        {
            var id = await SegmentKit.CustomerAsync(_marketing, new { firstName = $"Rfm{i}", email = $"rfm{i}@example.com" });
            for (var k = 0; k <= i; k++)
            {
                await SegmentKit.TransactionAsync(_marketing, id, now.AddDays(-10 - (30 * k) - i), ("RFM-SKU", 1, 10 + i));
            }

            buyers.Add(id);
        }

        var segment = (await SegmentKit.CreateAsync(_marketing, "Scored", """{"field":"rfmSegment","op":"exists"}""")).GetProperty("id").GetInt64();
        var before = await SegmentKit.MembersAsync(_marketing, segment);
        await app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("DELETE FROM customer_purchase_facts"));

        await app.WithScopeAsync(sp => sp.GetRequiredService<RecomputeAnalytics>().RunNowAsync(AnalyticsTrigger.Manual, CancellationToken.None));

        var scored = await app.WithDbAsync(db => db.Set<CustomerMetrics>().Where(m => m.RfmSegment != null).Select(m => m.CustomerId).ToListAsync());
        scored.Should().NotBeEmpty();
        var after = await SegmentKit.MembersAsync(_marketing, segment);
        after.Should().BeEquivalentTo(scored);
        var events = await SegmentKit.EventsAsync(_marketing, segment);
        events.Where(e => e.Kind == "entered").Select(e => e.Customer).Should().BeEquivalentTo(scored.Except(before));
        (await app.WithDbAsync(db => db.Set<CustomerPurchaseFact>().CountAsync(f => f.Key == "RFM-SKU"))).Should().Be(6, "the summary was rebuilt in full");
    }
}

/// <summary>Time passing: rules that read the clock are re-checked by the hourly sweep (its round, called here).</summary>
public sealed class SegmentClockTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    [Fact]
    public async Task The_sweep_moves_customers_whose_last_purchase_grew_old()
    {
        var marketing = app.ClientAs(Role.Marketing);
        var dora = await SegmentKit.CustomerAsync(marketing, new { firstName = "Dora", email = "dora@example.com" });
        await SegmentKit.TransactionAsync(marketing, dora, app.Clock.GetUtcNow().AddDays(-1), ("ANY", 1, 5));
        var lapsed = (await SegmentKit.CreateAsync(marketing, "Lapsed", """{"field":"daysSinceLastPurchase","op":"gte","value":30}""")).GetProperty("id").GetInt64();
        var tagged = (await SegmentKit.CreateAsync(marketing, "Tagged", """{"field":"tag","op":"exists"}""")).GetProperty("id").GetInt64();
        (await SegmentKit.MembersAsync(marketing, lapsed)).Should().BeEmpty();

        app.Clock.Advance(TimeSpan.FromDays(30));
        var swept = await app.WithScopeAsync(sp => SegmentChangeHandler.ReevaluateReadingAsync(
            sp.GetRequiredService<Rapport.Data.RapportDbContext>(), sp.GetRequiredService<SegmentEngine>(), RuleReads.Clock, CancellationToken.None));

        swept.Should().Be(1, "only the segment that reads the clock is re-checked");
        (await SegmentKit.MembersAsync(marketing, lapsed)).Should().Equal(dora);
        (await SegmentKit.EventsAsync(marketing, lapsed)).Should().Equal((dora, "entered"));
        (await SegmentKit.EventsAsync(marketing, tagged)).Should().BeEmpty();
    }
}
