using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Rapport.Access;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Access;

/// <summary>A key may be limited to some of its role's permissions (scopes), never more than the role has.</summary>
public sealed class ApiKeyScopeTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private async Task<(HttpResponseMessage Response, HttpClient? Client)> CreateAsync(string role, params string[] scopes)
    {
        var response = await app.ClientAs(Role.Admin).PostAsJsonAsync("/api/v1/api-keys", new { name = $"scoped {role}", role, scopes });
        if (response.StatusCode != HttpStatusCode.Created)
        {
            return (response, null);
        }

        var client = app.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString());
        return (response, client);
    }

    [Fact]
    public async Task A_scoped_key_does_only_what_its_scopes_name()
    {
        var (created, key) = await CreateAsync("sales", Permissions.CustomersView);
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        (await created.Content.ReadAsStringAsync()).Should().Contain("customers.view");
        (await key!.GetAsync("/api/v1/customers")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await key.PostAsJsonAsync("/api/v1/customers", new { firstName = "Nope", email = "nope@example.com" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await key.GetAsync("/api/v1/products")).StatusCode.Should().Be(HttpStatusCode.Forbidden, "catalog.view is not among its scopes");
        (await key.GetAsync("/api/v1/exports/customers")).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        var list = await app.ClientAs(Role.Admin).GetStringAsync("/api/v1/api-keys");
        list.Should().Contain("\"scopes\":\"customers.view\"");
    }

    [Fact]
    public async Task Scopes_beyond_the_role_or_unknown_are_refused_and_a_role_losing_a_permission_takes_it_from_its_keys()
    {
        var (beyond, _) = await CreateAsync("sales", Permissions.CatalogEdit);
        beyond.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await beyond.Content.ReadAsStringAsync()).Should().Contain("scopes");
        var (unknown, _) = await CreateAsync("sales", "customers.fly");
        unknown.StatusCode.Should().Be(HttpStatusCode.BadRequest);

        var (ok, key) = await CreateAsync("marketing", Permissions.CatalogView, Permissions.CatalogEdit);
        ok.StatusCode.Should().Be(HttpStatusCode.Created);
        (await key!.PostAsJsonAsync("/api/v1/products", new { sku = "SC-1", name = "Scoped mug", price = 4m })).StatusCode.Should().Be(HttpStatusCode.Created);
        var admin = app.ClientAs(Role.Admin);
        (await admin.PutAsJsonAsync("/api/v1/permissions", new { roles = new Dictionary<string, object> { ["marketing"] = Permissions.Defaults[Role.Marketing].Where(p => p != Permissions.CatalogEdit).ToList() } }))
            .StatusCode.Should().Be(HttpStatusCode.OK);
        try
        {
            (await key!.PostAsJsonAsync("/api/v1/products", new { sku = "SC-2", name = "Scoped cup", price = 4m })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        }
        finally
        {
            (await admin.PutAsJsonAsync("/api/v1/permissions", new { roles = new Dictionary<string, object> { ["marketing"] = Permissions.Defaults[Role.Marketing] } }))
                .StatusCode.Should().Be(HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task The_admin_page_creates_a_scoped_key()
    {
        var page = await app.SignedInAs(Role.Admin);
        var token = await RapportAppFactory.AntiforgeryTokenAsync(page, "/admin/api-keys");
        var response = await page.PostAsync("/admin/api-keys?handler=Create", new FormUrlEncodedContent(
        [
            new("name", "Read-only shop"), new("role", "sales"), new("scopes", "customers.view"), new("scopes", "catalog.view"),
            new(RapportAppFactory.AntiforgeryField, token),
        ]));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var html = await response.Content.ReadAsStringAsync();
        html.Should().Contain("only customers.view, catalog.view");

        var refused = await page.PostAsync("/admin/api-keys?handler=Create", new FormUrlEncodedContent(
        [
            new("name", "Too much"), new("role", "analyst"), new("scopes", "customers.edit"), new(RapportAppFactory.AntiforgeryField, token),
        ]));
        refused.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
    }
}
