using Rapport.Customers;

namespace Rapport.Duplicates;

/// <summary>Which customer's value a merge keeps for one field.</summary>
public enum MergeSide
{
    Survivor,
    Merged,
}

/// <summary>A profile field a merge chooses a value for, by its API name (camelCase, as in <c>PATCH /customers</c>).</summary>
public sealed record MergeField(string Key, string Label, Func<Customer, object?> Get, Action<Customer, object?> Set);

/// <summary>
/// The profile fields of a customer that a merge decides one by one. Custom fields are named
/// <c>customFields.&lt;key&gt;</c>. Tags (union), external ids (all kept) and history (all moved) are not chosen.
/// </summary>
public static class MergeFields
{
    public const string CustomPrefix = "customFields.";

    public static readonly IReadOnlyList<MergeField> Standard =
    [
        new("firstName", "First name", c => c.FirstName, (c, v) => c.FirstName = (string?)v),
        new("lastName", "Last name", c => c.LastName, (c, v) => c.LastName = (string?)v),
        new("email", "Email", c => c.Email, (c, v) => c.Email = (string?)v),
        new("phone", "Phone", c => c.Phone, (c, v) => c.Phone = (string?)v),
        new("street", "Street", c => c.Street, (c, v) => c.Street = (string?)v),
        new("postalCode", "Postal code", c => c.PostalCode, (c, v) => c.PostalCode = (string?)v),
        new("city", "City", c => c.City, (c, v) => c.City = (string?)v),
        new("region", "Region", c => c.Region, (c, v) => c.Region = (string?)v),
        new("country", "Country", c => c.Country, (c, v) => c.Country = (string?)v),
        new("birthDate", "Birth date", c => c.BirthDate, (c, v) => c.BirthDate = (DateOnly?)v),
        new("language", "Language", c => c.Language, (c, v) => c.Language = (string?)v),
        new("companyId", "Company", c => c.CompanyId, (c, v) => c.CompanyId = (long?)v),
        new("ownerId", "Owner", c => c.OwnerId, (c, v) => c.OwnerId = (long?)v),
    ];

    /// <summary>The default choice: the survivor's value, or the other's when the survivor has none.</summary>
    public static MergeSide Default(bool survivorHasValue, bool mergedHasValue) =>
        !survivorHasValue && mergedHasValue ? MergeSide.Merged : MergeSide.Survivor;

    public static string Name(MergeSide side) => side == MergeSide.Merged ? "merged" : "survivor";
}
