namespace Rapport.Duplicates;

public enum DuplicateStatus
{
    Open,
    /// <summary>A person said these are two different customers; detection does not propose the pair again.</summary>
    Dismissed,
    Merged,
}

/// <summary>A pair of customers that may be the same person. <c>CustomerIdA</c> is always the smaller id.</summary>
public sealed class DuplicateCandidate
{
    public long Id { get; set; }
    public long CustomerIdA { get; set; }
    public long CustomerIdB { get; set; }
    /// <summary>Similarity from 0 to 1.</summary>
    public double Score { get; set; }
    /// <summary>Why they matched, comma separated: email, phone, name, address, company.</summary>
    public string Reasons { get; set; } = "";
    public DuplicateStatus Status { get; set; }
    public DateTimeOffset DetectedAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public long? ResolvedByUserId { get; set; }
}

/// <summary>
/// The record of one merge: which customer survived, which was folded into it, the values chosen and what the
/// removed customer looked like. Ids are plain numbers, not foreign keys: the merged customer no longer exists.
/// </summary>
public sealed class CustomerMerge
{
    public long Id { get; set; }
    public long SurvivingCustomerId { get; set; }
    public long MergedCustomerId { get; set; }
    /// <summary>JSON: field → which side's value was kept.</summary>
    public string FieldChoices { get; set; } = "{}";
    /// <summary>JSON snapshot of the merged customer's profile as it was before the merge.</summary>
    public string MergedSnapshot { get; set; } = "{}";
    /// <summary>JSON counts of the rows moved: transactions, interactions, tags, external ids, custom values.</summary>
    public string Moved { get; set; } = "{}";
    /// <summary>ui, api or import.</summary>
    public string Source { get; set; } = "";
    public long? MergedByUserId { get; set; }
    public DateTimeOffset MergedAt { get; set; }
}
