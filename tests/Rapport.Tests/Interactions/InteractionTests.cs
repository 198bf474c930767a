using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Identity;
using Rapport.Interactions;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Interactions;

public sealed class InteractionTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private readonly HttpClient _sales = app.ClientAs(Role.Sales);

    [Fact]
    public async Task Sales_logs_a_call_and_reads_it_back()
    {
        var customerId = await app.CustomerAsync();
        var occurredAt = new DateTimeOffset(2026, 6, 14, 9, 30, 0, TimeSpan.FromHours(2));

        var created = await _sales.PostAsJsonAsync("/api/v1/interactions", new
        {
            customerId,
            channel = "phone",
            direction = "outbound",
            type = "call",
            subject = "  Renewal call  ",
            notes = "Wants the annual plan.\nCall back in July.",
            occurredAt,
            source = "Shopify",
        });

        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var body = await created.ReadJsonAsync();
        var id = body.GetProperty("id").GetInt64();
        created.Headers.Location!.ToString().Should().Be($"/api/v1/interactions/{id}");
        body.GetProperty("subject").GetString().Should().Be("Renewal call");
        body.GetProperty("source").GetString().Should().Be("shopify");
        body.GetProperty("channel").GetString().Should().Be("phone");

        var read = await (await _sales.GetAsync($"/api/v1/interactions/{id}")).ReadJsonAsync();
        read.GetProperty("customerId").GetInt64().Should().Be(customerId);
        read.GetProperty("direction").GetString().Should().Be("outbound");
        read.GetProperty("type").GetString().Should().Be("call");
        read.GetProperty("notes").GetString().Should().Be("Wants the annual plan.\nCall back in July.");
        read.GetProperty("occurredAt").GetDateTimeOffset().Should().Be(occurredAt);
        read.GetProperty("createdAt").GetDateTimeOffset().Should().Be(app.Clock.GetUtcNow());
        read.GetProperty("createdByUserId").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);

        var stored = await app.WithDbAsync(db => db.Interactions.AsNoTracking().SingleAsync(i => i.Id == id));
        stored.Channel.Should().Be(InteractionChannel.Phone);
        stored.OccurredAt.Should().Be(occurredAt);
        stored.OccurredAt.Offset.Should().Be(TimeSpan.Zero);
    }

    [Fact]
    public async Task A_note_is_internal_on_channel_other_and_needs_text()
    {
        var customerId = await app.CustomerAsync();

        var note = await _sales.PostAsJsonAsync("/api/v1/interactions", new { customerId, type = "note", notes = "Prefers email." });
        note.StatusCode.Should().Be(HttpStatusCode.Created);
        var body = await note.ReadJsonAsync();
        body.GetProperty("direction").GetString().Should().Be("internal");
        body.GetProperty("channel").GetString().Should().Be("other");
        body.GetProperty("occurredAt").GetDateTimeOffset().Should().Be(app.Clock.GetUtcNow(), "occurredAt defaults to now");

        await (await _sales.PostAsJsonAsync("/api/v1/interactions", new { customerId, type = "note", direction = "inbound", notes = "x" }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "direction");
        await (await _sales.PostAsJsonAsync("/api/v1/interactions", new { customerId, type = "note", notes = "   " }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "notes");
    }

    [Fact]
    public async Task The_ui_note_shortcut_records_who_wrote_it()
    {
        var customerId = await app.CustomerAsync();
        var user = await app.RunAsync<AddUser, Rapport.Common.Result<AddedUser>>(u => u.HandleAsync(
            new AddUserRequest("writer@example.com", Role.Sales, "a-long-enough-password-1", "Wendy Writer"), CancellationToken.None));

        var result = await app.RunAsync<LogInteraction, Rapport.Common.Result<InteractionDetail>>(log => log.HandleAsync(
            LogInteractionRequest.Note(customerId, "Met at the fair.", user.Value!.Id), CancellationToken.None));

        result.IsOk.Should().BeTrue();
        result.Value!.Type.Should().Be(InteractionType.Note);
        result.Value.Direction.Should().Be(InteractionDirection.Internal);
        result.Value.Source.Should().Be("ui");
        result.Value.CreatedByName.Should().Be("Wendy Writer");

        var unknownUser = await app.RunAsync<LogInteraction, Rapport.Common.Result<InteractionDetail>>(log => log.HandleAsync(
            LogInteractionRequest.Note(customerId, "x", 999_999), CancellationToken.None));
        unknownUser.Errors.Should().ContainKey("createdByUserId");
    }

    [Fact]
    public async Task OccurredAt_may_be_at_most_one_day_ahead()
    {
        var customerId = await app.CustomerAsync();
        var now = app.Clock.GetUtcNow();

        var tomorrow = await _sales.PostAsJsonAsync("/api/v1/interactions", new { customerId, type = "call", channel = "phone", direction = "inbound", occurredAt = now.AddDays(1) });
        tomorrow.StatusCode.Should().Be(HttpStatusCode.Created);

        var before = await CountAsync(customerId);
        await (await _sales.PostAsJsonAsync("/api/v1/interactions", new { customerId, type = "call", channel = "phone", direction = "inbound", occurredAt = now.AddDays(1).AddSeconds(1) }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "occurredAt");
        await (await _sales.PostAsJsonAsync("/api/v1/interactions", new { customerId, type = "call", channel = "phone", direction = "inbound", occurredAt = "1850-01-01T00:00:00Z" }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "occurredAt");
        (await CountAsync(customerId)).Should().Be(before);
    }

    [Fact]
    public async Task Instants_are_kept_to_the_microsecond_so_writes_and_reads_agree()
    {
        var customerId = await app.CustomerAsync();
        var response = await _sales.PostAsync("/api/v1/interactions", ActivityKit.Json(
            $$"""{"customerId": {{customerId}}, "type": "call", "channel": "phone", "direction": "inbound", "occurredAt": "2026-06-14T09:30:00.1234567+02:00"}"""));

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var body = await response.ReadJsonAsync();
        var written = body.GetProperty("occurredAt").GetDateTimeOffset();
        var id = body.GetProperty("id").GetInt64();
        var read = (await (await _sales.GetAsync($"/api/v1/interactions/{id}")).ReadJsonAsync()).GetProperty("occurredAt").GetDateTimeOffset();
        written.Should().Be(new DateTimeOffset(2026, 6, 14, 7, 30, 0, TimeSpan.Zero).AddTicks(1_234_560));
        read.Should().Be(written);
        read.Offset.Should().Be(TimeSpan.Zero);
    }

    [Fact]
    public async Task Logging_and_deleting_keep_the_customer_metrics_current()
    {
        var customerId = await app.CustomerAsync();
        var older = new DateTimeOffset(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);
        var newer = new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

        var first = await LogAsync(customerId, older);
        var second = await LogAsync(customerId, newer);

        var metrics = await app.WithDbAsync(db => db.CustomerMetrics.AsNoTracking().SingleAsync(m => m.CustomerId == customerId));
        metrics.InteractionCount.Should().Be(2);
        metrics.LastInteractionAt.Should().Be(newer);
        metrics.PurchaseCount.Should().Be(0);

        (await _sales.DeleteAsync($"/api/v1/interactions/{second}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        metrics = await app.WithDbAsync(db => db.CustomerMetrics.AsNoTracking().SingleAsync(m => m.CustomerId == customerId));
        metrics.InteractionCount.Should().Be(1);
        metrics.LastInteractionAt.Should().Be(older);

        (await _sales.DeleteAsync($"/api/v1/interactions/{first}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        metrics = await app.WithDbAsync(db => db.CustomerMetrics.AsNoTracking().SingleAsync(m => m.CustomerId == customerId));
        metrics.InteractionCount.Should().Be(0);
        metrics.LastInteractionAt.Should().BeNull();

        (await _sales.GetAsync($"/api/v1/interactions/{first}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        await (await _sales.DeleteAsync($"/api/v1/interactions/{first}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Paging_walks_every_interaction_once_newest_first_even_with_ties()
    {
        var customerId = await app.CustomerAsync();
        var other = await app.CustomerAsync();
        var tie = new DateTimeOffset(2026, 3, 3, 10, 0, 0, TimeSpan.Zero);
        var ids = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add(await LogAsync(customerId, tie));
        }

        for (var i = 0; i < 5; i++)
        {
            ids.Add(await LogAsync(customerId, tie.AddMinutes(-i * 7).AddDays(i % 2 == 0 ? 1 : -1)));
        }

        await LogAsync(other, tie);

        var expected = await app.WithDbAsync(db => db.Interactions.AsNoTracking()
            .Where(i => i.CustomerId == customerId)
            .OrderByDescending(i => i.OccurredAt).ThenByDescending(i => i.Id)
            .Select(i => i.Id).ToListAsync());
        expected.Should().BeEquivalentTo(ids);

        foreach (var limit in new[] { 1, 2, 3, 4, 9, 50 })
        {
            var walked = await _sales.WalkAsync($"/api/v1/interactions?customerId={customerId}", limit);
            walked.Select(i => i.GetProperty("id").GetInt64()).Should().Equal(expected, $"limit {limit} must give every row once, in order");
        }
    }

    [Fact]
    public async Task Lists_filter_by_channel_and_type()
    {
        var customerId = await app.CustomerAsync();
        await _sales.PostAsJsonAsync("/api/v1/interactions", new { customerId, type = "meeting", channel = "inPerson", direction = "outbound" });
        await _sales.PostAsJsonAsync("/api/v1/interactions", new { customerId, type = "email", channel = "email", direction = "inbound" });
        await _sales.PostAsJsonAsync("/api/v1/interactions", new { customerId, type = "note", notes = "n" });

        var meetings = await (await _sales.GetAsync($"/api/v1/interactions?customerId={customerId}&channel=inPerson")).ReadJsonAsync();
        meetings.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("type").GetString()).Should().Equal("meeting");
        var notes = await (await _sales.GetAsync($"/api/v1/interactions?customerId={customerId}&type=NOTE")).ReadJsonAsync();
        notes.GetProperty("items").GetArrayLength().Should().Be(1);
        notes.GetProperty("next").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);
    }

    [Theory]
    [InlineData("channel=pigeon", "channel")]
    [InlineData("channel=3", "channel")]
    [InlineData("type=lunch", "type")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("after=not-a-cursor", "after")]
    [InlineData("after=WyJ4Il0", "after")]
    [InlineData("customerId=abc", "customerId")]
    [InlineData("customerId=987654321", "customerId")]
    public async Task Bad_list_queries_are_400_naming_the_parameter(string query, string field)
    {
        await (await _sales.GetAsync($"/api/v1/interactions?{query}")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, field);
    }

    public static TheoryData<string, string?> BadBodies => new()
    {
        { "{", null },
        { """{"customerId": "seven", "type": "call"}""", "customerId" },
        { """{"customerId": CUSTOMER, "type": "call", "channel": "pigeon", "direction": "inbound"}""", "channel" },
        { """{"customerId": CUSTOMER, "type": 1, "channel": "phone", "direction": "inbound"}""", "type" },
        { """{"customerId": CUSTOMER, "type": "call", "channel": "phone", "direction": "inbound", "occurredAt": "yesterday"}""", "occurredAt" },
        { """{"customerId": CUSTOMER, "type": "call", "channel": "phone", "direction": "inbound", "mood": "happy"}""", "mood" },
        { """{"customerId": CUSTOMER, "type": "call", "channel": "phone", "direction": "inbound", "createdByUserId": 1}""", "createdByUserId" },
        { """{"customerId": CUSTOMER, "type": "call", "channel": "phone", "direction": "inbound", "subject": "SUBJECT201"}""", "subject" },
        { """{"customerId": CUSTOMER, "type": "call", "channel": "phone", "direction": "inbound", "subject": "two\nlines"}""", "subject" },
        { """{"customerId": CUSTOMER, "type": "call", "channel": "phone", "direction": "inbound", "notes": "NOTES10001"}""", "notes" },
        { """{"customerId": CUSTOMER, "type": "call", "channel": "phone", "direction": "inbound", "source": "my shop!"}""", "source" },
        { """{"customerId": CUSTOMER, "channel": "phone", "direction": "inbound"}""", "type" },
        { """{"customerId": CUSTOMER, "type": "call", "direction": "inbound"}""", "channel" },
        { """{"customerId": CUSTOMER, "type": "call", "channel": "phone"}""", "direction" },
        { """{"type": "call", "channel": "phone", "direction": "inbound"}""", "customerId" },
        { """{"customerId": 987654321, "type": "call", "channel": "phone", "direction": "inbound"}""", "customerId" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_bodies_are_400_naming_the_field_and_store_nothing(string body, string? field)
    {
        var customerId = await app.CustomerAsync();
        var json = body.Replace("CUSTOMER", customerId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("SUBJECT201", new string('s', 201), StringComparison.Ordinal)
            .Replace("NOTES10001", new string('n', 10_001), StringComparison.Ordinal);

        var response = await _sales.PostAsync("/api/v1/interactions", ActivityKit.Json(json));

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, field);
        (await CountAsync(customerId)).Should().Be(0);
    }

    [Fact]
    public async Task Analysts_read_but_cannot_write_and_anonymous_callers_get_401()
    {
        var customerId = await app.CustomerAsync();
        var id = await LogAsync(customerId, app.Clock.GetUtcNow());
        var analyst = app.ClientAs(Role.Analyst);

        (await analyst.GetAsync($"/api/v1/interactions/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await analyst.GetAsync($"/api/v1/interactions?customerId={customerId}")).StatusCode.Should().Be(HttpStatusCode.OK);
        await (await analyst.PostAsJsonAsync("/api/v1/interactions", new { customerId, type = "note", notes = "x" })).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await analyst.DeleteAsync($"/api/v1/interactions/{id}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);

        var anonymous = app.Anonymous();
        await (await anonymous.GetAsync("/api/v1/interactions")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.GetAsync($"/api/v1/interactions/{id}")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.PostAsJsonAsync("/api/v1/interactions", new { customerId, type = "note", notes = "x" })).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.DeleteAsync($"/api/v1/interactions/{id}")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);

        (await CountAsync(customerId)).Should().Be(1);
    }

    [Fact]
    public async Task Unknown_ids_are_404()
    {
        await (await _sales.GetAsync("/api/v1/interactions/424242")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await _sales.DeleteAsync("/api/v1/interactions/424242")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    private async Task<long> LogAsync(long customerId, DateTimeOffset occurredAt)
    {
        var response = await _sales.PostAsJsonAsync("/api/v1/interactions", new { customerId, type = "call", channel = "phone", direction = "outbound", occurredAt });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).GetProperty("id").GetInt64();
    }

    private Task<int> CountAsync(long customerId) =>
        app.WithDbAsync(db => db.Interactions.CountAsync(i => i.CustomerId == customerId));
}
