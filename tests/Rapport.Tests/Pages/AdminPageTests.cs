using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Rapport.Customers;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Pages;

public sealed class AdminPageTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    [Fact]
    public async Task Admin_adds_a_user_whose_generated_password_is_shown_once_and_works()
    {
        var admin = await PageSession.SignInAsync(app, Role.Admin);
        await admin.GetAsync("/admin/users");
        var email = $"new-{Guid.NewGuid():N}@example.com";

        var response = await admin.PostFormAsync("/admin/users?handler=Add", new() { ["email"] = email, ["displayName"] = "New Colleague", ["role"] = "service" });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var page = await admin.ParseAsync(response);
        var password = page.QuerySelector("#generated-password").Text();
        password.Should().HaveLength(20);
        page.QuerySelectorAll("tbody .row-sub").Select(e => e.Text()).Should().Contain(email);
        (await admin.GetAsync("/admin/users")).Source.Text.Should().NotContain(password, "the password is shown once");

        var client = app.Anonymous();
        var signIn = await RapportAppFactoryPages.SignInAsync(client, email, password);
        signIn.StatusCode.Should().Be(HttpStatusCode.Redirect);
        signIn.Headers.Location!.OriginalString.Should().Be("/");
    }

    [Fact]
    public async Task Admin_disables_and_changes_the_role_of_others_but_not_of_themselves()
    {
        var admin = await PageSession.SignInAsync(app, Role.Admin);
        var colleague = await PageSession.SignInAsync(app, Role.Sales);
        await admin.GetAsync("/admin/users");

        var role = await admin.PostFormAsync("/admin/users?handler=Role", new() { ["id"] = Id(colleague.UserId), ["role"] = "marketing" });
        role.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await app.WithDbAsync(db => db.Users.AsNoTracking().Where(u => u.Id == colleague.UserId).Select(u => u.Role).SingleAsync())).Should().Be(Role.Marketing);
        (await colleague.Client.GetAsync("/")).StatusCode.Should().Be(HttpStatusCode.Redirect, "a role change signs the user out");

        var disable = await admin.PostFormAsync("/admin/users?handler=Disable", new() { ["id"] = Id(colleague.UserId), ["disabled"] = "true" });
        disable.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await admin.GetAsync("/admin/users")).QuerySelectorAll("tr").Single(r => r.TextContent.Contains(colleague.Email, StringComparison.Ordinal))
            .QuerySelector(".badge-danger").Text().Should().Be("disabled");

        var self = await admin.PostFormAsync("/admin/users?handler=Disable", new() { ["id"] = Id(admin.UserId), ["disabled"] = "true" });
        self.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await admin.GetAsync("/admin/users")).QuerySelector("[role=alert]").Text().Should().Contain("cannot disable your own account");
        (await app.WithDbAsync(db => db.Users.AsNoTracking().Where(u => u.Id == admin.UserId).Select(u => u.Disabled).SingleAsync())).Should().BeFalse();
    }

    [Fact]
    public async Task Admin_creates_an_api_key_shown_once_that_works_until_revoked()
    {
        var admin = await PageSession.SignInAsync(app, Role.Admin);
        await admin.GetAsync("/admin/api-keys");

        var created = await admin.ParseAsync(await admin.PostFormAsync("/admin/api-keys?handler=Create", new() { ["name"] = "Web shop", ["role"] = "sales" }));
        var key = created.QuerySelector("#new-key").Text();
        key.Should().StartWith("rpk_");
        var api = app.Anonymous();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        (await api.GetAsync("/api/v1/customers")).StatusCode.Should().Be(HttpStatusCode.OK);

        var list = await admin.GetAsync("/admin/api-keys");
        list.Source.Text.Should().NotContain(key);
        var row = list.QuerySelectorAll("tbody tr").Single(r => r.TextContent.Contains("Web shop", StringComparison.Ordinal));
        var id = row.QuerySelector("input[name=id]")!.GetAttribute("value")!;
        (await admin.PostFormAsync("/admin/api-keys?handler=Revoke", new() { ["id"] = id })).StatusCode.Should().Be(HttpStatusCode.Redirect);

        (await api.GetAsync("/api/v1/customers")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Admin_adds_edits_and_deletes_a_custom_field_that_customers_then_show()
    {
        var admin = await PageSession.SignInAsync(app, Role.Admin);
        await admin.GetAsync("/admin/custom-fields");

        var added = await admin.PostFormAsync("/admin/custom-fields?handler=Add", new() { ["Label"] = "Roast", ["Key"] = "roast", ["Type"] = "choice", ["Options"] = "Light\nMedium\nDark" });
        added.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var field = await app.WithDbAsync(db => db.CustomFields.AsNoTracking().SingleAsync(f => f.Key == "roast"));
        field.OptionList.Should().Equal("Light", "Medium", "Dark");

        var refused = await admin.PostFormAsync("/admin/custom-fields?handler=Add", new() { ["Label"] = "Bad", ["Key"] = "Not A Key", ["Type"] = "text" });
        refused.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await admin.ParseAsync(refused)).QuerySelector("#field-key-error").Text().Should().Contain("lower case");

        (await admin.PostFormAsync("/admin/custom-fields?handler=Edit", new() { ["id"] = Id(field.Id), ["label"] = "Favourite roast", ["options"] = "Light\nMedium\nDark\nEspresso" }))
            .StatusCode.Should().Be(HttpStatusCode.Redirect);

        // The customer page offers the field with its options and saves a choice through UpdateCustomer.
        var customer = PageData.Customer(app, "Custom", "Fielder");
        var page = await admin.GetAsync($"/customers/{customer.Id}");
        page.QuerySelectorAll("button").Select(b => b.Text()).Should().Contain("Edit Favourite roast");
        var saved = await admin.HtmxPostAsync($"/customers/{customer.Id}?handler=Field&field=cf.roast", new() { ["value"] = "Espresso", ["version"] = Id(customer.Version) });
        saved.StatusCode.Should().Be(HttpStatusCode.OK);
        (await admin.ParseAsync(saved)).QuerySelector("[data-field='cf.roast']").Text().Should().Be("Espresso");

        (await admin.PostFormAsync("/admin/custom-fields?handler=Delete", new() { ["id"] = Id(field.Id) })).StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await app.WithDbAsync(db => db.CustomFields.AnyAsync(f => f.Id == field.Id))).Should().BeFalse();
        (await app.WithDbAsync(db => db.CustomerFieldValues.AnyAsync(v => v.FieldId == field.Id))).Should().BeFalse();
    }

    [Theory]
    [InlineData(Role.Marketing, "/admin/users?handler=Add")]
    [InlineData(Role.Sales, "/admin/api-keys?handler=Create")]
    [InlineData(Role.Analyst, "/admin/custom-fields?handler=Add")]
    public async Task Non_admins_cannot_post_to_admin_pages(Role role, string path)
    {
        var session = await PageSession.SignInAsync(app, role);
        await session.GetAsync("/");
        var keys = await app.WithDbAsync(db => db.ApiKeys.CountAsync());

        var response = await session.PostFormAsync(path, new() { ["email"] = "x@example.com", ["name"] = "x", ["role"] = "admin", ["Key"] = "x", ["Label"] = "x", ["Type"] = "text" });

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.AbsolutePath.Should().Be("/forbidden");
        (await app.WithDbAsync(db => db.ApiKeys.CountAsync())).Should().Be(keys);
        (await app.WithDbAsync(db => db.Users.AnyAsync(u => u.EmailNormalized == "x@example.com"))).Should().BeFalse();
        (await app.WithDbAsync(db => db.CustomFields.AnyAsync(f => f.Key == "x"))).Should().BeFalse();
    }

    private static string Id(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Signing in a plain client through the form, for users made by the admin pages.</summary>
internal static class RapportAppFactoryPages
{
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password)
    {
        var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await client.GetStringAsync("/signin"));
        var token = page.QuerySelector($"input[name={RapportAppFactory.AntiforgeryField}]")!.GetAttribute("value")!;
        return await client.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = email,
            ["password"] = password,
            [RapportAppFactory.AntiforgeryField] = token,
        }));
    }
}
