using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Customers;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Pages;
using Rapport.Transactions;
using static Rapport.Tests.Customers.CustomerTestApi;
using static Rapport.Tests.Duplicates.DuplicateTestApi;

namespace Rapport.Tests.DataQuality;

/// <summary>
/// A small known dataset in its own database: 6 customers (one with a broken email and one with a broken phone, as
/// old imports leave them), 2 companies (one without people), 3 products (two never bought), one duplicate pair, and
/// customers who went quiet 30 months ago. Every number of the report is checked exactly, through the API and the page.
/// </summary>
public sealed class DataQualityTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private async Task SeedAsync()
    {
        if (await app.WithDbAsync(db => db.Customers.AnyAsync()))
        {
            return;
        }

        var admin = app.ClientAs(Role.Admin);
        await ExpectAsync(await admin.PostAsJsonAsync("/api/v1/custom-fields", new { key = "roast", label = "Roast", type = "text" }), HttpStatusCode.Created);
        var acme = (await (await admin.PostAsJsonAsync("/api/v1/companies", new { name = "Acme" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        await ExpectAsync(await admin.PostAsJsonAsync("/api/v1/companies", new { name = "Lonely Ltd" }), HttpStatusCode.Created);
        foreach (var (sku, name) in new[] { ("DQ-1", "Sold mug"), ("DQ-2", "Unsold kettle"), ("DQ-3", "Another unsold") })
        {
            await ExpectAsync(await admin.PostAsJsonAsync("/api/v1/products", new { sku, name, price = 10m }), HttpStatusCode.Created);
        }

        // Two customers went quiet long ago: created 30 months before "now", nothing since.
        var now = app.Clock.GetUtcNow();
        app.Clock.Set(now.AddMonths(-30));
        var old1 = await CreateIdAsync(admin, new { firstName = "Olga", lastName = "Oldie", email = "olga@example.com" });
        var old2 = await CreateIdAsync(admin, new { firstName = "Otto", lastName = "Oldman" });
        var oldBuyer = await CreateIdAsync(admin, new { firstName = "Bea", lastName = "Buyer", phone = "+1 555 010 2000", country = "US" });
        app.Clock.Set(now);
        app.WithScope(async sp => (await sp.GetRequiredService<RecordTransaction>().HandleAsync(
            new RecordTransactionRequest(oldBuyer, "DQ-ORDER", now.AddMonths(-1), "USD", null, [new TransactionLineRequest(Sku: "DQ-1", UnitPrice: 10m)]),
            CancellationToken.None)).IsOk.Should().BeTrue());

        await CreateIdAsync(admin, new { firstName = "Dana", lastName = "Twin", email = "dana.twin@example.com", companyId = acme, tags = new List<string> { "vip" }, customFields = new { roast = "dark" } });
        await CreateIdAsync(admin, new { firstName = "Dana", lastName = "Twin", email = "DANA.TWIN@example.com", city = "Porto" });
        var broken = await CreateIdAsync(admin, new { firstName = "Ivy", lastName = "Invalid", email = "ivy@example.com", phone = "+1 555 010 3000" });
        await app.WithDbAsync(async db =>
        {
            // What an old import might have left: values the input rules would refuse today.
            await db.Customers.Where(c => c.Id == broken).ExecuteUpdateAsync(s => s.SetProperty(c => c.Email, "ivy(at)example").SetProperty(c => c.Phone, "12-34"));
            return 0;
        });
        await DetectAsync(admin);
    }

    [Fact]
    public async Task Report_numbers_are_exact_on_a_known_dataset()
    {
        await SeedAsync();

        var response = await app.ClientAs(Role.Analyst).GetAsync("/api/v1/data-quality");

        await ExpectAsync(response, HttpStatusCode.OK);
        var r = await response.Content.ReadFromJsonAsync<JsonElement>();
        r.GetProperty("customers").GetInt64().Should().Be(6);
        var fields = r.GetProperty("completeness").EnumerateArray().ToDictionary(f => f.GetProperty("field").GetString()!, f => (f.GetProperty("filled").GetInt64(), f.GetProperty("percent").GetDouble()));
        fields["firstName"].Should().Be((6L, 100.0));
        fields["email"].Should().Be((4L, 66.7));
        fields["phone"].Should().Be((2L, 33.3));
        fields["city"].Should().Be((1L, 16.7));
        fields["companyId"].Should().Be((1L, 16.7));
        fields["tags"].Should().Be((1L, 16.7));
        fields["customFields.roast"].Should().Be((1L, 16.7));
        fields["birthDate"].Should().Be((0L, 0.0));
        fields.Keys.Should().Contain(["lastName", "street", "postalCode", "region", "country", "language", "ownerId"]);

        r.GetProperty("invalidEmails").GetProperty("count").GetInt64().Should().Be(1);
        r.GetProperty("invalidEmails").GetProperty("items")[0].GetProperty("value").GetString().Should().Be("ivy(at)example");
        r.GetProperty("invalidPhones").GetProperty("count").GetInt64().Should().Be(1);
        r.GetProperty("invalidPhones").GetProperty("items")[0].GetProperty("value").GetString().Should().Be("12-34");
        r.GetProperty("likelyDuplicates").GetInt64().Should().Be(1);
        r.GetProperty("duplicatesByReason").GetProperty("email").GetInt64().Should().Be(1);
        r.GetProperty("duplicatesByReason").GetProperty("name").GetInt64().Should().Be(1);
        r.GetProperty("staleMonths").GetInt32().Should().Be(24);
        r.GetProperty("stale").GetProperty("count").GetInt64().Should().Be(2, "Olga and Otto; Bea bought last month");
        r.GetProperty("stale").GetProperty("items").EnumerateArray().Select(s => s.GetProperty("displayName").GetString()).Should().BeEquivalentTo("Olga Oldie", "Otto Oldman");
        r.GetProperty("companiesWithoutPeople").GetProperty("count").GetInt64().Should().Be(1);
        r.GetProperty("companiesWithoutPeople").GetProperty("items")[0].GetProperty("name").GetString().Should().Be("Lonely Ltd");
        r.GetProperty("productsNeverBought").GetProperty("count").GetInt64().Should().Be(2);
        r.GetProperty("productsNeverBought").GetProperty("items").EnumerateArray().Select(p => p.GetProperty("sku").GetString()).Should().Equal("DQ-3", "DQ-2");

        var longer = await (await app.ClientAs(Role.Analyst).GetAsync("/api/v1/data-quality?staleMonths=36")).Content.ReadFromJsonAsync<JsonElement>();
        longer.GetProperty("stale").GetProperty("count").GetInt64().Should().Be(0);
        await ExpectProblemAsync(await app.ClientAs(Role.Analyst).GetAsync("/api/v1/data-quality?staleMonths=0"), HttpStatusCode.BadRequest, "staleMonths");
    }

    [Fact]
    public async Task Page_shows_the_same_numbers_and_links_to_the_customers()
    {
        await SeedAsync();
        var session = await PageSession.SignInAsync(app, Role.Analyst);

        var page = await session.GetAsync("/data-quality");

        page.QuerySelector("h1").Text().Should().Be("Data quality");
        page.QuerySelector("tr[data-field=email] [data-percent]").Text().Should().Be("66.7%");
        page.QuerySelector("tr[data-field=email] [data-filled]").Text().Should().Be("4");
        page.QuerySelector("[data-count=emails]").Text().Should().Be("1");
        page.QuerySelector("[data-count=phones]").Text().Should().Be("1");
        page.QuerySelector("[data-count=duplicates]").Text().Should().Be("1");
        page.QuerySelector("[data-count=stale]").Text().Should().Be("2");
        page.QuerySelector("[data-count=companies]").Text().Should().Be("1");
        page.QuerySelector("[data-count=products]").Text().Should().Be("2");
        page.QuerySelector("#invalid-emails a")!.GetAttribute("href").Should().StartWith("/customers/");
        page.QuerySelectorAll("a").Should().Contain(a => a.GetAttribute("href") == "/duplicates");
        page.QuerySelector("label[for=months]").Text().Should().StartWith("No update and no activity");

        var shorter = await session.GetAsync("/data-quality?months=36");
        shorter.QuerySelector("[data-count=stale]").Text().Should().Be("0");
        var bad = await session.Client.GetAsync("/data-quality?months=abc");
        bad.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await session.ParseAsync(bad)).QuerySelector(".field-error").Text().Should().Contain("months");
    }
}
