using Rapport.Common;

namespace Rapport.Research.Review;

public enum ProposalStatus
{
    /// <summary>Waiting for a decision.</summary>
    Proposed,
    /// <summary>Accepted as a new value of the taxonomy (<see cref="ThemeProposal.ValueId"/>).</summary>
    Accepted,
    /// <summary>Added to an existing value's vocabulary (<see cref="ThemeProposal.ValueId"/>).</summary>
    AddedToVocabulary,
    /// <summary>Not a theme: never proposed again.</summary>
    Dismissed,
}

/// <summary>
/// An emergent theme (a recurring phrase the taxonomy does not cover) proposed for review, and the decision on it.
/// Keyed by its stems, so a decided phrase (dismissed, accepted) is not proposed again in another surface form.
/// </summary>
public sealed class ThemeProposal : IStamped
{
    public long Id { get; set; }
    /// <summary>The phrase as first written, lower case ("loyalty scheme").</summary>
    public string Phrase { get; set; } = "";
    /// <summary>Its stems joined by spaces ("loyalti scheme"): unique.</summary>
    public string Stems { get; set; } = "";
    /// <summary>Texts containing it at the last refresh.</summary>
    public int Texts { get; set; }
    /// <summary>Distinctiveness (Dunning's G²) at the last refresh.</summary>
    public double Score { get; set; }
    /// <summary>Up to three example texts (cut to <see cref="ProposalLimits.Example"/> characters), as a JSON array of strings.</summary>
    public string Examples { get; set; } = "[]";
    public ProposalStatus Status { get; set; }
    public long? DecidedByUserId { get; set; }
    public string? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    /// <summary>The value it became or joined.</summary>
    public long? ValueId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public static class ProposalLimits
{
    public const int Phrase = 200;
    public const int Example = 300;
    public const int DecidedBy = 200;
}
