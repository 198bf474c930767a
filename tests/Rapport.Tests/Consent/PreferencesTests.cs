using System.Net;
using System.Net.Http.Json;
using Rapport.Consent;
using Rapport.Identity;
using Rapport.Tests.Imports;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Interactions;

namespace Rapport.Tests.Consent;

/// <summary>The customer's own preferences page and RFC 8058 one-click unsubscribe, reached by a signed, revocable link.</summary>
public sealed class PreferencesTests(ImportAppFactory app) : IClassFixture<ImportAppFactory>
{
    [Fact]
    public async Task Staff_get_a_link_whose_page_shows_the_choices_without_sign_in_and_altered_or_revoked_links_fail()
    {
        var id = await app.CustomerAsync(ConsentKit.UniqueEmail(), firstName: "Pia");
        await app.RecordAsync(id, ConsentKit.Grant("email", "research"));
        var link = await LinkAsync(id);
        link.GetProperty("listUnsubscribePost").GetString().Should().Be("List-Unsubscribe=One-Click");
        link.GetProperty("listUnsubscribe").GetString().Should().StartWith("<http").And.EndWith(link.GetProperty("unsubscribePath").GetString() + ">");
        var path = link.GetProperty("preferencesPath").GetString()!;
        (await LinkAsync(id)).GetProperty("preferencesPath").GetString().Should().Be(path, "the link stays the same until revoked");

        var page = await app.Anonymous().GetAsync(path);
        page.StatusCode.Should().Be(HttpStatusCode.OK);
        page.Headers.CacheControl!.NoStore.Should().BeTrue();
        var html = await page.Content.ReadAsStringAsync();
        html.Should().Contain("noindex").And.Contain("Pia").And.Contain("id=\"c.email.research\"").And.Contain("Notice version 2026-12");
        html.Should().NotContain("/signout", "no staff chrome");

        var token = path["/preferences/".Length..];
        var altered = token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1];
        (await app.Anonymous().GetAsync("/preferences/" + altered)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var otherCustomer = "p" + (id + 1) + token[token.IndexOf('.', StringComparison.Ordinal)..];
        (await app.Anonymous().GetAsync("/preferences/" + otherCustomer)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await app.Anonymous().GetAsync("/preferences/garbage")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        var revoked = await app.ClientAs(Role.Sales).PostAsync($"/api/v1/customers/{id}/preferences-link/revoke", null);
        revoked.StatusCode.Should().Be(HttpStatusCode.OK);
        (await app.Anonymous().GetAsync(path)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await app.Anonymous().GetAsync((await revoked.ReadJsonAsync()).GetProperty("preferencesPath").GetString())).StatusCode.Should().Be(HttpStatusCode.OK);
        (await app.ClientAs(Role.Analyst).GetAsync($"/api/v1/customers/{id}/preferences-link")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Saving_the_page_records_only_what_changed_with_the_customers_ip_and_user_agent()
    {
        var id = await app.CustomerAsync(ConsentKit.UniqueEmail());
        await app.RecordAsync(id, ConsentKit.Grant("email", "research"));
        var path = (await LinkAsync(id)).GetProperty("preferencesPath").GetString()!;
        var client = app.Anonymous();
        var token = await RapportAppFactory.AntiforgeryTokenAsync(client, path);

        var withoutToken = await client.PostAsync(path, new FormUrlEncodedContent([new("c.email.marketing", "on")]));
        withoutToken.StatusCode.Should().Be(HttpStatusCode.BadRequest, "the form needs its antiforgery token");

        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent([new(RapportAppFactory.AntiforgeryField, token), new("c.email.marketing", "on"), new("c.sms.partners", "on")]),
        };
        request.Headers.UserAgent.ParseAdd("PrefsTest/1.0");
        var saved = await client.SendAsync(request);
        saved.StatusCode.Should().Be(HttpStatusCode.OK);
        (await saved.Content.ReadAsStringAsync()).Should().Contain("preferences-saved");

        var events = (await app.EventsAsync(id)).Where(e => e.Source == ConsentSource.Preferences).ToList();
        events.Select(e => (e.Channel, e.Purpose, e.Status)).Should().BeEquivalentTo(new[]
        {
            (ConsentChannel.Email, ConsentPurpose.Marketing, ConsentStatus.Granted),
            (ConsentChannel.Sms, ConsentPurpose.Partners, ConsentStatus.Granted),
            (ConsentChannel.Email, ConsentPurpose.Research, ConsentStatus.Withdrawn),
            (ConsentChannel.Email, ConsentPurpose.Profiling, ConsentStatus.Withdrawn),
        });
        // The in-memory test server has no remote address, so the IP stays unknown here; the user agent is the request's.
        events.Should().OnlyContain(e => e.UserAgent == "PrefsTest/1.0" && e.NoticeVersion == "2026-12");

        // Saved again unchanged: nothing new.
        var again = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent([new(RapportAppFactory.AntiforgeryField, token), new("c.email.marketing", "on"), new("c.sms.partners", "on")]),
        };
        (await client.SendAsync(again)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await app.EventsAsync(id)).Count(e => e.Source == ConsentSource.Preferences).Should().Be(4);
    }

    [Fact]
    public async Task One_click_unsubscribe_withdraws_email_marketing_on_POST_without_cookie_or_redirect_and_GET_never_does()
    {
        var id = await app.CustomerAsync(ConsentKit.UniqueEmail());
        await app.RecordAsync(id, ConsentKit.Grant("email", "marketing"));
        var path = (await LinkAsync(id)).GetProperty("unsubscribePath").GetString()!;
        var client = app.Anonymous();

        var get = await client.GetAsync(path);
        get.StatusCode.Should().Be(HttpStatusCode.OK);
        (await get.Content.ReadAsStringAsync()).Should().Contain("List-Unsubscribe").And.Contain("One-Click");
        (await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path))).StatusCode.Should().NotBe(HttpStatusCode.InternalServerError);
        (await app.StateAsync(id)).Single().Status.Should().Be(ConsentStatus.Granted, "a GET (a link scanner) never unsubscribes");

        var empty = await client.PostAsync(path, new FormUrlEncodedContent([]));
        empty.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await app.StateAsync(id)).Single().Status.Should().Be(ConsentStatus.Granted);

        // As a mail provider sends it: no cookie, no antiforgery token, multipart or urlencoded.
        var post = await client.PostAsync(path, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
        post.StatusCode.Should().Be(HttpStatusCode.OK);
        post.Headers.Location.Should().BeNull();
        post.Headers.Contains("Set-Cookie").Should().BeFalse();
        var state = (await app.StateAsync(id)).Single();
        (state.Channel, state.Purpose, state.Status).Should().Be((ConsentChannel.Email, ConsentPurpose.Marketing, ConsentStatus.Withdrawn));
        var e = (await app.EventsAsync(id)).Last();
        (e.Source, e.SourceReference).Should().Be((ConsentSource.Preferences, "one-click unsubscribe (RFC 8058)"));

        var multipart = new MultipartFormDataContent { { new StringContent("One-Click"), "List-Unsubscribe" } };
        (await client.PostAsync(path, multipart)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await app.EventsAsync(id)).Should().HaveCount(2, "a second one-click changes nothing");

        (await client.PostAsync(path[..^3] + "xyz", new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]))).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    private async Task<System.Text.Json.JsonElement> LinkAsync(long id)
    {
        var response = await app.ClientAs(Role.Marketing).GetAsync($"/api/v1/customers/{id}/preferences-link");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }
}
