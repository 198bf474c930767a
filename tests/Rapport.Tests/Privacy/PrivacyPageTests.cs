using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Interactions;

namespace Rapport.Tests.Privacy;

/// <summary>The privacy pages: the list with overdue marked, a request's export and its erasure behind a typed confirmation.</summary>
public sealed class PrivacyPageTests(PrivacyAppFactory app) : IClassFixture<PrivacyAppFactory>
{
    [Fact]
    public async Task The_list_marks_overdue_requests_and_only_admins_see_it()
    {
        var admin = app.ClientAs(Role.Admin);
        var created = await admin.PostAsJsonAsync("/api/v1/privacy/requests", new { kind = "access", requesterContact = "late@example.com", receivedAt = app.Clock.GetUtcNow().AddDays(-45) });
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetInt64();
        var page = await app.SignedInAs(Role.Admin);
        var html = await (await page.GetAsync("/privacy")).Content.ReadAsStringAsync();
        html.Should().Contain($"/privacy/requests/{id}").And.Contain("Overdue").And.Contain("privacy-overdue");
        (await page.GetAsync($"/privacy/requests/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await page.GetAsync("/privacy/retention")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await page.GetAsync("/privacy/requests/99999999")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        var sales = await app.SignedInAs(Role.Sales);
        foreach (var path in new[] { "/privacy", $"/privacy/requests/{id}", "/privacy/retention", $"/privacy/requests/{id}?handler=Export&format=json" })
        {
            var refused = await sales.GetAsync(path);
            refused.StatusCode.Should().Be(HttpStatusCode.Redirect, path);
            refused.Headers.Location!.AbsolutePath.Should().Be("/forbidden");
        }
    }

    [Fact]
    public async Task Erasing_from_the_request_page_needs_the_typed_confirmation()
    {
        var marked = await app.MarkedCustomerAsync();
        var admin = app.ClientAs(Role.Admin);
        var created = await admin.PostAsJsonAsync("/api/v1/privacy/requests", new { kind = "erasure", customerId = marked.Id, requesterContact = "by phone" });
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetInt64();
        var page = await app.SignedInAs(Role.Admin);

        var export = await page.GetAsync($"/privacy/requests/{id}?handler=Export&format=zip");
        export.StatusCode.Should().Be(HttpStatusCode.OK);
        export.Content.Headers.ContentType!.MediaType.Should().Be("application/zip");

        var wrong = await PostAsync(page, $"/privacy/requests/{id}?handler=Erase", $"/privacy/requests/{id}", new() { ["confirmation"] = "yes" });
        wrong.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await wrong.Content.ReadAsStringAsync()).Should().Contain($"erase customer {marked.Id}");
        (await app.WithDbAsync(db => db.Customers.AsNoTracking().SingleAsync(c => c.Id == marked.Id))).ErasedAt.Should().BeNull();

        var right = await PostAsync(page, $"/privacy/requests/{id}?handler=Erase", $"/privacy/requests/{id}", new() { ["confirmation"] = $"erase customer {marked.Id}" });
        right.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await app.WithDbAsync(db => db.Customers.AsNoTracking().SingleAsync(c => c.Id == marked.Id))).ErasedAt.Should().NotBeNull();
        var after = await (await page.GetAsync($"/privacy/requests/{id}")).Content.ReadAsStringAsync();
        after.Should().Contain("has been erased");
        foreach (var marker in marked.Markers)
        {
            after.Should().NotContain(marker);
        }
    }

    [Fact]
    public async Task A_bad_new_request_is_answered_422_with_the_form()
    {
        var page = await app.SignedInAs(Role.Admin);
        var response = await PostAsync(page, "/privacy?handler=Create", "/privacy", new() { ["Kind"] = "access", ["RequesterContact"] = "", ["CustomerId"] = "abc" });
        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await response.Content.ReadAsStringAsync()).Should().Contain("A customer number");
        var sales = await app.SignedInAs(Role.Sales);
        var refused = await PostAsync(sales, "/privacy?handler=Create", "/", new() { ["Kind"] = "access", ["RequesterContact"] = "x" });
        refused.StatusCode.Should().Be(HttpStatusCode.Redirect);
        refused.Headers.Location!.AbsolutePath.Should().Be("/forbidden");
        (await app.WithDbAsync(db => db.Set<Rapport.Privacy.PrivacyRequest>().AnyAsync(r => r.RequesterContact == "x"))).Should().BeFalse();
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, string tokenFrom, Dictionary<string, string> fields)
    {
        var form = new Dictionary<string, string>(fields) { [RapportAppFactory.AntiforgeryField] = await RapportAppFactory.AntiforgeryTokenAsync(client, tokenFrom) };
        return await client.PostAsync(url, new FormUrlEncodedContent(form));
    }
}
