using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Access;

/// <summary>
/// IDOR: with record ownership on, sales user A cannot read or write the customer of sales user B by id (pages, API,
/// sub-resources, exports, segment members), sees B's customer once in B's team, and an admin sees everyone; with the
/// setting off nothing changes.
/// </summary>
public sealed class OwnershipTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private sealed record Seller(TestUser User, HttpClient Api, long CustomerId, string Email);

    private async Task<Seller> SellerAsync(string name)
    {
        var user = await app.AddUserAsync(Role.Sales, name);
        var key = app.WithScope(sp => sp.GetRequiredService<CreateApiKey>().HandleAsync(new CreateApiKeyRequest($"key of {name}", Role.Sales, user.Id), CancellationToken.None));
        var api = app.Anonymous();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Value!.Key);
        var email = $"{name.ToLowerInvariant()}.{Guid.NewGuid():N}@example.com";
        var created = await app.ClientAs(Role.Admin).PostAsJsonAsync("/api/v1/customers", new { firstName = $"Client of {name}", email, city = "Ownerville", ownerId = user.Id });
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
        return new Seller(user, api, id, email);
    }

    private async Task OwnershipAsync(bool enabled)
    {
        var put = await app.ClientAs(Role.Admin).PutAsJsonAsync("/api/v1/access/ownership", new { enabled, restrictedRoles = new List<string> { "sales" } });
        put.StatusCode.Should().Be(HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Sales_A_cannot_read_or_write_Bs_customer_anywhere_while_admin_can()
    {
        var a = await SellerAsync("Alice");
        var b = await SellerAsync("Bruno");
        var admin = app.ClientAs(Role.Admin);
        var order = await admin.PostAsJsonAsync("/api/v1/transactions", new { customerId = b.CustomerId, total = 9.5m, currency = "EUR" });
        order.StatusCode.Should().Be(HttpStatusCode.Created, await order.Content.ReadAsStringAsync());
        var orderId = JsonDocument.Parse(await order.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
        var segment = await admin.PostAsync("/api/v1/segments", new StringContent("""{"name":"Ownerville","rules":{"field":"city","op":"eq","value":"Ownerville"}}""", Encoding.UTF8, "application/json"));
        segment.StatusCode.Should().Be(HttpStatusCode.Created);
        var segmentId = JsonDocument.Parse(await segment.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();

        await OwnershipAsync(true);
        try
        {
            var api = a.Api;
            (await api.GetAsync($"/api/v1/customers/{a.CustomerId}")).StatusCode.Should().Be(HttpStatusCode.OK);
            foreach (var path in new[] { $"/api/v1/customers/{b.CustomerId}", $"/api/v1/customers/{b.CustomerId}/timeline", $"/api/v1/customers/{b.CustomerId}/stage",
                         $"/api/v1/customers/{b.CustomerId}/values", $"/api/v1/customers/{b.CustomerId}/vcard", $"/api/v1/transactions/{orderId}" })
            {
                var response = await api.GetAsync(path);
                response.StatusCode.Should().Be(HttpStatusCode.NotFound, "GET {0} is another owner's", path);
                (await response.Content.ReadAsStringAsync()).Should().NotContain(b.Email);
            }

            (await api.PatchAsync($"/api/v1/customers/{b.CustomerId}", JsonContent.Create(new { city = "Elsewhere" }))).StatusCode.Should().Be(HttpStatusCode.NotFound);
            (await api.DeleteAsync($"/api/v1/customers/{b.CustomerId}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
            (await api.DeleteAsync($"/api/v1/transactions/{orderId}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
            var note = await api.PostAsJsonAsync("/api/v1/interactions", new { customerId = b.CustomerId, type = "note", notes = "sneaky" });
            note.StatusCode.Should().Be(HttpStatusCode.BadRequest);
            (await note.Content.ReadAsStringAsync()).Should().Contain("customerId");
            (await api.PostAsJsonAsync("/api/v1/transactions", new { customerId = b.CustomerId, total = 1m, currency = "EUR" }))
                .StatusCode.Should().Be(HttpStatusCode.BadRequest);
            (await api.GetAsync($"/api/v1/transactions?customerId={b.CustomerId}")).StatusCode.Should().Be(HttpStatusCode.BadRequest);

            var list = await api.GetStringAsync("/api/v1/customers?limit=200");
            list.Should().Contain(a.Email).And.NotContain(b.Email);
            (await api.GetStringAsync($"/api/v1/customers?q={Uri.EscapeDataString(b.Email)}")).Should().NotContain(b.Email);
            var export = await api.GetStringAsync("/api/v1/exports/customers");
            export.Should().Contain(a.Email).And.NotContain(b.Email);
            (await api.GetStringAsync("/api/v1/exports/transactions")).Should().NotContain(orderId.ToString(System.Globalization.CultureInfo.InvariantCulture) + ",");
            (await api.GetAsync($"/api/v1/exports/interactions?customerId={b.CustomerId}")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
            var members = await api.GetStringAsync($"/api/v1/segments/{segmentId}/members?limit=200");
            members.Should().Contain(a.Email).And.NotContain(b.Email);
            (await api.GetStringAsync($"/api/v1/segments/{segmentId}/members.csv")).Should().Contain(a.Email).And.NotContain(b.Email);

            // Pages: the signed-in user gets the same answers.
            var page = await app.SignInAsync(a.User);
            (await page.GetAsync($"/customers/{a.CustomerId}")).StatusCode.Should().Be(HttpStatusCode.OK);
            (await page.GetAsync($"/customers/{b.CustomerId}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
            (await page.GetAsync($"/customers/{b.CustomerId}/values")).StatusCode.Should().Be(HttpStatusCode.NotFound);
            (await page.GetStringAsync("/customers")).Should().NotContain($"/customers/{b.CustomerId}\"");
            var token = await RapportAppFactory.AntiforgeryTokenAsync(page, $"/customers/{a.CustomerId}");
            var post = await page.PostAsync($"/customers/{b.CustomerId}?handler=Note", new FormUrlEncodedContent(new Dictionary<string, string> { ["notes"] = "sneaky", [RapportAppFactory.AntiforgeryField] = token }));
            post.StatusCode.Should().Be(HttpStatusCode.NotFound);

            // The admin sees both; nothing of B's changed.
            (await admin.GetAsync($"/api/v1/customers/{b.CustomerId}")).StatusCode.Should().Be(HttpStatusCode.OK);
            (await admin.GetStringAsync($"/api/v1/customers/{b.CustomerId}/timeline")).Should().NotContain("sneaky");
            (await admin.GetStringAsync("/api/v1/exports/customers")).Should().Contain(b.Email);
            (await admin.GetStringAsync($"/api/v1/segments/{segmentId}/members?limit=200")).Should().Contain(b.Email);
            var adminPage = await app.SignedInAs(Role.Admin);
            (await adminPage.GetAsync($"/customers/{b.CustomerId}")).StatusCode.Should().Be(HttpStatusCode.OK);
        }
        finally
        {
            await OwnershipAsync(false);
        }

        (await a.Api.GetAsync($"/api/v1/customers/{b.CustomerId}")).StatusCode.Should().Be(HttpStatusCode.OK, "with the setting off, behaviour is as before");
        (await a.Api.GetStringAsync("/api/v1/exports/customers")).Should().Contain(b.Email);
    }

    [Fact]
    public async Task A_team_mate_sees_the_teams_customers_and_a_key_without_a_user_sees_none()
    {
        var b = await SellerAsync("Berta");
        var c = await SellerAsync("Carl");
        var admin = app.ClientAs(Role.Admin);
        var team = await admin.PostAsJsonAsync("/api/v1/teams", new { name = $"North {Guid.NewGuid():N}" });
        team.StatusCode.Should().Be(HttpStatusCode.Created);
        var teamId = JsonDocument.Parse(await team.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();

        await OwnershipAsync(true);
        try
        {
            (await c.Api.GetAsync($"/api/v1/customers/{b.CustomerId}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
            (await admin.PutAsJsonAsync($"/api/v1/users/{b.User.Id}/team", new { teamId })).StatusCode.Should().Be(HttpStatusCode.OK);
            (await admin.PutAsJsonAsync($"/api/v1/users/{c.User.Id}/team", new { teamId })).StatusCode.Should().Be(HttpStatusCode.OK);
            (await c.Api.GetAsync($"/api/v1/customers/{b.CustomerId}")).StatusCode.Should().Be(HttpStatusCode.OK, "Carl and Berta are one team");
            (await c.Api.GetStringAsync("/api/v1/customers?limit=200")).Should().Contain(b.Email);

            (await app.ClientAs(Role.Sales).GetAsync($"/api/v1/customers/{b.CustomerId}")).StatusCode.Should().Be(HttpStatusCode.NotFound, "a sales key made by the CLI acts for nobody");
            (await app.ClientAs(Role.Marketing).GetAsync($"/api/v1/customers/{b.CustomerId}")).StatusCode.Should().Be(HttpStatusCode.OK, "marketing is not restricted");

            (await admin.DeleteAsync($"/api/v1/teams/{teamId}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
            (await c.Api.GetAsync($"/api/v1/customers/{b.CustomerId}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        }
        finally
        {
            await OwnershipAsync(false);
        }
    }

    [Fact]
    public async Task The_setting_refuses_admin_and_unknown_roles_and_the_admin_page_saves_it()
    {
        var admin = app.ClientAs(Role.Admin);
        (await admin.PutAsJsonAsync("/api/v1/access/ownership", new { enabled = true, restrictedRoles = new List<string> { "admin" } })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await admin.PutAsJsonAsync("/api/v1/access/ownership", new { enabled = true, restrictedRoles = new List<string> { "janitor" } })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await app.ClientAs(Role.Sales).GetAsync("/api/v1/access/ownership")).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        var page = await app.SignedInAs(Role.Admin);
        (await page.GetStringAsync("/admin/teams")).Should().Contain("Record ownership");
        var token = await RapportAppFactory.AntiforgeryTokenAsync(page, "/admin/teams");
        var saved = await page.PostAsync("/admin/teams?handler=Ownership", new FormUrlEncodedContent(
        [
            new("enabled", "true"), new("enabled", "false"), new("restrictedRoles", "sales"), new("restrictedRoles", "service"),
            new(RapportAppFactory.AntiforgeryField, token),
        ]));
        saved.StatusCode.Should().Be(HttpStatusCode.Redirect);
        try
        {
            var state = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/access/ownership")).RootElement;
            state.GetProperty("enabled").GetBoolean().Should().BeTrue();
            state.GetProperty("restrictedRoles").EnumerateArray().Select(r => r.GetString()).Should().BeEquivalentTo("sales", "service");
        }
        finally
        {
            await OwnershipAsync(false);
        }

        var created = await page.PostAsync("/admin/teams?handler=Create", new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "South", [RapportAppFactory.AntiforgeryField] = token }));
        created.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await page.GetStringAsync("/admin/teams")).Should().Contain("South");
    }
}
