using Rapport.Common;

namespace Rapport.Privacy;

/// <summary>What a data subject asked for (GDPR articles 15, 17, 16 and 21).</summary>
public enum PrivacyRequestKind
{
    Access,
    Erasure,
    Rectification,
    Objection,
}

public enum PrivacyRequestStatus
{
    Open,
    InProgress,
    Done,
    Rejected,
}

/// <summary>
/// One data-subject request. <see cref="CustomerId"/> has no foreign key on purpose: the log outlives the customer
/// (a retention delete or a plain delete must not take the record of the request with it).
/// </summary>
public sealed class PrivacyRequest : IStamped
{
    public long Id { get; set; }
    public PrivacyRequestKind Kind { get; set; }
    public long? CustomerId { get; set; }
    /// <summary>How the requester can be reached, as they gave it (an address, a phone number, a ticket reference).</summary>
    public string RequesterContact { get; set; } = "";
    public DateTimeOffset ReceivedAt { get; set; }
    /// <summary>Received plus one calendar month (GDPR article 12(3)), in UTC.</summary>
    public DateTimeOffset DueAt { get; set; }
    public PrivacyRequestStatus Status { get; set; }
    public long? HandledByUserId { get; set; }
    public string? Notes { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public enum RetentionRuleKind
{
    /// <summary>Delete prospects (stage prospecting, never bought) without any engagement for N months.</summary>
    DeleteInactiveProspects,
    /// <summary>Erase (anonymise) customers without any activity for N months.</summary>
    EraseInactiveCustomers,
}

public sealed class RetentionRule : IStamped, IVersioned
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public RetentionRuleKind Kind { get; set; }
    /// <summary>The inactivity period in calendar months (N years is N × 12).</summary>
    public int Months { get; set; }
    public bool Enabled { get; set; }
    /// <summary>The last dry run of the rule as it is now (cleared when the rule changes); required before enabling.</summary>
    public DateTimeOffset? DryRunAt { get; set; }
    public int? DryRunCount { get; set; }
    public DateTimeOffset? LastAppliedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>One run of a retention rule (a dry run or an application), with its counts; never holds personal data.</summary>
public sealed class RetentionRun
{
    public long Id { get; set; }
    public long RuleId { get; set; }
    public bool DryRun { get; set; }
    /// <summary>Who started it: a user id, or null for the daily job.</summary>
    public long? StartedByUserId { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public int Matched { get; set; }
    public int Deleted { get; set; }
    public int Erased { get; set; }
    public string? Error { get; set; }
}
