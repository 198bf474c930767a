using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Customers;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Pages;

/// <summary>
/// A browser-like client for the pages: signed in through the real /signin form (antiforgery token, cookie kept),
/// parsing answers with AngleSharp and posting forms or htmx requests with the page's antiforgery token.
/// </summary>
public sealed class PageSession
{
    private static readonly HtmlParser Parser = new();

    private PageSession(HttpClient client, long userId, string email)
    {
        Client = client;
        UserId = userId;
        Email = email;
    }

    public HttpClient Client { get; }
    public long UserId { get; }
    public string Email { get; }

    /// <summary>The antiforgery request token of the last page read (its forms and its htmx header carry it).</summary>
    public string? Token { get; private set; }

    /// <summary>A new user of <paramref name="role"/>, signed in through the real sign-in page by the fixture.</summary>
    public static async Task<PageSession> SignInAsync(RapportAppFactory app, Role role)
    {
        var user = await app.AddUserAsync(role, $"Page tester {role}");
        return new PageSession(await app.SignInAsync(user), user.Id, user.Email);
    }

    /// <summary>GETs a page that must answer 200 and parses it; remembers its antiforgery token.</summary>
    public async Task<IDocument> GetAsync(string path)
    {
        var response = await Client.GetAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.OK, $"GET {path} should render");
        return await ParseAsync(response);
    }

    public async Task<IDocument> ParseAsync(HttpResponseMessage response)
    {
        var document = await Parser.ParseDocumentAsync(await response.Content.ReadAsStringAsync());
        Token = document.QuerySelector($"input[name={RapportAppFactory.AntiforgeryField}]")?.GetAttribute("value") ?? Token;
        return document;
    }

    /// <summary>Posts a form as the browser does, with the antiforgery token as a form field.</summary>
    public Task<HttpResponseMessage> PostFormAsync(string path, Dictionary<string, string> fields)
    {
        var withToken = new Dictionary<string, string>(fields) { [RapportAppFactory.AntiforgeryField] = Token ?? throw new InvalidOperationException("Read a page first.") };
        return Client.PostAsync(path, new FormUrlEncodedContent(withToken));
    }

    /// <summary>Posts as htmx does: form fields, the token in the RequestVerificationToken header, HX-Request set.</summary>
    public Task<HttpResponseMessage> HtmxPostAsync(string path, Dictionary<string, string> fields, string? target = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("HX-Request", "true");
        request.Headers.Add("RequestVerificationToken", Token ?? throw new InvalidOperationException("Read a page first."));
        if (target is not null)
        {
            request.Headers.Add("HX-Target", target);
        }

        return Client.SendAsync(request);
    }

    public Task<HttpResponseMessage> HtmxGetAsync(string path, string? target = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("HX-Request", "true");
        if (target is not null)
        {
            request.Headers.Add("HX-Target", target);
        }

        return Client.SendAsync(request);
    }
}

/// <summary>Test data through the real use cases.</summary>
internal static class PageData
{
    public static CustomerDetail Customer(RapportAppFactory app, string first, string last, string? email = null, string[]? tags = null) =>
        app.WithScope(async sp =>
        {
            var created = await sp.GetRequiredService<CreateCustomer>().HandleAsync(
                new CreateCustomerRequest { FirstName = first, LastName = last, Email = email, Tags = tags, Phone = "+1 555 0100", City = "Lisbon" },
                CustomerSources.Api, CancellationToken.None);
            created.IsOk.Should().BeTrue(string.Join("; ", created.Errors.SelectMany(e => e.Value)));
            return created.Value!;
        });

    public static string Text(this IElement? element) => element?.TextContent.Trim() ?? "";
}
