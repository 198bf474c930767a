using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Companies;
using Rapport.Ingestion;
using Rapport.Products;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Ingestion.Writers;

public sealed class CatalogWriterTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    [Fact]
    public async Task Companies_match_by_external_id_then_domain_then_name()
    {
        var token = WriterRun.Unique("acme").ToLowerInvariant();
        var created = await app.CompaniesAsync(
            new IncomingCompany { ExternalId = token, Name = $"Acme {token}", Domain = $"{token}.com" },
            new IncomingCompany { Name = $"Bolt {token}", Country = "Germany" });
        created.Select(r => r.Outcome).Should().Equal(IngestOutcome.Created, IngestOutcome.Created);

        var again = await app.CompaniesAsync(
            new IncomingCompany { ExternalId = token, City = "Paris" },
            new IncomingCompany { Domain = $"{token.ToUpperInvariant()}.COM", Industry = "Retail" },
            new IncomingCompany { Name = $"  BOLT {token.ToUpperInvariant()} ", ExternalId = token + "-b" },
            new IncomingCompany { ExternalId = token + "-x" },
            new IncomingCompany { ExternalId = token + "-b", Name = $"acme {token}" });
        again.Select(r => r.Outcome).Should().Equal(
            IngestOutcome.Updated, IngestOutcome.Updated, IngestOutcome.Updated, IngestOutcome.Rejected, IngestOutcome.Rejected);
        again[0].EntityId.Should().Be(created[0].EntityId);
        again[1].EntityId.Should().Be(created[0].EntityId);
        again[2].EntityId.Should().Be(created[1].EntityId);
        again[3].Reason.Should().Be("name: is required");
        again[4].Reason.Should().Be($"name: company {created[0].EntityId} is already called 'acme {token}' (ignoring case and accents)");

        var acme = await app.WithDbAsync(db => db.Companies.AsNoTracking().SingleAsync(c => c.Id == created[0].EntityId));
        (acme.City, acme.Industry, acme.Domain, acme.Version).Should().Be(("Paris", "Retail", $"{token}.com", 2));
        var bolt = await app.WithDbAsync(db => db.Companies.AsNoTracking().SingleAsync(c => c.Id == created[1].EntityId));
        (bolt.Name, bolt.Country, bolt.ExternalId, bolt.NameNormalized).Should().Be(($"BOLT {token.ToUpperInvariant()}", "DE", token + "-b", CompanyNames.Normalize($"Bolt {token}")));
    }

    [Fact]
    public async Task The_company_writer_stores_what_CreateCompany_stores()
    {
        var name = WriterRun.Unique("Société Générale");
        var request = new CreateCompanyRequest($"{name} A", "example.org", "Banking", "https://example.org", "+33 1 00 00 00 00", "Paris", "fr");
        var viaUseCase = app.WithScope(sp => sp.GetRequiredService<CreateCompany>().HandleAsync(request, CancellationToken.None));
        viaUseCase.IsOk.Should().BeTrue();
        var viaWriter = await app.CompaniesAsync(new IncomingCompany
        {
            Name = $"{name} B", Domain = "example.net", Industry = "Banking", Website = "https://example.org", Phone = "+33 1 00 00 00 00", City = "Paris", Country = "fr",
        });

        var a = await app.WithDbAsync(db => db.Companies.AsNoTracking().SingleAsync(c => c.Id == viaUseCase.Value!.Id));
        var b = await app.WithDbAsync(db => db.Companies.AsNoTracking().SingleAsync(c => c.Id == viaWriter[0].EntityId));
        b.Should().BeEquivalentTo(a, o => o.Excluding(c => c.Id).Excluding(c => c.Name).Excluding(c => c.NameNormalized).Excluding(c => c.Domain));
        b.NameNormalized.Should().Be(CompanyNames.Normalize(b.Name));
    }

    [Fact]
    public async Task Products_are_created_and_updated_by_sku_with_the_single_record_rules()
    {
        var sku = WriterRun.Unique("P");
        var category = WriterRun.Unique("Coffee");
        await app.WithDbAsync(async db =>
        {
            db.Products.Add(new Product { Sku = sku + "-old", Name = "Old", Category = category, Currency = "USD" });
            return await db.SaveChangesAsync();
        });
        var results = await app.ProductsAsync(
            new IncomingProduct { Sku = sku, Name = "Crème brûlée", Category = category.ToUpperInvariant(), Price = 4.5m, Kind = ProductKind.Product },
            new IncomingProduct { Sku = sku, Price = 5m, Active = false },
            new IncomingProduct { Sku = sku + "-2" },
            new IncomingProduct { Sku = sku + "-3", Name = "Bad", Price = -1m, Currency = "ABC" },
            new IncomingProduct { Name = "No SKU" });
        results.Select(r => r.Outcome).Should().Equal(IngestOutcome.Created, IngestOutcome.Updated, IngestOutcome.Rejected, IngestOutcome.Rejected, IngestOutcome.Rejected);
        results[2].Reason.Should().Be("name: is required");
        results[3].Reason.Should().Be("currency: must be a three-letter ISO 4217 currency code, e.g. USD; price: must not be negative");
        results[4].Reason.Should().Be("sku: is required");

        var product = await app.WithDbAsync(db => db.Products.AsNoTracking().SingleAsync(p => p.Id == results[0].EntityId));
        (product.Name, product.NameNormalized, product.Category, product.Price, product.Active, product.Currency, product.Version)
            .Should().Be(("Crème brûlée", "creme brulee", category, 5m, false, "USD", 1));

        var later = await app.ProductsAsync(new IncomingProduct { Sku = sku, Description = "Dessert" }, new IncomingProduct { Sku = sku, Description = "Dessert" });
        later.Should().AllSatisfy(r => r.Outcome.Should().Be(IngestOutcome.Updated));
        (await app.WithDbAsync(db => db.Products.AsNoTracking().SingleAsync(p => p.Id == results[0].EntityId))).Version.Should().Be(2);
    }

    [Fact]
    public async Task The_product_writer_stores_what_CreateProduct_stores()
    {
        var sku = WriterRun.Unique("EQ");
        var request = new CreateProductRequest(sku + "-a", " Thé vert ", "Loose leaf\nOrganic", "Tea", ProductKind.Product, 12.5m, 4.25m, "eur", null);
        var viaUseCase = app.WithScope(sp => sp.GetRequiredService<CreateProduct>().HandleAsync(request, CancellationToken.None));
        viaUseCase.IsOk.Should().BeTrue();
        var viaWriter = await app.ProductsAsync(new IncomingProduct
        {
            Sku = sku + "-b", Name = request.Name, Description = request.Description, Category = "tea", Kind = request.Kind, Price = request.Price, Cost = request.Cost,
            Currency = request.Currency,
        });

        var a = await app.WithDbAsync(db => db.Products.AsNoTracking().SingleAsync(p => p.Id == viaUseCase.Value!.Id));
        var b = await app.WithDbAsync(db => db.Products.AsNoTracking().SingleAsync(p => p.Id == viaWriter[0].EntityId));
        b.Should().BeEquivalentTo(a, o => o.Excluding(p => p.Id).Excluding(p => p.Sku));
    }
}
