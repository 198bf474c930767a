using System.Net;
using Microsoft.EntityFrameworkCore;
using Rapport.Identity;
using Rapport.Research.Evidence;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Interactions;
using Rapport.Tests.Pages;

namespace Rapport.Tests.Research.Sessions;

public sealed class SessionPageTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private const string Transcript = "Q: What matters?\nA: <script>alert('x')</script> Fair prices and <b>friendly staff</b>.\nA: Quality, always.";

    [Fact]
    public async Task Record_a_session_and_code_an_excerpt_with_the_form_without_javascript()
    {
        var customer = await app.CustomerAsync("Page", "Participant");
        var session = await PageSession.SignInAsync(app, Role.Service);
        var list = await session.GetAsync("/research");
        list.QuerySelector("nav a[aria-current=page]").Text().Should().Be("Research");

        var refused = await session.PostFormAsync("/research?handler=Create", new()
        {
            ["Form.Kind"] = "interview", ["Form.Title"] = "", ["Form.HeldAt"] = "2026-03-01T10:00", ["Form.Participants"] = "12345678",
        });
        refused.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var refusedPage = await session.ParseAsync(refused);
        refusedPage.QuerySelector("#session-title[aria-invalid=true]").Should().NotBeNull();

        var created = await session.PostFormAsync("/research?handler=Create", new()
        {
            ["Form.Kind"] = "interview", ["Form.Title"] = "Shop floor chat", ["Form.HeldAt"] = "2026-03-01T10:00",
            ["Form.Participants"] = customer.ToString(System.Globalization.CultureInfo.InvariantCulture), ["Form.Transcript"] = Transcript.Replace("\n", "\r\n", StringComparison.Ordinal),
        });
        created.StatusCode.Should().Be(HttpStatusCode.Redirect, await created.Content.ReadAsStringAsync());
        var path = created.Headers.Location!.OriginalString;
        path.Should().MatchRegex("^/research/[0-9]+$");

        var details = await session.GetAsync(path);
        details.QuerySelector("h1").Text().Should().Be("Shop floor chat");
        // HTML in a transcript is text: shown escaped, never run.
        var transcript = details.QuerySelector("#transcript")!;
        transcript.QuerySelector("script").Should().BeNull();
        transcript.QuerySelector("b").Should().BeNull();
        transcript.TextContent.Should().Be(Transcript);
        details.QuerySelector("script[src*='research.js']").Should().NotBeNull();

        // The form without JavaScript: start and length, as the selection would fill them.
        var start = Transcript.IndexOf("Fair prices", StringComparison.Ordinal);
        var coded = await session.PostFormAsync($"{path}?handler=Excerpt", new()
        {
            ["Excerpt.Start"] = start.ToString(System.Globalization.CultureInfo.InvariantCulture), ["Excerpt.Length"] = "11",
            ["Excerpt.Values"] = "price", ["Excerpt.Themes"] = "fair pricing", ["Excerpt.Stance"] = "cares",
            ["Excerpt.Speaker"] = customer.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        coded.StatusCode.Should().Be(HttpStatusCode.Redirect, await coded.Content.ReadAsStringAsync());
        // Or the quoted text only.
        (await session.PostFormAsync($"{path}?handler=Excerpt", new() { ["Excerpt.Text"] = "Quality, always.", ["Excerpt.Values"] = "quality" }))
            .StatusCode.Should().Be(HttpStatusCode.Redirect);
        var outside = await session.PostFormAsync($"{path}?handler=Excerpt", new() { ["Excerpt.Start"] = "5000", ["Excerpt.Length"] = "3", ["Excerpt.Values"] = "quality" });
        outside.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await session.ParseAsync(outside)).QuerySelector("#excerpt-start[aria-invalid=true]").Should().NotBeNull();

        details = await session.GetAsync(path);
        details.QuerySelectorAll("#transcript mark.excerpt").Select(m => m.TextContent).Should().Equal("Fair prices", "Quality, always.");
        details.QuerySelectorAll(".excerpt-list > li").Should().HaveCount(2);
        details.QuerySelector(".excerpt-list .code-list")!.TextContent.Should().Contain("Price").And.Contain("fair pricing");
        var evidence = await app.WithDbAsync(db => db.Set<ValueEvidence>().Where(e => e.Kind == EvidenceKind.Coded && e.CustomerId == customer).CountAsync());
        evidence.Should().Be(2);

        // The customer's timeline shows the session.
        var customerPage = await session.GetAsync($"/customers/{customer}");
        customerPage.QuerySelector("li.timeline-item[data-kind=session] a")!.GetAttribute("href").Should().Be(path);
    }

    [Fact]
    public async Task An_analyst_reads_sessions_but_every_write_handler_answers_403()
    {
        var writer = await PageSession.SignInAsync(app, Role.Sales);
        await writer.GetAsync("/research");
        var created = await writer.PostFormAsync("/research?handler=Create", new() { ["Form.Kind"] = "focusGroup", ["Form.Title"] = "Panel", ["Form.HeldAt"] = "2026-03-02T09:00", ["Form.Transcript"] = "Some words." });
        var path = created.Headers.Location!.OriginalString;

        var analyst = await PageSession.SignInAsync(app, Role.Analyst);
        var page = await analyst.GetAsync(path);
        page.QuerySelector("#excerpt-form").Should().BeNull();
        page.QuerySelector("#edit-session").Should().BeNull();
        foreach (var handler in new[] { "Edit", "Delete", "Participants", "RemoveParticipant", "Excerpt", "DeleteExcerpt" })
        {
            (await analyst.PostFormAsync($"{path}?handler={handler}", new() { ["Excerpt.Text"] = "Some", ["Excerpt.Values"] = "quality" }))
                .StatusCode.Should().Be(HttpStatusCode.Forbidden, handler);
        }

        (await analyst.PostFormAsync("/research?handler=Create", new() { ["Form.Kind"] = "interview", ["Form.Title"] = "No" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }
}
