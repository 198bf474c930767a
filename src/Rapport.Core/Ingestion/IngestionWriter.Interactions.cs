using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Interactions;
using Rapport.Webhooks;

namespace Rapport.Ingestion;

public sealed partial class IngestionWriter
{
    private static readonly TableSpec InteractionsTable = new("interactions",
        ("id", ColumnType.Long), ("channel", ColumnType.Text), ("direction", ColumnType.Text), ("type", ColumnType.Text),
        ("subject", ColumnType.Text), ("notes", ColumnType.Text), ("occurred_at", ColumnType.Instant), ("customer_id", ColumnType.Long),
        ("external_id", ColumnType.Text), ("source", ColumnType.Text), ("created_by_user_id", ColumnType.Long), ("created_at", ColumnType.Instant));

    // The columns an update by external id may change.
    private static readonly TableSpec InteractionUpdates = new("interactions", InteractionsTable.Columns[..7]);

    private sealed class TouchRecord
    {
        public long Id { get; set; }
        public bool IsNew { get; init; }
        public required CustomerRecord Customer { get; init; }
        public string? ExternalId { get; init; }
        public InteractionChannel? Channel { get; set; }
        public InteractionDirection? Direction { get; set; }
        public InteractionType? Type { get; set; }
        public string? Subject { get; set; }
        public string? Notes { get; set; }
        public DateTimeOffset? OccurredAt { get; set; }

        public TouchRecord With(IncomingInteraction item, string? subject, string? notes, DateTimeOffset? occurredAt) => new()
        {
            Id = Id,
            IsNew = IsNew,
            Customer = Customer,
            ExternalId = ExternalId,
            Channel = item.Channel ?? Channel,
            Direction = item.Direction ?? Direction,
            Type = item.Type ?? Type,
            Subject = subject ?? Subject,
            Notes = notes ?? Notes,
            OccurredAt = occurredAt ?? OccurredAt,
        };
    }

    /// <summary>
    /// Records touchpoints: one with an external id already stored (for the same customer) is Updated with the values
    /// given; otherwise it is Created. The customer is found by its reference and created from it when unknown.
    /// A message id seen before is a Duplicate.
    /// </summary>
    public async Task<IngestResult[]> InteractionsAsync(IngestionContext c, IReadOnlyList<IncomingInteraction> items, CancellationToken ct)
    {
        c = Normalize(c);
        var results = Results(items.Count);
        await using var store = await IngestStore.OpenAsync(c, items.Count, ct);
        var messageIds = MessageIds(items.Select(i => i.MessageId).ToList(), results);
        var stored = await StoredMessagesAsync(store, messageIds, ct);

        var refs = new RefDraft?[items.Count];
        var texts = new (string? ExternalId, string? Subject, string? Notes, DateTimeOffset? OccurredAt)[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            if (results[i].Outcome == IngestOutcome.Rejected)
            {
                continue;
            }

            if (messageIds[i] is { } messageId && stored.TryGetValue(messageId, out var entity))
            {
                results[i] = new IngestResult(IngestOutcome.Duplicate, entity, null);
                continue;
            }

            // The checks that do not depend on a stored interaction; the rest runs on the merged values below.
            var e = new FieldErrors();
            var item = items[i];
            var externalId = Validate.Clean(item.ExternalId);
            TextRules.SingleLine(e, "externalId", externalId, ExternalIdMaxLength);
            var subject = Validate.Clean(item.Subject);
            TextRules.SingleLine(e, "subject", subject, LogInteractionRequest.SubjectMaxLength);
            var notes = Validate.Clean(item.Notes);
            TextRules.MultiLine(e, "notes", notes, LogInteractionRequest.NotesMaxLength);
            DateTimeOffset? occurredAt = item.OccurredAt is { } at ? TextRules.ToStoredPrecision(at) : null;
            if (occurredAt is { } when)
            {
                TextRules.EventTime(e, "occurredAt", when, c.Now);
            }

            var reference = RefDraftOf(item.Customer, out var refReason);
            var reason = Join(refReason, e.Any ? IngestReasons.From(e) : null);
            if (reason is not null)
            {
                results[i] = IngestResult.Reject(reason);
                continue;
            }

            refs[i] = reference;
            texts[i] = (externalId, subject, notes, occurredAt);
        }

        var book = new CustomerBook(store, c, c.Source);
        await book.LoadAsync(refs.OfType<RefDraft>().Select(r => (r.ExternalId, r.EmailNormalized)), full: false, ct);
        var storedTouches = new Dictionary<string, (long Id, long CustomerId, TouchRecord Values)>(StringComparer.Ordinal);
        await store.QueryAsync(
            "SELECT external_id, id, customer_id, channel, direction, type, subject, notes, occurred_at FROM interactions WHERE external_id IN {keys}",
            Distinct(texts.Select(t => t.ExternalId)), [], r => storedTouches[r.GetString(0)] = (r.GetInt64(1), r.GetInt64(2), new TouchRecord
            {
                Customer = null!,
                Channel = Enum.Parse<InteractionChannel>(r.GetString(3)),
                Direction = Enum.Parse<InteractionDirection>(r.GetString(4)),
                Type = Enum.Parse<InteractionType>(r.GetString(5)),
                Subject = IngestStore.ReadText(r, 6),
                Notes = IngestStore.ReadText(r, 7),
                OccurredAt = IngestStore.ReadInstant(r, 8),
            }), ct);

        var touches = new TouchRecord?[items.Count];
        var inCall = new Dictionary<string, TouchRecord>(StringComparer.Ordinal);
        var seenMessages = new Dictionary<string, TouchRecord>(StringComparer.Ordinal);
        var all = new List<TouchRecord>();
        for (var i = 0; i < items.Count; i++)
        {
            if (refs[i] is not { } reference)
            {
                continue;
            }

            if (messageIds[i] is { } messageId && seenMessages.TryGetValue(messageId, out var first))
            {
                touches[i] = first;
                results[i] = new IngestResult(IngestOutcome.Duplicate, null, null);
                continue;
            }

            var (externalId, subject, notes, occurredAt) = texts[i];
            var customer = book.Find(reference.ExternalId, reference.EmailNormalized, out _);
            TouchRecord? existing = null;
            if (externalId is not null)
            {
                if (inCall.TryGetValue(externalId, out var earlier))
                {
                    existing = earlier;
                }
                else if (storedTouches.TryGetValue(externalId, out var found))
                {
                    if (customer is null || customer.Id != found.CustomerId)
                    {
                        results[i] = IngestResult.Reject($"external_id: interaction {externalId} is already stored for another customer ({found.CustomerId})");
                        continue;
                    }

                    existing = new TouchRecord
                    {
                        Id = found.Id, Customer = customer, ExternalId = externalId, Channel = found.Values.Channel, Direction = found.Values.Direction,
                        Type = found.Values.Type, Subject = found.Values.Subject, Notes = found.Values.Notes, OccurredAt = found.Values.OccurredAt,
                    };
                }

                if (existing is not null && !ReferenceEquals(existing.Customer, customer))
                {
                    results[i] = IngestResult.Reject($"external_id: interaction {externalId} belongs to another customer (an earlier row of this batch)");
                    continue;
                }
            }

            var merged = (existing ?? new TouchRecord { IsNew = true, Customer = customer!, ExternalId = externalId }).With(items[i], subject, notes, occurredAt);
            var e = new FieldErrors();
            CheckInteraction(e, merged);
            if (e.Any)
            {
                results[i] = IngestResult.Reject(IngestReasons.From(e));
                continue;
            }

            if (customer is null)
            {
                if (!CreateFromRef(book, reference, out customer, out var reason))
                {
                    results[i] = IngestResult.Reject(reason);
                    continue;
                }

                merged = new TouchRecord
                {
                    IsNew = true, Customer = customer, ExternalId = externalId, Channel = merged.Channel, Direction = merged.Direction, Type = merged.Type,
                    Subject = merged.Subject, Notes = merged.Notes, OccurredAt = merged.OccurredAt,
                };
            }
            else
            {
                book.Remember(customer, reference.ExternalId, reference.EmailNormalized);
            }

            TouchRecord touch;
            if (existing is null)
            {
                touch = merged;
                all.Add(touch);
                results[i] = new IngestResult(IngestOutcome.Created, null, null);
            }
            else
            {
                if (!inCall.ContainsKey(externalId!))
                {
                    all.Add(existing);
                }

                (existing.Channel, existing.Direction, existing.Type, existing.Subject, existing.Notes, existing.OccurredAt) =
                    (merged.Channel, merged.Direction, merged.Type, merged.Subject, merged.Notes, merged.OccurredAt);
                touch = existing;
                results[i] = new IngestResult(IngestOutcome.Updated, null, null);
            }

            if (externalId is not null)
            {
                inCall[externalId] = touch;
            }

            touches[i] = touch;
            if (messageIds[i] is { } id)
            {
                seenMessages[id] = touch;
            }
        }

        await book.WriteAsync(ct);
        var created = all.Where(t => t.IsNew).ToList();
        var ids = await store.ReserveIdsAsync("interactions", created.Count, ct);
        for (var i = 0; i < created.Count; i++)
        {
            created[i].Id = ids[i];
        }

        await store.InsertAsync(InteractionsTable, [.. created.Select(t => Row(t).Concat([t.Customer.Id, t.ExternalId, c.Source, c.UserId, c.Now]).ToArray())], ct);
        await store.UpdateAsync(InteractionUpdates, [.. all.Where(t => !t.IsNew).Select(Row)], ct);
        await store.InsertAsync(MessagesTable, [.. seenMessages.Select(m => new object?[] { m.Key, "interaction", m.Value.Id, c.Now })], ct);
        for (var i = 0; i < items.Count; i++)
        {
            if (touches[i] is { } touch)
            {
                results[i] = results[i] with { EntityId = touch.Id };
            }
        }

        await RefreshMetricsAsync(store, c,
            created.Select(t => new MetricsDelta(t.Customer.Id, null, null, 0, 0m, 1, t.OccurredAt)),
            all.Where(t => !t.IsNew).Select(t => t.Customer.Id), ct);
        await EnqueueAsync(c, WebhookEvents.CustomerCreated, book.Created.Select(x => x.Id), ct);
        await EnqueueAsync(c, WebhookEvents.CustomerUpdated, book.Updated.Select(x => x.Id), ct);
        await EnqueueAsync(c, WebhookEvents.InteractionCreated, created.Select(t => t.Id), ct);
        logger.LogInformation("Ingested {Count} interactions from {Source}: {Created} created", items.Count, c.Source, created.Count);
        return results;
    }

    /// <summary>The length of the external_id columns of interactions and companies.</summary>
    private const int ExternalIdMaxLength = 100;

    private static object?[] Row(TouchRecord t) =>
        [t.Id, t.Channel!.Value.ToString(), t.Direction!.Value.ToString(), t.Type!.Value.ToString(), t.Subject, t.Notes, t.OccurredAt];

    /// <summary>LogInteraction's rules on the values the interaction will have: type, channel and direction required; a note is internal and has notes.</summary>
    private static void CheckInteraction(FieldErrors e, TouchRecord t)
    {
        if (t.Type is not { } type)
        {
            e.Add("type", $"Is required: one of {LogInteraction.Names<InteractionType>()}.");
            type = InteractionType.Other;
        }
        else if (!Enum.IsDefined(type))
        {
            e.Add("type", $"Must be one of {LogInteraction.Names<InteractionType>()}.");
        }

        if (type == InteractionType.Note)
        {
            t.Channel ??= InteractionChannel.Other;
            t.Direction ??= InteractionDirection.Internal;
            if (t.Direction != InteractionDirection.Internal)
            {
                e.Add("direction", "A note is a staff-only record: its direction must be internal.");
            }

            if (t.Notes is null)
            {
                e.Add("notes", "Is required for a note.");
            }
        }

        if (t.Channel is not { } channel)
        {
            e.Add("channel", $"Is required: one of {LogInteraction.Names<InteractionChannel>()}.");
        }
        else if (!Enum.IsDefined(channel))
        {
            e.Add("channel", $"Must be one of {LogInteraction.Names<InteractionChannel>()}.");
        }

        if (t.Direction is not { } direction)
        {
            e.Add("direction", $"Is required: one of {LogInteraction.Names<InteractionDirection>()}.");
        }
        else if (!Enum.IsDefined(direction))
        {
            e.Add("direction", $"Must be one of {LogInteraction.Names<InteractionDirection>()}.");
        }

        if (t.OccurredAt is null)
        {
            e.Add("occurredAt", "Is required.");
        }
    }
}
