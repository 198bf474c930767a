using Rapport.Common;
using Rapport.Companies;
using Rapport.Identity;

namespace Rapport.Customers;

public sealed class Customer : IStamped, IVersioned
{
    public long Id { get; set; }
    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string? Email { get; set; }
    /// <summary>Lower-cased, trimmed email used for lookups and duplicate detection.</summary>
    public string? EmailNormalized { get; set; }
    public string? Phone { get; set; }
    public string? Street { get; set; }
    public string? City { get; set; }
    public string? PostalCode { get; set; }
    public string? Region { get; set; }
    /// <summary>ISO 3166-1 alpha-2 country code, upper case.</summary>
    public string? Country { get; set; }
    public DateOnly? BirthDate { get; set; }
    /// <summary>BCP 47 language tag, e.g. <c>en</c> or <c>fr-CA</c>.</summary>
    public string? Language { get; set; }
    public long? CompanyId { get; set; }
    public Company? Company { get; set; }
    public long? OwnerId { get; set; }
    public User? Owner { get; set; }
    /// <summary>Where the record came from: ui, api, import, demo.</summary>
    public string Source { get; set; } = "api";
    /// <summary>Lower-cased, accent-free "first last email" for portable case-insensitive search.</summary>
    public string SearchText { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; }
    /// <summary>Set when the customer was erased (docs/privacy-requests.md): the row stays as a tombstone without personal data.</summary>
    public DateTimeOffset? ErasedAt { get; set; }

    public List<CustomerTag> Tags { get; set; } = [];
    public List<CustomerFieldValue> FieldValues { get; set; } = [];
    public List<CustomerExternalId> ExternalIds { get; set; } = [];

    public string DisplayName => CustomerNames.Display(FirstName, LastName, Email, Id);
}

/// <summary>A tag on a customer; tags are stored lower case so that filtering is case-insensitive on every provider.</summary>
public sealed class CustomerTag
{
    public long CustomerId { get; set; }
    public string Tag { get; set; } = "";
}

/// <summary>The id a customer has in another system (shop, ERP, newsletter tool). Unique per source across all customers.</summary>
public sealed class CustomerExternalId : Common.ICreated
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    public string Source { get; set; } = "";
    public string ExternalId { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

public static class CustomerNames
{
    public static string Display(string? firstName, string? lastName, string? email, long id)
    {
        var name = $"{firstName} {lastName}".Trim();
        if (name.Length > 0)
        {
            return name;
        }

        return string.IsNullOrWhiteSpace(email) ? $"Customer {id}" : email;
    }
}
