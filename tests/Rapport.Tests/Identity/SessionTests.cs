using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Identity;

/// <summary>Server-side sessions: idle and absolute timeouts on the test clock, revocation on sign-out, disable and password change; the sessions and password pages.</summary>
public sealed class SessionTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private sealed record Signed(HttpClient Client, string Cookie, TestUser User);

    private async Task<Signed> SignInAsync(TestUser? user = null, Role role = Role.Sales)
    {
        user ??= await app.AddUserAsync(role);
        var client = app.Anonymous();
        var response = await RapportAppFactory.PostSignInAsync(client, user.Email, user.Password);
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("rapport.auth=", StringComparison.Ordinal)).Split(';')[0];
        return new Signed(client, cookie, user);
    }

    /// <summary>A client that sends a copied cookie and keeps no cookies of its own (a stolen cookie, replayed).</summary>
    private HttpClient Replay(string cookie)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }

    private static async Task<bool> IsInAsync(HttpClient client) => (await client.GetAsync("/")).StatusCode == HttpStatusCode.OK;

    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string page, string url, Dictionary<string, string>? fields = null)
    {
        var form = new Dictionary<string, string>(fields ?? []) { [RapportAppFactory.AntiforgeryField] = await RapportAppFactory.AntiforgeryTokenAsync(client, page) };
        return await client.PostAsync(url, new FormUrlEncodedContent(form));
    }

    [Fact]
    public async Task A_session_ends_after_30_idle_minutes_but_use_keeps_it_open()
    {
        var s = await SignInAsync();
        app.Clock.Advance(TimeSpan.FromMinutes(29));
        (await IsInAsync(s.Client)).Should().BeTrue();
        app.Clock.Advance(TimeSpan.FromMinutes(29));
        (await IsInAsync(s.Client)).Should().BeTrue("the last request was 29 minutes ago");
        app.Clock.Advance(TimeSpan.FromMinutes(31));
        (await IsInAsync(s.Client)).Should().BeFalse("31 minutes without a request");
    }

    [Fact]
    public async Task A_session_ends_12_hours_after_sign_in_however_busy()
    {
        var s = await SignInAsync();
        var elapsed = TimeSpan.Zero;
        while (elapsed < TimeSpan.FromHours(11.5))
        {
            app.Clock.Advance(TimeSpan.FromMinutes(20));
            elapsed += TimeSpan.FromMinutes(20);
            (await IsInAsync(Replay(s.Cookie))).Should().BeTrue("{0} after sign-in", elapsed);
        }

        app.Clock.Advance(TimeSpan.FromHours(12) - elapsed + TimeSpan.FromMinutes(1));
        (await IsInAsync(Replay(s.Cookie))).Should().BeFalse();
    }

    [Fact]
    public async Task Last_seen_is_written_at_most_once_a_minute()
    {
        var s = await SignInAsync();
        var id = await app.WithDbAsync(db => db.Set<UserSession>().Where(x => x.UserId == s.User.Id).Select(x => x.Id).SingleAsync());
        var before = await app.WithDbAsync(db => db.Set<UserSession>().AsNoTracking().SingleAsync(x => x.Id == id));
        app.Clock.Advance(TimeSpan.FromSeconds(30));
        await IsInAsync(s.Client);
        (await app.WithDbAsync(db => db.Set<UserSession>().AsNoTracking().SingleAsync(x => x.Id == id))).LastSeenAt.Should().Be(before.LastSeenAt);
        app.Clock.Advance(TimeSpan.FromSeconds(31));
        await IsInAsync(s.Client);
        (await app.WithDbAsync(db => db.Set<UserSession>().AsNoTracking().SingleAsync(x => x.Id == id))).LastSeenAt.Should().Be(app.Clock.GetUtcNow());
    }

    [Fact]
    public async Task Signing_out_ends_the_session_on_the_server_so_a_copied_cookie_opens_nothing()
    {
        var s = await SignInAsync();
        (await IsInAsync(Replay(s.Cookie))).Should().BeTrue();

        (await PostFormAsync(s.Client, "/", "/signout")).StatusCode.Should().Be(HttpStatusCode.Redirect);

        (await IsInAsync(Replay(s.Cookie))).Should().BeFalse();
        (await app.WithDbAsync(db => db.Set<UserSession>().AsNoTracking().SingleAsync(x => x.UserId == s.User.Id))).RevokedAt.Should().NotBeNull();
    }

    [Fact]
    public async Task Disabling_a_user_and_changing_their_role_end_all_their_sessions()
    {
        var first = await SignInAsync();
        var second = await SignInAsync(first.User);
        await app.WithScopeAsync(sp => sp.GetRequiredService<SetUserDisabled>().HandleAsync(first.User.Id, true, null, CancellationToken.None));
        (await IsInAsync(Replay(first.Cookie))).Should().BeFalse();
        (await IsInAsync(Replay(second.Cookie))).Should().BeFalse();
        (await app.WithDbAsync(db => db.Set<UserSession>().CountAsync(x => x.UserId == first.User.Id && x.RevokedAt == null))).Should().Be(0);

        var other = await SignInAsync(role: Role.Marketing);
        await app.WithScopeAsync(sp => sp.GetRequiredService<ChangeUserRole>().HandleAsync(other.User.Id, Role.Analyst, null, CancellationToken.None));
        (await app.WithDbAsync(db => db.Set<UserSession>().CountAsync(x => x.UserId == other.User.Id && x.RevokedAt == null))).Should().Be(0);
        (await IsInAsync(other.Client)).Should().BeFalse();
    }

    [Fact]
    public async Task Changing_the_password_needs_the_current_one_and_ends_the_other_sessions_only()
    {
        var here = await SignInAsync();
        var elsewhere = await SignInAsync(here.User);
        const string newPassword = "a brand new passphrase";

        var wrong = await PostFormAsync(here.Client, "/account/password", "/account/password",
            new() { ["currentPassword"] = "not my password", ["newPassword"] = newPassword, ["confirmPassword"] = newPassword });
        wrong.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await wrong.Content.ReadAsStringAsync()).Should().Contain("not your current password");

        var missing = await PostFormAsync(here.Client, "/account/password", "/account/password",
            new() { ["newPassword"] = newPassword, ["confirmPassword"] = newPassword });
        missing.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);

        var done = await PostFormAsync(here.Client, "/account/password", "/account/password",
            new() { ["currentPassword"] = here.User.Password, ["newPassword"] = newPassword, ["confirmPassword"] = newPassword });
        done.StatusCode.Should().Be(HttpStatusCode.Redirect, await done.Content.ReadAsStringAsync());

        (await IsInAsync(here.Client)).Should().BeTrue("this session continues with a new cookie");
        (await IsInAsync(elsewhere.Client)).Should().BeFalse("the other session ended");
        (await RapportAppFactory.PostSignInAsync(app.Anonymous(), here.User.Email, here.User.Password)).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await RapportAppFactory.PostSignInAsync(app.Anonymous(), here.User.Email, newPassword)).StatusCode.Should().Be(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Users_see_their_sessions_and_sign_out_the_others_and_admins_end_a_users_sessions()
    {
        var here = await SignInAsync(role: Role.Analyst);
        var elsewhere = await SignInAsync(here.User);
        var page = await here.Client.GetStringAsync("/account/sessions");
        page.Should().Contain("this session").And.Contain("Sign out all other sessions");

        var otherId = await app.WithDbAsync(db => db.Set<UserSession>().Where(x => x.UserId == here.User.Id).Select(x => x.Id).ToListAsync());
        (await PostFormAsync(here.Client, "/account/sessions", "/account/sessions?handler=RevokeOthers")).StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await IsInAsync(elsewhere.Client)).Should().BeFalse();
        (await IsInAsync(here.Client)).Should().BeTrue();
        otherId.Should().HaveCount(2);

        var admin = await SignInAsync(role: Role.Admin);
        (await PostFormAsync(admin.Client, "/admin/users", "/admin/users?handler=EndSessions", new() { ["id"] = here.User.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }))
            .StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await IsInAsync(here.Client)).Should().BeFalse();
        (await IsInAsync(admin.Client)).Should().BeTrue();
    }
}
