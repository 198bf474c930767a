using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Data;
using Rapport.Duplicates;

namespace Rapport.DataQuality;

/// <summary>How many customers have a value in one profile field. <c>Percent</c> is 0..100 with one decimal.</summary>
public sealed record FieldCompleteness(string Field, string Label, long Filled, double Percent);

/// <summary>A count with the first few records it counts (<c>Items</c> holds at most <see cref="GetDataQuality.ListSize"/>).</summary>
public sealed record Listed<T>(long Count, IReadOnlyList<T> Items);

/// <summary>A customer with a value that fails its check and the reason.</summary>
public sealed record CustomerIssue(long Id, string DisplayName, string Value, string Problem);

/// <summary>A customer with no update and no activity since <see cref="DataQualityReport.StaleBefore"/>.</summary>
public sealed record StaleCustomer(long Id, string DisplayName, DateTimeOffset UpdatedAt, DateTimeOffset? LastActivityAt);

public sealed record ProductRef(long Id, string Sku, string Name);

/// <summary>
/// The state of the customer data. Completeness counts non-empty values per field; invalid emails fail the same
/// check as input; invalid phones have letters or symbols, fewer than 7 or more than 15 significant digits; likely
/// duplicates are the open candidates of the last detection run, counted once under each of their reasons; stale
/// customers were neither updated nor bought nor had an interaction in the last <c>StaleMonths</c> months.
/// </summary>
public sealed record DataQualityReport(
    long Customers,
    IReadOnlyList<FieldCompleteness> Completeness,
    Listed<CustomerIssue> InvalidEmails,
    Listed<CustomerIssue> InvalidPhones,
    long LikelyDuplicates,
    IReadOnlyDictionary<string, long> DuplicatesByReason,
    int StaleMonths,
    DateTimeOffset StaleBefore,
    Listed<StaleCustomer> Stale,
    Listed<Reference> CompaniesWithoutPeople,
    Listed<ProductRef> ProductsNeverBought,
    long ElapsedMs);

public sealed partial class GetDataQuality(RapportDbContext db, TimeProvider clock)
{
    public const int DefaultStaleMonths = 24;
    public const int MaxStaleMonths = 600;
    public const int ListSize = 50;

    public async Task<Result<DataQualityReport>> HandleAsync(int? staleMonths, CancellationToken ct)
    {
        var months = staleMonths ?? DefaultStaleMonths;
        if (months is < 1 or > MaxStaleMonths)
        {
            return Result<DataQualityReport>.Invalid("staleMonths", $"Must be a whole number of months from 1 to {MaxStaleMonths}.");
        }

        var watch = Stopwatch.StartNew();
        var (total, completeness) = await CompletenessAsync(ct);
        var (emails, phones) = await InvalidContactsAsync(ct);

        var byReasons = await db.DuplicateCandidates.AsNoTracking()
            .Where(c => c.Status == DuplicateStatus.Open)
            .GroupBy(c => c.Reasons)
            .Select(g => new { Reasons = g.Key, Count = g.LongCount() })
            .ToListAsync(ct);
        var duplicates = byReasons.Sum(r => r.Count);
        var byReason = byReasons
            .SelectMany(r => r.Reasons.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(reason => (reason, r.Count)))
            .GroupBy(x => x.reason, StringComparer.Ordinal)
            .OrderBy(g => Array.IndexOf(ReasonOrder, g.Key))
            .ToDictionary(g => g.Key, g => g.Sum(x => x.Count), StringComparer.Ordinal);

        var before = clock.GetUtcNow().AddMonths(-months);
        var stale =
            from c in db.Customers.AsNoTracking()
            from m in db.CustomerMetrics.AsNoTracking().Where(m => m.CustomerId == c.Id).DefaultIfEmpty()
            where c.UpdatedAt < before &&
                  (m == null || ((m.LastPurchaseAt == null || m.LastPurchaseAt < before) && (m.LastInteractionAt == null || m.LastInteractionAt < before)))
            select new { c.Id, c.FirstName, c.LastName, c.Email, c.UpdatedAt, LastPurchaseAt = m == null ? null : m.LastPurchaseAt, LastInteractionAt = m == null ? null : m.LastInteractionAt };
        var staleCount = await stale.LongCountAsync(ct);
        var staleItems = (await stale.OrderBy(s => s.UpdatedAt).ThenBy(s => s.Id).Take(ListSize).ToListAsync(ct))
            .Select(s => new StaleCustomer(s.Id, CustomerNames.Display(s.FirstName, s.LastName, s.Email, s.Id), s.UpdatedAt, Latest(s.LastPurchaseAt, s.LastInteractionAt)))
            .ToList();

        var lonely = db.Companies.AsNoTracking().Where(co => !db.Customers.Any(c => c.CompanyId == co.Id));
        var companies = new Listed<Reference>(
            await lonely.LongCountAsync(ct),
            await lonely.OrderBy(co => co.NameNormalized).ThenBy(co => co.Id).Take(ListSize).Select(co => new Reference(co.Id, co.Name)).ToListAsync(ct));

        var unsold = db.Products.AsNoTracking().Where(p => !db.TransactionLines.Any(l => l.ProductId == p.Id));
        var products = new Listed<ProductRef>(
            await unsold.LongCountAsync(ct),
            await unsold.OrderBy(p => p.NameNormalized).ThenBy(p => p.Id).Take(ListSize).Select(p => new ProductRef(p.Id, p.Sku, p.Name)).ToListAsync(ct));

        return Result<DataQualityReport>.Ok(new DataQualityReport(
            total, completeness, emails, phones, duplicates, byReason, months, before,
            new Listed<StaleCustomer>(staleCount, staleItems), companies, products, watch.ElapsedMilliseconds));
    }

    private static readonly string[] ReasonOrder = ["email", "phone", "name", "address", "company"];

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    /// <summary>One pass over customers counting every standard field, then tags and each custom field.</summary>
    private async Task<(long Total, List<FieldCompleteness> Fields)> CompletenessAsync(CancellationToken ct)
    {
        var counts = await db.Customers.AsNoTracking()
            .GroupBy(_ => 1)
            .Select(g => new
            {
                Total = g.LongCount(),
                FirstName = g.LongCount(c => c.FirstName != null && c.FirstName != ""),
                LastName = g.LongCount(c => c.LastName != null && c.LastName != ""),
                Email = g.LongCount(c => c.Email != null && c.Email != ""),
                Phone = g.LongCount(c => c.Phone != null && c.Phone != ""),
                Street = g.LongCount(c => c.Street != null && c.Street != ""),
                PostalCode = g.LongCount(c => c.PostalCode != null && c.PostalCode != ""),
                City = g.LongCount(c => c.City != null && c.City != ""),
                Region = g.LongCount(c => c.Region != null && c.Region != ""),
                Country = g.LongCount(c => c.Country != null && c.Country != ""),
                BirthDate = g.LongCount(c => c.BirthDate != null),
                Language = g.LongCount(c => c.Language != null && c.Language != ""),
                Company = g.LongCount(c => c.CompanyId != null),
                Owner = g.LongCount(c => c.OwnerId != null),
            })
            .SingleOrDefaultAsync(ct);
        var total = counts?.Total ?? 0;
        var tagged = await db.CustomerTags.AsNoTracking().Select(t => t.CustomerId).Distinct().LongCountAsync(ct);
        var custom = await db.CustomerFieldValues.AsNoTracking()
            .GroupBy(v => v.FieldId)
            .Select(g => new { FieldId = g.Key, Count = g.LongCount() })
            .ToDictionaryAsync(x => x.FieldId, x => x.Count, ct);
        var definitions = await db.CustomFields.AsNoTracking().OrderBy(f => f.Position).ThenBy(f => f.Key)
            .Select(f => new { f.Id, f.Key, f.Label }).ToListAsync(ct);

        FieldCompleteness Field(string key, string label, long? filled) =>
            new(key, label, filled ?? 0, total == 0 ? 0 : Math.Round((filled ?? 0) * 100.0 / total, 1));

        var fields = new List<FieldCompleteness>
        {
            Field("firstName", "First name", counts?.FirstName),
            Field("lastName", "Last name", counts?.LastName),
            Field("email", "Email", counts?.Email),
            Field("phone", "Phone", counts?.Phone),
            Field("street", "Street", counts?.Street),
            Field("postalCode", "Postal code", counts?.PostalCode),
            Field("city", "City", counts?.City),
            Field("region", "Region", counts?.Region),
            Field("country", "Country", counts?.Country),
            Field("birthDate", "Birth date", counts?.BirthDate),
            Field("language", "Language", counts?.Language),
            Field("companyId", "Company", counts?.Company),
            Field("ownerId", "Owner", counts?.Owner),
            Field("tags", "Tags", tagged),
        };
        fields.AddRange(definitions.Select(d => Field(MergeFields.CustomPrefix + d.Key, d.Label, custom.GetValueOrDefault(d.Id))));
        return (total, fields);
    }

    /// <summary>Emails and phones are checked in code (the same rules as input), streaming one row per customer that has either.</summary>
    private async Task<(Listed<CustomerIssue> Emails, Listed<CustomerIssue> Phones)> InvalidContactsAsync(CancellationToken ct)
    {
        long badEmails = 0, badPhones = 0;
        var emails = new List<CustomerIssue>();
        var phones = new List<CustomerIssue>();
        var rows = db.Customers.AsNoTracking()
            .Where(c => c.Email != null || c.Phone != null)
            .OrderBy(c => c.Id)
            .Select(c => new { c.Id, c.FirstName, c.LastName, c.Email, c.Phone, c.Country })
            .AsAsyncEnumerable();
        await foreach (var c in rows.WithCancellation(ct))
        {
            if (c.Email is { Length: > 0 } email && !Validate.IsEmail(email.Trim()))
            {
                if (badEmails++ < ListSize)
                {
                    emails.Add(new CustomerIssue(c.Id, CustomerNames.Display(c.FirstName, c.LastName, null, c.Id), email, "Not a valid email address."));
                }
            }

            if (c.Phone is { Length: > 0 } phone && PhoneProblem(phone, c.Country) is { } problem)
            {
                if (badPhones++ < ListSize)
                {
                    phones.Add(new CustomerIssue(c.Id, CustomerNames.Display(c.FirstName, c.LastName, c.Email, c.Id), phone, problem));
                }
            }
        }

        return (new Listed<CustomerIssue>(badEmails, emails), new Listed<CustomerIssue>(badPhones, phones));
    }

    /// <summary>Why a phone number cannot be dialled, or null when it looks like one.</summary>
    public static string? PhoneProblem(string phone, string? country)
    {
        if (!PhoneShape().IsMatch(phone.Trim()))
        {
            return "Has letters or symbols that a phone number does not have.";
        }

        if (ContactKeys.Phone(phone, country) is not { } key)
        {
            return $"Has fewer than {ContactKeys.MinPhoneDigits} digits.";
        }

        return key.CountryCode.Length + key.Number.Length > 15 ? "Has more than 15 digits." : null;
    }

    /// <summary>Digits, spaces and + - ( ) . /, optionally followed by an extension (x12, ext. 12).</summary>
    [GeneratedRegex(@"^\+?[0-9\-(). /]+((x|ext\.?|extension)\s*[0-9]+)?$", RegexOptions.IgnoreCase)]
    private static partial Regex PhoneShape();
}

public static class DataQualityServices
{
    public static IServiceCollection AddDataQuality(this IServiceCollection services) => services.AddScoped<GetDataQuality>();
}
