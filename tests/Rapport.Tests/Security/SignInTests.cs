using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Security;

/// <summary>Staff sign-in through the real /signin page (cookie + antiforgery), and API-key authentication of the REST API.</summary>
public sealed class SignInTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private const string AuthCookie = "rapport.auth";

    [Fact]
    public async Task Password_hashes_are_PBKDF2_HMAC_SHA512_with_at_least_210000_iterations_and_a_random_salt()
    {
        var first = await app.AddUserAsync(Role.Sales);
        var second = await app.AddUserAsync(Role.Sales);
        var hashes = await app.WithDbAsync(db => db.Users.AsNoTracking()
            .Where(u => u.Id == first.Id || u.Id == second.Id).Select(u => u.PasswordHash).ToListAsync());

        var salts = new List<string>();
        foreach (var hash in hashes)
        {
            // ASP.NET Core Identity v3 format: 0x01 | PRF (uint32 BE) | iterations (uint32 BE) | salt length (uint32 BE) | salt | subkey.
            var bytes = Convert.FromBase64String(hash);
            bytes[0].Should().Be(0x01, "the v3 (PBKDF2) format");
            BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1, 4)).Should().Be(2u, "the PRF is HMAC-SHA512");
            BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5, 4)).Should().BeGreaterThanOrEqualTo(210_000u, "OWASP's minimum for PBKDF2-HMAC-SHA512");
            var saltLength = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(9, 4));
            saltLength.Should().BeGreaterThanOrEqualTo(16);
            (bytes.Length - 13 - saltLength).Should().BeGreaterThanOrEqualTo(32, "a 256-bit or longer subkey");
            salts.Add(Convert.ToHexString(bytes, 13, saltLength));
        }

        salts.Should().HaveCount(2).And.OnlyHaveUniqueItems();
        hashes.Should().NotContain(h => h.Contains(first.Password, StringComparison.Ordinal) || h.Contains(second.Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Right_password_signs_in_with_an_http_only_same_site_cookie_and_opens_the_dashboard()
    {
        var user = await app.AddUserAsync(Role.Marketing);
        var client = app.Anonymous();

        var response = await RapportAppFactory.PostSignInAsync(client, user.Email, user.Password);

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.Should().Be("/");
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(AuthCookie + "=", StringComparison.Ordinal));
        cookie.Should().ContainEquivalentOf("httponly").And.ContainEquivalentOf("samesite=lax").And.ContainEquivalentOf("path=/");
        (await client.GetAsync("/")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Wrong_password_and_unknown_email_get_the_same_answer_and_no_cookie()
    {
        var user = await app.AddUserAsync(Role.Sales);

        var wrongPassword = await RapportAppFactory.PostSignInAsync(app.Anonymous(), user.Email, "not the password at all");
        var unknownEmail = await RapportAppFactory.PostSignInAsync(app.Anonymous(), "nobody@example.com", "not the password at all");

        foreach (var response in new[] { wrongPassword, unknownEmail })
        {
            response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
            (await response.Content.ReadAsStringAsync()).Should().Contain(Rapport.Pages.SignInModel.GenericFailure);
            response.Headers.TryGetValues("Set-Cookie", out var cookies);
            (cookies ?? []).Should().NotContain(c => c.StartsWith(AuthCookie + "=", StringComparison.Ordinal) && !c.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_against_the_right_password_until_the_lockout_passes()
    {
        var user = await app.AddUserAsync(Role.Service);
        var client = app.Anonymous();

        for (var attempt = 1; attempt <= SignIn.MaxFailures; attempt++)
        {
            var wrong = await RapportAppFactory.PostSignInAsync(client, user.Email, $"wrong password {attempt}");
            wrong.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        }

        var locked = await RapportAppFactory.PostSignInAsync(client, user.Email, user.Password);
        locked.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity, "the right password is refused while the account is locked");
        (await locked.Content.ReadAsStringAsync()).Should().Contain("locked");
        (await client.GetAsync("/")).StatusCode.Should().Be(HttpStatusCode.Redirect, "no session was opened");

        app.Clock.Advance(SignIn.LockoutDuration - TimeSpan.FromSeconds(5));
        (await RapportAppFactory.PostSignInAsync(client, user.Email, user.Password)).StatusCode
            .Should().Be(HttpStatusCode.UnprocessableEntity, "the lockout has not passed yet");

        app.Clock.Advance(TimeSpan.FromSeconds(10));
        var afterwards = await RapportAppFactory.PostSignInAsync(client, user.Email, user.Password);
        afterwards.StatusCode.Should().Be(HttpStatusCode.Redirect, "the lockout has passed");
        (await client.GetAsync("/")).StatusCode.Should().Be(HttpStatusCode.OK);

        var stored = await app.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id));
        stored.FailedSignIns.Should().Be(0);
        stored.LockedUntil.Should().BeNull();
    }

    [Fact]
    public async Task Sign_in_post_without_the_antiforgery_token_is_refused()
    {
        var user = await app.AddUserAsync(Role.Sales);
        var client = app.Anonymous();
        await client.GetAsync("/signin"); // the antiforgery cookie alone is not enough

        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = user.Email, ["password"] = user.Password });
        var response = await client.PostAsync("/signin", form);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Headers.TryGetValues("Set-Cookie", out var cookies);
        (cookies ?? []).Should().NotContain(c => c.StartsWith(AuthCookie + "=", StringComparison.Ordinal));
        var stored = await app.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id));
        stored.LastSignInAt.Should().BeNull("the password was never checked");
    }

    [Fact]
    public async Task Sign_in_post_with_a_token_from_another_browser_is_refused()
    {
        var user = await app.AddUserAsync(Role.Sales);
        var token = await RapportAppFactory.AntiforgeryTokenAsync(app.Anonymous(), "/signin");
        var client = app.Anonymous();
        await client.GetAsync("/signin");

        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = user.Email,
            ["password"] = user.Password,
            [RapportAppFactory.AntiforgeryField] = token,
        });
        (await client.PostAsync("/signin", form)).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Return_url_only_ever_leads_to_a_local_page()
    {
        var user = await app.AddUserAsync(Role.Sales);

        var local = await RapportAppFactory.PostSignInAsync(app.Anonymous(), user.Email, user.Password, "/signout");
        local.Headers.Location!.OriginalString.Should().Be("/signout");

        foreach (var hostile in new[] { "https://evil.example/", "//evil.example/", "/\\evil.example" })
        {
            var response = await RapportAppFactory.PostSignInAsync(app.Anonymous(), user.Email, user.Password, hostile);
            response.StatusCode.Should().Be(HttpStatusCode.Redirect);
            response.Headers.Location!.OriginalString.Should().Be("/", "{0} is not a local URL", hostile);
        }
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("CfDJ8AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("%00%01%02")]
    public async Task A_forged_auth_cookie_is_treated_as_anonymous(string value)
    {
        var client = WithCookie(value);

        var page = await client.GetAsync("/");
        page.StatusCode.Should().Be(HttpStatusCode.Redirect);
        page.Headers.Location!.AbsolutePath.Should().Be("/signin");

        (await client.GetAsync("/signin")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_tampered_auth_cookie_is_treated_as_anonymous()
    {
        var user = await app.AddUserAsync(Role.Admin);
        var signIn = await RapportAppFactory.PostSignInAsync(app.Anonymous(), user.Email, user.Password);
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(AuthCookie + "=", StringComparison.Ordinal)).Split(';')[0];
        var value = cookie[(AuthCookie.Length + 1)..];

        // The genuine cookie, sent by another client, opens the dashboard: the check below can fail.
        (await WithCookie(value).GetAsync("/")).StatusCode.Should().Be(HttpStatusCode.OK);

        var middle = value.Length / 2;
        var tampered = value[..middle] + (value[middle] == 'A' ? 'B' : 'A') + value[(middle + 1)..];
        var page = await WithCookie(tampered).GetAsync("/");
        page.StatusCode.Should().Be(HttpStatusCode.Redirect);
        page.Headers.Location!.AbsolutePath.Should().Be("/signin");
    }

    private HttpClient WithCookie(string value)
    {
        var client = app.Anonymous();
        client.DefaultRequestHeaders.Add("Cookie", $"{AuthCookie}={value}");
        return client;
    }

    [Fact]
    public async Task A_disabled_user_is_signed_out_on_the_next_request()
    {
        var admin = await app.AddUserAsync(Role.Admin);
        var user = await app.AddUserAsync(Role.Sales);
        var client = await app.SignInAsync(user);
        (await client.GetAsync("/")).StatusCode.Should().Be(HttpStatusCode.OK);

        var disabled = app.WithScope(sp => sp.GetRequiredService<SetUserDisabled>().HandleAsync(user.Id, true, admin.Id, CancellationToken.None));
        disabled.IsOk.Should().BeTrue();

        var next = await client.GetAsync("/");
        next.StatusCode.Should().Be(HttpStatusCode.Redirect);
        next.Headers.Location!.AbsolutePath.Should().Be("/signin");
        (await RapportAppFactory.PostSignInAsync(app.Anonymous(), user.Email, user.Password)).StatusCode
            .Should().Be(HttpStatusCode.UnprocessableEntity, "a disabled user cannot sign in again");
    }

    [Fact]
    public async Task The_disabled_flag_alone_ends_a_session()
    {
        var user = await app.AddUserAsync(Role.Sales);
        var client = await app.SignInAsync(user);
        (await client.GetAsync("/")).StatusCode.Should().Be(HttpStatusCode.OK);

        // Set directly, without the use case's new security stamp: the cookie check reads the flag itself.
        await app.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.Disabled, true)));

        (await client.GetAsync("/")).StatusCode.Should().Be(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        var client = await app.SignedInAs(Role.Analyst);
        var token = await RapportAppFactory.AntiforgeryTokenAsync(client, "/signout");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { [RapportAppFactory.AntiforgeryField] = token });

        var response = await client.PostAsync("/signout", form);

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await client.GetAsync("/")).StatusCode.Should().Be(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task The_sign_in_cookie_does_not_authenticate_the_API()
    {
        var client = await app.SignedInAs(Role.Admin);
        (await client.GetAsync("/")).StatusCode.Should().Be(HttpStatusCode.OK);

        var api = await client.GetAsync("/api/v1/customers");

        await ShouldBeUnauthorizedProblemAsync(api);
    }

    [Fact]
    public async Task An_API_key_does_not_open_the_pages()
    {
        var client = app.ClientAs(Role.Admin);

        var page = await client.GetAsync("/");

        page.StatusCode.Should().Be(HttpStatusCode.Redirect);
        page.Headers.Location!.AbsolutePath.Should().Be("/signin");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Bearer not-a-key")]
    [InlineData("Bearer rpk_short_x")]
    [InlineData("Bearer rpk_abcdefgh_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("Bearer rpk_abcdefgh_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA extra")]
    [InlineData("Basic dXNlcjpwYXNzd29yZA==")]
    [InlineData("Token rpk_abcdefgh_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("rpk_abcdefgh_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Missing_malformed_unknown_or_non_bearer_credentials_get_401_problem_details(string? authorization)
    {
        var client = app.Anonymous();
        if (authorization is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization).Should().BeTrue();
        }

        await ShouldBeUnauthorizedProblemAsync(await client.GetAsync("/api/v1/customers"));
    }

    [Fact]
    public async Task A_real_key_with_a_wrong_secret_gets_401()
    {
        var key = app.KeyFor(Role.Admin);
        var tampered = key[..^4] + (key[^4..] == "AAAA" ? "BBBB" : "AAAA");
        var client = app.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tampered);

        await ShouldBeUnauthorizedProblemAsync(await client.GetAsync("/api/v1/customers"));
    }

    [Fact]
    public async Task A_revoked_key_gets_401_from_its_next_request_on()
    {
        var created = app.WithScope(sp => sp.GetRequiredService<CreateApiKey>().HandleAsync(new CreateApiKeyRequest("to revoke", Role.Sales, null), CancellationToken.None));
        var client = app.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.Value!.Key);
        (await client.GetAsync("/api/v1/customers")).StatusCode.Should().Be(HttpStatusCode.OK);

        app.WithScope(sp => sp.GetRequiredService<RevokeApiKey>().HandleAsync(created.Value.Id, CancellationToken.None)).IsOk.Should().BeTrue();

        await ShouldBeUnauthorizedProblemAsync(await client.GetAsync("/api/v1/customers"));
    }

    [Fact]
    public async Task Keys_are_stored_hashed_and_never_listed()
    {
        var key = app.KeyFor(Role.Marketing);
        var stored = await app.WithDbAsync(db => db.ApiKeys.AsNoTracking().Select(k => k.SecretHash + " " + k.Prefix).ToListAsync());
        ApiKeyFormat.TryParse(key, out _, out var secret).Should().BeTrue();
        stored.Should().NotContain(s => s.Contains(secret, StringComparison.Ordinal));

        var list = await app.ClientAs(Role.Admin).GetStringAsync("/api/v1/api-keys");
        list.Should().NotContain(secret);
    }

    private static async Task ShouldBeUnauthorizedProblemAsync(HttpResponseMessage response)
    {
        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        response.Headers.WwwAuthenticate.Should().Contain(h => h.Scheme == "Bearer");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        problem.GetProperty("status").GetInt32().Should().Be(401);
        problem.GetProperty("type").GetString().Should().Be("/problems/unauthorized");
        problem.GetProperty("detail").GetString().Should().NotBeNullOrWhiteSpace();
    }
}
