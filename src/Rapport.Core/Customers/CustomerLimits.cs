namespace Rapport.Customers;

/// <summary>Input limits for customers; the lengths match the columns in Data/Configurations/Configurations.cs.</summary>
public static class CustomerLimits
{
    public const int FirstName = 100;
    public const int LastName = 100;
    public const int Email = 254;
    public const int Phone = 40;
    public const int Street = 200;
    public const int City = 100;
    public const int PostalCode = 20;
    public const int Region = 100;
    public const int Language = 35;
    public const int Tag = 50;
    public const int MaxTags = 50;
    public const int ExternalIdSource = 50;
    public const int ExternalId = 100;
    public const int MaxExternalIds = 20;
    public const int CustomFieldKey = 50;
    public const int CustomFieldLabel = 100;
    public const int CustomFieldText = 1000;
    public const int CustomFieldOption = 100;
    public const int MaxCustomFieldOptions = 100;
    /// <summary>All options joined by newlines must fit the <c>custom_fields.options</c> column.</summary>
    public const int CustomFieldOptionsTotal = 4000;
    public static readonly DateOnly EarliestBirthDate = new(1900, 1, 1);
}
