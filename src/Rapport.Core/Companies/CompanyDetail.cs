using System.Text.RegularExpressions;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Interactions;

namespace Rapport.Companies;

/// <summary>
/// A company with figures over its people: how many customers belong to it, and the sum of their purchases and
/// revenue from <c>customer_metrics</c>. <c>Revenue</c> is in <c>RevenueCurrency</c>, the reporting currency;
/// purchases in other currencies count in <c>PurchaseCount</c> only. <c>Version</c> is the ETag for updates.
/// </summary>
public sealed record CompanyDetail(
    long Id,
    string Name,
    string? Domain,
    string? Industry,
    string? Website,
    string? Phone,
    string? City,
    string? Country,
    int CustomerCount,
    int PurchaseCount,
    decimal Revenue,
    string RevenueCurrency,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int Version);

/// <summary>A company in a search result, with the number of its people.</summary>
public sealed record CompanyRow(
    long Id,
    string Name,
    string? Domain,
    string? Industry,
    string? City,
    string? Country,
    int CustomerCount);

/// <summary>Input limits for companies; the lengths match the columns.</summary>
public static class CompanyLimits
{
    public const int Name = 200;
    public const int Domain = 253;
    public const int Industry = 100;
    public const int Website = 500;
    public const int Phone = 40;
    public const int City = 100;
}

/// <summary>How company names are compared and searched.</summary>
public static class CompanyNames
{
    /// <summary>
    /// The value of <see cref="Company.NameNormalized"/>: lower case without accents ("Café Lumière" → "cafe lumiere"),
    /// used for search, sorting and the duplicate-name check. Every writer of companies (API, UI, import, demo) must use it.
    /// </summary>
    public static string Normalize(string name)
    {
        var folded = Validate.Fold(name);
        return folded.Length <= CompanyLimits.Name ? folded : folded[..CompanyLimits.Name];
    }
}

/// <summary>Field checks shared by creating and updating a company.</summary>
internal static partial class CompanyRules
{
    public static string? Name(FieldErrors errors, string? value)
    {
        var name = Validate.Clean(value);
        if (name is null)
        {
            errors.Add("name", "Is required.");
        }

        TextRules.SingleLine(errors, "name", name, CompanyLimits.Name);
        return name;
    }

    /// <summary>A host name such as <c>acme.com</c>, stored lower case; international names in their xn-- form.</summary>
    public static string? Domain(FieldErrors errors, string? value)
    {
        var domain = Validate.Clean(value)?.ToLowerInvariant().TrimEnd('.');
        if (domain is null)
        {
            return null;
        }

        if (domain.Length > CompanyLimits.Domain || !DomainPattern().IsMatch(domain))
        {
            errors.Add("domain", "Must be a domain name such as acme.com, without http:// or a path.");
        }

        return domain;
    }

    /// <summary>An absolute http or https URL.</summary>
    public static string? Website(FieldErrors errors, string? value)
    {
        var website = Validate.Clean(value);
        if (website is null)
        {
            return null;
        }

        Validate.MaxLength(errors, "website", website, CompanyLimits.Website);
        if (!Uri.TryCreate(website, UriKind.Absolute, out var uri) ||
            (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) ||
            string.IsNullOrEmpty(uri.Host) ||
            website.Any(char.IsWhiteSpace))
        {
            errors.Add("website", "Must be an absolute http or https URL, e.g. https://acme.com.");
        }

        return website;
    }

    /// <summary>The same rule as a customer's phone, so both read the same everywhere.</summary>
    public static string? Phone(FieldErrors errors, string? value) => CustomerRules.Phone(errors, value);

    public static string? Line(FieldErrors errors, string field, string? value, int maxLength)
    {
        var line = Validate.Clean(value);
        TextRules.SingleLine(errors, field, line, maxLength);
        return line;
    }

    [GeneratedRegex(@"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+([a-z]{2,63}|xn--[a-z0-9-]{1,59})$")]
    private static partial Regex DomainPattern();
}
