using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Consent;
using Rapport.Identity;
using Rapport.Tests.Customers;
using Rapport.Tests.Imports;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Interactions;

namespace Rapport.Tests.Consent;

/// <summary>The consent ledger through the API: events appended, the state derived, validation, and the ledger's append-only triggers.</summary>
public sealed class ConsentApiTests(ImportAppFactory app) : IClassFixture<ImportAppFactory>
{
    [Fact]
    public async Task Events_append_to_the_ledger_and_the_state_is_the_latest_per_channel_and_purpose()
    {
        var id = await app.CustomerAsync(ConsentKit.UniqueEmail());
        var now = app.Clock.GetUtcNow();
        await app.RecordAsync(id, ConsentKit.Grant("email", "marketing", now.AddDays(-10)), ConsentKit.Grant("sms", "marketing", now.AddDays(-10)));
        await app.RecordAsync(id, ConsentKit.Withdraw("email", "marketing", now.AddDays(-1)));
        // Recorded late but older than the withdrawal: history, not state.
        await app.RecordAsync(id, ConsentKit.Grant("email", "marketing", now.AddDays(-5)));

        var response = await app.ClientAs(Role.Analyst).GetAsync($"/api/v1/customers/{id}/consent");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await response.ReadJsonAsync();
        var state = body.GetProperty("state").EnumerateArray().ToList();
        state.Should().HaveCount(2);
        state.Single(s => s.GetProperty("channel").GetString() == "email").GetProperty("status").GetString().Should().Be("withdrawn");
        state.Single(s => s.GetProperty("channel").GetString() == "sms").GetProperty("status").GetString().Should().Be("granted");
        var history = body.GetProperty("history").EnumerateArray().ToList();
        history.Should().HaveCount(4);
        history[0].GetProperty("status").GetString().Should().Be("withdrawn", "newest first");
        history.Should().OnlyContain(h => h.GetProperty("source").GetString() == "api");
        body.GetProperty("profilingEnabled").GetBoolean().Should().BeTrue("no profiling event: on by default");

        var events = await app.EventsAsync(id);
        var derived = ConsentKit.Derive(events);
        foreach (var row in await app.StateAsync(id))
        {
            var latest = derived[(row.Channel, row.Purpose)];
            (row.EventId, row.Status).Should().Be((latest.Id, latest.Status));
        }

        events.Should().OnlyContain(e => e.RecordedByApiKeyId != null && e.RecordedAt == now);
    }

    [Fact]
    public async Task Bad_events_answer_400_with_an_error_per_field_and_nothing_is_recorded()
    {
        var id = await app.CustomerAsync(ConsentKit.UniqueEmail());
        var response = await app.PostConsentAsync(id, new
        {
            events = new object[]
            {
                new { channel = "fax", purpose = "marketing", status = "granted", noticeVersion = "1" },
                new { channel = "email", purpose = "marketing", status = "granted" },
                new { channel = "email", purpose = "spying", status = "maybe", legalBasis = "whim" },
                new { channel = "post", purpose = "research", status = "withdrawn", occurredAt = app.Clock.GetUtcNow().AddDays(2) },
                new { channel = "post", purpose = "research", status = "granted", legalBasis = "legitimate_interest", source = "import" },
            },
            ipAddress = "not an ip",
        });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = (await response.ReadJsonAsync()).GetProperty("errors");
        errors.TryGetProperty("events[0].channel", out _).Should().BeTrue();
        errors.GetProperty("events[1].noticeVersion")[0].GetString().Should().Contain("notice");
        errors.TryGetProperty("events[2].purpose", out _).Should().BeTrue();
        errors.TryGetProperty("events[2].status", out _).Should().BeTrue();
        errors.TryGetProperty("events[2].legalBasis", out _).Should().BeTrue();
        errors.TryGetProperty("events[3].occurredAt", out _).Should().BeTrue();
        errors.TryGetProperty("events[4].source", out _).Should().BeTrue();
        errors.TryGetProperty("ipAddress", out _).Should().BeTrue();
        (await app.EventsAsync(id)).Should().BeEmpty();

        (await app.PostConsentAsync(id, new { events = Array.Empty<object>() })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await app.PostConsentAsync(987_654_321, new { events = new[] { ConsentKit.Withdraw("email", "marketing") } })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await app.PostConsentAsync(id, new { events = new[] { ConsentKit.Withdraw("email", "marketing") } }, Role.Analyst)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_grant_on_legitimate_interest_needs_no_notice_and_the_customers_form_ip_is_kept()
    {
        var id = await app.CustomerAsync(ConsentKit.UniqueEmail());
        var response = await app.PostConsentAsync(id, new
        {
            events = new[] { new { channel = "email", purpose = "marketing", status = "granted", legalBasis = "legitimate_interest", source = "form", sourceReference = "checkout" } },
            ipAddress = "203.0.113.7",
            userAgent = "Mozilla/5.0 (test)",
        });
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var e = (await app.EventsAsync(id)).Single();
        (e.LegalBasis, e.Source, e.SourceReference, e.IpAddress, e.UserAgent).Should().Be((LegalBasis.LegitimateInterest, ConsentSource.Form, "checkout", "203.0.113.7", "Mozilla/5.0 (test)"));
    }

    [Fact]
    public async Task A_merge_keeps_the_merged_customers_ledger_on_the_survivor_and_the_latest_choice_wins()
    {
        var survivor = await app.CustomerAsync(ConsentKit.UniqueEmail("s"));
        var merged = await app.CustomerAsync(ConsentKit.UniqueEmail("m"));
        var t0 = app.Clock.GetUtcNow().AddDays(-10);
        await app.RecordAsync(survivor, ConsentKit.Grant("email", "marketing", t0), ConsentKit.Grant("sms", "marketing", t0.AddDays(5)));
        await app.RecordAsync(merged, ConsentKit.Grant("email", "marketing", t0.AddDays(-1)), ConsentKit.Withdraw("email", "marketing", t0.AddDays(2)),
            ConsentKit.Grant("post", "marketing", t0.AddDays(1)), ConsentKit.Withdraw("sms", "marketing", t0.AddDays(1)));

        var response = await app.ClientAs(Role.Admin).SendAsync(CustomerTestApi.Json(HttpMethod.Post, $"/api/v1/customers/{survivor}/merge",
            JsonSerializer.Serialize(new { mergeId = merged }), null));
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());

        (await app.EventsAsync(survivor)).Should().HaveCount(6, "the merged customer's four events are evidence and moved with the person");
        var state = (await app.StateAsync(survivor)).ToDictionary(s => (s.Channel, s.Purpose), s => s.Status);
        state[(ConsentChannel.Email, ConsentPurpose.Marketing)].Should().Be(ConsentStatus.Withdrawn, "the withdrawal on the merged record is the latest email choice");
        state[(ConsentChannel.Sms, ConsentPurpose.Marketing)].Should().Be(ConsentStatus.Granted, "the survivor's grant came after the merged record's withdrawal");
        state[(ConsentChannel.Post, ConsentPurpose.Marketing)].Should().Be(ConsentStatus.Granted);
        (await app.EventsAsync(merged)).Should().BeEmpty();
    }

    [Fact]
    public async Task The_database_refuses_to_update_or_delete_a_ledger_line_but_deleting_the_customer_takes_their_ledger()
    {
        var id = await app.CustomerAsync(ConsentKit.UniqueEmail());
        await app.RecordAsync(id, ConsentKit.Grant("email", "marketing"));
        var eventId = (await app.EventsAsync(id)).Single().Id;

        var update = () => app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("UPDATE consent_events SET status = 'Withdrawn' WHERE id = {0}", eventId));
        var delete = () => app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("DELETE FROM consent_events WHERE id = {0}", eventId));
        (await update.Should().ThrowAsync<Exception>()).Which.Message.Should().Contain("append-only");
        (await delete.Should().ThrowAsync<Exception>()).Which.Message.Should().Contain("append-only");
        (await app.EventsAsync(id)).Single().Status.Should().Be(ConsentStatus.Granted);

        (await app.ClientAs(Role.Admin).DeleteAsync($"/api/v1/customers/{id}")).StatusCode.Should().BeOneOf(HttpStatusCode.NoContent, HttpStatusCode.OK);
        (await app.EventsAsync(id)).Should().BeEmpty();
        (await app.StateAsync(id)).Should().BeEmpty();
    }

    [Fact]
    public async Task Profiling_follows_the_ledger_and_the_profiling_switch_writes_to_it()
    {
        var id = await app.CustomerAsync(ConsentKit.UniqueEmail());
        var off = await app.ClientAs(Role.Sales).PutAsJsonAsync($"/api/v1/customers/{id}/profiling", new { enabled = false });
        off.StatusCode.Should().Be(HttpStatusCode.OK, await off.Content.ReadAsStringAsync());
        var e = (await app.EventsAsync(id)).Single();
        (e.Purpose, e.Status, e.Source).Should().Be((ConsentPurpose.Profiling, ConsentStatus.Withdrawn, ConsentSource.Staff));
        (await Enabled()).Should().BeFalse();

        // A profiling grant on any channel, later, turns it back on.
        await app.RecordAsync(id, ConsentKit.Grant("sms", "profiling"));
        (await Enabled()).Should().BeTrue();
        await app.RecordAsync(id, ConsentKit.Withdraw("post", "profiling", app.Clock.GetUtcNow().AddMinutes(1)));
        (await Enabled()).Should().BeFalse();
        var values = await app.ClientAs(Role.Analyst).GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/customers/{id}/values");
        values.GetProperty("profilingEnabled").GetBoolean().Should().BeFalse();

        async Task<bool> Enabled() => await app.WithDbAsync(db => db.Set<Rapport.Values.Profiles.CustomerValueProfile>().AsNoTracking()
            .Where(p => p.CustomerId == id).Select(p => p.ProfilingEnabled).SingleAsync());
    }
}
