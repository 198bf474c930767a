namespace Rapport.Stages;

/// <summary>Why a customer's stage changed (a row of <see cref="StageChange"/>).</summary>
public enum StageChangeSource
{
    /// <summary>The rules placed the customer (their data changed, time passed, or the settings changed).</summary>
    Rules,
    /// <summary>A person overrode the rules (<see cref="StageOverride"/>).</summary>
    Override,
    /// <summary>An override expired or was removed; the rules placed the customer again.</summary>
    OverrideEnded,
    /// <summary>Reconstructed from the customer's data when the engine first placed them (approximate dates; docs/stages.md).</summary>
    Reconstructed,
}

/// <summary>One step of a customer's stage history: a row per change, oldest first by <see cref="ChangedAt"/> then id.</summary>
public sealed class StageChange
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    /// <summary>Null for the first step (the customer became known).</summary>
    public Stage? FromStage { get; set; }
    public Stage ToStage { get; set; }
    public DateTimeOffset ChangedAt { get; set; }
    /// <summary>When the customer entered <see cref="FromStage"/>: the stay that this change ends began then (time in stage).</summary>
    public DateTimeOffset? FromSince { get; set; }
    public StageChangeSource Source { get; set; }
    /// <summary>The override's reason (source Override); null otherwise.</summary>
    public string? Reason { get; set; }
    /// <summary>Who set the override; null for the rules.</summary>
    public long? UserId { get; set; }
}

/// <summary>A manual placement that wins over the rules until it expires or is removed; at most one per customer.</summary>
public sealed class StageOverride
{
    public long CustomerId { get; set; }
    public Stage Stage { get; set; }
    public string Reason { get; set; } = "";
    /// <summary>Null: until removed. The hourly sweep ends expired overrides; the engine ignores them meanwhile.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }
    public long? CreatedByUserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>The stage rules' thresholds: one row (id 1); missing means the defaults.</summary>
public sealed class StageSettingsRow : Common.IVersioned
{
    public const int SingletonId = 1;
    public int Id { get; set; } = SingletonId;
    public int EngagementWindowDays { get; set; }
    /// <summary>Comma-separated <c>InteractionType</c> names that count as engagement when inbound.</summary>
    public string EngagementTypes { get; set; } = "";
    public int ConnectionWindowDays { get; set; }
    public int RepeatWindowDays { get; set; }
    public int LoyaltyMinPurchases { get; set; }
    public int LoyaltyWindowDays { get; set; }
    public double LoyaltyMinPAlive { get; set; }
    public bool PromoterEnabled { get; set; }
    public int PromoterMinScore { get; set; }
    public bool LoyaltyTagEnabled { get; set; }
    public string LoyaltyTag { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }
    public long? UpdatedByUserId { get; set; }
    public int Version { get; set; }
}
