using Rapport.Common;

namespace Rapport.Values;

public enum ValueStatus
{
    Active,
    Retired,
    /// <summary>Retired by merging into another value (<see cref="TaxonomyValue.MergedIntoId"/>); reads by its key resolve there.</summary>
    Merged,
}

/// <summary>
/// A value of the business's taxonomy (quality, price, sustainability, …). Rows are never deleted: a retired or merged
/// value keeps its key, its history and its old ratings, so evidence recorded against it stays explainable.
/// </summary>
public sealed class TaxonomyValue : IStamped, IVersioned
{
    public long Id { get; set; }
    /// <summary>Stable lower snake case identifier, unique for ever (a merged value keeps it, so old references resolve).</summary>
    public string Key { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    /// <summary>Detection vocabulary, one entry (word, phrase or variant, lower case) per line.</summary>
    public string Vocabulary { get; set; } = "";
    public ValueStatus Status { get; set; }
    public long? MergedIntoId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; }

    public IReadOnlyList<string> VocabularyList => ValueRules.SplitVocabulary(Vocabulary);
}

public enum ValueChangeKind
{
    Created,
    Renamed,
    DescriptionChanged,
    VocabularyChanged,
    Retired,
    Reinstated,
    /// <summary>This value was merged into <see cref="ValueChange.RelatedKey"/>.</summary>
    MergedInto,
    /// <summary>The value <see cref="ValueChange.RelatedKey"/> was merged into this one (its vocabulary arrived).</summary>
    Absorbed,
}

/// <summary>One change of a value, append-only: the taxonomy's history.</summary>
public sealed class ValueChange : ICreated
{
    public long Id { get; set; }
    public long ValueId { get; set; }
    public ValueChangeKind Kind { get; set; }
    /// <summary>What changed, in words ("Renamed from 'Price' to 'Value for money'").</summary>
    public string Summary { get; set; } = "";
    public string? Before { get; set; }
    public string? After { get; set; }
    public string? RelatedKey { get; set; }
    public long? ChangedByUserId { get; set; }
    /// <summary>The staff member's name or "API key &lt;name&gt;" at the time of the change.</summary>
    public string ChangedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>The business's rating of a value's importance to it; append-only, the newest row per value is current.</summary>
public sealed class ValueRating : ICreated
{
    public long Id { get; set; }
    public long ValueId { get; set; }
    /// <summary>1 (hardly matters to us) … 5 (core to who we are).</summary>
    public int Importance { get; set; }
    public string Evidence { get; set; } = "";
    /// <summary>The staff member who owns this value's rating (answers for it, keeps it current).</summary>
    public long? OwnerUserId { get; set; }
    public long? RatedByUserId { get; set; }
    public string RatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A product or service supports a value, 1 (somewhat) … 3 (it is what the product is about).</summary>
public sealed class ProductValue
{
    public long ProductId { get; set; }
    public long ValueId { get; set; }
    public int Strength { get; set; }
}

public enum PartnerKind
{
    Partner,
    Influencer,
    Supplier,
    Retailer,
    Charity,
    Other,
}

/// <summary>A partner or influencer the business works with or considers, rated on the taxonomy's values.</summary>
public sealed class Partner : IStamped, IVersioned
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public PartnerKind Kind { get; set; }
    /// <summary>Who they reach, in words ("urban coffee lovers, 25–40, 80k followers").</summary>
    public string? Audience { get; set; }
    /// <summary>Channels, one per line (instagram, newsletter, podcast, …).</summary>
    public string? Channels { get; set; }
    /// <summary>How to reach them: a person, an email, a phone number, in words.</summary>
    public string? Contact { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>How much a partner holds a value, 1 … 5 (the business's importance scale).</summary>
public sealed class PartnerValue
{
    public long PartnerId { get; set; }
    public long ValueId { get; set; }
    public int Rating { get; set; }
}

/// <summary>Who acts: a staff user (pages) or an API key (no user), by the name shown in history.</summary>
public sealed record Actor(long? UserId, string Name);
