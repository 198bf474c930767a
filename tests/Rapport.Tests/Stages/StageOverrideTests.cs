using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Identity;
using Rapport.Stages;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Interactions;

namespace Rapport.Tests.Stages;

/// <summary>Manual overrides: they win over the rules until they expire (the sweep) or are removed; every step is in the history.</summary>
public sealed class StageOverrideTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private Task<HttpResponseMessage> PutOverrideAsync(long id, object body, Role role = Role.Sales) =>
        app.ClientAs(role).PutAsJsonAsync($"/api/v1/customers/{id}/stage/override", body);

    [Fact]
    public async Task An_override_wins_until_it_expires_and_the_sweep_puts_the_customer_back_on_the_rules()
    {
        var id = await app.CustomerAsync();
        await app.BuyAsync(id, app.DaysAgo(10));
        var expires = app.Clock.GetUtcNow().AddDays(7);

        var response = await PutOverrideAsync(id, new { stage = "loyalty", reason = "Founding member of the tasting club", expiresAt = expires });
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("stage").GetString().Should().Be("loyalty");
        body.GetProperty("override").GetProperty("reason").GetString().Should().Be("Founding member of the tasting club");

        // New data does not move an overridden customer.
        await app.BuyAsync(id, app.DaysAgo(1));
        (await app.StageOfAsync(id)).Should().Be(Stage.Loyalty);
        var set = (await app.HistoryOfAsync(id))[^1];
        (set.FromStage, set.ToStage, set.Source, set.Reason).Should().Be((Stage.Purchase, Stage.Loyalty, StageChangeSource.Override, "Founding member of the tasting club"));

        app.Clock.Advance(TimeSpan.FromDays(8));
        try
        {
            (await app.RunAsync<EndExpiredOverrides, int>(e => e.HandleAsync(CancellationToken.None))).Should().Be(1);
            (await app.StageOfAsync(id)).Should().Be(Stage.Connection, "two purchases inside the repeat window");
            var ended = (await app.HistoryOfAsync(id))[^1];
            (ended.FromStage, ended.ToStage, ended.Source).Should().Be((Stage.Loyalty, Stage.Connection, StageChangeSource.OverrideEnded));
            (await app.WithDbAsync(db => db.Set<StageOverride>().AnyAsync(o => o.CustomerId == id))).Should().BeFalse();
            (await app.RunAsync<EndExpiredOverrides, int>(e => e.HandleAsync(CancellationToken.None))).Should().Be(0);
        }
        finally
        {
            app.Clock.Advance(TimeSpan.FromDays(-8));
        }
    }

    [Fact]
    public async Task Removing_an_override_puts_the_customer_back_on_the_rules_at_once()
    {
        var id = await app.CustomerAsync();
        (await PutOverrideAsync(id, new { stage = "consideration", reason = "Met at the fair" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await app.StageOfAsync(id)).Should().Be(Stage.Consideration);

        var removed = await app.ClientAs(Role.Marketing).DeleteAsync($"/api/v1/customers/{id}/stage/override");
        removed.StatusCode.Should().Be(HttpStatusCode.OK, await removed.Content.ReadAsStringAsync());
        (await app.StageOfAsync(id)).Should().Be(Stage.Prospecting);
        (await app.HistoryOfAsync(id))[^1].Source.Should().Be(StageChangeSource.OverrideEnded);

        (await app.ClientAs(Role.Marketing).DeleteAsync($"/api/v1/customers/{id}/stage/override")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("""{"stage": "champion", "reason": "x"}""", "stage")]
    [InlineData("""{"stage": "loyalty"}""", "reason")]
    [InlineData("""{"stage": "loyalty", "reason": "   "}""", "reason")]
    [InlineData("""{"stage": "loyalty", "reason": "ok", "expiresAt": "2020-01-01T00:00:00Z"}""", "expiresAt")]
    public async Task Bad_overrides_are_422_with_the_field(string json, string field)
    {
        var id = await app.CustomerAsync();
        var response = await app.ClientAs(Role.Sales).PutAsync($"/api/v1/customers/{id}/stage/override", ActivityKit.Json(json));
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, field);
        problem.GetProperty("type").GetString().Should().Be("/problems/validation");
        (await app.StageOfAsync(id)).Should().Be(Stage.Prospecting);
    }

    [Fact]
    public async Task Roles_without_write_crm_may_read_a_stage_but_not_override_it()
    {
        var id = await app.CustomerAsync();
        (await PutOverrideAsync(id, new { stage = "loyalty", reason = "x" }, Role.Analyst)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await app.ClientAs(Role.Analyst).GetAsync($"/api/v1/customers/{id}/stage")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await app.ClientAs(Role.Analyst).GetAsync("/api/v1/customers/999999999/stage")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await PutOverrideAsync(999_999_999, new { stage = "loyalty", reason = "x" })).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }
}
