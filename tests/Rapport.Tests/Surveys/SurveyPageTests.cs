using System.Net;
using Microsoft.EntityFrameworkCore;
using Rapport.Identity;
using Rapport.Surveys;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Pages;

namespace Rapport.Tests.Surveys;

/// <summary>The staff survey pages: create a draft, build its questions, publish, invite, see and import responses.</summary>
public sealed class SurveyPageTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    [Fact]
    public async Task A_survey_is_built_published_and_shared_through_the_pages()
    {
        var session = await PageSession.SignInAsync(app, Role.Marketing);
        var list = await session.GetAsync("/surveys");
        list.QuerySelector("nav a[aria-current=page]").Text().Should().Be("Surveys");

        var refused = await session.PostFormAsync("/surveys", new() { ["Form.Title"] = "" });
        refused.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await session.ParseAsync(refused)).QuerySelector("#survey-title[aria-invalid=true]").Should().NotBeNull();

        var created = await session.PostFormAsync("/surveys", new() { ["Form.Title"] = "Page survey", ["Form.Intro"] = "Hello <b>there</b>" });
        created.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var path = created.Headers.Location!.OriginalString;
        var id = long.Parse(path["/surveys/".Length..], System.Globalization.CultureInfo.InvariantCulture);

        var badQuestion = await session.PostFormAsync($"{path}?handler=AddQuestion", new() { ["Question.Kind"] = "singleChoice", ["Question.Prompt"] = "Pick", ["Question.Options"] = "Only one" });
        badQuestion.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await session.ParseAsync(badQuestion)).QuerySelector("#add-options[aria-invalid=true]").Should().NotBeNull();
        foreach (var (kind, prompt, options, value) in new[]
        {
            ("nps", "Recommend us?", "", ""), ("singleChoice", "Pick one", "Red\r\nGreen\r\n", ""), ("valueImportance", "Quality?", "", "quality"),
        })
        {
            var added = await session.PostFormAsync($"{path}?handler=AddQuestion", new()
            {
                ["Question.Kind"] = kind, ["Question.Prompt"] = prompt, ["Question.Options"] = options, ["Question.Value"] = value, ["Question.Required"] = "true",
            });
            added.StatusCode.Should().Be(HttpStatusCode.Redirect, prompt);
        }

        var questions = await app.WithDbAsync(db => db.Set<SurveyQuestion>().Where(q => q.SurveyId == id).OrderBy(q => q.Position).ToListAsync());
        questions.Select(q => q.Prompt).Should().Equal("Recommend us?", "Pick one", "Quality?");
        (await session.PostFormAsync($"{path}?handler=MoveUp", new() { ["QuestionId"] = questions[2].Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }))
            .StatusCode.Should().Be(HttpStatusCode.Redirect);
        var page = await session.GetAsync(path);
        page.QuerySelectorAll(".survey-builder > li strong").Select(e => e.Text()).Should().Equal("Recommend us?", "Quality?", "Pick one");
        page.QuerySelector("#survey-results-link")!.GetAttribute("href").Should().Be($"/surveys/{id}/results");
        page.QuerySelector(".pre-line")!.InnerHtml.Should().Contain("&lt;b&gt;there&lt;/b&gt;");

        var customer = await SurveyKit.CustomerAsync(app.ClientAs(Role.Marketing), "Paged", "vip");
        var invited = await session.PostFormAsync($"{path}?handler=Invite", new() { ["InviteTag"] = "vip" });
        invited.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var version = (await app.WithDbAsync(db => db.Set<Survey>().SingleAsync(s => s.Id == id))).Version;
        (await session.PostFormAsync($"{path}?handler=Publish", new() { ["Version"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture) }))
            .StatusCode.Should().Be(HttpStatusCode.Redirect);
        page = await session.GetAsync(path);
        page.QuerySelector("#survey-status").Text().Should().Be("Open");
        var link = page.QuerySelector("#invitation-table input.copy-field")!.GetAttribute("value")!;
        link.Should().Contain("/s/i");
        var answer = await SurveyKit.SubmitAsync(SurveyKit.Browser(app), new Uri(link).PathAndQuery,
            [new("a.q1", "10"), new("a.q2", "Green"), new("a.q3", "5")]);
        answer.StatusCode.Should().Be(HttpStatusCode.Redirect);

        var responses = await session.GetAsync($"/surveys/{id}/responses");
        responses.QuerySelectorAll("#response-table tbody tr").Should().ContainSingle();
        responses.QuerySelector("#response-table tbody a[href^='/customers/']")!.GetAttribute("href").Should().Be($"/customers/{customer}");

        var locked = await session.PostFormAsync($"{path}?handler=RemoveQuestion", new() { ["QuestionId"] = questions[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        locked.StatusCode.Should().Be(HttpStatusCode.Conflict, "an open survey's questions are locked");
    }

    [Fact]
    public async Task The_import_page_reports_created_and_rejected_rows()
    {
        var marketing = app.ClientAs(Role.Marketing);
        var survey = await SurveyKit.CreateAsync(marketing, new { title = "Import page", questions = new[] { new { kind = "nps", key = "nps", prompt = "Recommend?", required = true } } });
        var id = survey.GetProperty("id").GetInt64();
        var session = await PageSession.SignInAsync(app, Role.Marketing);
        var page = await session.GetAsync($"/surveys/{id}/import");
        page.QuerySelectorAll("table code").Select(c => c.Text()).Should().Equal("nps");
        var token = page.QuerySelector($"form input[name={RapportAppFactory.AntiforgeryField}]")!.GetAttribute("value")!;
        using var form = new MultipartFormDataContent
        {
            { new StringContent("nps\n9\n12\n"), "file", "paper.csv" },
            { new StringContent(token), RapportAppFactory.AntiforgeryField },
        };
        var posted = await session.Client.PostAsync($"/surveys/{id}/import", form);
        posted.StatusCode.Should().Be(HttpStatusCode.OK);
        var result = await session.ParseAsync(posted);
        result.QuerySelector("#import-result")!.Text().Should().Contain("1 response created").And.Contain("1 row rejected");
        result.QuerySelector("#import-rejects tbody td")!.Text().Should().Be("3");
    }
}
