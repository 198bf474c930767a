using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Data;
using Rapport.Metrics;

namespace Rapport.Customers;

/// <summary>
/// <c>Q</c>: words that must all appear in the name or email (case and accents ignored); a complete email address
/// finds exactly that email. <c>Tag</c>, <c>CompanyId</c>, <c>OwnerId</c>, <c>Stage</c> (a stage key),
/// <c>SegmentId</c> (members of a segment) and <c>RfmSegment</c> (an RFM segment key) filter; <c>Sort</c> is one of
/// <see cref="CustomerSort.Accepted"/> (default <c>name</c>); <c>Limit</c> 1..200 (default 50); <c>After</c> is the
/// <c>next</c> cursor of the previous page.
/// </summary>
public sealed record SearchCustomersRequest(
    string? Q = null,
    string? Tag = null,
    long? CompanyId = null,
    long? OwnerId = null,
    string? Sort = null,
    int? Limit = null,
    string? After = null,
    string? Stage = null,
    long? SegmentId = null,
    string? RfmSegment = null);

/// <summary>A customer in a list. Revenue is in the reporting currency; instants are UTC; tags are sorted.</summary>
public sealed record CustomerRow(
    long Id,
    string DisplayName,
    string? Email,
    string? Phone,
    string? City,
    string? Country,
    string? CompanyName,
    IReadOnlyList<string> Tags,
    int PurchaseCount,
    decimal Revenue,
    DateTimeOffset? LastPurchaseAt,
    DateTimeOffset CreatedAt,
    long? OwnerId = null,
    string? OwnerName = null,
    Stages.Stage Stage = Stages.Stage.Prospecting,
    string? RfmSegment = null,
    decimal? Clv = null,
    double? PAlive = null);

/// <summary>The filters beyond search and tag, as validated.</summary>
internal sealed record ListFilters(long? CompanyId, long? OwnerId, Stages.Stage? Stage, long? SegmentId, string? RfmSegment);

public sealed class SearchCustomers(RapportDbContext db, Access.CustomerOwnership ownership)
{
    /// <summary>At most this many words of <c>q</c> are used.</summary>
    public const int MaxSearchWords = 8;
    public const int MaxQueryLength = 200;

    /// <summary>Filters matching at most this many customers are resolved to ids first (see <c>CandidatesAsync</c>).</summary>
    public const int CandidateLimit = 1000;

    public async Task<Result<Page<CustomerRow>>> HandleAsync(SearchCustomersRequest request, CancellationToken ct)
    {
        var errors = new FieldErrors();
        Cursor.TryLimit(request.Limit, errors, out var limit);
        if (!CustomerSort.TryParse(request.Sort, out var sort))
        {
            errors.Add("sort", $"Must be one of: {string.Join(", ", CustomerSort.Accepted)}.");
        }

        var q = Validate.Clean(request.Q);
        Validate.MaxLength(errors, "q", q, MaxQueryLength);
        var tag = Validate.Clean(request.Tag)?.ToLowerInvariant();
        Validate.MaxLength(errors, "tag", tag, CustomerLimits.Tag);
        Stages.Stage? stage = null;
        if (Validate.Clean(request.Stage) is { } stageText)
        {
            if (Stages.Stages.TryParse(stageText, out var parsed))
            {
                stage = parsed;
            }
            else
            {
                errors.Add("stage", $"Must be one of: {string.Join(", ", Stages.Stages.All.Select(s => Stages.Stages.Key(s)))}.");
            }
        }

        var rfm = Validate.Clean(request.RfmSegment)?.ToLowerInvariant();
        if (rfm is not null && Analytics.RfmSegments.Find(rfm) is null)
        {
            errors.Add("rfmSegment", $"Must be an RFM segment: {string.Join(", ", Analytics.RfmSegments.All.Select(s => s.Key))}.");
        }

        if (request.SegmentId is { } segmentId && !await db.Set<Segments.Segment>().AnyAsync(s => s.Id == segmentId, ct))
        {
            errors.Add("segmentId", $"There is no segment {segmentId}.");
        }

        var filters = new ListFilters(request.CompanyId, request.OwnerId, stage, request.SegmentId, rfm);
        var segment = 0;
        object[]? after = null;
        if (!string.IsNullOrEmpty(request.After))
        {
            if (errors.Any || !CustomerKeyset.TryDecode(request.After, sort, out segment, out after))
            {
                errors.Add("after", "Is not a cursor of this list (it must be the 'next' value of a page with the same sort); start again without it.");
            }
        }

        if (errors.Any)
        {
            return errors.ToResult<Page<CustomerRow>>();
        }

        var (candidates, resolved) = await CandidatesAsync(q, tag, filters, ct);
        if (resolved == Resolved.Tag)
        {
            tag = null;
        }
        else if (resolved == Resolved.Text)
        {
            q = null;
        }
        else if (resolved == Resolved.Segment)
        {
            filters = filters with { SegmentId = null };
        }

        if (candidates is { Count: 0 })
        {
            return Result<Page<CustomerRow>>.Ok(new Page<CustomerRow>([], null));
        }

        var segments = CustomerKeyset.SegmentsFor(sort.Field);
        var hits = new List<(SearchHit Hit, int Segment)>(limit + 1);
        var order = Enumerable.Range(0, segments.Count).ToList();
        if (sort.Descending)
        {
            order.Reverse();
        }

        // Read segment after segment (starting at the cursor's) until the page and one extra row are found.
        foreach (var s in order.SkipWhile(s => after is not null && s != segment))
        {
            // Customers who never bought have no RFM segment: with that filter the never-bought part of the
            // last-purchase order cannot match, and walking it (a tenth of the customers) would find nothing.
            if (filters.RfmSegment is not null && sort.Field == CustomerSortField.LastPurchase && s == CustomerKeyset.NeverPurchasedSegment)
            {
                continue;
            }

            var atCursor = after is not null && s == segment;
            var sqliteRevenue = atCursor && sort.Field == CustomerSortField.Revenue && !db.IsPostgres;
            var query = Filtered(sqliteRevenue ? SqliteRevenueAfter(after!, sort.Descending) : db.CustomerMetrics, q, tag, filters, candidates)
                .Where(segments[s].Filter);
            if (atCursor && !sqliteRevenue)
            {
                query = query.Where(CustomerKeyset.After(segments[s], after!, sort.Descending));
            }

            var found = await CustomerKeyset.Order(query, segments[s], sort.Descending)
                .Take(limit + 1 - hits.Count)
                .Select(r => new SearchHit(
                    r.C.Id, r.C.FirstName, r.C.LastName, r.C.Email, r.C.EmailNormalized, r.C.Phone, r.C.City, r.C.Country,
                    r.C.Company != null ? r.C.Company.Name : null,
                    r.M.PurchaseCount, r.M.Revenue, r.M.LastPurchaseAt, r.C.CreatedAt,
                    r.C.OwnerId, r.C.Owner != null ? r.C.Owner.DisplayName : null, r.M.Stage, r.M.RfmSegment, r.M.Clv, r.M.PAlive))
                .ToListAsync(ct);
            hits.AddRange(found.Select(h => (h, s)));
            if (hits.Count > limit)
            {
                break;
            }
        }

        var page = hits.Take(limit).ToList();
        string? next = null;
        if (hits.Count > limit)
        {
            var (last, lastSegment) = page[^1];
            var keys = segments[lastSegment].Keys.Select(k => k.FromHit(last)).ToList();
            if (sort.Field == CustomerSortField.Revenue && !db.IsPostgres)
            {
                keys[0] = await ExactSqliteRevenueAsync(last.Id, ct);
            }

            next = CustomerKeyset.Encode(sort, lastSegment, keys);
        }

        var ids = page.Select(p => p.Hit.Id).ToList();
        var tags = (await db.CustomerTags.AsNoTracking().Where(t => ids.Contains(t.CustomerId)).Select(t => new { t.CustomerId, t.Tag }).ToListAsync(ct))
            .ToLookup(t => t.CustomerId, t => t.Tag);
        var items = page.Select(p => p.Hit).Select(h => new CustomerRow(
            h.Id,
            CustomerNames.Display(h.FirstName, h.LastName, h.Email, h.Id),
            h.Email,
            h.Phone,
            h.City,
            h.Country,
            h.CompanyName,
            [.. tags[h.Id].Order(StringComparer.Ordinal)],
            h.PurchaseCount,
            h.Revenue,
            h.LastPurchaseAt,
            h.CreatedAt,
            h.OwnerId,
            h.OwnerName,
            h.Stage,
            h.RfmSegment,
            h.Clv,
            h.PAlive)).ToList();
        return Result<Page<CustomerRow>>.Ok(new Page<CustomerRow>(items, next));
    }

    /// <summary>
    /// The ids of every customer a selective filter leaves, when there are at most <see cref="CandidateLimit"/>:
    /// the page queries then look those rows up by key and sort them, instead of walking the sort index and testing
    /// every customer (a rare tag or a search that matches nobody would otherwise read the whole index, once per
    /// segment). Null when the filters are absent or match too many customers to help; then matches are dense and
    /// the ordered index walk finds a page quickly.
    /// </summary>
    private async Task<(List<long>? Ids, Resolved Filter)> CandidatesAsync(string? q, string? tag, ListFilters filters, CancellationToken ct)
    {
        if (filters.SegmentId is { } segmentId)
        {
            // Read from the (segment_id, customer_id) primary key alone.
            var members = await db.Set<Segments.SegmentMember>().AsNoTracking().Where(m => m.SegmentId == segmentId).Select(m => m.CustomerId).OrderBy(id => id).Take(CandidateLimit + 1).ToListAsync(ct);
            if (members.Count <= CandidateLimit)
            {
                return (members, Resolved.Segment);
            }
        }

        if (tag is not null)
        {
            // Read from the (tag, customer_id) index alone.
            // Ordered by id (the index's own order) so that the row limit is deterministic.
            var tagged = await db.CustomerTags.AsNoTracking().Where(t => t.Tag == tag).Select(t => t.CustomerId).OrderBy(id => id).Take(CandidateLimit + 1).ToListAsync(ct);
            if (tagged.Count <= CandidateLimit)
            {
                return (tagged, Resolved.Tag);
            }
        }

        // Indexed filters that may be rare (a small stage, an owner's or a company's customers). Ordered by the filter's
        // own column (constant here) so that each probe reads only its index, stopping after the limit.
        if (filters.Stage is { } stage)
        {
            var staged = await db.CustomerMetrics.AsNoTracking().Where(m => m.Stage == stage).OrderBy(m => m.Stage).Select(m => m.CustomerId).Take(CandidateLimit + 1).ToListAsync(ct);
            if (staged.Count <= CandidateLimit)
            {
                return (staged, Resolved.Other);
            }
        }

        if (filters.OwnerId is { } ownerId)
        {
            var owned = await db.Customers.AsNoTracking().Where(c => c.OwnerId == ownerId).OrderBy(c => c.OwnerId).Select(c => c.Id).Take(CandidateLimit + 1).ToListAsync(ct);
            if (owned.Count <= CandidateLimit)
            {
                return (owned, Resolved.Other);
            }
        }

        if (filters.CompanyId is { } companyId)
        {
            var employed = await db.Customers.AsNoTracking().Where(c => c.CompanyId == companyId).OrderBy(c => c.CompanyId).Select(c => c.Id).Take(CandidateLimit + 1).ToListAsync(ct);
            if (employed.Count <= CandidateLimit)
            {
                return (employed, Resolved.Other);
            }
        }

        if (q is not null && !Validate.IsEmail(q))
        {
            // One pass over search_text, stopping as soon as the match is known not to be selective.
            var matching = await MatchingText(db.Customers.AsNoTracking(), q).Select(c => c.Id).OrderBy(id => id).Take(CandidateLimit + 1).ToListAsync(ct);
            if (matching.Count <= CandidateLimit)
            {
                return (matching, Resolved.Text);
            }
        }

        return (null, Resolved.None);
    }

    /// <summary>Which filter the candidate ids already apply, so the page queries need not test it again.</summary>
    private enum Resolved
    {
        None,
        Tag,
        Text,
        Segment,
        /// <summary>Candidates came from another filter, which the page queries still test (cheap on at most 1,000 rows).</summary>
        Other,
    }

    private static IQueryable<Customer> MatchingText(IQueryable<Customer> customers, string q)
    {
        foreach (var word in q.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().Take(MaxSearchWords))
        {
            var folded = Validate.Fold(word);
            customers = customers.Where(c => c.SearchText.Contains(folded));
        }

        return customers;
    }

    private IQueryable<SearchRow> Filtered(IQueryable<CustomerMetrics> metrics, string? q, string? tag, ListFilters filters, List<long>? candidates)
    {
        // Record ownership: a restricted caller's list, search and exports hold only their own and their team's customers.
        var customers = ownership.Visible(db.Customers.AsNoTracking());
        if (candidates is not null)
        {
            customers = customers.Where(c => candidates.Contains(c.Id));
        }

        if (q is not null)
        {
            if (Validate.IsEmail(q))
            {
                // A whole address: the email_normalized index answers it directly.
                var email = Validate.NormalizeEmail(q);
                customers = customers.Where(c => c.EmailNormalized == email);
            }
            else
            {
                customers = MatchingText(customers, q);
            }
        }

        // Inner join: every customer has a metrics row (CreateCustomer writes it; bulk loaders run RefreshAllAsync).
        var rows = from c in customers
                   join m in metrics.AsNoTracking() on c.Id equals m.CustomerId
                   select new SearchRow { C = c, M = m };
        if (tag is not null)
        {
            rows = rows.Where(r => db.CustomerTags.Any(t => t.CustomerId == r.C.Id && t.Tag == tag));
        }

        if (filters.CompanyId is { } companyId)
        {
            rows = rows.Where(r => r.C.CompanyId + 0 == companyId);
        }

        // Stage, owner and company are compared as "column + 0": the planner must not pick their own index (and then
        // sort every match, hundreds of thousands for a common stage) instead of walking the order's index and
        // stopping at a full page. Rare values never get here: CandidatesAsync resolved them to ids.
        if (filters.OwnerId is { } ownerId)
        {
            rows = rows.Where(r => r.C.OwnerId + 0 == ownerId);
        }

        if (filters.Stage is { } stage)
        {
            var number = (int)stage;
            rows = rows.Where(r => (int)r.M.Stage + 0 == number);
        }

        if (filters.RfmSegment is { } rfm)
        {
            // An expression, not the bare column, for the same reason: on SQLite an equality on the column made the
            // planner scan customer_metrics and sort it all (0.5 s at 1,000,000) instead of walking the order's index.
            rows = rows.Where(r => r.M.RfmSegment + "" == rfm);
        }

        if (filters.SegmentId is { } segmentId)
        {
            rows = rows.Where(r => db.Set<Segments.SegmentMember>().Any(m => m.SegmentId == segmentId && m.CustomerId == r.C.Id));
        }

        return rows;
    }

    /// <summary>
    /// SQLite keeps revenue as REAL, read back rounded to 4 decimals, and a sum can sit a hair off its rounded value
    /// (0.1 + 0.2). A cursor holding the rounded value would skip or repeat rows tied with it, so the cursor holds
    /// the stored double's exact digits instead.
    /// </summary>
    private async Task<decimal> ExactSqliteRevenueAsync(long customerId, CancellationToken ct)
    {
        var stored = await db.Database.SqlQuery<double>($"SELECT revenue AS \"Value\" FROM customer_metrics WHERE customer_id = {customerId}").SingleAsync(ct);
        return RoundTripDecimal(stored);
    }

    /// <summary>
    /// The revenue keyset condition on SQLite, compared in SQL against the cursor's double as a REAL parameter:
    /// EF would send the decimal through the decimal → double conversion, which cannot reach every double.
    /// </summary>
    private IQueryable<CustomerMetrics> SqliteRevenueAfter(object[] after, bool descending)
    {
        var revenue = ToDouble((decimal)after[0]);
        var id = (long)after[1];
        return descending
            ? db.CustomerMetrics.FromSql($"SELECT * FROM customer_metrics WHERE revenue <= {revenue} AND (revenue < {revenue} OR customer_id < {id})")
            : db.CustomerMetrics.FromSql($"SELECT * FROM customer_metrics WHERE revenue >= {revenue} AND (revenue > {revenue} OR customer_id > {id})");
    }

    /// <summary>The double's shortest round-trip digits as a decimal: <see cref="ToDouble"/> gives the very same double back.</summary>
    internal static decimal RoundTripDecimal(double value) =>
        decimal.Parse(value.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>Parses the decimal's digits as a double (correctly rounded, unlike the decimal → double conversion).</summary>
    internal static double ToDouble(decimal value) => double.Parse(value.ToString(CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
}
