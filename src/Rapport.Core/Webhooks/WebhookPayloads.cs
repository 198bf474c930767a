using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Rapport.Customers;
using Rapport.Data;
using Rapport.Interactions;
using Rapport.Transactions;

namespace Rapport.Webhooks;

/// <summary>The JSON a receiver gets: <c>{"id":"evt_…","type":"customer.created","createdAt":"…","data":{…}}</c>.</summary>
public sealed record WebhookEnvelope(string Id, string Type, DateTimeOffset CreatedAt, object Data);

/// <summary><c>data</c> of <c>customer.merged</c>: who survived, who was folded into it, the merge record, and the survivor as it is now.</summary>
public sealed record CustomerMergedData(long SurvivingId, long MergedId, long MergeId, CustomerDetail Customer);

/// <summary><c>data</c> of <c>ping</c>, the test event.</summary>
public sealed record PingData(long SubscriptionId, string Message);

/// <summary>The same JSON conventions as the REST API (camelCase names, enums as camelCase strings), so a payload's
/// <c>data</c> has exactly the shape the API returns for the resource.</summary>
public static class WebhookJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DictionaryKeyPolicy = null,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        NumberHandling = JsonNumberHandling.Strict,
    };

    public static string NewEventId() => "evt_" + Guid.CreateVersion7().ToString("N");

    public static string Serialize(string eventId, string eventType, DateTimeOffset createdAt, object data) =>
        JsonSerializer.Serialize(new WebhookEnvelope(eventId, eventType, createdAt, data), Options);
}

/// <summary>
/// Builds the <c>data</c> of many events at once: a fixed number of queries per call whatever the number of ids
/// (each id list is sent as one parameter), so bulk writers can queue thousands of events cheaply.
/// Results keep the order of the ids; ids that do not exist (any more) are left out.
/// </summary>
internal static class WebhookPayloads
{
    public static async Task<List<(long Id, object Data)>> LoadAsync(RapportDbContext db, string eventType, long[] ids, CancellationToken ct) =>
        eventType switch
        {
            WebhookEvents.CustomerCreated or WebhookEvents.CustomerUpdated =>
                InOrder(ids, await CustomersAsync(db, ids, ct)),
            WebhookEvents.CustomerMerged => await MergesAsync(db, ids, ct),
            WebhookEvents.TransactionCreated => InOrder(ids, await db.Transactions.AsNoTracking()
                .Where(t => EF.Parameter(ids).Contains(t.Id))
                .Select(t => new TransactionDetail(
                    t.Id, t.CustomerId, t.ExternalId, t.OccurredAt, t.Currency, t.Total, t.Source, t.CreatedAt,
                    t.Lines.OrderBy(l => l.LineNumber)
                        .Select(l => new TransactionLineDetail(l.LineNumber, l.ProductId, l.Sku, l.Description, l.Quantity, l.UnitPrice, l.Amount))
                        .ToList()))
                .ToDictionaryAsync(t => t.Id, t => (object)t, ct)),
            WebhookEvents.InteractionCreated => InOrder(ids, await db.Interactions.AsNoTracking()
                .Where(i => EF.Parameter(ids).Contains(i.Id))
                .Select(InteractionDetail.Projection(db))
                .ToDictionaryAsync(i => i.Id, i => (object)i, ct)),
            _ => throw new ArgumentException($"'{eventType}' is not a webhook event type.", nameof(eventType)),
        };

    private static List<(long Id, object Data)> InOrder<T>(long[] ids, Dictionary<long, T> found) where T : notnull =>
        [.. ids.Where(found.ContainsKey).Select(id => (id, (object)found[id]))];

    private static async Task<List<(long Id, object Data)>> MergesAsync(RapportDbContext db, long[] ids, CancellationToken ct)
    {
        var merges = await db.CustomerMerges.AsNoTracking()
            .Where(m => EF.Parameter(ids).Contains(m.Id))
            .Select(m => new { m.Id, m.SurvivingCustomerId, m.MergedCustomerId })
            .ToDictionaryAsync(m => m.Id, ct);
        var survivors = await CustomersAsync(db, [.. merges.Values.Select(m => m.SurvivingCustomerId).Distinct()], ct);
        return [.. ids
            .Where(id => merges.TryGetValue(id, out var m) && survivors.ContainsKey(m.SurvivingCustomerId))
            .Select(id => (id, (object)new CustomerMergedData(merges[id].SurvivingCustomerId, merges[id].MergedCustomerId, id, survivors[merges[id].SurvivingCustomerId])))];
    }

    /// <summary>Customers as <see cref="GetCustomer"/> shapes them (sorted in SQL the same way), in four queries for any number of ids.</summary>
    private static async Task<Dictionary<long, CustomerDetail>> CustomersAsync(RapportDbContext db, long[] ids, CancellationToken ct)
    {
        var rows = await (
                from customer in db.Customers.AsNoTracking().Where(x => EF.Parameter(ids).Contains(x.Id))
                from metrics in db.CustomerMetrics.AsNoTracking().Where(x => x.CustomerId == customer.Id).DefaultIfEmpty()
                select new
                {
                    Customer = customer,
                    CompanyName = customer.Company == null ? null : customer.Company.Name,
                    OwnerName = customer.Owner == null ? null : customer.Owner.DisplayName,
                    Metrics = metrics,
                })
            .ToListAsync(ct);
        var tags = (await db.CustomerTags.AsNoTracking()
                .Where(t => EF.Parameter(ids).Contains(t.CustomerId))
                .OrderBy(t => t.Tag)
                .Select(t => new { t.CustomerId, t.Tag })
                .ToListAsync(ct))
            .ToLookup(t => t.CustomerId, t => t.Tag);
        var values = (await db.CustomerFieldValues.AsNoTracking()
                .Where(v => EF.Parameter(ids).Contains(v.CustomerId))
                .OrderBy(v => v.Field!.Position).ThenBy(v => v.Field!.Key)
                .Select(v => new
                {
                    v.CustomerId,
                    Row = new GetCustomer.CustomFieldValueRow(v.Field!.Key, v.Field.Label, v.Field.Type, v.TextValue, v.NumberValue, v.DateValue, v.BoolValue),
                })
                .ToListAsync(ct))
            .ToLookup(v => v.CustomerId, v => v.Row);
        var externalIds = (await db.CustomerExternalIds.AsNoTracking()
                .Where(x => EF.Parameter(ids).Contains(x.CustomerId))
                .OrderBy(x => x.Source).ThenBy(x => x.ExternalId)
                .Select(x => new { x.CustomerId, x.Source, x.ExternalId })
                .ToListAsync(ct))
            .ToLookup(x => x.CustomerId, x => new ExternalIdDetail(x.Source, x.ExternalId));

        var result = new Dictionary<long, CustomerDetail>(rows.Count);
        foreach (var row in rows)
        {
            var id = row.Customer.Id;
            result[id] = GetCustomer.Build(row.Customer, row.Metrics, row.CompanyName, row.OwnerName, [.. tags[id]], values[id], [.. externalIds[id]]);
        }

        return result;
    }
}
