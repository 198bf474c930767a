using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Data;
using Rapport.Interactions;

namespace Rapport.Exports;

/// <summary>Filters of a transaction or interaction export, already validated.</summary>
internal sealed record TimelineFilter(long? CustomerId, DateTimeOffset? From, DateTimeOffset? To, InteractionChannel? Channel = null, InteractionType? Type = null);

/// <summary>A custom field as an export column: its key and how its values are written.</summary>
internal sealed record ExportCustomField(long Id, string Key, CustomFieldType Type);

/// <summary>
/// Reads what an export writes, page after page by keyset (never OFFSET, never the whole result): customers through
/// <see cref="SearchCustomers"/> itself, so that an export holds exactly the customers of the list view in its order;
/// transactions and interactions newest first by (occurred_at, id) like their lists. Every query is no-tracking and a
/// page is dropped once written, so memory stays flat whatever the row count.
/// </summary>
internal sealed class ExportReader(RapportDbContext db, SearchCustomers search, Access.CustomerOwnership ownership)
{
    /// <summary>Orders or interactions per page (each page is one query plus one per related table).</summary>
    public const int TimelinePageSize = 2000;

    /// <summary>The custom field columns; without <c>customers.view-sensitive</c> the fields marked sensitive are left out.</summary>
    public async Task<IReadOnlyList<ExportCustomField>> CustomFieldsAsync(CancellationToken ct) =>
        await db.CustomFields.AsNoTracking().Where(f => !f.Sensitive || ownership.CanViewSensitive).OrderBy(f => f.Position).ThenBy(f => f.Id)
            .Select(f => new ExportCustomField(f.Id, f.Key, f.Type)).ToListAsync(ct);

    /// <summary>Pages of customers in the list's order, starting with <paramref name="first"/> (the validated first page).</summary>
    public async IAsyncEnumerable<IReadOnlyList<CustomerExportRow>> CustomerPagesAsync(
        SearchCustomersRequest filter, Page<CustomerRow> first, IReadOnlyList<ExportCustomField> fields, [EnumeratorCancellation] CancellationToken ct)
    {
        var page = first;
        while (true)
        {
            if (page.Items.Count > 0)
            {
                yield return await CustomersAsync([.. page.Items.Select(c => c.Id)], fields, ct);
            }

            if (page.Next is null)
            {
                yield break;
            }

            var next = await search.HandleAsync(filter with { Limit = Cursor.MaxLimit, After = page.Next }, ct);
            if (!next.IsOk)
            {
                // The cursor came from the previous page of the same query: failing here is a bug, not bad input.
                throw new InvalidOperationException($"The customer list refused its own cursor: {next.Message}");
            }

            page = next.Value!;
        }
    }

    /// <summary>Full export rows for these customers, in the order of <paramref name="ids"/> (ids that no longer exist are skipped).</summary>
    public async Task<IReadOnlyList<CustomerExportRow>> CustomersAsync(IReadOnlyList<long> ids, IReadOnlyList<ExportCustomField> fields, CancellationToken ct)
    {
        var list = ids.ToList();
        var sensitive = ownership.CanViewSensitive;
        var customers = await db.Customers.AsNoTracking().Where(c => list.Contains(c.Id))
            .Select(c => new
            {
                c.Id, c.Email, c.FirstName, c.LastName, c.Phone, c.Street, c.City, c.PostalCode, c.Region, c.Country,
                BirthDate = sensitive ? c.BirthDate : null, // field protection: empty without customers.view-sensitive
                c.Language,
                Company = c.Company != null ? c.Company.Name : null,
                OwnerEmail = c.Owner != null ? c.Owner.Email : null,
                c.CreatedAt, c.UpdatedAt,
            })
            .ToDictionaryAsync(c => c.Id, ct);
        var tags = (await db.CustomerTags.AsNoTracking().Where(t => list.Contains(t.CustomerId)).Select(t => new { t.CustomerId, t.Tag }).ToListAsync(ct))
            .ToLookup(t => t.CustomerId, t => t.Tag);
        var externalIds = (await db.CustomerExternalIds.AsNoTracking().Where(e => list.Contains(e.CustomerId)).OrderBy(e => e.Id)
                .Select(e => new { e.CustomerId, e.Source, e.ExternalId }).ToListAsync(ct))
            .ToLookup(e => e.CustomerId, e => new CustomerExportExternalId(e.Source, e.ExternalId));
        var values = fields.Count == 0
            ? Enumerable.Empty<CustomerFieldValue>().ToLookup(v => v.CustomerId)
            : (await db.CustomerFieldValues.AsNoTracking().Where(v => list.Contains(v.CustomerId)).ToListAsync(ct)).ToLookup(v => v.CustomerId);
        var keys = fields.ToDictionary(f => f.Id);

        var rows = new List<CustomerExportRow>(list.Count);
        foreach (var id in list)
        {
            if (!customers.TryGetValue(id, out var c))
            {
                continue;
            }

            var ext = externalIds[id].ToList();
            var custom = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var value in values[id])
            {
                if (keys.TryGetValue(value.FieldId, out var field) && FieldText(field.Type, value) is { } text)
                {
                    custom[field.Key] = text;
                }
            }

            rows.Add(new CustomerExportRow(
                c.Id, PrimaryExternalId(c.Id, ext.FirstOrDefault()?.ExternalId, c.Email), ext, c.Email, c.FirstName, c.LastName, c.Phone,
                c.Street, c.City, c.PostalCode, c.Region, c.Country, c.BirthDate, c.Language, c.Company, c.OwnerEmail,
                [.. tags[id].Order(StringComparer.Ordinal)], custom, c.CreatedAt, c.UpdatedAt));
        }

        return rows;
    }

    public async IAsyncEnumerable<IReadOnlyList<TransactionExportRow>> TransactionPagesAsync(
        TimelineFilter filter, bool withLines, [EnumeratorCancellation] CancellationToken ct)
    {
        (DateTimeOffset At, long Id)? after = null;
        while (true)
        {
            var query = db.Transactions.AsNoTracking();
            if (ownership.Restricted)
            {
                var visible = ownership.VisibleIds();
                query = query.Where(t => visible.Contains(t.CustomerId));
            }

            if (filter.CustomerId is { } customerId)
            {
                query = query.Where(t => t.CustomerId == customerId);
            }

            if (filter.From is { } from)
            {
                query = query.Where(t => t.OccurredAt >= from);
            }

            if (filter.To is { } to)
            {
                query = query.Where(t => t.OccurredAt < to);
            }

            if (after is var (at, afterId))
            {
                query = query.Where(t => t.OccurredAt < at || (t.OccurredAt == at && t.Id < afterId));
            }

            var orders = await query.OrderByDescending(t => t.OccurredAt).ThenByDescending(t => t.Id).Take(TimelinePageSize)
                .Select(t => new { t.Id, t.CustomerId, t.ExternalId, t.OccurredAt, t.Currency, t.Total, LineCount = t.Lines.Count })
                .ToListAsync(ct);
            if (orders.Count == 0)
            {
                yield break;
            }

            var ids = orders.Select(o => o.Id).ToList();
            var lines = withLines
                ? (await db.TransactionLines.AsNoTracking().Where(l => ids.Contains(l.TransactionId))
                    .Select(l => new { l.TransactionId, l.LineNumber, l.Sku, l.Description, l.Quantity, l.UnitPrice, l.Amount })
                    .ToListAsync(ct))
                    .OrderBy(l => l.LineNumber)
                    .ToLookup(l => l.TransactionId, l => new TransactionExportLine(l.LineNumber, l.Sku, l.Description, l.Quantity, l.UnitPrice, l.Amount))
                : null;
            var customers = await CustomerRefsAsync(orders.Select(o => o.CustomerId), ct);
            yield return orders.Select(o => new TransactionExportRow(
                o.Id, o.ExternalId ?? $"rapport-transaction-{o.Id}", customers[o.CustomerId], o.OccurredAt, o.Currency, o.Total, o.LineCount,
                lines is null ? [] : [.. lines[o.Id]])).ToList();
            if (orders.Count < TimelinePageSize)
            {
                yield break;
            }

            after = (orders[^1].OccurredAt, orders[^1].Id);
        }
    }

    public async IAsyncEnumerable<IReadOnlyList<InteractionExportRow>> InteractionPagesAsync(TimelineFilter filter, [EnumeratorCancellation] CancellationToken ct)
    {
        (DateTimeOffset At, long Id)? after = null;
        while (true)
        {
            var query = db.Interactions.AsNoTracking();
            if (ownership.Restricted)
            {
                var visible = ownership.VisibleIds();
                query = query.Where(i => visible.Contains(i.CustomerId));
            }

            if (filter.CustomerId is { } customerId)
            {
                query = query.Where(i => i.CustomerId == customerId);
            }

            if (filter.Channel is { } channel)
            {
                query = query.Where(i => i.Channel == channel);
            }

            if (filter.Type is { } type)
            {
                query = query.Where(i => i.Type == type);
            }

            if (filter.From is { } from)
            {
                query = query.Where(i => i.OccurredAt >= from);
            }

            if (filter.To is { } to)
            {
                query = query.Where(i => i.OccurredAt < to);
            }

            if (after is var (at, afterId))
            {
                query = query.Where(i => i.OccurredAt < at || (i.OccurredAt == at && i.Id < afterId));
            }

            var items = await query.OrderByDescending(i => i.OccurredAt).ThenByDescending(i => i.Id).Take(TimelinePageSize)
                .Select(i => new { i.Id, i.CustomerId, i.ExternalId, i.Channel, i.Direction, i.Type, i.Subject, i.Notes, i.OccurredAt, i.Source })
                .ToListAsync(ct);
            if (items.Count == 0)
            {
                yield break;
            }

            var customers = await CustomerRefsAsync(items.Select(i => i.CustomerId), ct);
            yield return items.Select(i => new InteractionExportRow(
                i.Id, i.ExternalId ?? $"rapport-interaction-{i.Id}", customers[i.CustomerId], i.Channel, i.Direction, i.Type, i.Subject, i.Notes, i.OccurredAt, i.Source)).ToList();
            if (items.Count < TimelinePageSize)
            {
                yield break;
            }

            after = (items[^1].OccurredAt, items[^1].Id);
        }
    }

    private async Task<Dictionary<long, ExportCustomerRef>> CustomerRefsAsync(IEnumerable<long> customerIds, CancellationToken ct)
    {
        var ids = customerIds.Distinct().ToList();
        var external = new Dictionary<long, string>();
        foreach (var e in await db.CustomerExternalIds.AsNoTracking().Where(e => ids.Contains(e.CustomerId)).OrderBy(e => e.Id)
                     .Select(e => new { e.CustomerId, e.ExternalId }).ToListAsync(ct))
        {
            external.TryAdd(e.CustomerId, e.ExternalId);
        }

        return await db.Customers.AsNoTracking().Where(c => ids.Contains(c.Id))
            .Select(c => new { c.Id, c.Email, c.FirstName, c.LastName })
            .ToDictionaryAsync(
                c => c.Id,
                c => new ExportCustomerRef(c.Id, PrimaryExternalId(c.Id, external.GetValueOrDefault(c.Id), c.Email), c.Email, c.FirstName, c.LastName),
                ct);
    }

    /// <summary>
    /// The first external id recorded for the customer; a customer with neither an external id nor an email gets
    /// <c>rapport-customer-{id}</c>, so that its transactions and interactions in an export still name it.
    /// </summary>
    internal static string? PrimaryExternalId(long id, string? externalId, string? email) =>
        externalId ?? (string.IsNullOrWhiteSpace(email) ? $"rapport-customer-{id}" : null);

    internal static string? FieldText(CustomFieldType type, CustomerFieldValue value) => type switch
    {
        CustomFieldType.Number => value.NumberValue is { } n ? ExportText.Number(n) : null,
        CustomFieldType.Date => value.DateValue?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        CustomFieldType.Boolean => value.BoolValue is { } b ? (b ? "true" : "false") : null,
        _ => value.TextValue,
    };
}
