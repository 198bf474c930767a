using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Analytics;
using Rapport.Identity;
using Rapport.Playbooks;
using Rapport.Plan;
using Rapport.Segments;
using Rapport.Stages;
using Rapport.Tests.Analytics;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Interactions;
using Rapport.Tests.Pages;

namespace Rapport.Tests.Plan;

public sealed class PlanApiTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private readonly HttpClient _marketing = app.ClientAs(Role.Marketing);

    private DateOnly Today => DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);

    private Task<long> AddSegmentAsync(string name, int members) => app.WithDbAsync(async db =>
    {
        var segment = db.Set<Segment>().Add(new Segment { Name = name, Kind = SegmentKind.Static, MemberCount = members, CreatedAt = app.Clock.GetUtcNow(), UpdatedAt = app.Clock.GetUtcNow() }).Entity;
        await db.SaveChangesAsync();
        return segment.Id;
    });

    private Task<long> ValueIdAsync(string key) => app.WithDbAsync(db => db.TaxonomyValues.Where(v => v.Key == key).Select(v => v.Id).SingleAsync());

    [Fact]
    public async Task The_plan_round_trips_with_computed_progress_segments_values_stages_and_data_plan()
    {
        await AnalyticsSeed.PostAsync(app, AnalyticsSeed.Shop(Today.AddDays(-1), "plan"));
        // A few buyers in the latest complete month, so that active_customers has a value there.
        var lastMonth = new DateOnly(Today.Year, Today.Month, 1).AddMonths(-1).AddDays(3);
        await AnalyticsSeed.PostAsync(app, Enumerable.Range(0, 5).Select(i => ($"plan-extra-{i}", lastMonth, 20m)));
        (await AnalyticsSeed.RunAsync(app)).Status.Should().Be(AnalyticsRunStatus.Succeeded);

        var empty = await _marketing.GetAsync("/api/v1/plan");
        empty.StatusCode.Should().Be(HttpStatusCode.OK);
        empty.Headers.ETag!.Tag.Should().Be("\"0\"");
        var before = await empty.ReadJsonAsync();
        before.GetProperty("title").GetString().Should().Be("CRM plan");
        before.GetProperty("communication").GetProperty("playbooksSet").GetBoolean().Should().BeTrue("every stage has a default playbook");
        before.GetProperty("communication").GetProperty("stages").GetArrayLength().Should().Be(5);

        var summary = await _marketing.PutAsJsonAsync("/api/v1/plan", new { title = "Plan 2027", summary = "Keep the best.\nGrow the rest.", period = "2027" });
        summary.StatusCode.Should().Be(HttpStatusCode.OK, await summary.Content.ReadAsStringAsync());
        summary.Headers.ETag!.Tag.Should().Be("\"1\"");
        (await summary.ReadJsonAsync()).GetProperty("updatedBy").GetString().Should().Be("API key test Marketing");

        var goalResponse = await _marketing.PostAsJsonAsync("/api/v1/plan/goals", new { title = "Grow loyal customers", description = "More repeat buyers." });
        goalResponse.StatusCode.Should().Be(HttpStatusCode.Created, await goalResponse.Content.ReadAsStringAsync());
        var goalId = (await goalResponse.ReadJsonAsync()).GetProperty("id").GetInt64();
        goalResponse.Headers.Location!.ToString().Should().Be($"/api/v1/plan/goals/{goalId}");

        var kpis = await (await app.ClientAs(Role.Analyst).GetAsync("/api/v1/kpis")).ReadJsonAsync();
        var active = kpis.GetProperty("kpis").EnumerateArray().Single(k => k.GetProperty("key").GetString() == "active_customers").GetProperty("value").GetDecimal();
        active.Should().BeGreaterThan(0);

        var deadline = Today.AddDays(100);
        var far = await _marketing.PostAsJsonAsync($"/api/v1/plan/goals/{goalId}/objectives", new { kpi = "active_customers", target = active + 100, deadline = deadline.ToString("yyyy-MM-dd") });
        far.StatusCode.Should().Be(HttpStatusCode.Created, await far.Content.ReadAsStringAsync());
        var objective = await far.ReadJsonAsync();
        objective.GetProperty("baseline").GetDecimal().Should().Be(active);
        objective.GetProperty("current").GetDecimal().Should().Be(active);
        objective.GetProperty("progress").GetDecimal().Should().Be(0);
        objective.GetProperty("status").GetString().Should().Be("onTrack", "no time has gone yet");
        var farId = objective.GetProperty("id").GetInt64();

        var met = await _marketing.PostAsJsonAsync($"/api/v1/plan/goals/{goalId}/objectives", new { kpi = "active_customers", target = active - 1, deadline = deadline.ToString("yyyy-MM-dd") });
        (await met.ReadJsonAsync()).GetProperty("status").GetString().Should().Be("achieved");

        var segmentA = await AddSegmentAsync("Lapsing VIPs", 12);
        var segmentB = await AddSegmentAsync("New this month", 40);
        (await _marketing.PutAsJsonAsync("/api/v1/plan/segments", new { segmentIds = new[] { segmentB, segmentA } })).StatusCode.Should().Be(HttpStatusCode.OK);

        var quality = await ValueIdAsync("quality");
        var sustainability = await ValueIdAsync("sustainability");
        var values = await _marketing.PutAsJsonAsync("/api/v1/plan/values", new
        {
            values = new object[]
            {
                new { valueId = sustainability, headline = "Coffee that keeps farms going", proofPoints = new List<string> { "Direct trade", " ", "Compostable bags" } },
                new { valueId = quality, headline = (string?)null, proofPoints = (string[]?)null },
            },
        });
        values.StatusCode.Should().Be(HttpStatusCode.OK, await values.Content.ReadAsStringAsync());

        var data = await _marketing.PutAsJsonAsync("/api/v1/plan/data-plan", new
        {
            items = new[] { new { what = "Email address", purpose = "Order confirmations and the newsletter", source = "Checkout", legalBasis = "contract", retention = "Until erased" } },
        });
        data.StatusCode.Should().Be(HttpStatusCode.OK, await data.Content.ReadAsStringAsync());

        await app.WithDbAsync(async db =>
        {
            return await db.Set<Playbook>().Where(p => p.Stage == Stage.Connection).ExecuteUpdateAsync(u => u
                .SetProperty(p => p.Channels, "Email,Phone").SetProperty(p => p.Emphasis, ContentEmphasis.Deepen)
                .SetProperty(p => p.Templates, "Thank-you note\nTasting invitation").SetProperty(p => p.MinDaysBetweenContacts, 7)
                .SetProperty(p => p.MaxContactsPerThirtyDays, 2).SetProperty(p => p.MaxDaysWithoutContact, 45));
        });
        await app.WithDbAsync(db => db.Set<Segment>().Where(s => s.Id == segmentA).ExecuteDeleteAsync());

        app.Clock.Advance(TimeSpan.FromDays(50));
        var response = await app.ClientAs(Role.Analyst).GetAsync("/api/v1/plan");
        var plan = await response.ReadJsonAsync();
        response.Headers.ETag!.Tag.Should().Be($"\"{plan.GetProperty("version").GetInt32()}\"");
        plan.GetProperty("title").GetString().Should().Be("Plan 2027");
        plan.GetProperty("period").GetString().Should().Be("2027");
        plan.GetProperty("summary").GetString().Should().Be("Keep the best.\nGrow the rest.");
        var goal = plan.GetProperty("goals").EnumerateArray().Single();
        goal.GetProperty("title").GetString().Should().Be("Grow loyal customers");
        var objectives = goal.GetProperty("objectives").EnumerateArray().ToList();
        objectives.Should().HaveCount(2);
        objectives[0].GetProperty("id").GetInt64().Should().Be(farId);
        objectives[0].GetProperty("expected").GetDecimal().Should().Be(0.5m, "50 of 100 days have gone");
        objectives[0].GetProperty("status").GetString().Should().Be("behind", "no progress while half the time has gone");
        objectives[0].GetProperty("onTrack").GetBoolean().Should().BeFalse();
        objectives[0].GetProperty("kpiName").GetString().Should().Be("Active customers");
        objectives[1].GetProperty("status").GetString().Should().Be("achieved");

        plan.GetProperty("segments").EnumerateArray().Select(s => s.GetProperty("name").GetString()).Should().Equal(["New this month"], "a deleted segment drops out");
        plan.GetProperty("segments")[0].GetProperty("memberCount").GetInt32().Should().Be(40);
        plan.GetProperty("segments")[0].GetProperty("kind").GetString().Should().Be("static");

        var planValues = plan.GetProperty("values").EnumerateArray().ToList();
        planValues.Select(v => v.GetProperty("key").GetString()).Should().Equal("sustainability", "quality");
        planValues[0].GetProperty("priority").GetInt32().Should().Be(1);
        planValues[0].GetProperty("proofPoints").EnumerateArray().Select(p => p.GetString()).Should().Equal("Direct trade", "Compostable bags");

        var communication = plan.GetProperty("communication");
        communication.GetProperty("playbooksSet").GetBoolean().Should().BeTrue();
        var connection = communication.GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("stage").GetString() == "connection");
        connection.GetProperty("channels").EnumerateArray().Select(c => c.GetString()).Should().Equal("Email", "Phone");
        connection.GetProperty("touchpoints").EnumerateArray().Select(c => c.GetString()).Should().Equal("Thank-you note", "Tasting invitation");
        connection.GetProperty("frequency").GetString().Should().Be("at most 2 contacts per 30 days, at least 7 days apart, at least every 45 days");
        var customers = await app.WithDbAsync(db => db.CustomerMetrics.CountAsync());
        communication.GetProperty("stages").EnumerateArray().Sum(s => s.GetProperty("customers").GetInt32()).Should().Be(customers);

        var dataPlan = plan.GetProperty("dataPlan").EnumerateArray().Single();
        dataPlan.GetProperty("legalBasis").GetString().Should().Be("contract");

        // Stale versions are refused; the current one is accepted.
        var version = plan.GetProperty("version").GetInt32();
        var stale = new HttpRequestMessage(HttpMethod.Put, "/api/v1/plan") { Content = JsonContent.Create(new { title = "Stale" }) };
        stale.Headers.TryAddWithoutValidation("If-Match", $"\"{version - 1}\"");
        await (await _marketing.SendAsync(stale)).ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed);
        var fresh = new HttpRequestMessage(HttpMethod.Put, "/api/v1/plan") { Content = JsonContent.Create(new { title = "Fresh" }) };
        fresh.Headers.TryAddWithoutValidation("If-Match", $"\"{version}\"");
        (await _marketing.SendAsync(fresh)).Headers.ETag!.Tag.Should().Be($"\"{version + 1}\"");

        (await _marketing.DeleteAsync($"/api/v1/plan/objectives/{farId}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await _marketing.DeleteAsync($"/api/v1/plan/goals/{goalId}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await app.WithDbAsync(db => db.Set<PlanObjective>().CountAsync())).Should().Be(0);
        (await _marketing.GetAsync($"/api/v1/plan/goals/{goalId}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

}

public sealed class PlanValidationTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private readonly HttpClient _marketing = app.ClientAs(Role.Marketing);

    private DateOnly Today => DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);

    private Task<long> ValueIdAsync(string key) => app.WithDbAsync(db => db.TaxonomyValues.Where(v => v.Key == key).Select(v => v.Id).SingleAsync());

    [Fact]
    public async Task Bad_input_is_a_422_naming_the_field()
    {
        var goal = await (await _marketing.PostAsJsonAsync("/api/v1/plan/goals", new { title = "Validate" })).ReadJsonAsync();
        var path = $"/api/v1/plan/goals/{goal.GetProperty("id").GetInt64()}/objectives";
        var next = Today.AddDays(30).ToString("yyyy-MM-dd");
        await (await _marketing.PostAsJsonAsync(path, new { kpi = "happiness", target = 1, deadline = next })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "kpi");
        await (await _marketing.PostAsJsonAsync(path, new { kpi = "retention_rate", target = "forty", deadline = next })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "target");
        await (await _marketing.PostAsJsonAsync(path, new { kpi = "retention_rate", target = 40, deadline = next })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "target");
        await (await _marketing.PostAsJsonAsync(path, new { kpi = "retention_rate", target = 0.4 })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "deadline");
        await (await _marketing.PostAsJsonAsync(path, new { kpi = "retention_rate", target = 0.4, deadline = Today.AddDays(-1).ToString("yyyy-MM-dd") })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "deadline");
        await (await _marketing.PostAsJsonAsync(path, new { kpi = "retention_rate", target = 0.4, deadline = "31/12/2030" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "deadline");
        (await _marketing.PostAsJsonAsync("/api/v1/plan/goals/987654/objectives", new { kpi = "retention_rate", target = 0.4, deadline = next })).StatusCode.Should().Be(HttpStatusCode.NotFound);

        await (await _marketing.PutAsJsonAsync("/api/v1/plan/segments", new { segmentIds = new List<long> { 987654L } })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "segmentIds[0]");
        await (await _marketing.PutAsJsonAsync("/api/v1/plan/values", new { values = new[] { new { valueId = 987654L } } })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "values[0].valueId");
        var quality = await ValueIdAsync("quality");
        await (await _marketing.PutAsJsonAsync("/api/v1/plan/values", new { values = new[] { new { valueId = quality }, new { valueId = quality } } })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "values[1].valueId");
        await (await _marketing.PutAsJsonAsync("/api/v1/plan/data-plan", new { items = new[] { new { what = "Email", purpose = "", legalBasis = "because" } } }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "items[0].purpose");
        await (await _marketing.PutAsJsonAsync("/api/v1/plan/data-plan", new { items = new[] { new { what = "Email", purpose = "x", legalBasis = "because" } } }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "items[0].legalBasis");
        await (await _marketing.PutAsJsonAsync("/api/v1/plan", new { title = " " })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "title");

        // Without customer value profiles the map places nothing, so there is nothing to take from it.
        var proposal = await (await _marketing.GetAsync("/api/v1/plan/values/proposal")).ReadJsonAsync();
        proposal.GetProperty("values").GetArrayLength().Should().Be(0);
        proposal.GetProperty("notice").GetString().Should().NotBeNullOrWhiteSpace();
        await (await _marketing.PostAsync("/api/v1/plan/values/from-map", null)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "values");
        await (await _marketing.PutAsJsonAsync("/api/v1/plan", new { title = "x", unknown = 1 })).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        (await app.WithDbAsync(db => db.Set<PlanObjective>().CountAsync())).Should().Be(0);
    }
}

public sealed class PlanAccessTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    [Fact]
    public async Task Everyone_reads_the_plan_and_only_marketing_and_admins_write_it()
    {
        (await app.ClientAs(Role.Service).GetAsync("/api/v1/plan")).StatusCode.Should().Be(HttpStatusCode.OK);
        foreach (var role in new[] { Role.Sales, Role.Service, Role.Analyst })
        {
            (await app.ClientAs(role).PutAsJsonAsync("/api/v1/plan", new { title = "Mine" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
            (await app.ClientAs(role).PostAsJsonAsync("/api/v1/plan/goals", new { title = "Mine" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        }

        (await app.ClientAs(Role.Admin).PutAsJsonAsync("/api/v1/plan/data-plan", new { items = Array.Empty<object>() })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await app.Anonymous().GetAsync("/api/v1/plan")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

}

public sealed class PlanPageTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private DateOnly Today => DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);

    [Fact]
    public async Task The_plan_pages_render_and_edit_and_the_print_view_has_no_forms()
    {
        var session = await PageSession.SignInAsync(app, Role.Marketing);
        var page = await session.GetAsync("/plan");
        page.QuerySelector("h2#communication-title").Should().NotBeNull();
        page.QuerySelectorAll("main form[method=post]").Should().NotBeEmpty()
            .And.OnlyContain(f => f.QuerySelector($"input[name={RapportAppFactory.AntiforgeryField}]") != null, "every form carries its own antiforgery token");
        var added = await session.PostFormAsync("/plan?handler=AddGoal", new() { ["title"] = "Win back lapsed buyers", ["description"] = "Reach them before they churn." });
        added.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var goalId = await app.WithDbAsync(db => db.Set<PlanGoal>().Where(g => g.Title == "Win back lapsed buyers").Select(g => g.Id).SingleAsync());
        await session.GetAsync("/plan");
        (await session.PostFormAsync("/plan?handler=AddObjective", new() { ["goalId"] = goalId.ToString(System.Globalization.CultureInfo.InvariantCulture), ["kpi"] = "retention_rate", ["target"] = "45", ["deadline"] = Today.AddDays(90).ToString("yyyy-MM-dd") }))
            .StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await app.WithDbAsync(db => db.Set<PlanObjective>().Where(o => o.GoalId == goalId).Select(o => o.Target).SingleAsync())).Should().Be(0.45m, "percent is typed in percent");
        await session.GetAsync("/plan");
        (await session.PostFormAsync("/plan?handler=DataPlan", new() { ["rows[0].What"] = "Purchases", ["rows[0].Purpose"] = "RFM and CLV", ["rows[0].LegalBasis"] = "legitimateInterests" }))
            .StatusCode.Should().Be(HttpStatusCode.Redirect);

        page = await session.GetAsync("/plan");
        page.QuerySelector($"[data-goal='{goalId}'] h3").Text().Should().Be("Win back lapsed buyers");
        page.QuerySelector("[data-playbooks-link] a")!.GetAttribute("href").Should().Be("/playbooks");
        page.QuerySelector("tr[data-stage=connection]")!.Text().Should().Contain("In person", "channels read as words, not enum names");
        page.QuerySelectorAll("nav a").Select(a => a.Text()).Should().Contain("Plan");

        var print = await session.GetAsync("/plan/print");
        print.QuerySelectorAll("main form").Should().BeEmpty();
        print.QuerySelector("[data-print]").Should().NotBeNull();
        print.QuerySelectorAll("[style]").Should().BeEmpty();
        print.QuerySelector("main").Text().Should().Contain("Win back lapsed buyers").And.Contain("Purchases").And.Contain("Legitimate interests");

        var analyst = await PageSession.SignInAsync(app, Role.Analyst);
        var read = await analyst.GetAsync("/plan");
        read.QuerySelectorAll("main form").Should().BeEmpty();
        (await analyst.PostFormAsync("/plan?handler=AddGoal", new() { ["title"] = "Not mine" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }
}

public sealed class PlanProgressTests
{
    private static readonly DateOnly Start = new(2027, 1, 1);

    [Fact]
    public void Progress_follows_the_straight_path_from_baseline_to_target()
    {
        var half = Start.AddDays(50);
        var deadline = Start.AddDays(100);
        PlanRules.Progress(KpiDirection.HigherIsBetter, 0.5m, 0.3m, Start, deadline, 0.4m, half)
            .Should().Be(new ObjectiveProgress(0.5m, 0.5m, ObjectiveStatus.OnTrack));
        PlanRules.Progress(KpiDirection.HigherIsBetter, 0.5m, 0.3m, Start, deadline, 0.35m, half).Status.Should().Be(ObjectiveStatus.Behind);
        PlanRules.Progress(KpiDirection.LowerIsBetter, 0.1m, 0.2m, Start, deadline, 0.14m, half)
            .Should().Be(new ObjectiveProgress(0.6m, 0.5m, ObjectiveStatus.OnTrack));
        PlanRules.Progress(KpiDirection.LowerIsBetter, 0.1m, 0.2m, Start, deadline, 0.1m, half).Status.Should().Be(ObjectiveStatus.Achieved);
        PlanRules.Progress(KpiDirection.HigherIsBetter, 0.5m, 0.3m, Start, deadline, 0.45m, deadline.AddDays(1)).Status.Should().Be(ObjectiveStatus.Missed);
        PlanRules.Progress(KpiDirection.HigherIsBetter, 0.5m, 0.3m, Start, deadline, null, half).Status.Should().Be(ObjectiveStatus.NotAvailable);
        PlanRules.Progress(KpiDirection.HigherIsBetter, 0.5m, null, Start, deadline, 0.49m, half)
            .Should().Be(new ObjectiveProgress(null, 0.5m, ObjectiveStatus.OnTrack), "without a baseline the target's 5 % tolerance decides");
        PlanRules.Progress(KpiDirection.Neutral, 0.5m, 0.3m, Start, deadline, 0.51m, half).Status.Should().Be(ObjectiveStatus.Achieved);
    }
}

/// <summary>Two first writes to a plan that does not exist yet: one makes the plan row, the other is told it is stale (412), never a 500.</summary>
public sealed class PlanFirstWriteTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    [Fact]
    public async Task Concurrent_first_writes_give_one_success_and_one_stale_version()
    {
        await using var first = app.Services.CreateAsyncScope();
        await using var second = app.Services.CreateAsyncScope();
        var one = first.ServiceProvider.GetRequiredService<PlanStore>();
        var two = second.ServiceProvider.GetRequiredService<PlanStore>();
        var actor = new Rapport.Values.Actor(null, "test");
        // Both read "no plan yet" before either saves.
        var a = await one.TouchAsync(null, actor, CancellationToken.None);
        var b = await two.TouchAsync(null, actor, CancellationToken.None);
        a!.Title = "Plan A";
        b!.Title = "Plan B";
        (await one.SaveAsync(a, null, CancellationToken.None)).IsOk.Should().BeTrue();
        var late = await two.SaveAsync(b, null, CancellationToken.None);
        late.IsOk.Should().BeFalse();
        late.Kind.Should().Be(Rapport.Common.ResultKind.PreconditionFailed);
        (await app.WithDbAsync(db => db.Set<CrmPlan>().Select(p => p.Title).SingleAsync())).Should().Be("Plan A");
    }
}
