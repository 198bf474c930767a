using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Customers;
using Rapport.Data;
using Rapport.Duplicates;
using Rapport.Identity;
using Rapport.Webhooks;

namespace Rapport.Tests.Webhooks;

/// <summary>Events raised by the real use cases travel through the outbox and the dispatcher to a real HTTP receiver.</summary>
public sealed class WebhookDeliveryTests(WebhookAppFactory app) : IClassFixture<WebhookAppFactory>, IAsyncLifetime
{
    private readonly WebhookTestApi _api = new(app);
    private readonly HttpClient _sales = app.ClientAs(Role.Sales);
    private static readonly string[] Vip = ["vip"];
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task Customer_created_arrives_signed_with_the_customer_as_the_api_returns_it()
    {
        var url = _receiver.Url();
        var (subscriptionId, secret) = await _api.SubscribeAsync(url, WebhookEvents.CustomerCreated);

        var created = await _sales.PostAsJsonAsync("/api/v1/customers", new { firstName = "Ada", lastName = "Lovelace", email = $"ada.{Guid.NewGuid():N}@example.com", tags = Vip });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var customerId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        var request = (await _receiver.WaitForAsync(url)).Single();
        request.ContentType.Should().Be("application/json");
        request.EventType.Should().Be("customer.created");
        WebhookSignature.Verify(secret, request.Signature, request.Body, app.Clock.GetUtcNow(), WebhookSignature.DefaultTolerance)
            .Should().BeTrue("the receiver recomputes the HMAC over '<t>.<body>' with the secret shown at creation");
        WebhookSignature.Verify(secret, request.Signature, request.Body + " ", app.Clock.GetUtcNow(), WebhookSignature.DefaultTolerance)
            .Should().BeFalse("a changed body no longer matches");
        WebhookSignature.Verify(secret, request.Signature, request.Body, app.Clock.GetUtcNow().AddMinutes(6), WebhookSignature.DefaultTolerance)
            .Should().BeFalse("an old signature is refused as a replay");

        var payload = JsonNode.Parse(request.Body)!;
        payload["id"]!.GetValue<string>().Should().StartWith("evt_").And.Be(request.EventId);
        payload["type"]!.GetValue<string>().Should().Be("customer.created");
        payload["createdAt"]!.GetValue<DateTimeOffset>().Should().Be(app.Clock.GetUtcNow());
        var fromApi = JsonNode.Parse(await _sales.GetStringAsync($"/api/v1/customers/{customerId}"));
        JsonNode.DeepEquals(payload["data"], fromApi).Should().BeTrue($"data {payload["data"]} is the customer as GET returns it: {fromApi}");

        var delivery = (await _api.WaitForDeliveriesAsync(subscriptionId, 1, "succeeded")).Single();
        delivery.GetProperty("eventId").GetString().Should().Be(request.EventId);
        delivery.GetProperty("attempts").GetInt32().Should().Be(1);
        delivery.GetProperty("lastStatusCode").GetInt32().Should().Be(200);
        delivery.GetProperty("nextAttemptAt").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public async Task Update_transaction_and_interaction_each_raise_their_event_with_the_api_shape()
    {
        var url = _receiver.Url();
        await _api.SubscribeAsync(url, WebhookEvents.CustomerUpdated, WebhookEvents.TransactionCreated, WebhookEvents.InteractionCreated);
        var customerId = (await (await _sales.PostAsJsonAsync("/api/v1/customers", new { firstName = "Grace" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/customers/{customerId}")
        {
            Content = new StringContent("""{"lastName":"Hopper","city":"Arlington"}""", Encoding.UTF8, "application/json"),
        };
        patch.Headers.TryAddWithoutValidation("If-Match", "*");
        (await _sales.SendAsync(patch)).StatusCode.Should().Be(HttpStatusCode.OK);
        var updated = (await _receiver.WaitForAsync(url, 1))[^1];

        var sale = await _sales.PostAsJsonAsync("/api/v1/transactions", new
        {
            customerId,
            externalId = "order-1",
            currency = "EUR",
            lines = new[] { new { sku = "BOOK-1", description = "Compilers", quantity = 2m, unitPrice = 12.5m } },
        });
        sale.StatusCode.Should().Be(HttpStatusCode.Created);
        var transactionId = (await sale.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var recorded = (await _receiver.WaitForAsync(url, 2))[^1];

        var call = await _sales.PostAsJsonAsync("/api/v1/interactions", new { customerId, type = "call", channel = "phone", direction = "inbound", subject = "Order question" });
        call.StatusCode.Should().Be(HttpStatusCode.Created);
        var interactionId = (await call.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var logged = (await _receiver.WaitForAsync(url, 3))[^1];

        updated.EventType.Should().Be("customer.updated");
        recorded.EventType.Should().Be("transaction.created");
        logged.EventType.Should().Be("interaction.created");

        var customerData = JsonNode.Parse(updated.Body)!["data"]!;
        customerData["lastName"]!.GetValue<string>().Should().Be("Hopper");
        customerData["city"]!.GetValue<string>().Should().Be("Arlington");
        customerData["id"]!.GetValue<long>().Should().Be(customerId);
        JsonNode.DeepEquals(JsonNode.Parse(recorded.Body)!["data"], JsonNode.Parse(await _sales.GetStringAsync($"/api/v1/transactions/{transactionId}")))
            .Should().BeTrue("the transaction arrives with its lines, as GET returns it");
        JsonNode.Parse(recorded.Body)!["data"]!["lines"]!.AsArray().Should().ContainSingle();
        JsonNode.DeepEquals(JsonNode.Parse(logged.Body)!["data"], JsonNode.Parse(await _sales.GetStringAsync($"/api/v1/interactions/{interactionId}")))
            .Should().BeTrue("the interaction arrives as GET returns it");
    }

    [Fact]
    public async Task Bulk_enqueue_queues_one_event_per_id_in_order_and_only_when_the_transaction_commits()
    {
        var url = _receiver.Url();
        var (subscriptionId, secret) = await _api.SubscribeAsync(url, WebhookEvents.CustomerUpdated);
        var ids = await app.WithDbAsync(async db =>
        {
            var customers = Enumerable.Range(0, 600).Select(i => new Customer { FirstName = $"Bulk{i}", Email = $"bulk{i}@example.com", SearchText = $"bulk{i}" }).ToList();
            db.Customers.AddRange(customers);
            await db.SaveChangesAsync();
            return customers.Select(c => c.Id).ToList();
        });
        var outbox = app.Services.GetRequiredService<WebhookOutbox>();
        var database = app.Services.GetRequiredService<RapportDatabase>();
        outbox.Wants(WebhookEvents.CustomerUpdated).Should().BeTrue();

        await using (var connection = await database.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await outbox.EnqueueAsync(connection, transaction, WebhookEvents.CustomerUpdated, ids.Take(100).ToList(), CancellationToken.None);
            await transaction.RollbackAsync();
        }

        (await CountAsync(subscriptionId)).Should().Be(0, "a rolled-back write queues nothing");

        var asked = ids.AsEnumerable().Reverse().Append(-1).ToList();
        await using (var connection = await database.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await outbox.EnqueueAsync(connection, transaction, WebhookEvents.CustomerUpdated, asked, CancellationToken.None);
            await transaction.CommitAsync();
        }

        var queued = await app.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().Where(d => d.SubscriptionId == subscriptionId).OrderBy(d => d.Id).Select(d => d.Payload).ToListAsync());
        queued.Should().HaveCount(ids.Count, "one event per existing id; the unknown id is skipped");
        queued.Select(p => JsonNode.Parse(p)!["data"]!["id"]!.GetValue<long>()).Should().Equal(ids.AsEnumerable().Reverse(), "events keep the order of the ids");
        JsonNode.Parse(queued[0])!["data"]!["firstName"]!.GetValue<string>().Should().Be("Bulk599");

        var received = await _receiver.WaitForAsync(url, ids.Count, TimeSpan.FromSeconds(120));
        received.Select(r => r.EventId).Should().OnlyHaveUniqueItems();
        received.Should().OnlyContain(r => WebhookSignature.Verify(secret, r.Signature, r.Body, app.Clock.GetUtcNow(), WebhookSignature.DefaultTolerance));
    }

    [Fact]
    public async Task Customer_merged_carries_both_ids_the_merge_and_the_survivor()
    {
        var url = _receiver.Url();
        await _api.SubscribeAsync(url, WebhookEvents.CustomerMerged);
        var survivorId = (await (await _sales.PostAsJsonAsync("/api/v1/customers", new { firstName = "Kept" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var mergeId = await app.WithDbAsync(async db =>
        {
            var merge = new CustomerMerge { SurvivingCustomerId = survivorId, MergedCustomerId = 999_999, Source = "api", MergedAt = app.Clock.GetUtcNow() };
            db.CustomerMerges.Add(merge);
            await db.SaveChangesAsync();
            return merge.Id;
        });

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RapportDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await scope.ServiceProvider.GetRequiredService<WebhookOutbox>().EnqueueAsync(db, WebhookEvents.CustomerMerged, [mergeId], CancellationToken.None);
            await transaction.CommitAsync();
        }

        var data = JsonNode.Parse((await _receiver.WaitForAsync(url)).Single().Body)!["data"]!;
        data["survivingId"]!.GetValue<long>().Should().Be(survivorId);
        data["mergedId"]!.GetValue<long>().Should().Be(999_999);
        data["mergeId"]!.GetValue<long>().Should().Be(mergeId);
        JsonNode.DeepEquals(data["customer"], JsonNode.Parse(await _sales.GetStringAsync($"/api/v1/customers/{survivorId}"))).Should().BeTrue();
    }

    [Fact]
    public async Task Failed_attempts_are_retried_on_the_schedule_with_the_same_event_until_one_succeeds()
    {
        var url = _receiver.Url(new ReceiverAnswer(500), new ReceiverAnswer(502));
        var (subscriptionId, _) = await _api.SubscribeAsync(url, WebhookEvents.CustomerCreated);
        var deliveryId = await _api.PingAsync(subscriptionId);

        var first = await _api.WaitForAttemptsAsync(deliveryId, 1);
        var now = app.Clock.GetUtcNow();
        first.GetProperty("delivery").GetProperty("status").GetString().Should().Be("pending");
        first.GetProperty("delivery").GetProperty("lastError").GetString().Should().Contain("500", $"the first answer was 500: {first}");
        var next = first.GetProperty("delivery").GetProperty("nextAttemptAt").GetDateTimeOffset();
        next.Should().BeOnOrAfter(now.AddSeconds(30)).And.BeOnOrBefore(now.AddSeconds(36), "30 s plus up to 20 % jitter");

        app.Clock.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(300);
        _receiver.At(url).Should().HaveCount(1, "nothing is sent before the retry is due");

        app.Clock.Advance(TimeSpan.FromSeconds(8));
        var second = await _api.WaitForAttemptsAsync(deliveryId, 2);
        var secondNext = second.GetProperty("delivery").GetProperty("nextAttemptAt").GetDateTimeOffset();
        secondNext.Should().BeOnOrAfter(app.Clock.GetUtcNow().AddMinutes(2)).And.BeOnOrBefore(app.Clock.GetUtcNow().AddMinutes(2.4));

        app.Clock.Advance(TimeSpan.FromMinutes(2.5));
        var third = await _api.WaitForAttemptsAsync(deliveryId, 3);
        third.GetProperty("delivery").GetProperty("status").GetString().Should().Be("succeeded", $"the third answer was 200: {third}");
        third.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("statusCode").GetInt32()).Should().Equal(500, 502, 200);
        third.GetProperty("attempts").EnumerateArray().Should().OnlyContain(a => a.GetProperty("durationMs").GetInt32() >= 0);
        _receiver.At(url).Select(r => r.EventId).Distinct().Should().ContainSingle("every attempt sends the same event id");
        _receiver.At(url).Should().OnlyContain(r => r.EventType == "ping");
    }

    [Fact]
    public async Task Delivery_fails_after_the_last_attempt_and_a_replay_sends_the_same_event_again()
    {
        var url = _receiver.Url(new ReceiverAnswer(500), new ReceiverAnswer(500), new ReceiverAnswer(500), new ReceiverAnswer(500));
        var (subscriptionId, _) = await _api.SubscribeAsync(url, WebhookEvents.CustomerCreated);
        var deliveryId = await _api.PingAsync(subscriptionId);

        foreach (var (attempt, wait) in new[] { (1, TimeSpan.FromSeconds(40)), (2, TimeSpan.FromMinutes(3)), (3, TimeSpan.FromMinutes(13)) })
        {
            await _api.WaitForAttemptsAsync(deliveryId, attempt);
            app.Clock.Advance(wait);
        }

        var failed = await _api.WaitForAttemptsAsync(deliveryId, 4);
        failed.GetProperty("delivery").GetProperty("status").GetString().Should().Be("failed");
        failed.GetProperty("delivery").GetProperty("attempts").GetInt32().Should().Be(4, "the first attempt and three retries");
        failed.GetProperty("delivery").GetProperty("nextAttemptAt").ValueKind.Should().Be(JsonValueKind.Null);
        app.Clock.Advance(TimeSpan.FromDays(2));
        await Task.Delay(300);
        _receiver.At(url).Should().HaveCount(4, "a failed delivery is not retried any more");

        var replay = await _api.Admin.PostAsync($"/api/v1/webhook-deliveries/{deliveryId}/replay", null);
        replay.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var replayed = await _api.WaitForAttemptsAsync(deliveryId, 5);
        replayed.GetProperty("delivery").GetProperty("status").GetString().Should().Be("succeeded");
        replayed.GetProperty("delivery").GetProperty("attempts").GetInt32().Should().Be(1, "a replay starts a new round");
        _receiver.At(url).Select(r => r.EventId).Distinct().Should().ContainSingle("a replay keeps the event id so the receiver can deduplicate");

        (await _api.Admin.PostAsync($"/api/v1/webhook-deliveries/{deliveryId}/replay", null)).StatusCode.Should().Be(HttpStatusCode.Accepted, "a succeeded delivery can be sent again too");
        await _api.WaitForAttemptsAsync(deliveryId, 6);
    }

    [Fact]
    public async Task Retry_after_on_429_and_503_is_honoured_and_capped()
    {
        var url = _receiver.Url(new ReceiverAnswer(429, RetryAfter: "120"), new ReceiverAnswer(503, RetryAfter: "86400"));
        var (subscriptionId, _) = await _api.SubscribeAsync(url, WebhookEvents.CustomerCreated);
        var deliveryId = await _api.PingAsync(subscriptionId);

        var first = await _api.WaitForAttemptsAsync(deliveryId, 1);
        first.GetProperty("delivery").GetProperty("nextAttemptAt").GetDateTimeOffset().Should().Be(app.Clock.GetUtcNow().AddSeconds(120), "Retry-After: 120 replaces the 30 s step");
        first.GetProperty("attempts")[0].GetProperty("statusCode").GetInt32().Should().Be(429);

        app.Clock.Advance(TimeSpan.FromSeconds(120));
        var second = await _api.WaitForAttemptsAsync(deliveryId, 2);
        second.GetProperty("delivery").GetProperty("nextAttemptAt").GetDateTimeOffset().Should().Be(app.Clock.GetUtcNow().AddHours(1), "a day is cut to the one-hour cap");
    }

    [Fact]
    public async Task Redirects_are_not_followed()
    {
        var target = _receiver.Url();
        var url = _receiver.Url(new ReceiverAnswer(302, Location: target), new ReceiverAnswer(307, Location: target));
        var (subscriptionId, _) = await _api.SubscribeAsync(url, WebhookEvents.CustomerCreated);
        var deliveryId = await _api.PingAsync(subscriptionId);

        var detail = await _api.WaitForAttemptsAsync(deliveryId, 1);
        detail.GetProperty("delivery").GetProperty("status").GetString().Should().Be("pending", "a redirect is a failed attempt, retried later");
        detail.GetProperty("attempts")[0].GetProperty("statusCode").GetInt32().Should().Be(302);
        detail.GetProperty("attempts")[0].GetProperty("error").GetString().Should().Contain("not followed");
        await Task.Delay(300);
        _receiver.At(target).Should().BeEmpty("the Location is never requested");
    }

    [Fact]
    public async Task A_disabled_subscription_gets_nothing_and_its_pending_deliveries_stop()
    {
        var disabledUrl = _receiver.Url();
        var activeUrl = _receiver.Url();
        var (disabledId, _) = await _api.SubscribeAsync(disabledUrl, WebhookEvents.CustomerCreated);
        await _api.SubscribeAsync(activeUrl, WebhookEvents.CustomerCreated);
        (await _api.Admin.PatchAsJsonAsync($"/api/v1/webhooks/{disabledId}", new { active = false })).StatusCode.Should().Be(HttpStatusCode.OK);

        await _sales.PostAsJsonAsync("/api/v1/customers", new { firstName = "Quiet" });
        await _receiver.WaitForAsync(activeUrl);
        await Task.Delay(300);
        _receiver.At(disabledUrl).Should().BeEmpty();
        (await _api.DeliveriesAsync(disabledId)).Should().BeEmpty("nothing is even queued for a disabled subscription");
        (await _api.Admin.PostAsync($"/api/v1/webhooks/{disabledId}/test", null)).StatusCode.Should().Be(HttpStatusCode.Conflict);

        var failingUrl = _receiver.Url(new ReceiverAnswer(500));
        var (failingId, _) = await _api.SubscribeAsync(failingUrl, WebhookEvents.CustomerCreated);
        var deliveryId = await _api.PingAsync(failingId);
        await _api.WaitForAttemptsAsync(deliveryId, 1);
        (await _api.Admin.PatchAsJsonAsync($"/api/v1/webhooks/{failingId}", new { active = false })).StatusCode.Should().Be(HttpStatusCode.OK);
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        await Task.Delay(300);
        _receiver.At(failingUrl).Should().HaveCount(1, "the retry of a disabled subscription is not sent");
        var stopped = await _api.DeliveryAsync(deliveryId);
        stopped.GetProperty("delivery").GetProperty("status").GetString().Should().Be("failed");
        stopped.GetProperty("delivery").GetProperty("lastError").GetString().Should().Contain("disabled");
        (await _api.Admin.PostAsync($"/api/v1/webhook-deliveries/{deliveryId}/replay", null)).StatusCode.Should().Be(HttpStatusCode.Conflict, "enable it first");
    }

    [Fact]
    public async Task Deleting_a_subscription_removes_its_log_and_stops_its_deliveries()
    {
        var url = _receiver.Url(new ReceiverAnswer(500));
        var (subscriptionId, _) = await _api.SubscribeAsync(url, WebhookEvents.CustomerCreated);
        var deliveryId = await _api.PingAsync(subscriptionId);
        await _api.WaitForAttemptsAsync(deliveryId, 1);

        (await _api.Admin.DeleteAsync($"/api/v1/webhooks/{subscriptionId}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        await Task.Delay(300);
        _receiver.At(url).Should().HaveCount(1);
        (await _api.Admin.GetAsync($"/api/v1/webhook-deliveries/{deliveryId}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await _api.Admin.GetAsync($"/api/v1/webhooks/{subscriptionId}/deliveries")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await _api.Admin.DeleteAsync($"/api/v1/webhooks/{subscriptionId}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Logs_hold_ids_and_status_codes_but_never_secrets_or_payloads()
    {
        var url = _receiver.Url(new ReceiverAnswer(500));
        var (subscriptionId, secret) = await _api.SubscribeAsync(url, WebhookEvents.CustomerCreated);
        var rotated = await (await _api.Admin.PostAsync($"/api/v1/webhooks/{subscriptionId}/rotate-secret", null)).Content.ReadFromJsonAsync<JsonElement>();
        var newSecret = rotated.GetProperty("secret").GetString()!;
        var email = $"private.{Guid.NewGuid():N}@example.com";
        await _sales.PostAsJsonAsync("/api/v1/customers", new { firstName = "Secretive", email });
        var received = (await _receiver.WaitForAsync(url)).Single();
        var deliveryId = (await _api.WaitForDeliveriesAsync(subscriptionId, 1)).Single().GetProperty("id").GetInt64();
        await _api.WaitForAttemptsAsync(deliveryId, 1);

        WebhookSignature.Verify(newSecret, received.Signature, received.Body, app.Clock.GetUtcNow(), WebhookSignature.DefaultTolerance).Should().BeTrue("rotation takes effect at once");
        WebhookSignature.Verify(secret, received.Signature, received.Body, app.Clock.GetUtcNow(), WebhookSignature.DefaultTolerance).Should().BeFalse();
        for (var i = 0; i < 100 && !app.Logs.Lines.Any(l => l.Contains($"Webhook delivery {deliveryId}", StringComparison.Ordinal)); i++)
        {
            await Task.Delay(20); // the dispatcher logs right after it stored the attempt
        }

        app.Logs.Lines.Should().Contain(l => l.Contains($"Webhook delivery {deliveryId}", StringComparison.Ordinal), "the dispatcher logs what it did, by id");
        foreach (var forbidden in new[] { secret, newSecret, email, "Secretive", received.EventId! })
        {
            app.Logs.Lines.Where(l => l.Contains(forbidden, StringComparison.Ordinal)).Should().BeEmpty($"'{forbidden}' is a secret or personal data");
        }
    }

    private Task<int> CountAsync(long subscriptionId) =>
        app.WithDbAsync(db => db.WebhookDeliveries.CountAsync(d => d.SubscriptionId == subscriptionId));
}
