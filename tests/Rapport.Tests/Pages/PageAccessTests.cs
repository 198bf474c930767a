using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Pages;

public sealed class PageAccessTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    public static TheoryData<string> Pages() =>
    [
        "/", "/customers", "/customers/new", "/customers/1", "/companies", "/products", "/admin/users", "/admin/api-keys",
        "/admin/custom-fields", "/forbidden",
    ];

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Anonymous_visitors_are_sent_to_sign_in_with_a_return_address(string path)
    {
        var response = await app.Anonymous().GetAsync(path);

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.Should().Be($"http://localhost/signin?ReturnUrl={Uri.EscapeDataString(path)}");
    }

    [Fact]
    public async Task Sign_in_returns_to_a_local_address_only()
    {
        var email = $"return-{Guid.NewGuid():N}@example.com";
        app.WithScope(sp => sp.GetRequiredService<AddUser>()
            .HandleAsync(new AddUserRequest(email, Role.Sales, "a long enough password", null), CancellationToken.None)).IsOk.Should().BeTrue();

        foreach (var (returnUrl, expected) in new[] { ("/customers", "/customers"), ("https://evil.example.com/", "/"), ("//evil.example.com", "/") })
        {
            var client = new PageSessionlessClient(app);
            await client.GetTokenAsync();
            var response = await client.PostAsync("/signin", new() { ["email"] = email, ["password"] = "a long enough password", ["returnUrl"] = returnUrl });
            response.StatusCode.Should().Be(HttpStatusCode.Redirect);
            response.Headers.Location!.OriginalString.Should().Be(expected);
        }
    }

    [Fact]
    public async Task Pages_are_never_cached_and_vary_by_the_htmx_headers()
    {
        var session = await PageSession.SignInAsync(app, Role.Sales);

        foreach (var response in new[] { await session.Client.GetAsync("/customers"), await session.HtmxGetAsync("/customers?q=x", "customer-results") })
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            response.Headers.CacheControl!.NoStore.Should().BeTrue();
            response.Headers.Vary.Should().Contain(["HX-Request", "HX-Target"]);
        }
    }

    [Fact]
    public async Task Sign_out_ends_the_session()
    {
        var session = await PageSession.SignInAsync(app, Role.Marketing);
        var page = await session.GetAsync("/");
        page.QuerySelectorAll("button").Select(b => b.Text()).Should().Contain("Sign out");

        var response = await session.PostFormAsync("/signout", []);

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await session.Client.GetAsync("/")).StatusCode.Should().Be(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Sign_in_page_has_labelled_fields_and_a_generic_failure_message()
    {
        var client = new PageSessionlessClient(app);
        var page = await client.GetTokenAsync();
        page.QuerySelector("label[for=email]").Text().Should().Be("Email");
        page.QuerySelector("label[for=password]").Text().Should().Be("Password");
        page.QuerySelector("button[type=submit]").Text().Should().Be("Sign in");

        var response = await client.PostAsync("/signin", new() { ["email"] = "nobody@example.com", ["password"] = "wrong password" });

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await response.Content.ReadAsStringAsync()).Should().Contain(Rapport.Pages.SignInModel.GenericFailure);
    }

    [Fact]
    public async Task Non_admins_are_forbidden_from_admin_pages_and_do_not_see_the_admin_link()
    {
        var session = await PageSession.SignInAsync(app, Role.Marketing);
        (await session.GetAsync("/")).QuerySelectorAll("nav a").Select(a => a.Text()).Should().Equal(
            "Dashboard", "Customers", "Tasks", "Analytics", "Stages", "Segments", "Values", "Plan", "Surveys", "Research", "Companies", "Products", "Imports", "Exports", "Duplicates", "Data quality");

        var response = await session.Client.GetAsync("/admin/users");

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.AbsolutePath.Should().Be("/forbidden");
        (await session.Client.GetAsync(response.Headers.Location)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Unknown_address_is_a_friendly_404_and_static_files_are_served()
    {
        var session = await PageSession.SignInAsync(app, Role.Sales);

        var missing = await session.Client.GetAsync("/no-such-page");
        missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await session.ParseAsync(missing)).QuerySelector("h1").Text().Should().Be("Page not found");

        foreach (var asset in new[] { "/lib/htmx.min.js", "/lib/chart.umd.min.js", "/css/rapport.css", "/js/rapport.js" })
        {
            (await app.Anonymous().GetAsync(asset)).StatusCode.Should().Be(HttpStatusCode.OK, asset);
        }
    }

    /// <summary>A client that has not signed in, for the sign-in form itself.</summary>
    private sealed class PageSessionlessClient(RapportAppFactory app)
    {
        private readonly HttpClient _client = app.Anonymous();
        private string _token = "";

        public async Task<AngleSharp.Dom.IDocument> GetTokenAsync()
        {
            var html = await _client.GetStringAsync("/signin");
            var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
            _token = page.QuerySelector($"input[name={RapportAppFactory.AntiforgeryField}]")!.GetAttribute("value")!;
            return page;
        }

        public Task<HttpResponseMessage> PostAsync(string path, Dictionary<string, string> fields) =>
            _client.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>(fields) { [RapportAppFactory.AntiforgeryField] = _token }));
    }
}
