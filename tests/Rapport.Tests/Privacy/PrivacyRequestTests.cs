using System.Net;
using System.Net.Http.Json;
using Rapport.Identity;
using Rapport.Privacy;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Interactions;

namespace Rapport.Tests.Privacy;

/// <summary>The request log: deadlines one calendar month after receipt, overdue and due-soon flags, status changes.</summary>
public sealed class PrivacyRequestTests(PrivacyAppFactory app) : IClassFixture<PrivacyAppFactory>
{
    [Fact]
    public void The_deadline_is_one_calendar_month_after_receipt()
    {
        PrivacyRequests.DueFrom(new DateTimeOffset(2026, 1, 31, 10, 0, 0, TimeSpan.Zero)).Should().Be(new DateTimeOffset(2026, 2, 28, 10, 0, 0, TimeSpan.Zero));
        PrivacyRequests.DueFrom(new DateTimeOffset(2026, 3, 15, 10, 0, 0, TimeSpan.Zero)).Should().Be(new DateTimeOffset(2026, 4, 15, 10, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public async Task A_request_is_logged_listed_as_overdue_and_closed()
    {
        var admin = app.ClientAs(Role.Admin);
        var now = app.Clock.GetUtcNow();
        var old = await admin.PostAsJsonAsync("/api/v1/privacy/requests", new { kind = "access", requesterContact = "ann@example.com", receivedAt = now.AddDays(-40) });
        old.StatusCode.Should().Be(HttpStatusCode.Created, await old.Content.ReadAsStringAsync());
        var oldJson = await old.ReadJsonAsync();
        oldJson.GetProperty("overdue").GetBoolean().Should().BeTrue();
        oldJson.GetProperty("dueAt").GetDateTimeOffset().Should().Be(now.AddDays(-40).AddMonths(1));
        var soon = await (await admin.PostAsJsonAsync("/api/v1/privacy/requests", new { kind = "objection", requesterContact = "bob", receivedAt = now.AddDays(-27) })).ReadJsonAsync();
        soon.GetProperty("dueSoon").GetBoolean().Should().BeTrue();
        soon.GetProperty("overdue").GetBoolean().Should().BeFalse();

        var overdue = await (await admin.GetAsync("/api/v1/privacy/requests?overdue=true")).ReadJsonAsync();
        overdue.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).Should().Contain(oldJson.GetProperty("id").GetInt64())
            .And.NotContain(soon.GetProperty("id").GetInt64());

        var id = oldJson.GetProperty("id").GetInt64();
        var done = await admin.PatchAsJsonAsync($"/api/v1/privacy/requests/{id}", new { status = "done", notes = "Sent the export by post." });
        done.StatusCode.Should().Be(HttpStatusCode.OK, await done.Content.ReadAsStringAsync());
        var doneJson = await done.ReadJsonAsync();
        doneJson.GetProperty("completedAt").GetDateTimeOffset().Should().Be(now);
        doneJson.GetProperty("overdue").GetBoolean().Should().BeFalse("a closed request is no longer overdue");
    }

    [Fact]
    public async Task Bad_input_is_refused_with_field_errors()
    {
        var admin = app.ClientAs(Role.Admin);
        await (await admin.PostAsJsonAsync("/api/v1/privacy/requests", new { kind = "access", requesterContact = " " })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "requesterContact");
        await (await admin.PostAsJsonAsync("/api/v1/privacy/requests", new { kind = "access", requesterContact = "x", customerId = 99999999 })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "customerId");
        await (await admin.PostAsJsonAsync("/api/v1/privacy/requests", new { kind = "forget", requesterContact = "x" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await admin.PostAsJsonAsync("/api/v1/privacy/requests", new { kind = "access", requesterContact = "x", receivedAt = app.Clock.GetUtcNow().AddDays(2) }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "receivedAt");
        await (await admin.GetAsync("/api/v1/privacy/requests/99999999")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await admin.GetAsync("/api/v1/privacy/requests?after=notacursor")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "after");
    }
}
