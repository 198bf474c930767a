using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Privacy;

public sealed record PrivacyRequestDetail(
    long Id,
    PrivacyRequestKind Kind,
    long? CustomerId,
    string? CustomerName,
    bool CustomerErased,
    string RequesterContact,
    DateTimeOffset ReceivedAt,
    DateTimeOffset DueAt,
    PrivacyRequestStatus Status,
    long? HandledByUserId,
    string? HandledBy,
    string? Notes,
    DateTimeOffset? CompletedAt,
    bool Overdue,
    bool DueSoon);

/// <param name="ReceivedAt">When the request reached the business; defaults to now. The deadline counts from it.</param>
public sealed record CreatePrivacyRequest(PrivacyRequestKind Kind, long? CustomerId, string RequesterContact, DateTimeOffset? ReceivedAt, string? Notes);

/// <summary>A change of status, handler, customer link or notes (null leaves a field as it is).</summary>
public sealed record UpdatePrivacyRequest(PrivacyRequestStatus? Status, long? CustomerId, string? Notes, bool? AssignToMe);

public sealed record PrivacyRequestQuery(PrivacyRequestStatus? Status, PrivacyRequestKind? Kind, bool? OverdueOnly, long? CustomerId, int? Limit, string? After);

/// <summary>The data-subject request log: create, list (by deadline), read, update. docs/privacy-requests.md.</summary>
public sealed class PrivacyRequests(RapportDbContext db, TimeProvider clock)
{
    public const int ContactMaxLength = 300;
    public const int NotesMaxLength = 4000;
    /// <summary>A request due within this many days is "due soon".</summary>
    public static readonly TimeSpan DueSoonWithin = TimeSpan.FromDays(7);

    /// <summary>GDPR article 12(3): one month from receipt. A calendar month in UTC (31 January → 28/29 February).</summary>
    public static DateTimeOffset DueFrom(DateTimeOffset received) => received.ToUniversalTime().AddMonths(1);

    public static bool IsClosed(PrivacyRequestStatus status) => status is PrivacyRequestStatus.Done or PrivacyRequestStatus.Rejected;

    public async Task<Result<PrivacyRequestDetail>> CreateAsync(CreatePrivacyRequest request, long? userId, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var contact = Validate.Clean(request.RequesterContact);
        Validate.Required(errors, "requesterContact", contact);
        Validate.MaxLength(errors, "requesterContact", contact, ContactMaxLength);
        var notes = Validate.Clean(request.Notes);
        Validate.MaxLength(errors, "notes", notes, NotesMaxLength);
        var now = clock.GetUtcNow();
        var received = request.ReceivedAt?.ToUniversalTime() ?? now;
        if (received > now.AddMinutes(5))
        {
            errors.Add("receivedAt", "Cannot be in the future.");
        }

        if (!Enum.IsDefined(request.Kind))
        {
            errors.Add("kind", "Must be access, erasure, rectification or objection.");
        }

        if (errors.Any)
        {
            return errors.ToResult<PrivacyRequestDetail>();
        }

        if (request.CustomerId is { } customerId && !await db.Customers.AnyAsync(c => c.Id == customerId, ct))
        {
            return Result<PrivacyRequestDetail>.Invalid("customerId", $"There is no customer {customerId}.");
        }

        var row = new PrivacyRequest
        {
            Kind = request.Kind,
            CustomerId = request.CustomerId,
            RequesterContact = contact!,
            ReceivedAt = received,
            DueAt = DueFrom(received),
            Status = PrivacyRequestStatus.Open,
            HandledByUserId = userId,
            Notes = notes,
        };
        db.Add(row);
        await db.SaveChangesAsync(ct);
        return Result<PrivacyRequestDetail>.Ok((await GetAsync(row.Id, ct)).Value!);
    }

    public async Task<Result<PrivacyRequestDetail>> GetAsync(long id, CancellationToken ct)
    {
        var rows = await Query(db.Set<PrivacyRequest>().Where(r => r.Id == id)).ToListAsync(ct);
        return rows.Count == 0
            ? Result<PrivacyRequestDetail>.NotFound($"There is no privacy request {id}.")
            : Result<PrivacyRequestDetail>.Ok(Detail(rows[0], clock.GetUtcNow()));
    }

    public async Task<Result<Page<PrivacyRequestDetail>>> ListAsync(PrivacyRequestQuery query, CancellationToken ct)
    {
        var errors = new FieldErrors();
        Cursor.TryLimit(query.Limit, errors, out var limit);
        Keyset.TryDecode(query.After, errors, out (DateTimeOffset At, long Id)? after);
        if (errors.Any)
        {
            return errors.ToResult<Page<PrivacyRequestDetail>>();
        }

        var now = clock.GetUtcNow();
        var rows = db.Set<PrivacyRequest>().AsQueryable();
        if (query.Status is { } status)
        {
            rows = rows.Where(r => r.Status == status);
        }

        if (query.Kind is { } kind)
        {
            rows = rows.Where(r => r.Kind == kind);
        }

        if (query.CustomerId is { } customerId)
        {
            rows = rows.Where(r => r.CustomerId == customerId);
        }

        if (query.OverdueOnly == true)
        {
            rows = rows.Where(r => r.DueAt < now && r.Status != PrivacyRequestStatus.Done && r.Status != PrivacyRequestStatus.Rejected);
        }

        if (after is { } key)
        {
            rows = rows.Where(r => r.DueAt > key.At || (r.DueAt == key.At && r.Id > key.Id));
        }

        var page = await Query(rows.OrderBy(r => r.DueAt).ThenBy(r => r.Id).Take(limit + 1)).ToListAsync(ct);
        page = page.OrderBy(r => r.Request.DueAt).ThenBy(r => r.Request.Id).ToList();
        var items = page.Take(limit).Select(r => Detail(r, now)).ToList();
        var next = page.Count > limit ? Keyset.Encode(items[^1].DueAt, items[^1].Id) : null;
        return Result<Page<PrivacyRequestDetail>>.Ok(new Page<PrivacyRequestDetail>(items, next));
    }

    public async Task<Result<PrivacyRequestDetail>> UpdateAsync(long id, UpdatePrivacyRequest change, long? userId, CancellationToken ct)
    {
        var row = await db.Set<PrivacyRequest>().SingleOrDefaultAsync(r => r.Id == id, ct);
        if (row is null)
        {
            return Result<PrivacyRequestDetail>.NotFound($"There is no privacy request {id}.");
        }

        var errors = new FieldErrors();
        var notes = change.Notes is null ? null : Validate.Clean(change.Notes);
        Validate.MaxLength(errors, "notes", notes, NotesMaxLength);
        if (change.Status is { } s && !Enum.IsDefined(s))
        {
            errors.Add("status", "Must be open, inProgress, done or rejected.");
        }

        if (errors.Any)
        {
            return errors.ToResult<PrivacyRequestDetail>();
        }

        if (change.CustomerId is { } customerId && customerId != row.CustomerId)
        {
            if (!await db.Customers.AnyAsync(c => c.Id == customerId, ct))
            {
                return Result<PrivacyRequestDetail>.Invalid("customerId", $"There is no customer {customerId}.");
            }

            row.CustomerId = customerId;
        }

        if (change.Notes is not null)
        {
            row.Notes = notes;
        }

        if (change.AssignToMe == true && userId is not null)
        {
            row.HandledByUserId = userId;
        }

        if (change.Status is { } status && status != row.Status)
        {
            row.Status = status;
            row.CompletedAt = IsClosed(status) ? clock.GetUtcNow() : null;
            row.HandledByUserId ??= userId;
        }

        await db.SaveChangesAsync(ct);
        return (await GetAsync(id, ct));
    }

    private sealed record Row(PrivacyRequest Request, string? FirstName, string? LastName, string? Email, bool Erased, string? HandledBy);

    private IQueryable<Row> Query(IQueryable<PrivacyRequest> source) =>
        from r in source.AsNoTracking()
        join c in db.Customers on r.CustomerId equals c.Id into cs
        from c in cs.DefaultIfEmpty()
        join u in db.Users on r.HandledByUserId equals u.Id into us
        from u in us.DefaultIfEmpty()
        select new Row(r, c == null ? null : c.FirstName, c == null ? null : c.LastName, c == null ? null : c.Email, c != null && c.ErasedAt != null, u == null ? null : u.DisplayName);

    private static PrivacyRequestDetail Detail(Row row, DateTimeOffset now)
    {
        var r = row.Request;
        var open = !IsClosed(r.Status);
        string? name = r.CustomerId is { } cid ? (row.Erased ? $"Customer {cid} (erased)" : Customers.CustomerNames.Display(row.FirstName, row.LastName, row.Email, cid)) : null;
        return new PrivacyRequestDetail(r.Id, r.Kind, r.CustomerId, name, row.Erased, r.RequesterContact, r.ReceivedAt, r.DueAt, r.Status,
            r.HandledByUserId, row.HandledBy, r.Notes, r.CompletedAt, open && r.DueAt < now, open && r.DueAt >= now && r.DueAt - now <= DueSoonWithin);
    }
}
