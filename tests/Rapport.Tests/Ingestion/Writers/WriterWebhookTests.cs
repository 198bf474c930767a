using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Ingestion;
using Rapport.Interactions;
using Rapport.Tests.Infrastructure;
using Rapport.Webhooks;

namespace Rapport.Tests.Ingestion.Writers;

public sealed class WriterWebhookTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    [Fact]
    public async Task Created_and_changed_records_queue_their_events_in_the_callers_transaction()
    {
        await app.WithDbAsync(async db =>
        {
            db.WebhookSubscriptions.Add(new WebhookSubscription
            {
                Url = "https://hooks.example.invalid/rapport",
                EventTypes = string.Join(',', WebhookEvents.CustomerCreated, WebhookEvents.CustomerUpdated, WebhookEvents.TransactionCreated, WebhookEvents.InteractionCreated),
                Secret = "test-secret-of-enough-length-0123456789",
            });
            return await db.SaveChangesAsync();
        });
        app.Services.GetRequiredService<WebhookOutbox>().Refresh();
        var at = new DateTimeOffset(2026, 3, 3, 8, 0, 0, TimeSpan.Zero);
        var reference = new CustomerRef(WriterRun.Unique("w"), $"{WriterRun.Unique("w")}@example.com", "Wes", null);

        var rolledBack = await app.RunAsync((w, c) => w.TransactionsAsync(c, [new IncomingTransaction { Customer = reference, OccurredAt = at, Total = 1m }], CancellationToken.None), commit: false);
        (await DeliveriesAsync(WebhookEvents.TransactionCreated, rolledBack[0].EntityId!.Value)).Should().Be(0, "a rolled-back call queues nothing");

        var order = await app.TransactionsAsync(new IncomingTransaction { Customer = reference, OccurredAt = at, Total = 2m });
        var touch = await app.InteractionsAsync(new IncomingInteraction
        {
            Customer = reference, Channel = InteractionChannel.Email, Direction = InteractionDirection.Inbound, Type = InteractionType.Enquiry, OccurredAt = at,
        });
        var customerId = await app.WithDbAsync(db => db.Transactions.Where(t => t.Id == order[0].EntityId).Select(t => t.CustomerId).SingleAsync());
        var updated = await app.CustomersAsync(new IncomingCustomer { ExternalId = reference.ExternalId, City = "Porto" });
        updated[0].Should().Be(new IngestResult(IngestOutcome.Updated, customerId, null));

        (await DeliveriesAsync(WebhookEvents.TransactionCreated, order[0].EntityId!.Value)).Should().Be(1);
        (await DeliveriesAsync(WebhookEvents.InteractionCreated, touch[0].EntityId!.Value)).Should().Be(1);
        (await DeliveriesAsync(WebhookEvents.CustomerCreated, customerId)).Should().Be(1);
        (await DeliveriesAsync(WebhookEvents.CustomerUpdated, customerId)).Should().Be(1);
    }

    /// <summary>Deliveries of this event type whose payload is about this id.</summary>
    private Task<int> DeliveriesAsync(string eventType, long id) =>
        app.WithDbAsync(async db => (await db.WebhookDeliveries.AsNoTracking().Where(d => d.EventType == eventType).Select(d => d.Payload).ToListAsync())
            .Count(p => p.Contains($"\"id\":{id},", StringComparison.Ordinal) || p.Contains($"\"id\":{id}}}", StringComparison.Ordinal)));
}
