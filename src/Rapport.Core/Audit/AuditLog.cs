using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Audit;

/// <summary><c>Rapport:Audit:Enabled</c> (default true). Only the benchmark switches it off, to measure what auditing costs.</summary>
public sealed class AuditSettings(IConfiguration configuration)
{
    public bool Enabled { get; } = configuration.GetValue("Rapport:Audit:Enabled", true);
}

/// <summary>An audit entry as the page, the API and the privacy export show it.</summary>
public sealed record AuditEntry(
    long Id,
    DateTimeOffset OccurredAt,
    string ActorKind,
    long? ActorId,
    string? ActorLabel,
    string? Ip,
    string Action,
    string? EntityType,
    string? EntityId,
    long? CustomerId,
    JsonElement? Changes);

/// <summary>Filters for the audit search; all optional. <c>Action</c> ending in <c>.</c> or <c>*</c> matches a prefix (<c>sign_in.*</c>).</summary>
public sealed record AuditQuery(
    string? ActorKind = null,
    long? ActorId = null,
    string? Action = null,
    string? EntityType = null,
    string? EntityId = null,
    long? CustomerId = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    int? Limit = null,
    string? After = null);

/// <summary>
/// The audit log's one entry point for code that is not a tracked EF write (those are recorded by
/// <see cref="AuditInterceptor"/>): sign-ins, exports, raw-SQL bulk writes, system jobs, views of personal data.
/// </summary>
public sealed class AuditLog(RapportDbContext db, AuditSettings settings, AuditQueue queue, IAuditActorSource actors, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public bool Enabled => settings.Enabled;

    /// <summary>The actor of the current request or job.</summary>
    public AuditActor CurrentActor => AuditScope.Current ?? actors.Current ?? AuditActor.System("app");

    /// <summary>
    /// Records an event now, inside the current transaction of the request's DbContext when there is one (so it
    /// commits or rolls back with the change). <paramref name="details"/> is serialised as the entry's JSON and must
    /// hold no personal values (ids, counts, codes).
    /// </summary>
    public Task RecordAsync(string action, string? entityType = null, string? entityId = null, long? customerId = null, object? details = null, CancellationToken ct = default) =>
        RecordAsync(CurrentActor, action, entityType, entityId, customerId, details, ct);

    /// <summary>
    /// The same with an explicit actor; jobs use <c>AuditActor.System("retention")</c>, e.g.
    /// <c>await audit.RecordAsync(AuditActor.System("retention"), "retention.run", details: new { deleted, anonymised }, ct: ct)</c>.
    /// </summary>
    public async Task RecordAsync(AuditActor actor, string action, string? entityType = null, string? entityId = null, long? customerId = null, object? details = null, CancellationToken ct = default)
    {
        if (!settings.Enabled)
        {
            return;
        }

        await AuditWriter.InsertAsync(db, [Entry(actor, action, entityType, entityId, customerId, details)], ct);
    }

    /// <summary>
    /// Records a read of personal data (customer page, <c>GET /customers/{id}</c>, timeline, export) through the
    /// in-process queue: the request does not wait for the database.
    /// </summary>
    public async ValueTask ViewedAsync(string action, string entityType, string? entityId, long? customerId, object? details = null, CancellationToken ct = default)
    {
        if (!settings.Enabled)
        {
            return;
        }

        var entry = Entry(CurrentActor, action, entityType, entityId, customerId, details);
        if (queue.HasWriter)
        {
            await queue.EnqueueAsync(entry, ct);
        }
        else
        {
            await AuditWriter.InsertAsync(db, [entry], ct);
        }
    }

    private AuditEvent Entry(AuditActor actor, string action, string? entityType, string? entityId, long? customerId, object? details) => new()
    {
        OccurredAt = clock.GetUtcNow(),
        ActorKind = actor.Kind,
        ActorId = actor.Id,
        ActorLabel = actor.Label,
        Ip = actor.Ip,
        Action = action,
        EntityType = entityType,
        EntityId = entityId,
        CustomerId = customerId,
        Changes = details is null ? null : details as string ?? JsonSerializer.Serialize(details, Json),
    };

    /// <summary>Every entry about one customer, oldest first (for the privacy export of a data-subject request).</summary>
    public async Task<IReadOnlyList<AuditEntry>> ForCustomerAsync(long customerId, CancellationToken ct)
    {
        var rows = await db.Set<AuditEvent>().AsNoTracking()
            .Where(e => e.CustomerId == customerId)
            .OrderBy(e => e.Id)
            .ToListAsync(ct);
        return rows.Select(ToEntry).ToList();
    }

    /// <summary>Newest first, keyset-paged by id (<c>after</c> is the cursor of the previous page).</summary>
    public async Task<Result<Page<AuditEntry>>> SearchAsync(AuditQuery query, CancellationToken ct)
    {
        var errors = new FieldErrors();
        Cursor.TryLimit(query.Limit, errors, out var limit);
        long? after = null;
        if (!string.IsNullOrEmpty(query.After))
        {
            if (Cursor.TryDecode(query.After, out var keys) && keys.Length == 1 && keys[0].TryGetInt64(out var id))
            {
                after = id;
            }
            else
            {
                errors.Add("after", "Not a cursor from this list.");
            }
        }

        if (query.ActorKind is { } kind && !AuditActorKinds.All.Contains(kind))
        {
            errors.Add("actorKind", $"Must be one of {string.Join(", ", AuditActorKinds.All)}.");
        }

        if (query.From is { } from && query.To is { } to && to < from)
        {
            errors.Add("to", "Must not be before from.");
        }

        if (errors.Any)
        {
            return errors.ToResult<Page<AuditEntry>>();
        }

        var q = db.Set<AuditEvent>().AsNoTracking();
        if (query.ActorKind is not null)
        {
            q = q.Where(e => e.ActorKind == query.ActorKind);
        }

        if (query.ActorId is { } actorId)
        {
            q = q.Where(e => e.ActorId == actorId);
        }

        if (Validate.Clean(query.Action) is { } action)
        {
            var prefix = action.TrimEnd('*');
            q = action.EndsWith('*') || action.EndsWith('.')
                ? q.Where(e => e.Action.StartsWith(prefix))
                : q.Where(e => e.Action == action);
        }

        if (Validate.Clean(query.EntityType) is { } entityType)
        {
            q = q.Where(e => e.EntityType == entityType);
        }

        if (Validate.Clean(query.EntityId) is { } entityId)
        {
            q = q.Where(e => e.EntityId == entityId);
        }

        if (query.CustomerId is { } customerId)
        {
            q = q.Where(e => e.CustomerId == customerId);
        }

        if (query.From is { } f)
        {
            q = q.Where(e => e.OccurredAt >= f);
        }

        if (query.To is { } t)
        {
            q = q.Where(e => e.OccurredAt < t);
        }

        if (after is { } a)
        {
            q = q.Where(e => e.Id < a);
        }

        var rows = await q.OrderByDescending(e => e.Id).Take(limit + 1).ToListAsync(ct);
        var next = rows.Count > limit ? Cursor.Encode(rows[limit - 1].Id) : null;
        return Result<Page<AuditEntry>>.Ok(new Page<AuditEntry>(rows.Take(limit).Select(ToEntry).ToList(), next));
    }

    private static AuditEntry ToEntry(AuditEvent e) => new(
        e.Id, e.OccurredAt, e.ActorKind, e.ActorId, e.ActorLabel, e.Ip, e.Action, e.EntityType, e.EntityId, e.CustomerId,
        e.Changes is null ? null : Parse(e.Changes));

    private static JsonElement? Parse(string json)
    {
        try
        {
            return JsonDocument.Parse(json).RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>An id as the entity id column holds it.</summary>
    public static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
