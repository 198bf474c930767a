namespace Rapport.Values.Profiles;

/// <summary>
/// How much one customer cares about one value, 0 (not at all) … 1 (a great deal), with the confidence the evidence
/// allows, 0 … 1. Computed from <see cref="Research.Evidence.ValueEvidence"/> and purchases of tagged products; the
/// evidence itself is listed from those tables, never copied here. One row per customer and value with any evidence.
/// </summary>
public sealed class CustomerValueScore
{
    public long CustomerId { get; set; }
    public long ValueId { get; set; }
    public double Score { get; set; }
    public double Confidence { get; set; }
    /// <summary>Pieces of evidence that went into the score (stated, coded, mentions, purchases).</summary>
    public int EvidenceCount { get; set; }
    public DateTimeOffset LastEvidenceAt { get; set; }
    public DateTimeOffset ComputedAt { get; set; }
}

/// <summary>
/// A customer's value profile as a whole: whether profiling is on for them (switchable per customer; the privacy
/// issue connects it to profiling consent), and their alignment with the business's values when computed.
/// No row means profiling is on and nothing has been computed yet.
/// </summary>
public sealed class CustomerValueProfile
{
    public long CustomerId { get; set; }
    public bool ProfilingEnabled { get; set; } = true;
    /// <summary>When profiling was last switched on or off, and by whom (a staff member's name or "API key …").</summary>
    public DateTimeOffset? ProfilingChangedAt { get; set; }
    public string? ProfilingChangedBy { get; set; }
    /// <summary>0 … 1: how well the business's values match what this customer cares about; null until computed.</summary>
    public double? Alignment { get; set; }
    public DateTimeOffset? ComputedAt { get; set; }
}
