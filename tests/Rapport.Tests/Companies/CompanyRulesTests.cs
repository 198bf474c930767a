using Rapport.Common;
using Rapport.Companies;

namespace Rapport.Tests.Companies;

public sealed class CompanyRulesTests
{
    [Theory]
    [InlineData("Café Lumière", "cafe lumiere")]
    [InlineData("  ACME  Corp ", "acme  corp")]
    [InlineData("Bäckerei Müller GmbH", "backerei muller gmbh")]
    [InlineData("Straße & Söhne", "strasse & sohne")]
    public void Names_are_folded_for_search_and_duplicates(string name, string expected)
    {
        CompanyNames.Normalize(name.Trim()).Should().Be(expected);
    }

    [Theory]
    [InlineData("acme.com", true)]
    [InlineData("ACME.com.", true)]
    [InlineData("sub.domain-with-dash.co.uk", true)]
    [InlineData("xn--bcher-kva.example", true)]
    [InlineData("acme", false)]
    [InlineData("https://acme.com", false)]
    [InlineData("acme.com/about", false)]
    [InlineData("-acme.com", false)]
    [InlineData("acme-.com", false)]
    [InlineData("ac me.com", false)]
    [InlineData("acme.c", false)]
    [InlineData("bücher.example", false)]
    public void Domains_are_host_names(string domain, bool valid)
    {
        var errors = new FieldErrors();
        CompanyRules.Domain(errors, domain);
        errors.Any.Should().Be(!valid);
    }

    [Theory]
    [InlineData("https://acme.com", true)]
    [InlineData("http://acme.com:8080/about?x=1", true)]
    [InlineData("acme.com", false)]
    [InlineData("ftp://acme.com", false)]
    [InlineData("mailto:info@acme.com", false)]
    [InlineData("/about", false)]
    [InlineData("https://acme .com", false)]
    [InlineData("https://", false)]
    public void Websites_are_absolute_http_urls(string website, bool valid)
    {
        var errors = new FieldErrors();
        CompanyRules.Website(errors, website);
        errors.Any.Should().Be(!valid);
    }

    [Theory]
    [InlineData("fr", "FR", true)]
    [InlineData("XK", "XK", true)]
    [InlineData("ZZ", "ZZ", false)]
    [InlineData("UK", "UK", false)]
    [InlineData("  ", null, true)]
    public void Countries_are_assigned_iso_codes(string input, string? stored, bool valid)
    {
        var errors = new FieldErrors();
        Countries.Check(errors, "country", input).Should().Be(stored);
        errors.Any.Should().Be(!valid);
    }
}
