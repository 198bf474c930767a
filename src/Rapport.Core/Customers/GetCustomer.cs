using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Customers;

public sealed record Reference(long Id, string Name);

/// <summary>A custom field value with its definition's label and type. <c>Value</c> is a string, number, boolean or yyyy-MM-dd date.</summary>
public sealed record CustomFieldValueDetail(string Label, CustomFieldType Type, object? Value);

public sealed record ExternalIdDetail(string Source, string ExternalId);

/// <summary>
/// Per-customer facts. Revenue counts transactions in the reporting currency only; instants are UTC.
/// <c>Analytics</c> is what the latest analytics run (or the refresh after this customer's last change) predicted;
/// null before the first run reached the customer.
/// </summary>
public sealed record CustomerMetricsDetail(
    DateTimeOffset? FirstPurchaseAt,
    DateTimeOffset? LastPurchaseAt,
    int PurchaseCount,
    decimal Revenue,
    int InteractionCount,
    DateTimeOffset? LastInteractionAt,
    CustomerAnalyticsDetail? Analytics = null);

/// <summary>
/// A customer's RFM scores and segment (null when they did not buy in the RFM window) and the purchase and spend models'
/// predictions over the configured horizon: probability alive (0–1), expected purchases, expected average spend per
/// purchase, predicted revenue and discounted CLV, in the reporting currency.
/// </summary>
public sealed record CustomerAnalyticsDetail(
    int? RecencyScore,
    int? FrequencyScore,
    int? MonetaryScore,
    string? RfmSegment,
    double? PAlive,
    double? ExpectedPurchases,
    decimal? ExpectedSpend,
    decimal? PredictedRevenue,
    decimal? Clv,
    DateTimeOffset ComputedAt);

/// <summary>
/// A customer's full profile. <c>Version</c> is the ETag for updates. <c>CustomFields</c> maps each set field's key
/// to its value, in the admin's field order; <c>Tags</c> are sorted.
/// </summary>
public sealed record CustomerDetail(
    long Id,
    string DisplayName,
    string? FirstName,
    string? LastName,
    string? Email,
    string? Phone,
    string? Street,
    string? City,
    string? PostalCode,
    string? Region,
    string? Country,
    DateOnly? BirthDate,
    string? Language,
    Reference? Company,
    Reference? Owner,
    IReadOnlyList<string> Tags,
    IReadOnlyDictionary<string, CustomFieldValueDetail> CustomFields,
    IReadOnlyList<ExternalIdDetail> ExternalIds,
    CustomerMetricsDetail Metrics,
    string Source,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int Version)
{
    /// <summary>
    /// 0..1: how well the business's values match what this customer cares about (docs/values.md, "Customer value
    /// profiles"); null until computed or with profiling off. Set by <see cref="GetCustomer"/> only.
    /// </summary>
    public double? ValueAlignment { get; init; }
}

public sealed class GetCustomer(RapportDbContext db, Access.AccessContext access, Access.CustomerOwnership ownership)
{
    public async Task<Result<CustomerDetail>> HandleAsync(long id, CancellationToken ct)
    {
        // A plain LEFT JOIN on the metrics key (a correlated FirstOrDefault would make EF number every metrics row).
        var row = await (
                from customer in ownership.Visible(db.Customers.AsNoTracking()).Where(x => x.Id == id)
                from metrics in db.CustomerMetrics.AsNoTracking().Where(x => x.CustomerId == customer.Id).DefaultIfEmpty()
                select new
                {
                    Customer = customer,
                    CompanyName = customer.Company == null ? null : customer.Company.Name,
                    OwnerName = customer.Owner == null ? null : customer.Owner.DisplayName,
                    Metrics = metrics,
                })
            .SingleOrDefaultAsync(ct);
        if (row is null)
        {
            return Result<CustomerDetail>.NotFound($"There is no customer {id}.");
        }

        var tags = await db.CustomerTags.AsNoTracking().Where(t => t.CustomerId == id).Select(t => t.Tag).OrderBy(t => t).ToListAsync(ct);
        var values = await db.CustomerFieldValues.AsNoTracking()
            .Where(v => v.CustomerId == id && (access.CanViewSensitive || !v.Field!.Sensitive))
            .OrderBy(v => v.Field!.Position).ThenBy(v => v.Field!.Key)
            .Select(v => new CustomFieldValueRow(v.Field!.Key, v.Field.Label, v.Field.Type, v.TextValue, v.NumberValue, v.DateValue, v.BoolValue))
            .ToListAsync(ct);
        var externalIds = await db.CustomerExternalIds.AsNoTracking()
            .Where(x => x.CustomerId == id)
            .OrderBy(x => x.Source).ThenBy(x => x.ExternalId)
            .Select(x => new ExternalIdDetail(x.Source, x.ExternalId))
            .ToListAsync(ct);

        var alignment = await db.Set<Values.Profiles.CustomerValueProfile>().AsNoTracking()
            .Where(p => p.CustomerId == id && p.ProfilingEnabled).Select(p => p.Alignment).FirstOrDefaultAsync(ct);
        var detail = Build(row.Customer, row.Metrics, row.CompanyName, row.OwnerName, tags, values, externalIds) with { ValueAlignment = alignment };
        // Field protection: without customers.view-sensitive the birth date is null and sensitive custom fields are left out.
        return Result<CustomerDetail>.Ok(access.CanViewSensitive ? detail : detail with { BirthDate = null });
    }

    /// <summary>A stored custom field value with its definition's key, label and type, as the detail is built from it.</summary>
    public sealed record CustomFieldValueRow(
        string Key, string Label, CustomFieldType Type, string? TextValue, decimal? NumberValue, DateOnly? DateValue, bool? BoolValue);

    /// <summary>
    /// The customer detail from its stored rows; shared by this use case and the webhook payloads (which load many
    /// customers at once), so both give the same shape. <paramref name="values"/> come in the admin's field order.
    /// </summary>
    public static CustomerDetail Build(
        Customer c,
        Metrics.CustomerMetrics? m,
        string? companyName,
        string? ownerName,
        IReadOnlyList<string> tags,
        IEnumerable<CustomFieldValueRow> values,
        IReadOnlyList<ExternalIdDetail> externalIds)
    {
        var customFields = new Dictionary<string, CustomFieldValueDetail>(StringComparer.Ordinal);
        foreach (var v in values)
        {
            customFields[v.Key] = new CustomFieldValueDetail(v.Label, v.Type,
                CustomFieldValues.Typed(v.Type, v.TextValue, v.NumberValue, v.DateValue, v.BoolValue));
        }

        return new CustomerDetail(
            c.Id,
            CustomerNames.Display(c.FirstName, c.LastName, c.Email, c.Id),
            c.FirstName,
            c.LastName,
            c.Email,
            c.Phone,
            c.Street,
            c.City,
            c.PostalCode,
            c.Region,
            c.Country,
            c.BirthDate,
            c.Language,
            c.CompanyId is { } companyId ? new Reference(companyId, companyName ?? "") : null,
            c.OwnerId is { } ownerId ? new Reference(ownerId, ownerName ?? "") : null,
            tags,
            customFields,
            externalIds,
            m is null
                ? new CustomerMetricsDetail(null, null, 0, 0m, 0, null)
                : new CustomerMetricsDetail(m.FirstPurchaseAt, m.LastPurchaseAt, m.PurchaseCount, m.Revenue, m.InteractionCount, m.LastInteractionAt,
                    m.AnalyticsAt is { } at
                        ? new CustomerAnalyticsDetail(m.RecencyScore, m.FrequencyScore, m.MonetaryScore, m.RfmSegment, m.PAlive, m.ExpectedPurchases,
                            m.ExpectedSpend, m.PredictedRevenue, m.Clv, at)
                        : null),
            c.Source,
            c.CreatedAt,
            c.UpdatedAt,
            c.Version);
    }
}
