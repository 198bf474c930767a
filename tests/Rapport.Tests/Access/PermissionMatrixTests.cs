using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Rapport.Access;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Access;

/// <summary>The matrix through the API and the admin page; a change takes effect on the next request, without restart.</summary>
public sealed class PermissionMatrixTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task The_installed_matrix_is_the_defaults_which_are_the_old_role_rights()
    {
        var matrix = await app.ClientAs(Role.Admin).GetFromJsonAsync<PermissionMatrixView>("/api/v1/permissions", Json);
        matrix!.Permissions.Should().Equal(Permissions.All);
        foreach (var role in Enum.GetValues<Role>())
        {
            matrix.Roles[Roles.Name(role)].Should().BeEquivalentTo(Permissions.Defaults[role], "role {0}", role);
        }

        // The old policies, spelled out: analysts read and export everything and write nothing; only admins administer.
        Permissions.Defaults[Role.Analyst].Should().OnlyContain(p => p.EndsWith(".view", StringComparison.Ordinal) || p.EndsWith(".export", StringComparison.Ordinal) || p == Permissions.CustomersViewSensitive);
        Permissions.Defaults[Role.Sales].Should().Contain(Permissions.CustomersEdit).And.NotContain(Permissions.CatalogEdit).And.NotContain(Permissions.AdminView);
        Permissions.Defaults[Role.Marketing].Should().Contain([Permissions.CatalogEdit, Permissions.ResearchEdit, Permissions.SegmentsEdit]);
    }

    [Fact]
    public async Task Removing_sales_customers_edit_refuses_sales_at_once_and_restoring_it_lets_them_back()
    {
        var admin = app.ClientAs(Role.Admin);
        var sales = app.ClientAs(Role.Sales);
        var salesPage = await app.SignedInAs(Role.Sales);
        (await sales.PostAsJsonAsync("/api/v1/customers", new { firstName = "Before", email = "before@example.com" })).StatusCode.Should().Be(HttpStatusCode.Created);
        (await salesPage.GetAsync("/customers/new")).StatusCode.Should().Be(HttpStatusCode.OK);

        var without = Permissions.Defaults[Role.Sales].Where(p => p != Permissions.CustomersEdit).ToList();
        var put = await admin.PutAsJsonAsync("/api/v1/permissions", new { roles = new Dictionary<string, object> { ["sales"] = without } });
        put.StatusCode.Should().Be(HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        try
        {
            var refused = await sales.PostAsJsonAsync("/api/v1/customers", new { firstName = "After", email = "after@example.com" });
            refused.StatusCode.Should().Be(HttpStatusCode.Forbidden);
            (await sales.GetAsync("/api/v1/customers")).StatusCode.Should().Be(HttpStatusCode.OK, "view is untouched");
            (await salesPage.GetAsync("/customers/new")).StatusCode.Should().Be(HttpStatusCode.Forbidden, "pages answer from the same matrix");
            (await salesPage.GetStringAsync("/customers")).Should().NotContain("href=\"/customers/new\"", "the button is hidden too");
            (await app.ClientAs(Role.Service).PostAsJsonAsync("/api/v1/customers", new { firstName = "Service", email = "service@example.com" }))
                .StatusCode.Should().Be(HttpStatusCode.Created, "only sales changed");
        }
        finally
        {
            (await admin.PutAsJsonAsync("/api/v1/permissions", new { roles = new Dictionary<string, object> { ["sales"] = Permissions.Defaults[Role.Sales] } }))
                .StatusCode.Should().Be(HttpStatusCode.OK);
        }

        (await sales.PostAsJsonAsync("/api/v1/customers", new { firstName = "Again", email = "again@example.com" })).StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [Fact]
    public async Task The_admin_role_cannot_lose_its_admin_rights_and_unknown_permissions_are_400()
    {
        var admin = app.ClientAs(Role.Admin);
        var lockout = await admin.PutAsJsonAsync("/api/v1/permissions", new { roles = new Dictionary<string, object> { ["admin"] = new List<string> { "customers.view" } } });
        lockout.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await lockout.Content.ReadAsStringAsync()).Should().Contain("roles.admin");

        var unknown = await admin.PutAsJsonAsync("/api/v1/permissions", new { roles = new Dictionary<string, object> { ["sales"] = new List<string> { "customers.fly" } } });
        unknown.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var badRole = await admin.PutAsJsonAsync("/api/v1/permissions", new { roles = new Dictionary<string, object> { ["janitor"] = Array.Empty<string>() } });
        badRole.StatusCode.Should().Be(HttpStatusCode.BadRequest);

        (await admin.GetAsync("/api/v1/api-keys")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await app.ClientAs(Role.Marketing).GetAsync("/api/v1/permissions")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_admin_page_shows_the_grid_and_saves_it()
    {
        var page = await app.SignedInAs(Role.Admin);
        var html = await page.GetStringAsync("/admin/permissions");
        html.Should().Contain("value=\"analyst:customers.view\"").And.Contain("value=\"admin:admin.edit\"");

        // Post the defaults with analysts also allowed to edit products.
        var token = await RapportAppFactory.AntiforgeryTokenAsync(page, "/admin/permissions");
        var form = Permissions.Defaults.SelectMany(d => d.Value.Select(p => new KeyValuePair<string, string>("grant", $"{Roles.Name(d.Key)}:{p}")))
            .Where(f => f.Value != "admin:admin.edit") // the disabled box is not posted; the page keeps it anyway
            .Append(new("grant", "analyst:catalog.edit"))
            .Append(new(RapportAppFactory.AntiforgeryField, token));
        var saved = await page.PostAsync("/admin/permissions", new FormUrlEncodedContent(form));
        saved.StatusCode.Should().Be(HttpStatusCode.Redirect);
        try
        {
            var matrix = await app.ClientAs(Role.Admin).GetFromJsonAsync<PermissionMatrixView>("/api/v1/permissions", Json);
            matrix!.Roles["analyst"].Should().Contain("catalog.edit");
            matrix.Roles["admin"].Should().Contain("admin.edit");
            (await app.ClientAs(Role.Analyst).PostAsJsonAsync("/api/v1/products", new { sku = "AN-1", name = "Analyst mug", price = 3m }))
                .StatusCode.Should().Be(HttpStatusCode.Created);
        }
        finally
        {
            (await app.ClientAs(Role.Admin).PutAsJsonAsync("/api/v1/permissions", new { roles = new Dictionary<string, object> { ["analyst"] = Permissions.Defaults[Role.Analyst] } }))
                .StatusCode.Should().Be(HttpStatusCode.OK);
        }

        (await page.GetAsync("/admin/permissions")).StatusCode.Should().Be(HttpStatusCode.OK);
        var analystPage = await app.SignedInAs(Role.Analyst);
        var refused = await analystPage.GetAsync("/admin/permissions");
        refused.StatusCode.Should().Be(HttpStatusCode.Redirect);
        refused.Headers.Location!.OriginalString.Should().Contain("/forbidden");
    }
}
