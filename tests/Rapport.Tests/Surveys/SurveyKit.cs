using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Interactions;

namespace Rapport.Tests.Surveys;

/// <summary>Builds surveys through the API and answers them through the public page, as a customer's browser would.</summary>
internal static class SurveyKit
{
    /// <summary>Ten questions, one of every kind and a few more: the survey most tests answer.</summary>
    public static object TenQuestions(string title, bool anonymous = false) => new
    {
        title,
        intro = "Five minutes, no more.",
        thankYou = "Thanks — it helps us a lot.",
        anonymousEnabled = anonymous,
        questions = new object[]
        {
            new { kind = "nps", key = "nps", prompt = "How likely are you to recommend us to a friend?", required = true },
            new { kind = "csat", key = "csat", prompt = "How satisfied are you with your last order?", required = true },
            new { kind = "rating", key = "delivery", prompt = "Rate our delivery" },
            new { kind = "valueImportance", key = "imp_sustainability", prompt = "How important is sustainability to you?", value = "sustainability" },
            new { kind = "valueImportance", key = "imp_price", prompt = "How important is a low price to you?", value = "price" },
            new { kind = "valueRanking", key = "top3", prompt = "What matters most to you when you buy from us?" },
            new { kind = "singleChoice", key = "channel", prompt = "How did you hear about us?", options = new[] { "Friends", "Instagram", "Search" } },
            new { kind = "multipleChoice", key = "buy", prompt = "What do you buy?", options = new[] { "Coffee", "Tea", "Cakes" } },
            new { kind = "freeText", key = "why", prompt = "Why did you give that score?", helpText = "Anything goes." },
            new { kind = "freeText", key = "else", prompt = "Anything else?" },
        },
    };

    public static async Task<JsonElement> CreateAsync(HttpClient staff, object body)
    {
        var response = await staff.PostAsJsonAsync("/api/v1/surveys", body);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    public static async Task<JsonElement> PublishAsync(HttpClient staff, long id)
    {
        var response = await staff.PostAsync($"/api/v1/surveys/{id}/publish", null);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    public static async Task<long> CustomerAsync(HttpClient staff, string first, string? tag = null)
    {
        var response = await staff.PostAsJsonAsync("/api/v1/customers", new
        {
            firstName = first, lastName = "Tester", email = $"{first.ToLowerInvariant()}.{Guid.NewGuid():N}@example.com",
            tags = tag is null ? Array.Empty<string>() : [tag],
        });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).GetProperty("id").GetInt64();
    }

    /// <summary>Invites one customer and returns the path of their personal link.</summary>
    public static async Task<string> InviteAsync(HttpClient staff, long surveyId, long customerId)
    {
        var response = await staff.PostAsJsonAsync($"/api/v1/surveys/{surveyId}/invitations", new { customerIds = new[] { customerId } });
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).GetProperty("invitations").EnumerateArray().Single().GetProperty("link").GetString()!;
    }

    /// <summary>A published ten-question survey and one invited customer's link.</summary>
    public static async Task<(long Survey, long Customer, string Link)> OpenWithInvitationAsync(HttpClient staff, string title)
    {
        var survey = await CreateAsync(staff, TenQuestions(title, anonymous: true));
        var id = survey.GetProperty("id").GetInt64();
        await PublishAsync(staff, id);
        var customer = await CustomerAsync(staff, "Ana");
        return (id, customer, await InviteAsync(staff, id, customer));
    }

    public static async Task<IHtmlDocument> HtmlAsync(HttpResponseMessage response) =>
        new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());

    /// <summary>GETs the form (for its antiforgery token and cookie) and posts the answers as the browser would.</summary>
    public static async Task<HttpResponseMessage> SubmitAsync(HttpClient browser, string link, IEnumerable<KeyValuePair<string, string>> answers)
    {
        var page = await browser.GetAsync(link);
        var document = await HtmlAsync(page);
        var token = document.QuerySelector($"form input[name={RapportAppFactory.AntiforgeryField}]")?.GetAttribute("value")
            ?? throw new InvalidOperationException($"GET {link} ({(int)page.StatusCode}) has no form.");
        var fields = answers.ToList();
        fields.Add(new(RapportAppFactory.AntiforgeryField, token));
        using var form = new FormUrlEncodedContent(fields);
        return await browser.PostAsync(link, form);
    }

    /// <summary>A full set of answers to <see cref="TenQuestions"/>.</summary>
    public static List<KeyValuePair<string, string>> Answers(int nps = 9, string why = "Great coffee, and I love that the packaging is compostable.") =>
    [
        new("a.nps", nps.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("a.csat", "5"),
        new("a.delivery", "4"),
        new("a.imp_sustainability", "5"),
        new("a.imp_price", "2"),
        new("a.top3", "sustainability"),
        new("a.top3", "quality"),
        new("a.top3", "community"),
        new("a.channel", "Friends"),
        new("a.buy", "Coffee"),
        new("a.buy", "Cakes"),
        new("a.why", why),
        new("a.else", ""),
    ];

    public static HttpClient Browser(RapportAppFactory app) =>
        app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
}
