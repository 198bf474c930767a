using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Rapport.Identity;
using Rapport.Tests.Customers;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.VCards;

namespace Rapport.Tests.Exports;

public sealed class ExportApiTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private static readonly DateTimeOffset T0 = new(2024, 5, 1, 9, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task Customer_csv_uses_the_import_column_names_and_neutralises_formula_cells()
    {
        var client = app.ClientAs(Role.Sales);
        var tag = ExportKit.Unique("inj");
        var field = ExportKit.Unique("shoe_");
        (await app.ClientAs(Role.Admin).PostAsJsonAsync("/api/v1/custom-fields", new { key = field, label = "Shoe size", type = "number" })).EnsureSuccessStatusCode();
        await ExportKit.CustomerAsync(client, new
        {
            firstName = "=HYPERLINK(\"http://evil.example\",\"x\")", lastName = "+Plus", email = $"{tag}@example.com", phone = "+49 170 1234567",
            street = "-1 Minus Street", city = "@Home", postalCode = "10117", country = "DE", birthDate = "1980-02-29", language = "de",
            tags = new[] { tag, "vip" }, customFields = new Dictionary<string, object> { [field] = 42.5 },
            externalIds = new[] { new { source = "shop", externalId = "C-1" }, new { source = "erp", externalId = "E-9" } },
        });

        var response = await ExportKit.ExportAsync(client, "customers", $"format=csv&tag={tag}");
        var bytes = await response.Content.ReadAsByteArrayAsync();

        response.Content.Headers.ContentType!.ToString().Should().Be("text/csv; charset=utf-8");
        response.Content.Headers.ContentDisposition!.DispositionType.Should().Be("attachment");
        response.Content.Headers.ContentDisposition.FileName.Should().MatchRegex("^rapport-customers-\\d{8}-\\d{6}\\.csv$");
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        bytes.Take(3).Should().Equal(0xEF, 0xBB, 0xBF);
        var (header, rows) = ExportKit.ParseCsv(bytes);
        header.Should().Equal(["external_id", "email", "first_name", "last_name", "phone", "street", "city", "postal_code", "region", "country",
            "birth_date", "language", "company", "owner_email", "tags", .. header.Skip(15)]);
        header.Should().Contain(field);
        var row = rows.Should().ContainSingle().Subject;
        string Cell(string name) => row[header.ToList().IndexOf(name)];
        Cell("external_id").Should().Be("C-1", "the first external id recorded is the one exported");
        Cell("first_name").Should().Be("'=HYPERLINK(\"http://evil.example\",\"x\")");
        Cell("last_name").Should().Be("'+Plus");
        Cell("phone").Should().Be("'+49 170 1234567");
        Cell("street").Should().Be("'-1 Minus Street");
        Cell("city").Should().Be("'@Home");
        Cell("birth_date").Should().Be("1980-02-29");
        Cell("tags").Should().Be($"{tag}; vip");
        Cell(field).Should().Be("42.5");
    }

    [Fact]
    public async Task Numbers_and_dates_are_not_quoted_but_text_cells_are_in_every_kind()
    {
        var client = app.ClientAs(Role.Sales);
        var email = $"{ExportKit.Unique("neg")}@example.com";
        var customer = await ExportKit.CustomerAsync(client, new { firstName = "Refund", email });
        await ExportKit.TransactionAsync(client, customer, "R-1", T0, 12.5m, new { sku = "-X1", description = "=SUM(A1:A9)", quantity = 0.5, unitPrice = 25 });
        await ExportKit.InteractionAsync(client, customer, "phone", "call", T0, subject: "@SUM(1+1)", notes: "-2+3+cmd|' /C calc'!A0\nsecond line, with comma and \"quotes\"");

        var (_, orders, _) = await ExportKit.CsvAsync(client, "transactions", $"customerId={customer}&lines=true");
        var (_, interactions, _) = await ExportKit.CsvAsync(client, "interactions", $"customerId={customer}");

        orders.Single().Should().Equal("R-1", "", email, "Refund", "", "2024-05-01T09:30:00Z", "EUR", "12.5", "'-X1", "'=SUM(A1:A9)", "0.5", "25");
        interactions.Single()[8].Should().Be("'@SUM(1+1)");
        interactions.Single()[9].Should().Be("'-2+3+cmd|' /C calc'!A0\nsecond line, with comma and \"quotes\"");
        interactions.Single()[10].Should().Be("2024-05-01T09:30:00Z");
    }

    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+49 30 123", "'+49 30 123")]
    [InlineData("-x", "'-x")]
    [InlineData("@cmd", "'@cmd")]
    [InlineData("\tx", "'\tx")]
    [InlineData("\rx", "'\rx")]
    [InlineData("a=1", "a=1")]
    [InlineData(" =1", " =1")]
    [InlineData("'=1", "'=1")]
    [InlineData("", "")]
    public void Text_cells_starting_with_a_formula_character_get_a_leading_quote(string value, string written)
    {
        Rapport.Exports.ExportText.Text(Regex.Unescape(value)).Should().Be(Regex.Unescape(written));
    }

    [Fact]
    public async Task Customer_exports_hold_exactly_the_list_views_customers_in_its_order_over_several_pages()
    {
        var client = app.ClientAs(Role.Sales);
        var tag = ExportKit.Unique("big");
        var names = new[] { "Émile", "emma", "Zoë", "Åsa", "bob", null };
        for (var i = 0; i < 230; i++)
        {
            app.Clock.Advance(TimeSpan.FromSeconds(1));
            var first = names[i % names.Length];
            var last = i % 7 == 0 ? null : $"Name{(i * 37) % 50:00}";
            await ExportKit.CustomerAsync(client, new { firstName = first, lastName = last, email = i % 11 == 0 && last is not null ? null : $"p{i}.{tag}@example.com", tags = new[] { tag } });
        }

        foreach (var (query, list) in new[]
                 {
                     ($"tag={tag}", $"tag={tag}"),
                     ($"tag={tag}&sort=-name", $"tag={tag}&sort=-name"),
                     ($"tag={tag}&sort=-createdAt", $"tag={tag}&sort=-createdAt"),
                     ($"tag={tag}&sort=revenue", $"tag={tag}&sort=revenue"),
                     ($"q=emile&tag={tag}", $"q=emile&tag={tag}"),
                     ($"q={tag}", $"q={tag}"),
                 })
        {
            var expected = (await ExportKit.ListAllAsync(client, "/api/v1/customers", list)).Select(c => c.GetProperty("id").GetInt64()).ToList();
            var exported = (await ExportKit.JsonAsync(client, "customers", query)).Select(c => c.GetProperty("id").GetInt64()).ToList();

            expected.Should().NotBeEmpty();
            exported.Should().Equal(expected, "the export of {0} is the list view", query);
        }

        var csv = await ExportKit.CsvAsync(client, "customers", $"tag={tag}");
        csv.Rows.Should().HaveCount(230);
    }

    [Fact]
    public async Task Transaction_exports_filter_like_the_list_and_write_orders_or_lines()
    {
        var client = app.ClientAs(Role.Sales);
        var email = $"{ExportKit.Unique("tx")}@example.com";
        var customer = await ExportKit.CustomerAsync(client, new { firstName = "Tess", lastName = "Order", email, externalIds = new[] { new { source = "shop", externalId = ExportKit.Unique("C") } } });
        var other = await ExportKit.CustomerAsync(client, new { firstName = "Other", email = $"o.{email}" });
        await ExportKit.TransactionAsync(client, customer, "A-1", T0, null, new { sku = "SKU-1", description = "Boots, leather", quantity = 2, unitPrice = 49.95 }, new { description = "Laces", quantity = 1, unitPrice = 3 });
        await ExportKit.TransactionAsync(client, customer, null, T0.AddDays(1), 80m);
        await ExportKit.TransactionAsync(client, customer, "A-3", T0.AddDays(40), 10m, new { sku = "SKU-2", quantity = 1, unitPrice = 10 });
        await ExportKit.TransactionAsync(client, other, "B-1", T0, 5m);

        var listed = (await ExportKit.ListAllAsync(client, "/api/v1/transactions", $"customerId={customer}")).Select(t => t.GetProperty("id").GetInt64()).ToList();
        var exported = await ExportKit.JsonAsync(client, "transactions", $"customerId={customer}&lines=true");
        exported.Select(t => t.GetProperty("id").GetInt64()).Should().Equal(listed, "newest first, like the list");
        exported[^1].GetProperty("lines").GetArrayLength().Should().Be(2);
        exported[^1].GetProperty("total").GetDecimal().Should().Be(102.9m);

        var (header, orders, _) = await ExportKit.CsvAsync(client, "transactions", $"customerId={customer}&from=2024-05-01&to=2024-05-02");
        header.Should().Equal("external_id", "customer_external_id", "customer_email", "customer_first_name", "customer_last_name", "occurred_at", "currency", "amount");
        orders.Select(o => o[0]).Should().Equal($"rapport-transaction-{listed[1]}", "A-1");

        var (lineHeader, lines, _) = await ExportKit.CsvAsync(client, "transactions", $"customerId={customer}&lines=true&to=2024-05-01");
        lineHeader.Should().EndWith(["sku", "description", "quantity", "unit_price"]);
        lines.Should().HaveCount(2);
        lines[0].Skip(5).Should().Equal("2024-05-01T09:30:00Z", "EUR", "102.9", "SKU-1", "Boots, leather", "2", "49.95");
        lines[1].Skip(8).Should().Equal("", "Laces", "1", "3");

        var ndjson = await (await ExportKit.ExportAsync(client, "transactions", $"customerId={customer}&format=ndjson")).Content.ReadAsStringAsync();
        var objects = ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        objects.Should().HaveCount(3);
        objects[0].TryGetProperty("lines", out _).Should().BeFalse("lines are written only when asked for");
    }

    [Fact]
    public async Task Interaction_exports_filter_by_customer_channel_type_and_dates_like_the_list()
    {
        var client = app.ClientAs(Role.Service);
        var customer = await ExportKit.CustomerAsync(client, new { firstName = "Ivy", email = $"{ExportKit.Unique("ix")}@example.com" });
        for (var i = 0; i < 12; i++)
        {
            await ExportKit.InteractionAsync(client, customer, i % 3 == 0 ? "email" : "phone", i % 2 == 0 ? "call" : "support", T0.AddHours(i), $"Subject {i}");
        }

        foreach (var filter in new[] { "", "&channel=phone", "&type=support", "&channel=phone&type=call" })
        {
            var listed = (await ExportKit.ListAllAsync(client, "/api/v1/interactions", $"customerId={customer}{filter}")).Select(t => t.GetProperty("id").GetInt64()).ToList();
            var exported = (await ExportKit.JsonAsync(client, "interactions", $"customerId={customer}{filter}")).Select(t => t.GetProperty("id").GetInt64()).ToList();
            exported.Should().Equal(listed);
        }

        var window = await ExportKit.JsonAsync(client, "interactions", $"customerId={customer}&from=2024-05-01T12:30:00Z&to=2024-05-01T15:30:00Z");
        window.Select(i => i.GetProperty("subject").GetString()).Should().Equal(["Subject 5", "Subject 4", "Subject 3"], "from is inclusive and to exclusive");

        var (header, rows, _) = await ExportKit.CsvAsync(client, "interactions", $"customerId={customer}&channel=email");
        header.Should().Equal("external_id", "customer_external_id", "customer_email", "customer_first_name", "customer_last_name", "channel", "direction", "type", "subject", "notes", "occurred_at");
        rows.Should().HaveCount(4).And.OnlyContain(r => r[5] == "email" && r[6] == "inbound");
    }

    [Fact]
    public async Task A_vcf_export_reads_back_as_the_same_customers_and_one_card_downloads_from_its_customer()
    {
        var client = app.ClientAs(Role.Sales);
        var tag = ExportKit.Unique("vcf");
        var jose = await ExportKit.CustomerAsync(client, new
        {
            firstName = "José", lastName = "Müller-Łukasiewicz", email = $"jose.{tag}@example.com", phone = "+49 170 1234567",
            street = "Friedrichstraße 123; Hinterhaus", city = "Berlin", postalCode = "10117", country = "DE", birthDate = "1978-03-14", language = "de",
            tags = new[] { tag, "trade, fair" },
        });
        await ExportKit.CustomerAsync(client, new { firstName = "田中", lastName = "明", email = $"akira.{tag}@example.jp", tags = new[] { tag } });

        foreach (var version in new[] { "", "&version=3.0" })
        {
            var response = await ExportKit.ExportAsync(client, "customers", $"format=vcf&tag={tag}{version}");
            response.Content.Headers.ContentType!.MediaType.Should().Be("text/vcard");
            var cards = await VCardReaderTests.ReadAsync(await response.Content.ReadAsByteArrayAsync());
            cards.Should().HaveCount(2).And.OnlyContain(c => c.Error == null);
            var card = cards.Single(c => c.Customer!.FirstName == "José").Customer!;
            card.Email.Should().Be($"jose.{tag}@example.com");
            card.Street.Should().Be("Friedrichstraße 123; Hinterhaus");
            card.Country.Should().Be("DE");
            card.BirthDate.Should().Be(new DateOnly(1978, 3, 14));
            card.Tags.Should().BeEquivalentTo([tag, "trade, fair"]);
            card.ExternalId.Should().BeNull("the customer has an email and no external id");
        }

        var one = await client.GetAsync($"/api/v1/customers/{jose}/vcard");
        await CustomerTestApi.ExpectAsync(one, HttpStatusCode.OK);
        one.Content.Headers.ContentDisposition!.FileNameStar.Should().Be("jose-muller-lukasiewicz.vcf");
        (await one.Content.ReadAsStringAsync()).Should().StartWith("BEGIN:VCARD\r\nVERSION:4.0\r\n").And.Contain("FN:José Müller-Łukasiewicz\r\n");
        var v3 = await client.GetStringAsync($"/api/v1/customers/{jose}/vcard?version=3.0");
        v3.Should().Contain("VERSION:3.0\r\n");

        await CustomerTestApi.ExpectProblemAsync(await client.GetAsync("/api/v1/customers/999999999/vcard"), HttpStatusCode.NotFound);
        await CustomerTestApi.ExpectProblemAsync(await client.GetAsync($"/api/v1/customers/{jose}/vcard?version=2.1"), HttpStatusCode.BadRequest, "version");
    }

    [Fact]
    public async Task Bad_formats_and_filters_are_field_errors_before_anything_is_sent()
    {
        var client = app.ClientAs(Role.Analyst);
        var cases = new (string Url, string[] Fields)[]
        {
            ("/api/v1/exports/customers?format=xml", ["format"]),
            ("/api/v1/exports/customers?sort=shoe", ["sort"]),
            ("/api/v1/exports/customers?after=x", []),
            ("/api/v1/exports/customers?customerId=1&from=2024-01-01", ["customerId", "from"]),
            ("/api/v1/exports/customers?format=csv&version=3.0", ["version"]),
            ("/api/v1/exports/transactions?tag=vip&q=x&sort=name", ["tag", "q", "sort"]),
            ("/api/v1/exports/transactions?format=vcf", ["format"]),
            ("/api/v1/exports/transactions?channel=email", ["channel"]),
            ("/api/v1/exports/transactions?from=yesterday&to=2024-13-01", ["from", "to"]),
            ("/api/v1/exports/transactions?from=2024-02-01&to=2024-01-01", ["to"]),
            ("/api/v1/exports/transactions?customerId=999999999", ["customerId"]),
            ("/api/v1/exports/interactions?channel=pigeon&type=gossip", ["channel", "type"]),
            ("/api/v1/exports/interactions?lines=true", ["lines"]),
        };
        foreach (var (url, fields) in cases)
        {
            var response = await client.GetAsync(url);
            if (url.Contains("after=", StringComparison.Ordinal))
            {
                // Not a parameter of exports: ignored like any unknown query parameter, the export runs.
                response.StatusCode.Should().Be(HttpStatusCode.OK);
                continue;
            }

            await CustomerTestApi.ExpectProblemAsync(response, HttpStatusCode.BadRequest, fields);
        }

        await CustomerTestApi.ExpectProblemAsync(await client.GetAsync("/api/v1/exports/orders"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Every_role_may_export_and_anonymous_callers_may_not()
    {
        foreach (var role in Enum.GetValues<Role>())
        {
            var response = await app.ClientAs(role).GetAsync("/api/v1/exports/interactions?format=json&to=1990-01-01");
            await CustomerTestApi.ExpectAsync(response, HttpStatusCode.OK);
            (await response.Content.ReadAsStringAsync()).Should().Be("[]\n");
        }

        foreach (var url in new[] { "/api/v1/exports/customers", "/api/v1/exports/transactions?format=json", "/api/v1/customers/1/vcard" })
        {
            var response = await app.Anonymous().GetAsync(url);
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            (await response.Content.ReadAsStringAsync()).Should().NotContain("BEGIN:VCARD").And.NotContain("external_id");
        }
    }

    [Fact]
    public async Task Json_exports_are_one_valid_array_with_the_api_names()
    {
        var client = app.ClientAs(Role.Sales);
        var tag = ExportKit.Unique("js");
        await ExportKit.CustomerAsync(client, new { firstName = "Jason", lastName = "Array", email = $"{tag}@example.com", tags = new[] { tag }, externalIds = new[] { new { source = "crm", externalId = "J-1" } } });

        var response = await ExportKit.ExportAsync(client, "customers", $"format=json&tag={tag}");
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        var customer = (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Single();
        customer.GetProperty("externalId").GetString().Should().Be("J-1");
        customer.GetProperty("externalIds")[0].GetProperty("source").GetString().Should().Be("crm");
        customer.GetProperty("firstName").GetString().Should().Be("Jason");
        customer.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).Should().Equal(tag);
        customer.GetProperty("customFields").ValueKind.Should().Be(JsonValueKind.Object);
        Encoding.UTF8.GetByteCount(customer.GetRawText()).Should().BeGreaterThan(0);
    }
}
