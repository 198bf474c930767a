using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Companies;
using Rapport.Customers;
using Rapport.Identity;
using Rapport.Products;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Pages;

public sealed class CompanyProductPageTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    [Fact]
    public async Task Company_created_by_form_lists_its_people_and_is_found_by_search()
    {
        var session = await PageSession.SignInAsync(app, Role.Sales);
        await session.GetAsync("/companies/new");
        var name = $"Quokka Roasters {Guid.NewGuid():N}"[..24];

        var created = await session.PostFormAsync("/companies/new", new() { ["Form.Name"] = name, ["Form.Domain"] = "quokka.example", ["Form.City"] = "Perth", ["Form.Country"] = "AU" });

        created.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var path = created.Headers.Location!.OriginalString;
        var id = long.Parse(path["/companies/".Length..], System.Globalization.CultureInfo.InvariantCulture);
        app.WithScope(async sp => (await sp.GetRequiredService<CreateCustomer>().HandleAsync(
            new CreateCustomerRequest { FirstName = "Wally", LastName = "Worker", CompanyId = id }, CustomerSources.Api, CancellationToken.None)).IsOk.Should().BeTrue());

        var page = await session.GetAsync(path);
        page.QuerySelector("h1").Text().Should().Be(name);
        page.QuerySelector("[data-figure=people]").Text().Should().Be("1");
        page.QuerySelectorAll("table a.row-title").Select(a => a.Text()).Should().Equal("Wally Worker");
        page.QuerySelector($"a[href='/customers/new?companyId={id}']").Should().NotBeNull();

        var found = await session.GetAsync("/companies?q=quokka");
        found.QuerySelectorAll("#company-results a.row-title").Select(a => a.Text()).Should().Contain(name);
    }

    [Fact]
    public async Task Company_edit_with_a_stale_version_is_refused()
    {
        var company = app.WithScope(async sp => (await sp.GetRequiredService<CreateCompany>().HandleAsync(new CreateCompanyRequest("Stale Corp"), CancellationToken.None)).Value!);
        var session = await PageSession.SignInAsync(app, Role.Marketing);
        await session.GetAsync($"/companies/{company.Id}/edit");

        var first = await session.PostFormAsync($"/companies/{company.Id}/edit", new() { ["Form.Name"] = "Stale Corp", ["Form.City"] = "Oslo", ["Form.Version"] = "1" });
        first.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var second = await session.PostFormAsync($"/companies/{company.Id}/edit", new() { ["Form.Name"] = "Stale Corp", ["Form.City"] = "Bergen", ["Form.Version"] = "1" });

        second.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await session.ParseAsync(second)).QuerySelector("[role=alert]").Text().Should().Contain("changed by someone else");
        (await app.WithDbAsync(db => db.Companies.AsNoTracking().Where(c => c.Id == company.Id).Select(c => c.City).SingleAsync())).Should().Be("Oslo");
    }

    [Fact]
    public async Task Analyst_reads_companies_without_write_controls_and_is_refused_when_posting()
    {
        var company = app.WithScope(async sp => (await sp.GetRequiredService<CreateCompany>().HandleAsync(new CreateCompanyRequest("Readonly Ltd"), CancellationToken.None)).Value!);
        var analyst = await PageSession.SignInAsync(app, Role.Analyst);

        var page = await analyst.GetAsync($"/companies/{company.Id}");
        page.QuerySelector("h1").Text().Should().Be("Readonly Ltd");
        page.QuerySelectorAll("a, button").Select(e => e.Text()).Should().NotContain(["Edit company", "Delete company", "Add a person"]);
        (await analyst.GetAsync("/companies")).QuerySelectorAll("a").Select(a => a.GetAttribute("href")).Should().NotContain("/companies/new");

        (await analyst.Client.GetAsync($"/companies/{company.Id}/edit")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await analyst.PostFormAsync($"/companies/{company.Id}?handler=Delete", new() { ["version"] = "1" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await analyst.PostFormAsync("/companies/new", new() { ["Form.Name"] = "Sneaky Inc" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await app.WithDbAsync(db => db.Companies.AnyAsync(c => c.Id == company.Id))).Should().BeTrue();
        (await app.WithDbAsync(db => db.Companies.AnyAsync(c => c.Name == "Sneaky Inc"))).Should().BeFalse();
    }

    [Fact]
    public async Task Product_created_by_form_is_filtered_by_category_and_status()
    {
        var marketing = await PageSession.SignInAsync(app, Role.Marketing);
        await marketing.GetAsync("/products/new");
        var sku = $"SKU-{Guid.NewGuid():N}"[..14];

        var created = await marketing.PostFormAsync("/products/new", new()
        {
            ["Form.Name"] = "Kettle, gooseneck",
            ["Form.Sku"] = sku,
            ["Form.Category"] = "Brewing gear",
            ["Form.Kind"] = "product",
            ["Form.Price"] = "64.90",
            ["Form.Active"] = "true",
        });
        created.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var detail = await marketing.GetAsync(created.Headers.Location!.OriginalString);
        detail.QuerySelector("h1").Text().Should().Be("Kettle, gooseneck");

        var list = await marketing.GetAsync("/products?category=Brewing+gear");
        list.QuerySelectorAll("#product-results a.row-title").Select(a => a.Text()).Should().Contain("Kettle, gooseneck");
        list.QuerySelectorAll("#product-category option").Select(o => o.GetAttribute("value")).Should().Contain("Brewing gear");
        (await marketing.GetAsync("/products?status=inactive")).QuerySelectorAll("#product-results a.row-title").Select(a => a.Text()).Should().NotContain("Kettle, gooseneck");

        var bad = await marketing.PostFormAsync("/products/new", new() { ["Form.Name"] = "Cheap", ["Form.Sku"] = sku + "x", ["Form.Price"] = "twelve" });
        bad.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await marketing.ParseAsync(bad)).QuerySelector("#product-price-error").Text().Should().Contain("not a number");
    }

    [Fact]
    public async Task Product_edit_retires_a_product_and_sales_cannot_edit_the_catalogue()
    {
        var product = app.WithScope(async sp => (await sp.GetRequiredService<CreateProduct>().HandleAsync(
            new CreateProductRequest($"RET-{Guid.NewGuid():N}"[..12], "Retiring mug", Price: 9.5m), CancellationToken.None)).Value!);
        var marketing = await PageSession.SignInAsync(app, Role.Marketing);
        var form = await marketing.GetAsync($"/products/{product.Id}/edit");
        form.QuerySelector("#product-price")!.GetAttribute("value").Should().Be("9.50");

        var saved = await marketing.PostFormAsync($"/products/{product.Id}/edit", new()
        {
            ["Form.Name"] = "Retiring mug",
            ["Form.Sku"] = product.Sku,
            ["Form.Kind"] = "product",
            ["Form.Price"] = "9.50",
            ["Form.Currency"] = product.Currency,
            ["Form.Active"] = "false",
            ["Form.Version"] = product.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        saved.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await app.WithDbAsync(db => db.Products.AsNoTracking().Where(p => p.Id == product.Id).Select(p => p.Active).SingleAsync())).Should().BeFalse();

        var sales = await PageSession.SignInAsync(app, Role.Sales);
        (await sales.GetAsync("/products")).QuerySelectorAll("a").Select(a => a.GetAttribute("href")).Should().NotContain("/products/new");
        (await sales.Client.GetAsync($"/products/{product.Id}/edit")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await sales.PostFormAsync($"/products/{product.Id}/edit", new() { ["Form.Name"] = "Hijacked" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await app.WithDbAsync(db => db.Products.AsNoTracking().Where(p => p.Id == product.Id).Select(p => p.Name).SingleAsync())).Should().Be("Retiring mug");
    }
}
