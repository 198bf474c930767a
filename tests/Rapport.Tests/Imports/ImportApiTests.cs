using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Identity;

namespace Rapport.Tests.Imports;

public sealed class ImportApiTests(ImportAppFactory app) : IClassFixture<ImportAppFactory>
{
    private static MultipartFormDataContent Upload(string content, string fileName = "customers.csv", params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(content));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", fileName);
        return form;
    }

    [Fact]
    public async Task Upload_runs_in_the_background_and_reports_counts_and_rejects()
    {
        var client = app.ClientAs(Role.Sales);
        var domain = ImportKit.Unique("api") + ".example";
        var csv = $"Customer ID;E-mail;Prénom;Nom\nK1;ann@{domain};Ann;Lee\nK2;broken-email;Bob;Ray\nK3;cy@{domain};Cy;Day\n";

        var response = await client.PostAsync("/api/v1/imports", Upload(csv, "clients.csv", ("kind", "customers"), ("source", ImportKit.Unique("crm"))));

        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = accepted.GetProperty("id").GetInt64();
        response.Headers.Location!.ToString().Should().Be($"/api/v1/imports/{id}");
        accepted.GetProperty("fileName").GetString().Should().Be("clients.csv");

        var done = await ImportKit.WaitForApiAsync(client, id);
        done.GetProperty("status").GetString().Should().Be("completed");
        done.GetProperty("read").GetInt64().Should().Be(3);
        done.GetProperty("created").GetInt64().Should().Be(2);
        done.GetProperty("rejected").GetInt64().Should().Be(1);
        done.GetProperty("percent").GetDouble().Should().Be(100);
        done.GetProperty("startedBy").GetString().Should().Be("API key test Sales");

        var rejects = await client.GetAsync($"/api/v1/imports/{id}/rejects");
        rejects.StatusCode.Should().Be(HttpStatusCode.OK);
        rejects.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        var text = await rejects.Content.ReadAsStringAsync();
        text.Should().StartWith("Customer ID;E-mail;Prénom;Nom;line;reason\r\nK2;broken-email;Bob;Ray;3;");

        var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/imports?limit=200");
        list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).Should().Contain(id);
        (await app.WithDbAsync(db => db.Customers.CountAsync(c => c.EmailNormalized!.EndsWith("@" + domain)))).Should().Be(2);
    }

    [Fact]
    public async Task Preview_shows_detection_mapping_and_row_problems_and_stores_nothing()
    {
        var client = app.ClientAs(Role.Marketing);
        var before = await app.WithDbAsync(db => db.Imports.CountAsync());
        var csv = "Order Number;Email;Date;Currency;Total\n1;a@example.com;31/12/2024;EUR;12,50\n2;b@example.com;13/01/2025;EUR;abc\n";

        var response = await client.PostAsync("/api/v1/imports/preview", Upload(csv, "orders.csv", ("kind", "transactions")));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var preview = await response.Content.ReadFromJsonAsync<JsonElement>();
        preview.GetProperty("delimiter").GetString().Should().Be(";");
        preview.GetProperty("dateFormat").GetString().Should().Be("dd/MM/yyyy");
        preview.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("field").GetString())
            .Should().Equal("external_id", "customer_email", "occurred_at", "currency", "amount");
        var rows = preview.GetProperty("rows").EnumerateArray().ToList();
        rows[0].GetProperty("problem").ValueKind.Should().Be(JsonValueKind.Null);
        rows[1].GetProperty("problem").GetString().Should().Contain("Total");
        rows[1].GetProperty("problemColumns").EnumerateArray().Select(c => c.GetInt32()).Should().Equal(4);
        (await app.WithDbAsync(db => db.Imports.CountAsync())).Should().Be(before);
    }

    [Fact]
    public async Task Bad_uploads_are_problems_with_field_errors_and_queue_nothing()
    {
        var client = app.ClientAs(Role.Admin);
        var before = await app.WithDbAsync(db => db.Imports.CountAsync());
        var folder = Path.Combine(app.DataDirectory, "imports");
        var filesBefore = Directory.Exists(folder) ? Directory.GetFiles(folder).Length : 0;

        var noKind = await client.PostAsync("/api/v1/imports", Upload("email\na@example.com\n"));
        noKind.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await noKind.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("kind", out _).Should().BeTrue();

        var empty = await client.PostAsync("/api/v1/imports", Upload("", "empty.csv", ("kind", "customers")));
        empty.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await empty.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("file")[0].GetString().Should().Be("The file is empty.");

        var unmapped = await client.PostAsync("/api/v1/imports", Upload("colour,size\nred,XL\n", "odd.csv", ("kind", "customers")));
        unmapped.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await unmapped.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("map", out _).Should().BeTrue();

        var badOption = await client.PostAsync("/api/v1/imports", Upload("email\na@example.com\n", "a.csv", ("kind", "customers"), ("dateFormat", "yyyy-dd-MM-hh")));
        badOption.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await badOption.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("dateFormat", out _).Should().BeTrue();

        var json = await client.PostAsJsonAsync("/api/v1/imports", new { kind = "customers" });
        json.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
        json.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");

        var noFile = new MultipartFormDataContent { { new StringContent("customers"), "kind" } };
        var missing = await client.PostAsync("/api/v1/imports", noFile);
        missing.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("file", out _).Should().BeTrue();

        (await app.WithDbAsync(db => db.Imports.CountAsync())).Should().Be(before);
        (Directory.Exists(folder) ? Directory.GetFiles(folder).Length : 0).Should().Be(filesBefore, "every refused upload is removed");
    }

    [Fact]
    public async Task Roles_follow_what_the_import_writes()
    {
        (await app.ClientAs(Role.Analyst).PostAsync("/api/v1/imports", Upload("email\na@example.com\n", "a.csv", ("kind", "customers"))))
            .StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await app.ClientAs(Role.Sales).PostAsync("/api/v1/imports", Upload("sku,name\nS1,Mug\n", "p.csv", ("kind", "products"))))
            .StatusCode.Should().Be(HttpStatusCode.Forbidden, "sales may not write the catalogue");
        (await app.Anonymous().GetAsync("/api/v1/imports")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await app.ClientAs(Role.Analyst).GetAsync("/api/v1/imports")).StatusCode.Should().Be(HttpStatusCode.OK, "everyone may read the history");

        var marketing = app.ClientAs(Role.Marketing);
        var products = await marketing.PostAsync("/api/v1/imports", Upload($"sku,name,price\n{ImportKit.Unique("S")},Mug,9.90\n", "p.csv", ("kind", "products")));
        products.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var id = (await products.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        (await ImportKit.WaitForApiAsync(marketing, id)).GetProperty("created").GetInt64().Should().Be(1);
        (await app.ClientAs(Role.Analyst).GetAsync($"/api/v1/imports/{id}/rejects")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Cancel_of_a_finished_import_is_a_conflict_and_unknown_ids_are_404()
    {
        var client = app.ClientAs(Role.Admin);
        var response = await client.PostAsync("/api/v1/imports", Upload($"email\n{ImportKit.Unique("c")}@example.com\n", "c.csv", ("kind", "customers")));
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        await ImportKit.WaitForApiAsync(client, id);

        var cancel = await client.PostAsync($"/api/v1/imports/{id}/cancel", null);
        cancel.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await client.GetAsync("/api/v1/imports/999999")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await client.PostAsync("/api/v1/imports/999999/cancel", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await client.GetAsync("/api/v1/imports?after=nonsense")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_file_over_the_general_body_limit_is_accepted_by_the_upload_endpoint()
    {
        var client = app.ClientAs(Role.Admin);
        var domain = ImportKit.Unique("big") + ".example";
        var csv = new StringBuilder("email,first name,last name,city\n");
        var rows = 0;
        while (csv.Length < 3 * 1024 * 1024)
        {
            rows++;
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"p{rows}@{domain},Person{rows},Lee,Lisbon\n");
        }

        var response = await client.PostAsync("/api/v1/imports", Upload(csv.ToString(), "big.csv", ("kind", "customers"), ("dryRun", "true")));

        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var done = await ImportKit.WaitForApiAsync(client, id);
        done.GetProperty("read").GetInt64().Should().Be(rows);
        done.GetProperty("dryRun").GetBoolean().Should().BeTrue();
        using var large = new ByteArrayContent(new byte[2 * 1024 * 1024]);
        large.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        (await client.PostAsync("/api/v1/customers", large)).StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge, "other endpoints keep the general limit");
    }
}
