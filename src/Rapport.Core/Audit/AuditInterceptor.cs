using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Rapport.Audit;

/// <summary>
/// Every create, update and delete that goes through EF's change tracker becomes an audit entry, written in the same
/// transaction as the change (one is opened when the caller has none), so that new entities are covered without a
/// line of code. Derived tables, caches and logs are left out (<see cref="NotAudited"/>); raw-SQL and
/// <c>ExecuteDelete</c> writes record their own events through <see cref="AuditLog"/> (docs/audit.md lists them).
/// </summary>
public sealed class AuditInterceptor(AuditSettings settings, IAuditActorSource actors, TimeProvider clock) : SaveChangesInterceptor
{
    /// <summary>Tables computed from others, caches and delivery logs: their changes are not somebody's action.</summary>
    public static readonly IReadOnlySet<string> NotAudited = new HashSet<string>(StringComparer.Ordinal)
    {
        "audit_events", "user_sessions", "idempotency_keys", "ingested_messages", "webhook_deliveries", "webhook_attempts",
        "analytics_runs", "customer_metrics", "customer_changes", "customer_purchase_facts", "segment_members",
        "segment_events", "stage_changes", "value_evidence", "customer_value_scores", "customer_value_profiles",
        "theme_proposals", "import_rejects", "duplicate_candidates",
    };

    /// <summary>Properties that change with every write or are derived from others.</summary>
    private static readonly HashSet<string> Noise = new(StringComparer.Ordinal) { "UpdatedAt", "Version", "SearchText", "EmailNormalized" };

    /// <summary>What a sign-in writes to the user row (it has its own audit events).</summary>
    private static readonly HashSet<string> SignInBookkeeping = new(StringComparer.Ordinal)
    {
        "FailedSignIns", "LockedUntil", "LastSignInAt", "PasswordHash", "UpdatedAt",
    };

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed class Pending
    {
        public List<Captured> Entries { get; } = [];
        public IDbContextTransaction? OwnTransaction { get; set; }
    }

    private sealed record Captured(EntityEntry Entry, IEntityType Type, string Action, string EntityType, string? Id, long? CustomerId, Dictionary<string, object?>? Changes);

    private readonly ConditionalWeakTable<DbContext, Pending> _pending = [];

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context && Capture(context) is { } pending)
        {
            if (context.Database.CurrentTransaction is null)
            {
                pending.OwnTransaction = await context.Database.BeginTransactionAsync(cancellationToken);
            }
        }

        return result;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is { } context && Capture(context) is { } pending)
        {
            if (context.Database.CurrentTransaction is null)
            {
                pending.OwnTransaction = context.Database.BeginTransaction();
            }
        }

        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context && _pending.TryGetValue(context, out var pending))
        {
            _pending.Remove(context);
            try
            {
                await AuditWriter.InsertAsync(context, Rows(pending), cancellationToken);
                if (pending.OwnTransaction is { } own)
                {
                    await own.CommitAsync(cancellationToken);
                }
            }
            finally
            {
                if (pending.OwnTransaction is { } own)
                {
                    await own.DisposeAsync();
                }
            }
        }

        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context is { } context && _pending.TryGetValue(context, out var pending))
        {
            _pending.Remove(context);
            try
            {
                AuditWriter.InsertAsync(context, Rows(pending), CancellationToken.None).GetAwaiter().GetResult();
                pending.OwnTransaction?.Commit();
            }
            finally
            {
                pending.OwnTransaction?.Dispose();
            }
        }

        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Abandon(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Abandon(eventData.Context);
        return Task.CompletedTask;
    }

    public override void SaveChangesCanceled(DbContextEventData eventData) => Abandon(eventData.Context);

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        Abandon(eventData.Context);
        return Task.CompletedTask;
    }

    /// <summary>The save failed: the transaction we opened is rolled back (disposing it does), the caller's is theirs.</summary>
    private void Abandon(DbContext? context)
    {
        if (context is not null && _pending.TryGetValue(context, out var pending))
        {
            _pending.Remove(context);
            pending.OwnTransaction?.Dispose();
        }
    }

    private Pending? Capture(DbContext context)
    {
        if (!settings.Enabled)
        {
            return null;
        }

        Pending? pending = null;
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
            {
                continue;
            }

            var type = entry.Metadata;
            var table = type.GetTableName();
            if (table is null || NotAudited.Contains(table) || type.IsOwned())
            {
                continue;
            }

            var captured = Describe(entry, type, table);
            if (captured is null)
            {
                continue;
            }

            pending ??= new Pending();
            pending.Entries.Add(captured);
        }

        if (pending is not null)
        {
            _pending.AddOrUpdate(context, pending);
        }

        return pending;
    }

    private static Captured? Describe(EntityEntry entry, IEntityType type, string table)
    {
        var entityType = Data.SnakeCaseNames.ToSnake(type.ClrType.Name);
        Dictionary<string, object?>? changes = null;
        string verb;
        switch (entry.State)
        {
            case EntityState.Added:
                verb = "created";
                changes = [];
                foreach (var p in entry.Properties)
                {
                    if (!Noise.Contains(p.Metadata.Name) && !p.Metadata.IsKey() && p.CurrentValue is not null)
                    {
                        changes[Camel(p.Metadata.Name)] = AuditMasking.Value(p.Metadata, p.CurrentValue);
                    }
                }

                break;
            case EntityState.Modified:
                verb = "updated";
                changes = [];
                foreach (var p in entry.Properties)
                {
                    if (p.IsModified && !Noise.Contains(p.Metadata.Name) && !Equals(p.OriginalValue, p.CurrentValue))
                    {
                        changes[Camel(p.Metadata.Name)] = new Change(AuditMasking.Value(p.Metadata, p.OriginalValue), AuditMasking.Value(p.Metadata, p.CurrentValue));
                    }
                }

                if (changes.Count == 0)
                {
                    return null;
                }

                if (table == "users" && entry.Properties.Where(p => p.IsModified && !Equals(p.OriginalValue, p.CurrentValue)).All(p => SignInBookkeeping.Contains(p.Metadata.Name)))
                {
                    return null;
                }

                break;
            default:
                verb = "deleted";
                break;
        }

        var action = Special(table, verb, changes) ?? $"{entityType}.{verb}";
        var id = entry.State == EntityState.Added ? null : KeyOf(entry);
        return new Captured(entry, type, action, entityType, id, CustomerOf(entry, table), changes);
    }

    /// <summary>Actions with a name of their own: a merge, a role change, a key revoked.</summary>
    private static string? Special(string table, string verb, Dictionary<string, object?>? changes) => (table, verb) switch
    {
        ("customer_merges", "created") => "merge",
        ("users", "updated") when changes!.ContainsKey("role") => "user.role_changed",
        ("users", "updated") when changes!.ContainsKey("passwordHash") => "user.password_changed",
        ("users", "updated") when changes!.TryGetValue("disabled", out var d) && d is Change { To: true } => "user.disabled",
        ("users", "updated") when changes!.TryGetValue("disabled", out var d) && d is Change { To: false } => "user.enabled",
        ("api_keys", "updated") when changes!.ContainsKey("revokedAt") => "api_key.revoked",
        _ => null,
    };

    private sealed record Change(object? From, object? To);

    private static long? CustomerOf(EntityEntry entry, string table)
    {
        if (table == "customers")
        {
            return entry.State == EntityState.Added ? null : AsLong(entry.Property("Id").CurrentValue);
        }

        var name = table == "customer_merges" ? "SurvivorId" : "CustomerId";
        var property = entry.Metadata.FindProperty(name);
        return property is null ? null : AsLong(entry.Property(name).CurrentValue);
    }

    private static long? AsLong(object? value) => value switch
    {
        long l => l,
        int i => i,
        _ => null,
    };

    private static string? KeyOf(EntityEntry entry)
    {
        var key = entry.Metadata.FindPrimaryKey();
        if (key is null)
        {
            return null;
        }

        // Masked like the changes: a text key part can be personal (the tag in customer_tags' key).
        return string.Join(":", key.Properties.Select(p => Convert.ToString(AuditMasking.Value(p, entry.Property(p.Name).CurrentValue), CultureInfo.InvariantCulture)));
    }

    private IEnumerable<AuditEvent> Rows(Pending pending)
    {
        var actor = AuditScope.Current ?? actors.Current ?? AuditActor.System("app");
        var now = clock.GetUtcNow();
        foreach (var c in pending.Entries)
        {
            // Keys generated by the database are known only now.
            var id = c.Id ?? KeyOf(c.Entry);
            var customerId = c.CustomerId ?? (c.EntityType == "customer" && id is not null && long.TryParse(id, CultureInfo.InvariantCulture, out var cid) ? cid : null);
            yield return new AuditEvent
            {
                OccurredAt = now,
                ActorKind = actor.Kind,
                ActorId = actor.Id,
                ActorLabel = actor.Label,
                Ip = actor.Ip,
                Action = c.Action,
                EntityType = c.EntityType,
                EntityId = id,
                CustomerId = customerId,
                Changes = c.Changes is { Count: > 0 } ? JsonSerializer.Serialize(c.Changes, Json) : null,
            };
        }
    }

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
