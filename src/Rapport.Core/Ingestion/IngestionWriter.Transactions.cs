using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Customers.Changes;
using Rapport.Transactions;
using Rapport.Webhooks;

namespace Rapport.Ingestion;

public sealed partial class IngestionWriter
{
    /// <summary>The longest client message id (the <c>ingested_messages.message_id</c> column).</summary>
    public const int MessageIdMaxLength = 200;

    private static readonly TableSpec TransactionsTable = new("transactions",
        ("id", ColumnType.Long), ("customer_id", ColumnType.Long), ("external_id", ColumnType.Text), ("occurred_at", ColumnType.Instant),
        ("currency", ColumnType.Text), ("total", ColumnType.Decimal), ("source", ColumnType.Text), ("created_at", ColumnType.Instant));

    private static readonly TableSpec TransactionUpdates = new("transactions",
        ("id", ColumnType.Long), ("occurred_at", ColumnType.Instant), ("currency", ColumnType.Text), ("total", ColumnType.Decimal));

    private static readonly TableSpec LinesTable = new("transaction_lines",
        ("id", ColumnType.Long), ("transaction_id", ColumnType.Long), ("customer_id", ColumnType.Long), ("line_number", ColumnType.Int),
        ("product_id", ColumnType.Long), ("sku", ColumnType.Text), ("description", ColumnType.Text), ("quantity", ColumnType.Decimal),
        ("unit_price", ColumnType.Decimal), ("amount", ColumnType.Decimal));

    private static readonly TableSpec MessagesTable = new("ingested_messages",
        ("message_id", ColumnType.Text), ("kind", ColumnType.Text), ("entity_id", ColumnType.Long), ("created_at", ColumnType.Instant));

    /// <summary>The customer an item refers to, validated: matched by external id, else email; created from these values when unknown.</summary>
    internal sealed record RefDraft(string? ExternalId, string? EmailNormalized, string? Email, string? FirstName, string? LastName);

    internal sealed class LineDraft
    {
        public int Number { get; init; }
        public long? ProductId { get; set; }
        public string? Sku { get; init; }
        public string? Description { get; set; }
        public decimal Quantity { get; init; }
        public decimal UnitPrice { get; init; }
        public decimal Amount { get; init; }
    }

    internal sealed class OrderDraft
    {
        public required RefDraft Customer { get; init; }
        public string? ExternalId { get; init; }
        public DateTimeOffset OccurredAt { get; init; }
        public required string Currency { get; init; }
        public decimal Total { get; init; }
        public required List<LineDraft> Lines { get; init; }
    }

    /// <summary>An order as the call leaves it: new, or a stored one whose total, date, currency and lines are replaced.</summary>
    private sealed class OrderRecord
    {
        public long Id { get; set; }
        public bool IsNew { get; init; }
        public required CustomerRecord Customer { get; init; }
        public string? ExternalId { get; init; }
        public DateTimeOffset OccurredAt { get; set; }
        public string Currency { get; set; } = "";
        public decimal Total { get; set; }
        public List<LineDraft> Lines { get; set; } = [];
    }

    /// <summary>
    /// Orders checked on their own (message ids, fields, lines, the customer reference), before any database work: what
    /// <see cref="TransactionsAsync(IngestionContext, PreparedTransactions, CancellationToken)"/> then writes. Callers
    /// that write one batch after another (the import, the batch API) prepare the next batch while the previous one
    /// is being written.
    /// </summary>
    public sealed class PreparedTransactions
    {
        internal PreparedTransactions(string?[] messageIds, IngestResult[] results, OrderDraft?[] drafts) =>
            (MessageIds, Results, Drafts) = (messageIds, results, drafts);

        /// <summary>The number of items.</summary>
        public int Count => Drafts.Length;

        internal string?[] MessageIds { get; }

        /// <summary>Rejected for the items that failed their checks; the rest is filled in when written.</summary>
        internal IngestResult[] Results { get; }

        internal OrderDraft?[] Drafts { get; }
    }

    /// <summary>Checks every item on its own (see <see cref="PreparedTransactions"/>); <paramref name="now"/> is the time the items arrived.</summary>
    public PreparedTransactions PrepareTransactions(IReadOnlyList<IncomingTransaction> items, DateTimeOffset now)
    {
        now = TextRules.ToStoredPrecision(now);
        var results = Results(items.Count);
        var messageIds = MessageIds(items.Select(i => i.MessageId).ToList(), results);
        var reporting = metrics.ReportingCurrency;
        var drafts = new OrderDraft?[items.Count];
        var toDraft = new List<int>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            if (results[i].Outcome != IngestOutcome.Rejected)
            {
                toDraft.Add(i);
            }
        }

        // Validation reads nothing but the item, so large calls spread it over the cores.
        Drafts(toDraft, i =>
        {
            drafts[i] = OrderDraftOf(items[i], now, reporting, out var reason);
            if (reason is not null)
            {
                results[i] = IngestResult.Reject(reason);
            }
        });
        return new PreparedTransactions(messageIds, results, drafts);
    }

    /// <summary>
    /// Records orders: an order id (<c>ExternalId</c>) not stored yet is Created; one stored for the same customer is
    /// Updated (total, date, currency and lines replaced); one stored for another customer is rejected. The customer is
    /// found by its reference and created from it when unknown. A message id seen before is a Duplicate.
    /// </summary>
    public Task<IngestResult[]> TransactionsAsync(IngestionContext c, IReadOnlyList<IncomingTransaction> items, CancellationToken ct) =>
        TransactionsAsync(c, PrepareTransactions(items, c.Now), ct);

    /// <summary>Writes orders checked by <see cref="PrepareTransactions"/> (see the overload taking the items).</summary>
    public async Task<IngestResult[]> TransactionsAsync(IngestionContext c, PreparedTransactions prepared, CancellationToken ct)
    {
        c = Normalize(c);
        var count = prepared.Count;
        var results = (IngestResult[])prepared.Results.Clone();
        var drafts = (OrderDraft?[])prepared.Drafts.Clone();
        var messageIds = prepared.MessageIds;
        await using var store = await IngestStore.OpenAsync(c, count, ct);
        var reporting = metrics.ReportingCurrency;
        var stored = await StoredMessagesAsync(store, messageIds, ct);
        for (var i = 0; i < count; i++)
        {
            // A message id seen before is a duplicate, whatever the item holds this time.
            if (messageIds[i] is { } messageId && stored.TryGetValue(messageId, out var entity))
            {
                results[i] = new IngestResult(IngestOutcome.Duplicate, entity, null);
                drafts[i] = null;
            }
        }

        var valid = drafts.OfType<OrderDraft>().ToList();
        var book = new CustomerBook(store, c, c.Source);
        await book.LoadAsync(valid.Select(d => (d.Customer.ExternalId, d.Customer.EmailNormalized)), full: false, ct);
        var storedOrders = new Dictionary<string, List<(long Id, long CustomerId)>>(StringComparer.Ordinal);
        await store.QueryAsync("SELECT external_id, id, customer_id FROM transactions WHERE external_id IN {keys}",
            Distinct(valid.Select(d => d.ExternalId)), [], r =>
            {
                var key = r.GetString(0);
                if (!storedOrders.TryGetValue(key, out var list))
                {
                    storedOrders[key] = list = [];
                }

                list.Add((r.GetInt64(1), r.GetInt64(2)));
            }, ct);
        var products = await ProductsBySkuAsync(store, c.Known, valid, ct);

        var orders = new OrderRecord?[count];
        var inCall = new Dictionary<string, OrderRecord>(StringComparer.Ordinal);
        var seenMessages = new Dictionary<string, OrderRecord>(StringComparer.Ordinal);
        var all = new List<OrderRecord>();
        for (var i = 0; i < count; i++)
        {
            if (drafts[i] is not { } draft)
            {
                continue;
            }

            if (messageIds[i] is { } messageId && seenMessages.TryGetValue(messageId, out var first))
            {
                orders[i] = first;
                results[i] = new IngestResult(IngestOutcome.Duplicate, null, null);
                continue;
            }

            var customer = book.Find(draft.Customer.ExternalId, draft.Customer.EmailNormalized, out _);
            OrderRecord? order = null;
            if (draft.ExternalId is { } orderId)
            {
                if (inCall.TryGetValue(orderId, out var earlier))
                {
                    if (!ReferenceEquals(earlier.Customer, customer))
                    {
                        results[i] = IngestResult.Reject($"external_id: order {orderId} belongs to another customer (an earlier row of this batch)");
                        continue;
                    }

                    order = earlier;
                }
                else if (storedOrders.TryGetValue(orderId, out var storedList))
                {
                    var match = customer is null ? default : storedList.FirstOrDefault(o => o.CustomerId == customer.Id);
                    if (match.Id == 0)
                    {
                        results[i] = IngestResult.Reject($"external_id: order {orderId} is already stored for another customer ({storedList[0].CustomerId})");
                        continue;
                    }

                    order = new OrderRecord { Id = match.Id, IsNew = false, Customer = customer!, ExternalId = orderId };
                    inCall[orderId] = order;
                    all.Add(order);
                }
            }

            if (customer is null)
            {
                if (!CreateFromRef(book, draft.Customer, out customer, out var reason))
                {
                    results[i] = IngestResult.Reject(reason);
                    continue;
                }
            }
            else
            {
                book.Remember(customer, draft.Customer.ExternalId, draft.Customer.EmailNormalized);
            }

            var outcome = order is null ? IngestOutcome.Created : IngestOutcome.Updated;
            if (order is null)
            {
                order = new OrderRecord { IsNew = true, Customer = customer, ExternalId = draft.ExternalId };
                all.Add(order);
                if (draft.ExternalId is not null)
                {
                    inCall[draft.ExternalId] = order;
                }
            }

            (order.OccurredAt, order.Currency, order.Total, order.Lines) = (draft.OccurredAt, draft.Currency, draft.Total, draft.Lines);
            foreach (var line in draft.Lines)
            {
                // As RecordTransaction: a known SKU links the product, whose name is the default description.
                if (line.Sku is not null && products.TryGetValue(line.Sku, out var product))
                {
                    line.ProductId = product.Id;
                    line.Description ??= product.Name.Length <= TransactionLineRequest.DescriptionMaxLength
                        ? product.Name
                        : product.Name[..TransactionLineRequest.DescriptionMaxLength];
                }
            }

            orders[i] = order;
            results[i] = new IngestResult(outcome, null, null);
            if (messageIds[i] is { } id)
            {
                seenMessages[id] = order;
            }
        }

        await book.WriteAsync(ct);
        await WriteOrdersAsync(store, c, all, ct);
        await store.InsertAsync(MessagesTable, seenMessages, (r, m) => r.Text(m.Key).Text("transaction").Long(m.Value.Id).Instant(c.Now), ct);

        for (var i = 0; i < count; i++)
        {
            if (orders[i] is { } order)
            {
                results[i] = results[i] with { EntityId = order.Id };
            }
        }

        await RefreshMetricsAsync(store, c,
            all.Where(o => o.IsNew).Select(o => new MetricsDelta(o.Customer.Id, o.OccurredAt, o.OccurredAt, 1, o.Currency == reporting ? o.Total : 0m, 0, null)),
            all.Where(o => !o.IsNew).Select(o => o.Customer.Id), ct);
        await EnqueueAsync(c, WebhookEvents.CustomerCreated, book.Created.Select(x => x.Id), ct);
        await EnqueueAsync(c, WebhookEvents.CustomerUpdated, book.Updated.Select(x => x.Id), ct);
        await EnqueueAsync(c, WebhookEvents.TransactionCreated, all.Where(o => o.IsNew).Select(o => o.Id), ct);
        logger.LogInformation("Ingested {Count} transactions from {Source}: {Orders} stored, {Customers} customers created",
            count, c.Source, all.Count, book.Created.Count);
        return results;
    }

    /// <summary>The stored products the orders' lines name by SKU (those an earlier call of the run learnt first).</summary>
    private static async Task<Dictionary<string, (long Id, string Name)>> ProductsBySkuAsync(IngestStore store, KnownRecords? known, List<OrderDraft> orders,
        CancellationToken ct)
    {
        var products = new Dictionary<string, (long Id, string Name)>(StringComparer.Ordinal);
        var skus = new List<string>();
        foreach (var sku in Distinct(orders.SelectMany(d => d.Lines.Select(l => l.Sku))))
        {
            if (known is null || !known.TryProduct(sku, out var product))
            {
                skus.Add(sku);
            }
            else if (product is { } found)
            {
                products[sku] = found;
            }
        }

        await store.QueryAsync("SELECT sku, id, name FROM products WHERE sku IN {keys}", skus, [],
            r => products[r.GetString(0)] = (r.GetInt64(1), r.GetString(2)), ct);
        if (known is not null)
        {
            foreach (var sku in skus)
            {
                known.Product(sku, products.TryGetValue(sku, out var found) ? found : null);
            }
        }

        return products;
    }

    private static async Task WriteOrdersAsync(IngestStore store, IngestionContext c, List<OrderRecord> orders, CancellationToken ct)
    {
        var created = orders.Where(o => o.IsNew).ToList();
        var ids = await store.ReserveIdsAsync("transactions", created.Count, ct);
        for (var i = 0; i < created.Count; i++)
        {
            created[i].Id = ids[i];
        }

        await store.InsertAsync(TransactionsTable, created, (r, o) =>
            r.Long(o.Id).Long(o.Customer.Id).Text(o.ExternalId).Instant(o.OccurredAt).Text(o.Currency).Decimal(o.Total).Text(c.Source).Instant(c.Now), ct);
        var updated = orders.Where(o => !o.IsNew).ToList();
        await store.UpdateAsync(TransactionUpdates, updated, static (r, o) => r.Long(o.Id).Instant(o.OccurredAt).Text(o.Currency).Decimal(o.Total), ct);
        await store.QueryAsync("DELETE FROM transaction_lines WHERE transaction_id IN {keys}", updated.Select(o => o.Id).ToList(), [], _ => { }, ct);

        var lineIds = await store.ReserveIdsAsync("transaction_lines", orders.Sum(o => o.Lines.Count), ct);
        var lines = new List<(long Id, OrderRecord Order, LineDraft Line)>(lineIds.Length);
        foreach (var order in orders)
        {
            foreach (var line in order.Lines)
            {
                lines.Add((lineIds[lines.Count], order, line));
            }
        }

        await store.InsertAsync(LinesTable, lines, static (r, x) =>
            r.Long(x.Id).Long(x.Order.Id).Long(x.Order.Customer.Id).Int(x.Line.Number).Long(x.Line.ProductId).Text(x.Line.Sku)
                .Text(x.Line.Description).Decimal(x.Line.Quantity).Decimal(x.Line.UnitPrice).Decimal(x.Line.Amount), ct);
    }

    /// <summary>
    /// Adds what the call appended to the metrics of its customers; customers whose stored rows changed (an order
    /// updated) or who have no metrics row yet are recomputed from their history in one set-based statement.
    /// </summary>
    private async Task RefreshMetricsAsync(IngestStore store, IngestionContext c, IEnumerable<MetricsDelta> added, IEnumerable<long> recompute, CancellationToken ct)
    {
        var pending = c.PendingMetrics ?? new PendingMetrics();
        pending.Recompute.UnionWith(recompute);
        foreach (var d in added)
        {
            pending.Add(d);
        }

        if (c.PendingMetrics is null)
        {
            await ApplyMetricsAsync(store, c, pending, ct);
        }
    }

    /// <summary>Applies metrics held back in <paramref name="pending"/> (see <see cref="IngestionContext.PendingMetrics"/>) and empties it.</summary>
    public async Task ApplyMetricsAsync(IngestionContext c, PendingMetrics pending, CancellationToken ct)
    {
        if (pending.IsEmpty)
        {
            return;
        }

        c = Normalize(c);
        await using var store = await IngestStore.OpenAsync(c, pending.Deltas.Count, ct);
        await ApplyMetricsAsync(store, c, pending, ct);
    }

    /// <summary>
    /// Customers whose stored rows changed (an order updated) or who have no metrics row yet are recomputed from their
    /// history in one set-based statement; the others get what was appended added to their row.
    /// </summary>
    private async Task ApplyMetricsAsync(IngestStore store, IngestionContext c, PendingMetrics pending, CancellationToken ct)
    {
        var full = new HashSet<long>(pending.Recompute);
        var deltas = pending.Deltas.Values.Where(d => !full.Contains(d.CustomerId)).ToList();
        full.UnionWith(await store.AddToMetricsAsync(deltas, c.Now, ct));
        await metrics.RefreshManyAsync(c.Connection, c.Transaction, full, ct);
        // Their stages and segment memberships follow in the background (CustomerChangeWorker).
        await CustomerChangeQueue.AddAsync(c.Connection, c.Transaction, [.. full, .. deltas.Select(d => d.CustomerId)], c.Now, ct);
        pending.Deltas.Clear();
        pending.Recompute.Clear();
    }

    /// <summary>Checks message ids (trimmed; blank = none); a malformed one rejects its item.</summary>
    private static string?[] MessageIds(List<string?> given, IngestResult[] results)
    {
        var ids = new string?[given.Count];
        for (var i = 0; i < given.Count; i++)
        {
            var id = Validate.Clean(given[i]);
            if (id is null)
            {
                continue;
            }

            var errors = new FieldErrors();
            TextRules.SingleLine(errors, "messageId", id, MessageIdMaxLength);
            if (errors.Any)
            {
                results[i] = IngestResult.Reject(IngestReasons.From(errors));
                continue;
            }

            ids[i] = id;
        }

        return ids;
    }

    /// <summary>Message ids already stored, with the record each became (message ids are unique across kinds).</summary>
    private static Task<Dictionary<string, long>> StoredMessagesAsync(IngestStore store, string?[] messageIds, CancellationToken ct) =>
        IdsByKeyAsync(store, "SELECT message_id, entity_id FROM ingested_messages WHERE message_id IN {keys}", Distinct(messageIds), ct);

    private static OrderDraft? OrderDraftOf(IncomingTransaction item, DateTimeOffset now, string reporting, out string? reason)
    {
        var e = new FieldErrors();
        var customer = RefDraftOf(item.Customer, out var refReason);
        var externalId = Validate.Clean(item.ExternalId);
        TextRules.SingleLine(e, "externalId", externalId, RecordTransactionRequest.ExternalIdMaxLength);
        DateTimeOffset occurredAt = default;
        if (item.OccurredAt is not { } at)
        {
            e.Add("occurredAt", "Is required.");
        }
        else
        {
            occurredAt = TextRules.ToStoredPrecision(at);
            TextRules.EventTime(e, "occurredAt", occurredAt, now);
        }

        var currency = Money.Currency(e, "currency", item.Currency, reporting);
        if (currency is not null && !Money.IsCurrency(currency))
        {
            // Name the code, as an import's reject file is read next to the row.
            e = Replace(e, "currency", $"{currency} is not an ISO 4217 currency code.");
        }

        Money.NonNegativeAmount(e, "total", item.Total);
        var lines = new List<LineDraft>(item.Lines.Count);
        if (item.Lines.Count > RecordTransactionRequest.MaxLines)
        {
            e.Add("lines", $"Must have at most {RecordTransactionRequest.MaxLines} lines.");
        }
        else
        {
            if (item.Lines.Count == 0 && item.Total is null)
            {
                e.Add("total", "Is required when the transaction has no lines.");
            }

            for (var i = 0; i < item.Lines.Count; i++)
            {
                lines.Add(LineOf(e, i, item.Lines[i]));
            }
        }

        var total = item.Total ?? lines.Sum(l => l.Amount);
        if (!e.Any && total > Money.MaxAmount)
        {
            e.Add("total", $"The sum of the line amounts must be at most {Money.MaxAmount:0}.");
        }

        reason = Join(refReason, e.Any ? IngestReasons.From(e) : null);
        return reason is null
            ? new OrderDraft { Customer = customer!, ExternalId = externalId, OccurredAt = occurredAt, Currency = currency!, Total = total, Lines = lines }
            : null;
    }

    /// <summary>
    /// The checks of RecordTransaction's lines, for a line that names its product by SKU or describes itself; errors go
    /// to <paramref name="e"/> under <c>lines[index].field</c> (names made only when there is an error).
    /// </summary>
    private static LineDraft LineOf(FieldErrors e, int index, IncomingLine? line)
    {
        var number = index + 1;
        if (line is null)
        {
            e.Add($"lines[{index}]", "Must be a line object, not null.");
            return new LineDraft { Number = number };
        }

        var le = new FieldErrors();
        var sku = Validate.Clean(line.Sku);
        TextRules.SingleLine(le, "sku", sku, TransactionLineRequest.SkuMaxLength);
        var description = Validate.Clean(line.Description);
        TextRules.SingleLine(le, "description", description, TransactionLineRequest.DescriptionMaxLength);
        if (sku is null && description is null)
        {
            le.Add("sku", "A line needs a sku or a description.");
        }

        Money.PositiveQuantity(le, "quantity", line.Quantity);
        Money.NonNegativeAmount(le, "unitPrice", line.UnitPrice);
        var amount = Money.LineAmount(line.Quantity, line.UnitPrice);
        if (amount > Money.MaxAmount)
        {
            le.Add("unitPrice", $"Quantity × unit price must be at most {Money.MaxAmount:0}.");
        }

        if (le.Any)
        {
            foreach (var (field, messages) in le.ToDictionary())
            {
                foreach (var message in messages)
                {
                    e.Add($"lines[{index}].{field}", message);
                }
            }
        }

        return new LineDraft { Number = number, Sku = sku, Description = description, Quantity = line.Quantity, UnitPrice = line.UnitPrice, Amount = amount };
    }

    /// <summary>Validates a customer reference: it needs an external id or an email to be found by.</summary>
    private static RefDraft? RefDraftOf(CustomerRef? reference, out string? reason)
    {
        var e = new FieldErrors();
        if (reference is null)
        {
            reason = "customer_external_id: a customer_external_id or a customer_email is required";
            return null;
        }

        var externalId = CustomerRules.Text(e, "externalId", reference.ExternalId, CustomerLimits.ExternalId);
        var email = CustomerRules.Email(e, reference.Email);
        var firstName = CustomerRules.Text(e, "firstName", reference.FirstName, CustomerLimits.FirstName);
        var lastName = CustomerRules.Text(e, "lastName", reference.LastName, CustomerLimits.LastName);
        if (externalId is null && email is null)
        {
            e.Add("externalId", "A customer_external_id or a customer_email is required.");
        }

        reason = e.Any ? IngestReasons.From(e, "customer_") : null;
        return reason is null ? new RefDraft(externalId, Validate.NormalizeEmail(email), email, firstName, lastName) : null;
    }

    /// <summary>Creates the customer a reference names (accepted items only); it needs a name or an email like any customer.</summary>
    private static bool CreateFromRef(CustomerBook book, RefDraft reference, out CustomerRecord customer, out string reason)
    {
        if (reference.FirstName is null && reference.LastName is null && reference.Email is null)
        {
            customer = null!;
            reason = "customer_email: " + IngestReasons.Message(CustomerRules.NameOrEmailRequired) + " (to create the customer)";
            return false;
        }

        customer = book.Create(new CustomerRecord { Email = reference.Email, FirstName = reference.FirstName, LastName = reference.LastName });
        book.Remember(customer, reference.ExternalId, reference.EmailNormalized);
        reason = "";
        return true;
    }

    private static FieldErrors Replace(FieldErrors errors, string field, string message)
    {
        var replaced = new FieldErrors();
        foreach (var (key, messages) in errors.ToDictionary())
        {
            foreach (var m in key == field ? [message] : messages)
            {
                replaced.Add(key, m);
            }
        }

        return replaced;
    }

    private static string? Join(string? a, string? b) => a is null ? b : b is null ? a : a + "; " + b;
}
