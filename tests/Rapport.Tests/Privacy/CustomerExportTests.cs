using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Customers;
using Rapport.Identity;
using Rapport.Privacy;
using Rapport.Tests.Data;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Interactions;

namespace Rapport.Tests.Privacy;

/// <summary>The export of everything about a customer: every customer table covered, as JSON and as a zip of safe CSVs.</summary>
public sealed class CustomerExportTests(PrivacyAppFactory app) : IClassFixture<PrivacyAppFactory>
{
    [Fact]
    public void Every_table_about_a_customer_is_exported_or_listed_as_not_personal()
    {
        var model = CustomerOwnedTablesTests.Model();
        var customer = model.FindEntityType(typeof(Customer))!;
        // The customer-owned tables of the schema test, plus tables that point at a customer through an optional key
        // (tasks, survey responses, research excerpts by speaker, value evidence).
        var tables = CustomerOwnedTablesTests.OwnedTables(model)
            .Concat(model.GetEntityTypes().Where(e => e.GetForeignKeys().Any(fk => fk.PrincipalEntityType == customer)))
            .Select(e => e.GetTableName()!)
            .Append("customers")
            .ToHashSet();
        var exported = CustomerExport.Sections.SelectMany(s => s.Tables).ToHashSet();
        var missing = tables.Where(t => !exported.Contains(t) && !CustomerExport.NotPersonal.ContainsKey(t)).Order().ToList();
        missing.Should().BeEmpty("a table about a customer must be exported by a section of CustomerExport.Sections or listed in NotPersonal with its reason");
        CustomerExport.Sections.Select(s => s.Name).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task The_json_export_holds_the_profile_timeline_purchases_answers_transcript_and_evidence()
    {
        var marked = await app.MarkedCustomerAsync();
        var response = await app.ClientAs(Role.Admin).GetAsync($"/api/v1/privacy/customers/{marked.Id}/export?format=json");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        var text = await response.Content.ReadAsStringAsync();
        foreach (var marker in marked.Markers)
        {
            text.Should().Contain(marker);
        }

        var document = JsonDocument.Parse(text).RootElement;
        document.GetProperty("customerId").GetInt64().Should().Be(marked.Id);
        var sections = document.GetProperty("sections");
        sections.GetProperty("profile")[0].GetProperty("email").GetString().Should().Be(marked.Email);
        sections.GetProperty("transactions").GetArrayLength().Should().Be(1);
        sections.GetProperty("timeline").GetArrayLength().Should().Be(1);
        sections.GetProperty("survey_answers").GetArrayLength().Should().Be(2);
        foreach (var section in CustomerExport.Sections)
        {
            sections.TryGetProperty(section.Name, out _).Should().BeTrue(section.Name);
        }
    }

    [Fact]
    public async Task The_zip_export_has_one_csv_per_section_with_formulas_neutralised()
    {
        var marked = await app.MarkedCustomerAsync();
        var admin = app.ClientAs(Role.Admin);
        (await admin.PostAsJsonAsync("/api/v1/interactions", new { customerId = marked.Id, type = "note", notes = "=HYPERLINK(\"http://evil\")" }))
            .StatusCode.Should().Be(HttpStatusCode.Created);
        var response = await admin.GetAsync($"/api/v1/privacy/customers/{marked.Id}/export?format=zip");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/zip");
        using var zip = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));
        zip.Entries.Select(e => e.FullName).Should().BeEquivalentTo(CustomerExport.Sections.Select(s => s.Name + ".csv"));
        using var reader = new StreamReader(zip.GetEntry("timeline.csv")!.Open(), Encoding.UTF8);
        var timeline = await reader.ReadToEndAsync();
        timeline.Should().Contain("\"'=HYPERLINK(\"\"http://evil\"\")\"").And.NotContain(",=HYPERLINK");
        using var profile = new StreamReader(zip.GetEntry("profile.csv")!.Open(), Encoding.UTF8);
        (await profile.ReadToEndAsync()).Should().Contain(marked.Email);
    }

    [Fact]
    public async Task A_bad_format_is_a_400_and_an_unknown_customer_a_404()
    {
        var admin = app.ClientAs(Role.Admin);
        var marked = await app.MarkedCustomerAsync();
        await (await admin.GetAsync($"/api/v1/privacy/customers/{marked.Id}/export?format=xml")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "format");
        await (await admin.GetAsync("/api/v1/privacy/customers/99999999/export?format=zip")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_erased_customer_exports_as_a_tombstone()
    {
        var marked = await app.MarkedCustomerAsync();
        var admin = app.ClientAs(Role.Admin);
        (await admin.PostAsync($"/api/v1/privacy/customers/{marked.Id}/erase", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        var text = await (await admin.GetAsync($"/api/v1/privacy/customers/{marked.Id}/export")).Content.ReadAsStringAsync();
        foreach (var marker in marked.Markers)
        {
            text.Should().NotContain(marker);
        }

        (await app.WithDbAsync(db => db.Customers.AsNoTracking().SingleAsync(c => c.Id == marked.Id))).ErasedAt.Should().NotBeNull();
    }
}
