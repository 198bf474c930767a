using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Ingestion;
using Rapport.Interactions;
using Rapport.Metrics;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Ingestion.Writers;

public sealed class InteractionWriterTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private static readonly DateTimeOffset April = new(2026, 4, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Interactions_are_created_then_updated_by_external_id_with_the_values_given()
    {
        var email = $"{WriterRun.Unique("pia")}@example.com";
        var ext = WriterRun.Unique("call");
        var reference = new CustomerRef(null, email, "Pia", null);
        var first = await app.InteractionsAsync(
            new IncomingInteraction { ExternalId = ext, Customer = reference, Channel = InteractionChannel.Phone, Direction = InteractionDirection.Inbound, Type = InteractionType.Call, Subject = "Order status", OccurredAt = April },
            new IncomingInteraction { Customer = reference, Type = InteractionType.Note, Notes = "Prefers mornings", OccurredAt = April.AddHours(1) });
        first.Select(r => r.Outcome).Should().Equal(IngestOutcome.Created, IngestOutcome.Created);

        var second = await app.InteractionsAsync(
            new IncomingInteraction { ExternalId = ext, Customer = reference, Notes = "Called back", OccurredAt = April.AddDays(1) });
        second[0].Should().Be(new IngestResult(IngestOutcome.Updated, first[0].EntityId, null));

        var call = await app.WithDbAsync(db => db.Interactions.AsNoTracking().SingleAsync(i => i.Id == first[0].EntityId));
        (call.Channel, call.Direction, call.Type, call.Subject, call.Notes, call.OccurredAt, call.Source).Should()
            .Be((InteractionChannel.Phone, InteractionDirection.Inbound, InteractionType.Call, "Order status", "Called back", April.AddDays(1), "import"));
        var note = await app.WithDbAsync(db => db.Interactions.AsNoTracking().SingleAsync(i => i.Id == first[1].EntityId));
        (note.Channel, note.Direction).Should().Be((InteractionChannel.Other, InteractionDirection.Internal));

        var metrics = await app.WithDbAsync(db => db.CustomerMetrics.AsNoTracking().SingleAsync(m => m.CustomerId == call.CustomerId));
        (metrics.InteractionCount, metrics.LastInteractionAt).Should().Be((2, April.AddDays(1)));
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CustomerMetricsUpdater>().RefreshAsync(call.CustomerId, CancellationToken.None);
        // The stage follows bulk writes through the change worker (not drained here); RefreshAsync places it at once.
        (await app.WithDbAsync(db => db.CustomerMetrics.AsNoTracking().SingleAsync(m => m.CustomerId == call.CustomerId)))
            .Should().BeEquivalentTo(metrics, o => o.Excluding(m => m.Stage).Excluding(m => m.StageSince));
    }

    [Theory]
    [InlineData("type", "type: is required: one of note, call, meeting, email, message, visit, enquiry, support, complaint, feedback, other")]
    [InlineData("channel", "channel: is required: one of email, phone, sms, web, inPerson, social, chat, post, other")]
    [InlineData("note", "notes: is required for a note")]
    [InlineData("direction", "direction: a note is a staff-only record: its direction must be internal")]
    [InlineData("occurred_at", "occurred_at: is required")]
    [InlineData("subject", "subject: must be a single line without control characters")]
    public async Task Invalid_interactions_are_rejected_with_the_field_named(string problem, string reason)
    {
        var item = new IncomingInteraction
        {
            Customer = new CustomerRef(WriterRun.Unique("q"), null, "Quinn", null), Channel = InteractionChannel.Email,
            Direction = InteractionDirection.Outbound, Type = InteractionType.Email, OccurredAt = April,
        };
        item = problem switch
        {
            "type" => item with { Type = null },
            "channel" => item with { Channel = null },
            "note" => item with { Type = InteractionType.Note, Direction = InteractionDirection.Internal },
            "direction" => item with { Type = InteractionType.Note, Notes = "x" },
            "occurred_at" => item with { OccurredAt = null },
            _ => item with { Subject = "a\u0007b" },
        };
        (await app.InteractionsAsync(item))[0].Should().Be(IngestResult.Reject(reason));
    }

    [Fact]
    public async Task Message_ids_are_stored_once_and_an_external_id_of_another_customer_is_refused()
    {
        var message = WriterRun.Unique("m");
        var ext = WriterRun.Unique("i");
        var item = new IncomingInteraction
        {
            MessageId = message, ExternalId = ext, Customer = new CustomerRef(WriterRun.Unique("r"), null, "Rae", null),
            Channel = InteractionChannel.Chat, Direction = InteractionDirection.Inbound, Type = InteractionType.Support, OccurredAt = April,
        };
        var first = await app.InteractionsAsync(item, item);
        first[0].Outcome.Should().Be(IngestOutcome.Created);
        first[1].Should().Be(new IngestResult(IngestOutcome.Duplicate, first[0].EntityId, null));
        (await app.InteractionsAsync(item))[0].Should().Be(new IngestResult(IngestOutcome.Duplicate, first[0].EntityId, null));

        var other = await app.InteractionsAsync(item with { MessageId = null, Customer = new CustomerRef(WriterRun.Unique("s"), null, "Sam", null) });
        other[0].Reason.Should().StartWith($"external_id: interaction {ext} is already stored for another customer");
    }

    [Fact]
    public async Task The_writer_stores_what_LogInteraction_stores_for_the_same_touchpoint()
    {
        var ext = WriterRun.Unique("eq");
        var created = await app.InteractionsAsync(new IncomingInteraction
        {
            Customer = new CustomerRef(ext, null, "Uma", null), Type = InteractionType.Note, Notes = "first", OccurredAt = April,
        });
        var customerId = await app.WithDbAsync(db => db.Interactions.Where(i => i.Id == created[0].EntityId).Select(i => i.CustomerId).SingleAsync());
        var at = April.AddTicks(98765);
        var user = await app.AddUserAsync(Rapport.Identity.Role.Service);

        var viaUseCase = app.WithScope(sp => sp.GetRequiredService<LogInteraction>().HandleAsync(
            new LogInteractionRequest(customerId, InteractionChannel.InPerson, InteractionDirection.Outbound, InteractionType.Visit, " Showroom ", "Line one\nline two", at, "import", user.Id),
            CancellationToken.None));
        viaUseCase.IsOk.Should().BeTrue();
        var viaWriter = await app.RunAsync((w, c) => w.InteractionsAsync(c,
            [new IncomingInteraction
            {
                Customer = new CustomerRef(ext, null, null, null), Channel = InteractionChannel.InPerson, Direction = InteractionDirection.Outbound,
                Type = InteractionType.Visit, Subject = " Showroom ", Notes = "Line one\nline two", OccurredAt = at,
            }], CancellationToken.None), userId: user.Id);

        var a = await app.WithDbAsync(db => db.Interactions.AsNoTracking().SingleAsync(i => i.Id == viaUseCase.Value!.Id));
        var b = await app.WithDbAsync(db => db.Interactions.AsNoTracking().SingleAsync(i => i.Id == viaWriter[0].EntityId));
        b.Should().BeEquivalentTo(a, o => o.Excluding(i => i.Id));
        var metrics = await app.WithDbAsync(db => db.CustomerMetrics.AsNoTracking().SingleAsync(m => m.CustomerId == customerId));
        (metrics.InteractionCount, metrics.LastInteractionAt).Should().Be((3, TextRulesStored(at)));
    }

    private static DateTimeOffset TextRulesStored(DateTimeOffset at) => Rapport.Common.TextRules.ToStoredPrecision(at);
}
