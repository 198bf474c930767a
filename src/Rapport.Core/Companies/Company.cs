using Rapport.Common;

namespace Rapport.Companies;

/// <summary>A B2B account that customers (its people) belong to.</summary>
public sealed class Company : IStamped, IVersioned
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    /// <summary>Lower-cased name for portable case-insensitive search and uniqueness checks.</summary>
    public string NameNormalized { get; set; } = "";
    /// <summary>The id the company has in the system it came from; unique, so re-imports update instead of duplicating.</summary>
    public string? ExternalId { get; set; }
    public string? Domain { get; set; }
    public string? Industry { get; set; }
    public string? Website { get; set; }
    public string? Phone { get; set; }
    public string? City { get; set; }
    public string? Country { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; }
}
