using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Identity;
using Rapport.Research.Evidence;
using Rapport.Surveys;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Interactions;

namespace Rapport.Tests.Surveys;

/// <summary>The public answering page through the real host, as a customer's browser uses it, and every kind of bad input.</summary>
public sealed class SurveyAnswerPageTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private readonly HttpClient _marketing = app.ClientAs(Role.Marketing);

    [Fact]
    public async Task The_page_shows_every_question_with_a_label_and_no_inline_script_or_style()
    {
        var (_, _, link) = await SurveyKit.OpenWithInvitationAsync(_marketing, "Labels");
        var response = await SurveyKit.Browser(app).GetAsync(link);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.GetValues("Content-Security-Policy").Single().Should().Contain("script-src 'self'").And.NotContain("unsafe-inline");
        var html = await response.Content.ReadAsStringAsync();
        var document = await SurveyKit.HtmlAsync(response);
        document.QuerySelectorAll("fieldset.survey-question").Should().HaveCount(10);
        document.QuerySelectorAll("fieldset").Should().OnlyContain(f => f.QuerySelector("legend") != null, "every group of choices is named by its legend");
        document.QuerySelectorAll("input[type=radio][name='a.nps']").Should().HaveCount(11);
        document.QuerySelectorAll("select[name='a.top3']").Should().HaveCount(3).And.OnlyContain(s => document.QuerySelector($"label[for='{s.Id}']") != null);
        document.QuerySelectorAll("textarea").Should().OnlyContain(t => document.QuerySelector($"label[for='{t.Id}']") != null);
        document.QuerySelectorAll("[style]").Should().BeEmpty();
        document.QuerySelectorAll("script").Should().BeEmpty();
        document.QuerySelector("meta[name=viewport]").Should().NotBeNull();
        html.Should().NotContain("mainnav", "the public page shows nothing of the staff application");
        document.QuerySelector($"form input[name={RapportAppFactory.AntiforgeryField}]").Should().NotBeNull();
    }

    [Fact]
    public async Task Submitting_twice_through_a_personal_link_updates_the_one_response_and_shows_it_prefilled()
    {
        var (survey, customer, link) = await SurveyKit.OpenWithInvitationAsync(_marketing, "Twice");
        var browser = SurveyKit.Browser(app);
        var first = await SurveyKit.SubmitAsync(browser, link, SurveyKit.Answers(nps: 9));
        first.StatusCode.Should().Be(HttpStatusCode.Redirect);
        first.Headers.Location!.OriginalString.Should().Be(link + "/thanks");
        var thanks = await browser.GetAsync(link + "/thanks");
        thanks.StatusCode.Should().Be(HttpStatusCode.OK);
        (await SurveyKit.HtmlAsync(thanks)).QuerySelector("#survey-thanks")!.TextContent.Should().Contain("Thanks — it helps us a lot.").And.Contain("Change my answers");

        var prefilled = await SurveyKit.HtmlAsync(await browser.GetAsync(link));
        prefilled.QuerySelector("input[name='a.nps'][value='9']")!.HasAttribute("checked").Should().BeTrue();
        prefilled.QuerySelector("textarea[name='a.why']")!.TextContent.Should().Contain("compostable");
        prefilled.QuerySelector("#survey-editing").Should().NotBeNull();

        var second = await SurveyKit.SubmitAsync(browser, link, SurveyKit.Answers(nps: 4, why: "Changed my mind: the price went up."));
        second.StatusCode.Should().Be(HttpStatusCode.Redirect);

        await app.WithDbAsync(async db =>
        {
            var responses = await db.Set<SurveyResponse>().Where(r => r.SurveyId == survey).ToListAsync();
            responses.Should().ContainSingle("the second submit updates the same response");
            var response = responses[0];
            response.CustomerId.Should().Be(customer);
            response.Version.Should().Be(2);
            var answers = await db.Set<SurveyAnswer>().Where(a => a.ResponseId == response.Id).ToListAsync();
            answers.Should().Contain(a => a.NumberValue == 4 && a.CustomerId == customer);
            answers.Should().Contain(a => a.TextValue == "Changed my mind: the price went up.");
            answers.Should().HaveCount(9, "one row per answered question: the blank 'anything else' has none");
            (await db.Set<SurveyInvitation>().SingleAsync(i => i.SurveyId == survey)).ResponseId.Should().Be(response.Id);

            var stated = await db.Set<ValueEvidence>().Where(e => e.SourceType == EvidenceSources.SurveyResponse && e.SourceId == response.Id).ToListAsync();
            stated.Should().HaveCount(5, "two importance answers and three ranked values, replaced not added on the second submit");
            stated.Should().OnlyContain(e => e.Kind == EvidenceKind.Stated && e.CustomerId == customer);
            stated.Should().Contain(e => e.Quote == "Rated Sustainability 5/5 in 'Twice'" && e.Signal == 1.0);
            stated.Should().Contain(e => e.Quote == "Rated Price 2/5 in 'Twice'" && e.Signal == -0.5);
            stated.Select(e => e.Signal).Should().Contain([1.0, 0.8, 0.6]);
            var why = answers.Single(a => a.TextValue?.StartsWith("Changed", StringComparison.Ordinal) == true);
            var mentions = await db.Set<ValueEvidence>().Where(e => e.SourceType == EvidenceSources.SurveyAnswer && e.SourceId == why.Id).ToListAsync();
            mentions.Should().Contain(e => e.Kind == EvidenceKind.Mention && e.CustomerId == customer, "theme detection finds price in the new free text");
            return 0;
        });
    }

    [Fact]
    public async Task Required_answers_missing_show_the_form_again_with_field_messages_and_the_answers_kept()
    {
        var (survey, _, link) = await SurveyKit.OpenWithInvitationAsync(_marketing, "Required");
        var answers = SurveyKit.Answers().Where(a => a.Key is not ("a.nps" or "a.csat")).ToList();
        var response = await SurveyKit.SubmitAsync(SurveyKit.Browser(app), link, answers);
        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var page = await SurveyKit.HtmlAsync(response);
        page.QuerySelector("#survey-errors").Should().NotBeNull();
        page.QuerySelector("#q-nps .field-error")!.TextContent.Should().Be(SurveyAnswerRules.Missing);
        page.QuerySelector("#q-nps")!.GetAttribute("aria-invalid").Should().Be("true");
        page.QuerySelector("#q-csat .field-error").Should().NotBeNull();
        page.QuerySelector("#q-delivery .field-error").Should().BeNull();
        page.QuerySelector("textarea[name='a.why']")!.TextContent.Should().Contain("compostable", "the answers given are kept");
        page.QuerySelector("input[name='a.delivery'][value='4']")!.HasAttribute("checked").Should().BeTrue();
        page.QuerySelectorAll("select[name='a.top3']").Select(x => x.QuerySelector("option[selected]")?.GetAttribute("value"))
            .Should().Equal("sustainability", "quality", "community");
        (await app.WithDbAsync(db => db.Set<SurveyResponse>().CountAsync(r => r.SurveyId == survey))).Should().Be(0);
    }

    [Fact]
    public async Task A_hundred_kilobytes_of_text_is_refused_with_a_field_message_and_nothing_stored()
    {
        var (survey, _, link) = await SurveyKit.OpenWithInvitationAsync(_marketing, "Long");
        var response = await SurveyKit.SubmitAsync(SurveyKit.Browser(app), link, SurveyKit.Answers(why: new string('x', 100 * 1024)));
        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var page = await SurveyKit.HtmlAsync(response);
        page.QuerySelector("#q-why .field-error")!.TextContent.Should().Contain("5,000 characters");
        (await app.WithDbAsync(db => db.Set<SurveyResponse>().CountAsync(r => r.SurveyId == survey))).Should().Be(0);

        var atLimit = await SurveyKit.SubmitAsync(SurveyKit.Browser(app), link, SurveyKit.Answers(why: new string('y', SurveyLimits.AnswerText)));
        atLimit.StatusCode.Should().Be(HttpStatusCode.Redirect, "exactly the limit is fine");
    }

    [Fact]
    public async Task Html_and_script_are_stored_as_given_and_shown_escaped_and_any_script_or_language_is_fine()
    {
        var (survey, _, link) = await SurveyKit.OpenWithInvitationAsync(_marketing, "Escaping");
        const string hostile = "<script>alert('x')</script><img src=x onerror=alert(1)> & \"quotes\"";
        (await SurveyKit.SubmitAsync(SurveyKit.Browser(app), link, SurveyKit.Answers(why: hostile))).StatusCode.Should().Be(HttpStatusCode.Redirect);

        var anonymous = (await (await _marketing.GetAsync($"/api/v1/surveys/{survey}")).ReadJsonAsync()).GetProperty("anonymousLink").GetString()!;
        string[] texts =
        [
            "コーヒーがとても美味しいです。持続可能な包装が好きです。",
            "القهوة رائعة والخدمة ممتازة",
            "Очень вкусный кофе, но дорого",
            "☕️🌱👍🏽 love it 💚",
            "Ça coûte cher, mais la qualité est là.",
            "\u200f\u200emixed\u202e direction",
        ];
        foreach (var text in texts)
        {
            var r = await SurveyKit.SubmitAsync(SurveyKit.Browser(app), anonymous, SurveyKit.Answers(why: text));
            r.StatusCode.Should().Be(HttpStatusCode.Redirect, text);
        }

        var control = await SurveyKit.SubmitAsync(SurveyKit.Browser(app), anonymous, SurveyKit.Answers(why: "bell\u0007here"));
        control.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity, "a control character is refused with a message");
        (await SurveyKit.HtmlAsync(control)).QuerySelector("#q-why .field-error").Should().NotBeNull();
        var nul = await SurveyKit.SubmitAsync(SurveyKit.Browser(app), anonymous, SurveyKit.Answers(why: "bad\u0000byte"));
        ((int)nul.StatusCode).Should().BeInRange(400, 499, "a NUL (which PostgreSQL cannot hold) is refused, never a 500");

        var stored = await app.WithDbAsync(db => db.Set<SurveyAnswer>()
            .Where(a => db.Set<SurveyResponse>().Any(r => r.Id == a.ResponseId && r.SurveyId == survey) && a.TextValue != null)
            .Select(a => new { a.ResponseId, a.TextValue }).ToListAsync());
        stored.Select(s => s.TextValue).Should().Contain(hostile).And.Contain(texts);
        stored.Select(s => s.ResponseId).Distinct().Should().HaveCount(1 + texts.Length, "the anonymous link makes a new response each time");

        var staff = await app.SignedInAs(Role.Marketing);
        var responseId = stored.Single(s => s.TextValue == hostile).ResponseId;
        var view = await staff.GetAsync($"/surveys/{survey}/responses/{responseId}");
        view.StatusCode.Should().Be(HttpStatusCode.OK);
        var html = await view.Content.ReadAsStringAsync();
        html.Should().NotContain("<script>alert").And.NotContain("<img src=x");
        html.Should().Contain("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;");
        var api = await (await _marketing.GetAsync($"/api/v1/survey-responses/{responseId}")).ReadJsonAsync();
        api.GetProperty("answers").EnumerateArray().Should().Contain(a => a.GetProperty("text").GetString() == hostile, "the API gives the text exactly as stored");

        var form = await (await SurveyKit.Browser(app).GetAsync(link)).Content.ReadAsStringAsync();
        form.Should().NotContain("<script>alert", "the prefilled form escapes it too");
    }

    [Fact]
    public async Task A_forged_cut_or_revoked_token_is_a_404_page_and_stores_nothing()
    {
        var (survey, _, link) = await SurveyKit.OpenWithInvitationAsync(_marketing, "Forged");
        var token = link["/s/".Length..];
        var parts = token.Split('.');
        var forged = new[]
        {
            "/s/nonsense",
            "/s/" + token[..^2],
            "/s/" + parts[0] + "." + parts[1] + "." + new string('A', parts[2].Length),
            "/s/i999999." + parts[1] + "." + parts[2],
            "/s/a" + survey + "." + parts[1] + "." + parts[2],
            "/s/" + new string('z', 500),
        };
        foreach (var path in forged)
        {
            var get = await SurveyKit.Browser(app).GetAsync(path);
            get.StatusCode.Should().Be(HttpStatusCode.NotFound, path);
            (await get.Content.ReadAsStringAsync()).Should().Contain("This link does not work");
        }

        var browser = SurveyKit.Browser(app);
        var tokenField = await RapportAppFactory.AntiforgeryTokenAsync(browser, link);
        using var form = new FormUrlEncodedContent([.. SurveyKit.Answers(), new(RapportAppFactory.AntiforgeryField, tokenField)]);
        var post = await browser.PostAsync(forged[2], form);
        post.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await app.WithDbAsync(db => db.Set<SurveyResponse>().CountAsync(r => r.SurveyId == survey))).Should().Be(0);

        using var noToken = new FormUrlEncodedContent(SurveyKit.Answers());
        (await SurveyKit.Browser(app).PostAsync(link, noToken)).StatusCode.Should().Be(HttpStatusCode.BadRequest, "antiforgery protects the form");

        var draft = await SurveyKit.CreateAsync(_marketing, SurveyKit.TenQuestions("Still a draft"));
        var draftLink = await SurveyKit.InviteAsync(_marketing, draft.GetProperty("id").GetInt64(), await SurveyKit.CustomerAsync(_marketing, "Early"));
        (await SurveyKit.Browser(app).GetAsync(draftLink)).StatusCode.Should().Be(HttpStatusCode.NotFound, "a draft does not answer yet");
    }

    [Fact]
    public async Task After_closing_the_link_shows_a_closed_page_with_410_and_a_late_submit_stores_nothing()
    {
        var (survey, _, link) = await SurveyKit.OpenWithInvitationAsync(_marketing, "Closing");
        var browser = SurveyKit.Browser(app);
        (await SurveyKit.SubmitAsync(browser, link, SurveyKit.Answers(nps: 8))).StatusCode.Should().Be(HttpStatusCode.Redirect);
        var token = await RapportAppFactory.AntiforgeryTokenAsync(browser, link);

        (await _marketing.PostAsync($"/api/v1/surveys/{survey}/close", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        var get = await browser.GetAsync(link);
        get.StatusCode.Should().Be(HttpStatusCode.Gone);
        (await get.Content.ReadAsStringAsync()).Should().Contain("This survey has closed");

        using var late = new FormUrlEncodedContent([.. SurveyKit.Answers(nps: 1), new(RapportAppFactory.AntiforgeryField, token)]);
        (await browser.PostAsync(link, late)).StatusCode.Should().Be(HttpStatusCode.Gone);
        await app.WithDbAsync(async db =>
        {
            var response = await db.Set<SurveyResponse>().SingleAsync(r => r.SurveyId == survey);
            (await db.Set<SurveyAnswer>().SingleAsync(a => a.ResponseId == response.Id && a.NumberValue != null && a.NumberValue > 5 && a.NumberValue < 9))
                .NumberValue.Should().Be(8, "the late submit changed nothing");
            response.Version.Should().Be(1);
            (await db.Set<SurveyInvitation>().SingleAsync(i => i.SurveyId == survey)).ExpiresAt.Should().NotBeNull("invitations expire when the survey closes");
            return 0;
        });
    }
}

/// <summary>A survey past its closing time is closed for its links before anyone closes it (own class: it moves the clock).</summary>
public sealed class SurveyClosingTimeTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    [Fact]
    public async Task A_link_expires_at_the_closing_time()
    {
        var marketing = app.ClientAs(Role.Marketing);
        var closes = app.Clock.GetUtcNow().AddDays(3);
        var survey = await SurveyKit.CreateAsync(marketing, new { title = "Timed", closesAt = closes, questions = new[] { new { kind = "nps", key = "nps", prompt = "Recommend?", required = true } } });
        var id = survey.GetProperty("id").GetInt64();
        await SurveyKit.PublishAsync(marketing, id);
        var link = await SurveyKit.InviteAsync(marketing, id, await SurveyKit.CustomerAsync(marketing, "Timed"));
        (await SurveyKit.Browser(app).GetAsync(link)).StatusCode.Should().Be(HttpStatusCode.OK);

        app.Clock.Advance(TimeSpan.FromDays(3));
        var browser = SurveyKit.Browser(app);
        (await browser.GetAsync(link)).StatusCode.Should().Be(HttpStatusCode.Gone);
        (await (await marketing.GetAsync($"/api/v1/surveys/{id}")).ReadJsonAsync()).GetProperty("status").GetString().Should().Be("closed");
        (await app.WithDbAsync(db => db.Set<SurveyResponse>().CountAsync(r => r.SurveyId == id))).Should().Be(0);
    }
}
