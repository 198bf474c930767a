using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Rapport.Access;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Access;

/// <summary>
/// Birth date and custom fields marked sensitive are hidden from roles without customers.view-sensitive: in the API
/// (birthDate null, the field left out), the customer page, exports, and the segment fields rules may use.
/// </summary>
public sealed class FieldProtectionTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private const string Birth = "1984-05-06";
    private const string Salary = "987654";

    private async Task<long> SetUpAsync()
    {
        var admin = app.ClientAs(Role.Admin);
        var salary = await admin.PostAsJsonAsync("/api/v1/custom-fields", new { key = "salary", label = "Salary", type = "number", sensitive = true });
        salary.StatusCode.Should().Be(HttpStatusCode.Created, await salary.Content.ReadAsStringAsync());
        (await salary.Content.ReadAsStringAsync()).Should().Contain("\"sensitive\":true");
        (await admin.PostAsJsonAsync("/api/v1/custom-fields", new { key = "shoe_size", label = "Shoe size", type = "number" })).StatusCode.Should().Be(HttpStatusCode.Created);
        var customer = await admin.PostAsJsonAsync("/api/v1/customers", new
        {
            firstName = "Senna", lastName = "Sitive", email = "senna@example.com", birthDate = Birth,
            customFields = new Dictionary<string, object> { ["salary"] = decimal.Parse(Salary, System.Globalization.CultureInfo.InvariantCulture), ["shoe_size"] = 43 },
        });
        customer.StatusCode.Should().Be(HttpStatusCode.Created, await customer.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await customer.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
    }

    private async Task SetMarketingAsync(IEnumerable<string> permissions) =>
        (await app.ClientAs(Role.Admin).PutAsJsonAsync("/api/v1/permissions", new { roles = new Dictionary<string, object> { ["marketing"] = permissions.ToList() } }))
            .StatusCode.Should().Be(HttpStatusCode.OK);

    [Fact]
    public async Task Sensitive_fields_are_hidden_per_role_in_the_api_pages_exports_and_segment_fields()
    {
        var id = await SetUpAsync();
        await SetMarketingAsync(Permissions.Defaults[Role.Marketing].Where(p => p != Permissions.CustomersViewSensitive));
        try
        {
            var marketing = app.ClientAs(Role.Marketing);
            var detail = JsonDocument.Parse(await marketing.GetStringAsync($"/api/v1/customers/{id}")).RootElement;
            detail.GetProperty("birthDate").ValueKind.Should().Be(JsonValueKind.Null);
            detail.GetProperty("customFields").TryGetProperty("salary", out _).Should().BeFalse();
            detail.GetProperty("customFields").TryGetProperty("shoe_size", out _).Should().BeTrue("only the sensitive field is hidden");

            using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/customers/{id}") { Content = JsonContent.Create(new { city = "Lyon" }) };
            patch.Headers.TryAddWithoutValidation("If-Match", $"\"{detail.GetProperty("version").GetInt32()}\"");
            var patched = await marketing.SendAsync(patch);
            patched.StatusCode.Should().Be(HttpStatusCode.OK);
            (await patched.Content.ReadAsStringAsync()).Should().NotContain(Birth).And.NotContain(Salary);

            var export = await marketing.GetStringAsync("/api/v1/exports/customers");
            export.Should().Contain("senna@example.com").And.NotContain(Birth).And.NotContain(Salary).And.NotContain("salary");
            (await marketing.GetStringAsync("/api/v1/exports/customers?format=json")).Should().NotContain(Birth).And.NotContain(Salary);
            (await marketing.GetStringAsync($"/api/v1/customers/{id}/vcard")).Should().NotContain("BDAY");

            (await marketing.GetStringAsync("/api/v1/segments/fields")).Should().NotContain("custom.salary").And.Contain("custom.shoe_size");
            var probe = await marketing.PostAsync("/api/v1/segments/preview", new StringContent("""{"rules":{"field":"custom.salary","op":"gt","value":900000}}""", Encoding.UTF8, "application/json"));
            ((int)probe.StatusCode).Should().BeOneOf(200, 400);
            (await probe.Content.ReadAsStringAsync()).Should().Contain("custom.salary", "the rule is refused as naming an unknown field");
            (await probe.Content.ReadAsStringAsync()).Should().NotContain("\"count\":1");

            var page = await app.SignedInAs(Role.Marketing);
            var html = await page.GetStringAsync($"/customers/{id}");
            html.Should().Contain("Senna").And.NotContain(Salary).And.NotContain("1984");

            // Roles that keep the permission (the defaults: everyone) still see everything.
            var sales = app.ClientAs(Role.Sales);
            var full = JsonDocument.Parse(await sales.GetStringAsync($"/api/v1/customers/{id}")).RootElement;
            full.GetProperty("birthDate").GetString().Should().Be(Birth);
            full.GetProperty("customFields").TryGetProperty("salary", out _).Should().BeTrue();
            (await sales.GetStringAsync("/api/v1/exports/customers")).Should().Contain(Birth).And.Contain(Salary);
            (await app.ClientAs(Role.Admin).GetStringAsync("/api/v1/segments/fields")).Should().Contain("custom.salary");
        }
        finally
        {
            await SetMarketingAsync(Permissions.Defaults[Role.Marketing]);
        }

        var back = JsonDocument.Parse(await app.ClientAs(Role.Marketing).GetStringAsync($"/api/v1/customers/{id}")).RootElement;
        back.GetProperty("birthDate").GetString().Should().Be(Birth);
    }
}
