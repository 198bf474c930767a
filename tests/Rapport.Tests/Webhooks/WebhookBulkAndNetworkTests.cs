using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;
using Rapport.Webhooks;

namespace Rapport.Tests.Webhooks;

/// <summary>The bulk writers (the batch ingestion API) queue their events through the same outbox, set-based.</summary>
public sealed class WebhookBulkWriterTests(WebhookAppFactory app) : IClassFixture<WebhookAppFactory>, IAsyncLifetime
{
    private readonly WebhookTestApi _api = new(app);
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task A_batch_of_events_raises_one_event_per_new_customer_transaction_and_interaction()
    {
        var customersUrl = _receiver.Url();
        var salesUrl = _receiver.Url();
        var (_, secret) = await _api.SubscribeAsync(customersUrl, WebhookEvents.CustomerCreated);
        await _api.SubscribeAsync(salesUrl, WebhookEvents.TransactionCreated, WebhookEvents.InteractionCreated);
        var run = Guid.NewGuid().ToString("N");
        var events = Enumerable.Range(0, 250).Select(i => (object)new
        {
            messageId = $"{run}-order-{i}",
            type = "transaction",
            externalId = $"SO-{run}-{i}",
            customer = new { externalId = $"C-{run}-{i}", email = $"buyer{i}.{run}@example.com", firstName = $"Buyer{i}", lastName = (string?)null },
            occurredAt = app.Clock.GetUtcNow().AddDays(-1),
            currency = "EUR",
            lines = new[] { new { sku = "TEA-01", description = "Assam tea", quantity = 2m, unitPrice = 21.25m } },
        }).Append(new
        {
            messageId = $"{run}-ticket",
            type = "interaction",
            customer = new { externalId = $"C-{run}-0", email = (string?)null, firstName = (string?)null, lastName = (string?)null },
            channel = "email",
            direction = "inbound",
            interactionType = "support",
            subject = "Where is my order?",
            occurredAt = app.Clock.GetUtcNow().AddHours(-1),
        }).ToList();

        var response = await app.ClientAs(Role.Sales).PostAsJsonAsync("/api/v1/events/batch", new { source = "shop", events });
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        var stored = report.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("status").GetString() == "stored").ToList();
        stored.Should().HaveCount(251, report.GetProperty("items")[0].ToString());

        var customers = await _receiver.WaitForAsync(customersUrl, 250, TimeSpan.FromSeconds(120));
        var sales = await _receiver.WaitForAsync(salesUrl, 251, TimeSpan.FromSeconds(120));
        customers.Should().OnlyContain(r => r.EventType == "customer.created" && WebhookSignature.Verify(secret, r.Signature, r.Body, app.Clock.GetUtcNow(), WebhookSignature.DefaultTolerance));
        customers.Select(r => JsonNode.Parse(r.Body)!["data"]!["email"]!.GetValue<string>()).Should().BeEquivalentTo(Enumerable.Range(0, 250).Select(i => $"buyer{i}.{run}@example.com"));
        sales.Count(r => r.EventType == "transaction.created").Should().Be(250);
        var interaction = sales.Single(r => r.EventType == "interaction.created");

        var transactionId = stored[7].GetProperty("id").GetInt64();
        var transaction = sales.Single(r => r.EventType == "transaction.created" && JsonNode.Parse(r.Body)!["data"]!["id"]!.GetValue<long>() == transactionId);
        JsonNode.DeepEquals(JsonNode.Parse(transaction.Body)!["data"], JsonNode.Parse(await _api.Admin.GetStringAsync($"/api/v1/transactions/{transactionId}")))
            .Should().BeTrue("a transaction from the batch API arrives as GET returns it");
        var interactionId = JsonNode.Parse(interaction.Body)!["data"]!["id"]!.GetValue<long>();
        JsonNode.DeepEquals(JsonNode.Parse(interaction.Body)!["data"], JsonNode.Parse(await _api.Admin.GetStringAsync($"/api/v1/interactions/{interactionId}")))
            .Should().BeTrue();
    }
}

/// <summary>A host that allows http (to reach the local receiver) but not private networks: the production SSRF stance.</summary>
public sealed class PublicOnlyWebhookAppFactory : RapportAppFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Rapport:Webhooks:AllowHttp", "true");
        builder.UseSetting("Rapport:Webhooks:PollInterval", "50ms");
    }
}

public sealed class WebhookNetworkTests(PublicOnlyWebhookAppFactory app) : IClassFixture<PublicOnlyWebhookAppFactory>
{
    [Fact]
    public async Task A_receiver_that_resolves_to_a_private_address_is_refused_when_connecting()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var url = receiver.Url();
        // Saved before the rules applied (or via a name that resolved publicly then): the dispatcher checks again.
        var subscriptionId = await app.WithDbAsync(async db =>
        {
            var subscription = new WebhookSubscription { Url = url, EventTypes = WebhookEvents.CustomerCreated, Secret = WebhookSubscriptionRules.NewSecret() };
            db.WebhookSubscriptions.Add(subscription);
            await db.SaveChangesAsync();
            return subscription.Id;
        });

        var ping = await app.ClientAs(Role.Admin).PostAsync($"/api/v1/webhooks/{subscriptionId}/test", null);
        ping.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var deliveryId = (await ping.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("delivery").GetProperty("id").GetInt64();

        var deadline = DateTime.UtcNow.AddSeconds(20);
        JsonElement detail;
        do
        {
            await Task.Delay(50);
            detail = await app.ClientAs(Role.Admin).GetFromJsonAsync<JsonElement>($"/api/v1/webhook-deliveries/{deliveryId}");
        }
        while (detail.GetProperty("attempts").GetArrayLength() == 0 && DateTime.UtcNow < deadline);

        var attempt = detail.GetProperty("attempts")[0];
        attempt.GetProperty("statusCode").ValueKind.Should().Be(JsonValueKind.Null);
        attempt.GetProperty("error").GetString().Should().StartWith("Refused").And.Contain("non-public");
        receiver.At(url).Should().BeEmpty("no request reaches an address on the loopback interface");
    }
}
