using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Identity;
using Rapport.Privacy;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Interactions;

namespace Rapport.Tests.Privacy;

/// <summary>Retention rules: a dry run says who and why, enabling needs one, applying deletes or erases and records a run.</summary>
public sealed class RetentionTests(PrivacyAppFactory app) : IClassFixture<PrivacyAppFactory>
{
    [Fact]
    public async Task A_prospect_rule_reports_then_deletes_only_old_prospects_without_engagement()
    {
        var now = app.Clock.GetUtcNow();
        var admin = app.ClientAs(Role.Admin);
        var oldProspect = await CustomerAsync(now.AddYears(-2));
        var oldBuyer = await CustomerAsync(now.AddYears(-2));
        (await admin.PostAsJsonAsync("/api/v1/transactions", new { customerId = oldBuyer, total = 40m, currency = "EUR", occurredAt = now.AddYears(-2).AddDays(1) }))
            .StatusCode.Should().Be(HttpStatusCode.Created);
        var oldButTalking = await CustomerAsync(now.AddYears(-2));
        (await admin.PostAsJsonAsync("/api/v1/interactions", new { customerId = oldButTalking, type = "note", notes = "Still here", occurredAt = now.AddDays(-3) }))
            .StatusCode.Should().Be(HttpStatusCode.Created);
        var recent = await CustomerAsync(now.AddMonths(-2));

        var created = await admin.PostAsJsonAsync("/api/v1/privacy/retention/rules", new { name = "Cold prospects", kind = "deleteInactiveProspects", months = 12 });
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var ruleId = (await created.ReadJsonAsync()).GetProperty("id").GetInt64();
        await (await admin.PostAsJsonAsync($"/api/v1/privacy/retention/rules/{ruleId}/enabled", new { enabled = true })).ShouldBeProblemAsync(HttpStatusCode.Conflict, "enabled");
        await (await admin.PostAsync($"/api/v1/privacy/retention/rules/{ruleId}/apply", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict);

        var report = await (await admin.PostAsync($"/api/v1/privacy/retention/rules/{ruleId}/dry-run", null)).ReadJsonAsync();
        var ids = report.GetProperty("firstPage").EnumerateArray().Select(c => c.GetProperty("customerId").GetInt64()).ToList();
        ids.Should().Contain(oldProspect).And.NotContain([oldBuyer, oldButTalking, recent]);
        report.GetProperty("count").GetInt32().Should().Be(ids.Count);
        report.GetProperty("firstPage")[0].GetProperty("reason").GetString().Should().Contain("never bought");
        var csv = await (await admin.GetAsync($"/api/v1/privacy/retention/rules/{ruleId}/candidates.csv")).Content.ReadAsStringAsync();
        csv.Should().StartWith("customer_id,name,created_at,last_activity_at,reason").And.Contain($"\r\n{oldProspect},");
        (await app.WithDbAsync(db => db.Customers.AnyAsync(c => c.Id == oldProspect))).Should().BeTrue("a dry run changes nothing");

        (await admin.PostAsJsonAsync($"/api/v1/privacy/retention/rules/{ruleId}/enabled", new { enabled = true })).StatusCode.Should().Be(HttpStatusCode.OK);
        var applied = await app.WithScopeAsync(sp => sp.GetRequiredService<RetentionRules>().ApplyDueAsync(CancellationToken.None));
        applied.Should().Be(ids.Count);
        (await app.WithDbAsync(db => db.Customers.AnyAsync(c => c.Id == oldProspect))).Should().BeFalse();
        (await app.WithDbAsync(db => db.Customers.CountAsync(c => c.Id == oldBuyer || c.Id == oldButTalking || c.Id == recent))).Should().Be(3);
        (await app.WithScopeAsync(sp => sp.GetRequiredService<RetentionRules>().ApplyDueAsync(CancellationToken.None))).Should().Be(0, "a rule runs once a day");

        var runs = await (await admin.GetAsync($"/api/v1/privacy/retention/runs?ruleId={ruleId}")).ReadJsonAsync();
        runs.GetArrayLength().Should().Be(2);
        runs[0].GetProperty("dryRun").GetBoolean().Should().BeFalse();
        runs[0].GetProperty("deleted").GetInt32().Should().Be(ids.Count);
        runs[1].GetProperty("dryRun").GetBoolean().Should().BeTrue();

        // The job leaves its own audit entry, by the system; the dry run one by the admin's key.
        var audit = await app.WithDbAsync(db => db.Set<Rapport.Audit.AuditEvent>().AsNoTracking()
            .Where(e => e.Action == Rapport.Privacy.PrivacyAudit.RetentionRun && e.EntityId == ruleId.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .OrderBy(e => e.Id).ToListAsync());
        audit.Select(e => e.ActorKind).Should().Equal(Rapport.Audit.AuditActorKinds.ApiKey, Rapport.Audit.AuditActorKinds.System);
        audit[1].Changes.Should().Contain("\"deleted\":" + ids.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // Changing the period clears the dry run and switches the rule off.
        var changed = await (await admin.PutAsJsonAsync($"/api/v1/privacy/retention/rules/{ruleId}", new { name = "Cold prospects", kind = "deleteInactiveProspects", months = 6 })).ReadJsonAsync();
        changed.GetProperty("enabled").GetBoolean().Should().BeFalse();
        changed.GetProperty("dryRunAt").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);
    }

    [Fact]
    public async Task An_inactivity_rule_erases_customers_without_activity_and_keeps_their_purchases()
    {
        var now = app.Clock.GetUtcNow();
        var admin = app.ClientAs(Role.Admin);
        var dormant = await CustomerAsync(now.AddYears(-6));
        (await admin.PostAsJsonAsync("/api/v1/transactions", new { customerId = dormant, total = 75m, currency = "EUR", occurredAt = now.AddYears(-5) }))
            .StatusCode.Should().Be(HttpStatusCode.Created);
        var active = await CustomerAsync(now.AddYears(-6));
        (await admin.PostAsJsonAsync("/api/v1/transactions", new { customerId = active, total = 10m, currency = "EUR", occurredAt = now.AddYears(-1) }))
            .StatusCode.Should().Be(HttpStatusCode.Created);

        var rule = await (await admin.PostAsJsonAsync("/api/v1/privacy/retention/rules", new { name = "Dormant 3 years", kind = "eraseInactiveCustomers", months = 36 })).ReadJsonAsync();
        var ruleId = rule.GetProperty("id").GetInt64();
        var report = await (await admin.PostAsync($"/api/v1/privacy/retention/rules/{ruleId}/dry-run", null)).ReadJsonAsync();
        report.GetProperty("firstPage").EnumerateArray().Select(c => c.GetProperty("customerId").GetInt64()).Should().Contain(dormant).And.NotContain(active);
        var run = await (await admin.PostAsync($"/api/v1/privacy/retention/rules/{ruleId}/apply", null)).ReadJsonAsync();
        run.GetProperty("erased").GetInt32().Should().BeGreaterThanOrEqualTo(1);
        var erased = await app.WithDbAsync(db => db.Customers.AsNoTracking().SingleAsync(c => c.Id == dormant));
        erased.ErasedAt.Should().NotBeNull();
        erased.Email.Should().BeNull();
        (await app.WithDbAsync(db => db.Transactions.CountAsync(t => t.CustomerId == dormant))).Should().Be(1);
        (await app.WithDbAsync(db => db.Set<PrivacyRequest>().CountAsync(r => r.CustomerId == dormant && r.Status == PrivacyRequestStatus.Done))).Should().Be(1);
    }

    [Fact]
    public async Task Bad_rules_are_refused()
    {
        var admin = app.ClientAs(Role.Admin);
        await (await admin.PostAsJsonAsync("/api/v1/privacy/retention/rules", new { name = "x", kind = "deleteInactiveProspects", months = 0 })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "months");
        await (await admin.PostAsJsonAsync("/api/v1/privacy/retention/rules", new { name = "", kind = "deleteInactiveProspects", months = 3 })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "name");
        await (await admin.PostAsync("/api/v1/privacy/retention/rules/99999/dry-run", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        (await app.ClientAs(Role.Sales).GetAsync("/api/v1/privacy/retention/rules")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    private async Task<long> CustomerAsync(DateTimeOffset createdAt)
    {
        var response = await app.ClientAs(Role.Admin).PostAsJsonAsync("/api/v1/customers", new { firstName = "Ret", lastName = "Ention", email = $"ret.{Guid.NewGuid():N}@example.com" });
        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var id = (await response.ReadJsonAsync()).GetProperty("id").GetInt64();
        await app.WithDbAsync(async db => await db.Customers.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.CreatedAt, createdAt)));
        return id;
    }
}
