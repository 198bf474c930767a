using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Ingestion.Batch;

public sealed class EventBatchTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private static IReadOnlyList<JsonElement> Items(JsonElement report) => [.. report.GetProperty("items").EnumerateArray()];

    private static string Status(JsonElement item) => item.GetProperty("status").GetString()!;

    private Task<int> OrdersAsync(string orderId) => app.WithDbAsync(db => db.Transactions.CountAsync(t => t.ExternalId == orderId));

    [Fact]
    public async Task Each_event_is_reported_in_order_and_only_good_ones_are_stored()
    {
        var order = Unique.Id("SO");
        var email = Unique.Email();
        var body = BatchApi.Events(
            BatchApi.Transaction(Unique.Id("m"), order, email),
            BatchApi.Interaction(Unique.Id("m"), email),
            BatchApi.Transaction(Unique.Id("m"), extra: """, "colour": "red" """),
            """{"type": "transaction", "customer": {"email": "x@example.com", "externalId": null, "firstName": null, "lastName": null}}""",
            """{"messageId": "m-parcel", "type": "parcel"}""",
            BatchApi.Transaction(Unique.Id("m")).Replace("\"total\": 42.5", "\"total\": \"lots\"", StringComparison.Ordinal),
            BatchApi.Transaction(Unique.Id("m")).Replace("\"currency\": \"EUR\"", "\"currency\": \"EURO\"", StringComparison.Ordinal),
            "42",
            BatchApi.Interaction(Unique.Id("m")).Replace("\"occurredAt\": \"2026-06-02T09:30:00Z\"", "\"occurredAt\": null", StringComparison.Ordinal));

        var response = await app.ClientAs(Role.Sales).PostJsonAsync(BatchApi.EventsPath, body);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var report = await response.JsonAsync();
        var items = Items(report);
        items.Select(i => i.GetProperty("index").GetInt32()).Should().Equal(0, 1, 2, 3, 4, 5, 6, 7, 8);
        items.Select(Status).Should().Equal("stored", "stored", "rejected", "rejected", "rejected", "rejected", "rejected", "rejected", "rejected");
        report.GetProperty("received").GetInt32().Should().Be(9);
        report.GetProperty("stored").GetInt32().Should().Be(2);
        report.GetProperty("duplicate").GetInt32().Should().Be(0);
        report.GetProperty("rejected").GetInt32().Should().Be(7);

        items[0].GetProperty("type").GetString().Should().Be("transaction");
        items[1].GetProperty("type").GetString().Should().Be("interaction");
        items[2].GetProperty("reason").GetString().Should().Contain("colour");
        items[3].GetProperty("reason").GetString().Should().Contain("messageId");
        items[4].GetProperty("messageId").GetString().Should().Be("m-parcel");
        items[4].GetProperty("reason").GetString().Should().Contain("'transaction' or 'interaction'");
        items[5].GetProperty("reason").GetString().Should().Contain("total");
        items[6].GetProperty("reason").GetString().Should().StartWith("currency:");
        items[7].GetProperty("reason").GetString().Should().Contain("object");
        items[8].GetProperty("reason").GetString().Should().StartWith("occurredAt:");
        items.Skip(2).Should().OnlyContain(i => i.GetProperty("id").ValueKind == JsonValueKind.Null);

        var transactionId = items[0].GetProperty("id").GetInt64();
        var interactionId = items[1].GetProperty("id").GetInt64();
        var stored = await app.WithDbAsync(db => db.Transactions.Include(t => t.Lines).SingleAsync(t => t.Id == transactionId));
        stored.ExternalId.Should().Be(order);
        stored.Total.Should().Be(42.5m);
        stored.Currency.Should().Be("EUR");
        stored.Lines.Should().ContainSingle().Which.Quantity.Should().Be(2);
        var interaction = await app.WithDbAsync(db => db.Interactions.SingleAsync(i => i.Id == interactionId));
        interaction.CustomerId.Should().Be(stored.CustomerId, "both events name the same new customer by email");
        (await app.WithDbAsync(db => db.Customers.CountAsync(c => c.EmailNormalized == email))).Should().Be(1);
    }

    [Fact]
    public async Task A_message_id_seen_in_an_earlier_request_is_a_duplicate_and_not_stored_again()
    {
        var client = app.ClientAs(Role.Sales);
        var messageId = Unique.Id("m");
        var order = Unique.Id("SO");
        var first = Items(await (await client.PostJsonAsync(BatchApi.EventsPath, BatchApi.Events(BatchApi.Transaction(messageId, order)))).JsonAsync());

        // The retry carries another total: a message id names the event, its content is not looked at again.
        var again = await client.PostJsonAsync(BatchApi.EventsPath, BatchApi.Events(BatchApi.Transaction(messageId, order, total: 99m)));

        again.StatusCode.Should().Be(HttpStatusCode.OK);
        var item = Items(await again.JsonAsync()).Single();
        Status(item).Should().Be("duplicate");
        item.GetProperty("id").GetInt64().Should().Be(first[0].GetProperty("id").GetInt64());
        (await OrdersAsync(order)).Should().Be(1);
        (await app.WithDbAsync(db => db.Transactions.Where(t => t.ExternalId == order).Select(t => t.Total).SingleAsync())).Should().Be(42.5m);
        (await app.WithDbAsync(db => db.IngestedMessages.CountAsync(m => m.MessageId == messageId))).Should().Be(1);
    }

    [Fact]
    public async Task A_message_id_repeated_within_one_request_is_stored_once()
    {
        var messageId = Unique.Id("m");
        var firstOrder = Unique.Id("SO");
        var secondOrder = Unique.Id("SO");
        var body = BatchApi.Events(BatchApi.Transaction(messageId, firstOrder), BatchApi.Transaction(messageId, secondOrder), BatchApi.Interaction(messageId));

        var items = Items(await (await app.ClientAs(Role.Sales).PostJsonAsync(BatchApi.EventsPath, body)).JsonAsync());

        items.Select(Status).Should().Equal("stored", "duplicate", "duplicate");
        items[1].GetProperty("id").GetInt64().Should().Be(items[0].GetProperty("id").GetInt64());
        items[1].GetProperty("reason").GetString().Should().Contain("event 0");
        (await OrdersAsync(firstOrder)).Should().Be(1);
        (await OrdersAsync(secondOrder)).Should().Be(0);
    }

    [Fact]
    public async Task A_message_id_is_a_duplicate_whichever_api_key_sends_it()
    {
        var messageId = Unique.Id("m");
        await app.ClientAs(Role.Sales).PostJsonAsync(BatchApi.EventsPath, BatchApi.Events(BatchApi.Interaction(messageId)));

        var other = await app.ClientAs(Role.Service).PostJsonAsync(BatchApi.EventsPath, BatchApi.Events(BatchApi.Interaction(messageId)));

        Status(Items(await other.JsonAsync()).Single()).Should().Be("duplicate");
    }

    [Fact]
    public async Task An_idempotent_retry_of_a_batch_returns_the_same_body_and_stores_nothing_twice()
    {
        var client = app.ClientAs(Role.Marketing);
        var key = Unique.Id("batch");
        var orders = Enumerable.Range(0, 5).Select(_ => Unique.Id("SO")).ToList();
        var body = BatchApi.Events([.. orders.Select(o => BatchApi.Transaction(Unique.Id("m"), o))]);

        var first = await client.PostJsonAsync(BatchApi.EventsPath, body, key);
        var retry = await client.PostJsonAsync(BatchApi.EventsPath, body, key);

        first.StatusCode.Should().Be(HttpStatusCode.OK);
        retry.StatusCode.Should().Be(HttpStatusCode.OK);
        retry.IsReplay().Should().BeTrue();
        (await retry.Content.ReadAsStringAsync()).Should().Be(await first.Content.ReadAsStringAsync(),
            "a replay says 'stored', as the first answer did, not 'duplicate'");
        foreach (var order in orders)
        {
            (await OrdersAsync(order)).Should().Be(1);
        }
    }

    [Fact]
    public async Task Concurrent_batches_with_one_key_store_once()
    {
        var client = app.ClientAs(Role.Sales);
        var key = Unique.Id("race");
        var order = Unique.Id("SO");
        var body = BatchApi.Events(BatchApi.Transaction(Unique.Id("m"), order));

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => client.PostJsonAsync(BatchApi.EventsPath, body, key)));

        responses.Count(r => r.StatusCode == HttpStatusCode.OK && !r.IsReplay()).Should().Be(1);
        responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK || r.StatusCode == HttpStatusCode.Conflict);
        (await OrdersAsync(order)).Should().Be(1);
    }

    [Fact]
    public async Task Concurrent_batches_with_one_message_id_and_no_key_store_it_once()
    {
        var messageId = Unique.Id("m");
        var order = Unique.Id("SO");
        var body = BatchApi.Events(BatchApi.Transaction(messageId, order));

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => app.ClientAs(Role.Sales).PostJsonAsync(BatchApi.EventsPath, body)));

        responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        var statuses = new List<string>();
        foreach (var response in responses)
        {
            statuses.Add(Status(Items(await response.JsonAsync()).Single()));
        }

        statuses.Count(s => s == "stored").Should().Be(1);
        statuses.Count(s => s == "duplicate").Should().Be(3);
        (await OrdersAsync(order)).Should().Be(1);
    }

    [Fact]
    public async Task One_thousand_events_with_lines_over_one_mebibyte_are_accepted()
    {
        var notes = new string('n', 1500);
        var events = Enumerable.Range(0, 1000).Select(i => i % 2 == 0
            ? BatchApi.Transaction(Unique.Id("m"))
            : BatchApi.Interaction(Unique.Id("m")).Replace("\"notes\": null", $"\"notes\": \"{notes}\"", StringComparison.Ordinal));
        var body = BatchApi.Events([.. events]);
        Encoding.UTF8.GetByteCount(body).Should().BeGreaterThan(1024 * 1024);

        var response = await app.ClientAs(Role.Sales).PostJsonAsync(BatchApi.EventsPath, body);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.JsonAsync()).GetProperty("stored").GetInt32().Should().Be(1000);
    }

    [Fact]
    public async Task More_than_1000_events_is_a_400_on_events_and_stores_nothing()
    {
        var order = Unique.Id("SO");
        var body = BatchApi.Events([BatchApi.Transaction(Unique.Id("m"), order), .. Enumerable.Range(0, 1000).Select(_ => BatchApi.Interaction(Unique.Id("m")))]);

        var response = await app.ClientAs(Role.Sales).PostJsonAsync(BatchApi.EventsPath, body);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = await response.JsonAsync();
        problem.GetProperty("type").GetString().Should().Be("/problems/validation");
        problem.GetProperty("errors").GetProperty("events")[0].GetString().Should().Contain("1,001");
        (await OrdersAsync(order)).Should().Be(0);
    }

    [Theory]
    [InlineData("""{"events": []}""", "events")]
    [InlineData("""{}""", "events")]
    [InlineData("""{"events": {"messageId": "m"}}""", "events")]
    [InlineData("""{"events": [], "extra": 1}""", "extra")]
    [InlineData("""{"source": 7, "events": []}""", "source")]
    [InlineData("""{"source": "shop ify", "events": [{"type": "interaction"}]}""", "source")]
    [InlineData("""[1, 2]""", "events")]
    public async Task A_wrong_envelope_is_a_400_naming_the_field(string body, string field)
    {
        var response = await app.ClientAs(Role.Sales).PostJsonAsync(BatchApi.EventsPath, body);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await response.JsonAsync()).GetProperty("errors").TryGetProperty(field, out _).Should().BeTrue();
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_400()
    {
        var response = await app.ClientAs(Role.Sales).PostJsonAsync(BatchApi.EventsPath, """{"events": [{"messageId": """);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.JsonAsync()).GetProperty("type").GetString().Should().Be("/problems/malformed-request");
    }

    [Fact]
    public async Task A_body_that_is_not_declared_json_is_a_415()
    {
        using var content = new StringContent(BatchApi.Events(BatchApi.Interaction("m")), Encoding.UTF8, "text/plain");
        var response = await app.ClientAs(Role.Sales).PostAsync(BatchApi.EventsPath, content);

        response.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task A_body_over_16_mebibytes_is_a_413()
    {
        var body = BatchApi.Events(BatchApi.Interaction("m").Replace("\"notes\": null", $"\"notes\": \"{new string('n', 17 * 1024 * 1024)}\"", StringComparison.Ordinal));

        var response = await app.ClientAs(Role.Sales).PostJsonAsync(BatchApi.EventsPath, body);

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        (await response.JsonAsync()).GetProperty("type").GetString().Should().Be("/problems/too-large");
    }

    [Fact]
    public async Task Other_endpoints_keep_the_one_mebibyte_limit()
    {
        var body = $$"""{"firstName": "Ada", "email": "{{Unique.Email()}}", "street": "{{new string('s', 1024 * 1024)}}"}""";

        var response = await app.ClientAs(Role.Sales).PostJsonAsync("/api/v1/customers", body);

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData(BatchApi.EventsPath)]
    [InlineData(BatchApi.CustomersPath)]
    public async Task An_analyst_is_refused_and_an_anonymous_caller_must_authenticate(string path)
    {
        var body = path == BatchApi.EventsPath ? BatchApi.Events(BatchApi.Interaction(Unique.Id("m"))) : """{"customers": [{"email": "a@example.com"}]}""";

        (await app.ClientAs(Role.Analyst).PostJsonAsync(path, body)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await app.Anonymous().PostJsonAsync(path, body)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_batch_endpoints()
    {
        var doc = await (await app.Anonymous().GetAsync("/openapi/v1.json")).JsonAsync();
        var paths = doc.GetProperty("paths");
        var schemas = doc.GetProperty("components").GetProperty("schemas");

        var events = paths.GetProperty("/api/v1/events/batch").GetProperty("post");
        events.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).Should().Contain("Idempotency-Key");
        events.GetProperty("responses").EnumerateObject().Select(r => r.Name).Should().Contain(["200", "400", "409", "413", "422"]);
        var requestRef = events.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString();
        requestRef.Should().EndWith("/EventBatchRequest");
        var eventSchema = schemas.GetProperty("BatchEvent");
        eventSchema.GetRawText().Should().Contain("\"transaction\"").And.Contain("\"interaction\"").And.Contain("discriminator");
        schemas.GetProperty("BatchEventTransactionEvent").GetRawText().Should().Contain("\"lines\"").And.Contain("\"total\"");
        schemas.GetProperty("BatchEventInteractionEvent").GetRawText().Should().Contain("\"interactionType\"").And.Contain("\"channel\"");
        schemas.GetProperty("EventItemReport").GetProperty("properties").EnumerateObject().Select(p => p.Name)
            .Should().BeEquivalentTo(["index", "messageId", "type", "status", "id", "reason"]);
        schemas.GetProperty("EventItemStatus").GetRawText().Should().Contain("stored").And.Contain("duplicate").And.Contain("rejected");

        var customers = paths.GetProperty("/api/v1/customers/batch").GetProperty("post");
        customers.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString()
            .Should().EndWith("/CustomerBatchRequest");
        schemas.GetProperty("CustomerItemStatus").GetRawText().Should().Contain("merged");
        paths.GetProperty("/api/v1/customers").GetProperty("post").GetProperty("parameters").EnumerateArray()
            .Select(p => p.GetProperty("name").GetString()).Should().Contain("Idempotency-Key");
    }
}
