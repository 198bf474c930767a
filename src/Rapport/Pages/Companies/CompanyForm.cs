using Rapport.Companies;
using Rapport.Customers;

namespace Rapport.Pages.Companies;

/// <summary>The company form as posted. Blank fields clear the stored value on edit.</summary>
public sealed class CompanyForm
{
    public string? Name { get; set; }
    public string? Domain { get; set; }
    public string? Industry { get; set; }
    public string? Website { get; set; }
    public string? Phone { get; set; }
    public string? City { get; set; }
    public string? Country { get; set; }
    public int? Version { get; set; }

    public static CompanyForm From(CompanyDetail c) => new()
    {
        Name = c.Name,
        Domain = c.Domain,
        Industry = c.Industry,
        Website = c.Website,
        Phone = c.Phone,
        City = c.City,
        Country = c.Country,
        Version = c.Version,
    };

    public CreateCompanyRequest ToCreate() => new(Name, Domain, Industry, Website, Phone, City, Country);

    public CompanyChanges ToChanges() => new()
    {
        Name = new Optional<string?>(Name),
        Domain = new Optional<string?>(Blank(Domain)),
        Industry = new Optional<string?>(Blank(Industry)),
        Website = new Optional<string?>(Blank(Website)),
        Phone = new Optional<string?>(Blank(Phone)),
        City = new Optional<string?>(Blank(City)),
        Country = new Optional<string?>(Blank(Country)),
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
