namespace Rapport.Audit;

/// <summary>
/// One row of the append-only audit log (<c>audit_events</c>): who did what, to which record, when (UTC) and from
/// where. Triggers in the database refuse UPDATE and DELETE; nothing in the application edits or deletes it.
/// </summary>
public sealed class AuditEvent
{
    public long Id { get; set; }
    /// <summary>When it happened (UTC), not when the row was written: views are written in batches a moment later.</summary>
    public DateTimeOffset OccurredAt { get; set; }
    /// <summary><c>user</c>, <c>api_key</c>, <c>system</c> or <c>anonymous</c> (<see cref="AuditActorKinds"/>).</summary>
    public string ActorKind { get; set; } = AuditActorKinds.System;
    /// <summary>The user or API key id; null for the system and anonymous callers.</summary>
    public long? ActorId { get; set; }
    /// <summary>A display label: the user's name, the key's name, the job's name.</summary>
    public string? ActorLabel { get; set; }
    public string? Ip { get; set; }
    /// <summary>e.g. <c>sign_in.succeeded</c>, <c>customer.viewed</c>, <c>customer.updated</c>, <c>export</c>, <c>merge</c>.</summary>
    public string Action { get; set; } = "";
    public string? EntityType { get; set; }
    public string? EntityId { get; set; }
    /// <summary>The customer the event is about; no foreign key, so the entry outlives the customer's erasure.</summary>
    public long? CustomerId { get; set; }
    /// <summary>Changed fields as JSON, personal values masked (<see cref="AuditMasking"/>).</summary>
    public string? Changes { get; set; }
}

public static class AuditActorKinds
{
    public const string User = "user";
    public const string ApiKey = "api_key";
    public const string System = "system";
    public const string Anonymous = "anonymous";

    public static readonly string[] All = [User, ApiKey, System, Anonymous];
}

/// <summary>Who is acting: a signed-in user, an API key, a background job (<see cref="System"/>) or nobody yet.</summary>
public sealed record AuditActor(string Kind, long? Id, string? Label, string? Ip)
{
    public static AuditActor System(string job) => new(AuditActorKinds.System, null, job, null);

    public static readonly AuditActor Anonymous = new(AuditActorKinds.Anonymous, null, null, null);
}

/// <summary>
/// Where the current actor comes from. The web host reads the request's user or key; anything else (CLI, jobs) is
/// <see cref="AuditActor.System"/> unless <see cref="AuditScope.As"/> says otherwise.
/// </summary>
public interface IAuditActorSource
{
    AuditActor? Current { get; }
}

/// <summary>Sets the actor for the code that runs inside it (a job, a CLI command): <c>using (AuditScope.As(AuditActor.System("retention"))) …</c>.</summary>
public static class AuditScope
{
    private static readonly AsyncLocal<AuditActor?> Ambient = new();

    public static AuditActor? Current => Ambient.Value;

    public static IDisposable As(AuditActor actor)
    {
        var previous = Ambient.Value;
        Ambient.Value = actor;
        return new Restore(previous);
    }

    private sealed class Restore(AuditActor? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}
