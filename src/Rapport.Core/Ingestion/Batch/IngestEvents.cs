using Microsoft.Extensions.Logging;
using Rapport.Analytics;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Ingestion.Batch;

/// <summary>The events of one batch request as read (see <see cref="BatchJson"/>); <c>Events</c> is null when the body had none.</summary>
public sealed record IngestEventsRequest(string? Source, IReadOnlyList<BatchItem<BatchEvent>>? Events);

/// <summary>
/// Stores a batch of transactions and interactions in one database transaction through <see cref="IngestionWriter"/>
/// and reports every event in request order. An event is rejected on its own (bad field, no message id, no
/// customer); one whose message id was stored before, or appears earlier in the same request, is a duplicate and is
/// not written again.
/// </summary>
public sealed class IngestEvents(RapportDatabase database, BatchWriteGate gate, IngestionWriter writer, RequestAnalytics analytics, TimeProvider clock,
    ILogger<IngestEvents> logger)
{
    public async Task<Result<EventBatchReport>> HandleAsync(IngestEventsRequest request, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var source = BatchRules.Source(request.Source, errors);
        BatchRules.Count(errors, "events", request.Events?.Count);
        if (errors.Any)
        {
            return errors.ToResult<EventBatchReport>();
        }

        var events = request.Events!;
        var reports = new EventItemReport?[events.Count];
        var firstIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var repeats = new List<(int Index, int First)>();
        var transactions = new List<IncomingTransaction>();
        var transactionIndexes = new List<int>();
        var interactions = new List<IncomingInteraction>();
        var interactionIndexes = new List<int>();

        for (var i = 0; i < events.Count; i++)
        {
            var item = events[i];
            var kind = KindOf(item);
            var reason = item.Error ?? Check(item.Value!);
            if (reason is not null)
            {
                reports[i] = new EventItemReport(i, item.Label, kind, EventItemStatus.Rejected, null, reason);
                continue;
            }

            var messageId = item.Value!.MessageId!;
            if (!firstIndex.TryAdd(messageId, i))
            {
                repeats.Add((i, firstIndex[messageId]));
                continue;
            }

            switch (item.Value)
            {
                case TransactionEvent t:
                    transactions.Add(ToIncoming(t));
                    transactionIndexes.Add(i);
                    break;
                case InteractionEvent e:
                    interactions.Add(ToIncoming(e));
                    interactionIndexes.Add(i);
                    break;
            }
        }

        if (transactions.Count + interactions.Count > 0)
        {
            // Checked before the turn to write: while one batch writes, the next is being checked.
            var orders = transactions.Count > 0 ? writer.PrepareTransactions(transactions, clock.GetUtcNow()) : null;
            await BatchTransaction.RunAsync(database, gate, source, clock, logger, async context =>
            {
                if (orders is not null)
                {
                    Report(await writer.TransactionsAsync(context, orders, ct), transactionIndexes, EventKind.Transaction, events, reports);
                }

                if (interactions.Count > 0)
                {
                    Report(await writer.InteractionsAsync(context, interactions, ct), interactionIndexes, EventKind.Interaction, events, reports);
                }

                return true;
            }, ct);
        }

        foreach (var (index, first) in repeats)
        {
            var earlier = reports[first]!;
            reports[index] = earlier.Status == EventItemStatus.Rejected
                ? new EventItemReport(index, earlier.MessageId, KindOf(events[index]), EventItemStatus.Rejected, null,
                    $"messageId: repeats event {first} of this request, which was rejected.")
                : new EventItemReport(index, earlier.MessageId, KindOf(events[index]), EventItemStatus.Duplicate, earlier.Id,
                    $"messageId: repeats event {first} of this request.");
        }

        var items = reports.Select(r => r!).ToArray();
        var report = new EventBatchReport(
            items.Length,
            items.Count(r => r.Status == EventItemStatus.Stored),
            items.Count(r => r.Status == EventItemStatus.Duplicate),
            items.Count(r => r.Status == EventItemStatus.Rejected),
            items);
        logger.LogInformation("Event batch for source {Source}: {Received} received, {Stored} stored, {Duplicate} duplicate, {Rejected} rejected",
            source, report.Received, report.Stored, report.Duplicate, report.Rejected);
        if (report.Stored > 0)
        {
            // Ingested customers' analytics follow with the next import-triggered recompute (at most one per few minutes).
            await analytics.RequestAsync(AnalyticsTrigger.Import, ct);
        }

        return Result<EventBatchReport>.Ok(report);
    }

    /// <summary>What the envelope requires of every event; the writer checks the rest (customer, money, dates, enums).</summary>
    private static string? Check(BatchEvent e)
    {
        if (string.IsNullOrWhiteSpace(e.MessageId))
        {
            return "messageId: is required.";
        }

        if (e.MessageId.Length > BatchRules.MaxMessageIdLength)
        {
            return $"messageId: must be at most {BatchRules.MaxMessageIdLength} characters (got {e.MessageId.Length}).";
        }

        if (Validate.HasControl(e.MessageId))
        {
            return "messageId: must not contain control characters.";
        }

        if (e.Customer is null)
        {
            return "customer: is required ({externalId, email, firstName, lastName}).";
        }

        // Required for both kinds, unlike the single-record endpoints' "now": a batch may be sent, or retried, hours
        // after the events happened, and the time of sending is not the time of the event.
        if (e.OccurredAt is null)
        {
            return "occurredAt: is required (when the event happened).";
        }

        if (e is TransactionEvent { Lines: { } lines })
        {
            for (var i = 0; i < lines.Count; i++)
            {
                switch (lines[i])
                {
                    case null:
                        return $"lines[{i}]: must be a line object, not null.";
                    case { Quantity: null }:
                        return $"lines[{i}].quantity: is required.";
                    case { UnitPrice: null }:
                        return $"lines[{i}].unitPrice: is required.";
                }
            }
        }

        return null;
    }

    private static IncomingTransaction ToIncoming(TransactionEvent t) => new()
    {
        MessageId = t.MessageId,
        ExternalId = t.ExternalId,
        Customer = t.Customer!,
        OccurredAt = t.OccurredAt,
        Currency = t.Currency,
        Total = t.Total,
        Lines = t.Lines is null ? [] : [.. t.Lines.Select(l => new IncomingLine(l!.Sku, l.Description, l.Quantity!.Value, l.UnitPrice!.Value))],
    };

    private static IncomingInteraction ToIncoming(InteractionEvent e) => new()
    {
        MessageId = e.MessageId,
        ExternalId = e.ExternalId,
        Customer = e.Customer!,
        Channel = e.Channel,
        Direction = e.Direction,
        Type = e.InteractionType,
        Subject = e.Subject,
        Notes = e.Notes,
        OccurredAt = e.OccurredAt,
    };

    private static EventKind? KindOf(BatchItem<BatchEvent> item) => item.Value switch
    {
        TransactionEvent => EventKind.Transaction,
        InteractionEvent => EventKind.Interaction,
        _ => null,
    };

    private static void Report(IngestResult[] results, List<int> indexes, EventKind kind, IReadOnlyList<BatchItem<BatchEvent>> events, EventItemReport?[] reports)
    {
        if (results.Length != indexes.Count)
        {
            throw new InvalidOperationException($"The writer answered {results.Length} results for {indexes.Count} {kind} events.");
        }

        for (var j = 0; j < results.Length; j++)
        {
            var index = indexes[j];
            var result = results[j];
            var status = result.Outcome switch
            {
                IngestOutcome.Created or IngestOutcome.Updated or IngestOutcome.Merged => EventItemStatus.Stored,
                IngestOutcome.Duplicate => EventItemStatus.Duplicate,
                _ => EventItemStatus.Rejected,
            };
            reports[index] = new EventItemReport(index, events[index].Value!.MessageId, kind, status,
                status == EventItemStatus.Rejected ? null : result.EntityId, BatchRules.ApiReason(result.Reason));
        }
    }
}
