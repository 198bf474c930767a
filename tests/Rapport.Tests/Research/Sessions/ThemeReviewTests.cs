using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Identity;
using Rapport.Research.Evidence;
using Rapport.Research.Review;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Interactions;
using Rapport.Tests.Pages;

namespace Rapport.Tests.Research.Sessions;

/// <summary>The review of emergent themes over all free text: proposals, accept, add to a vocabulary, dismiss; the re-index.</summary>
public sealed class ThemeReviewTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private readonly HttpClient _marketing = app.ClientAs(Role.Marketing);

    private static readonly string[] Notes =
    [
        "She asked about gift wrapping for the holidays.",
        "Gift wrapping was missing from the order again.",
        "Wants gift wrapping and a card for her mother.",
        "The parking lot was full again on Saturday.",
        "Could not find a space in the parking lot.",
        "Says the parking lot needs lighting.",
        "Called about the opening hours.",
        "Complained about the broken door.",
        "Asked for a refund on the broken mug.",
    ];

    private async Task SeedNotesAsync()
    {
        var sales = app.ClientAs(Role.Sales);
        foreach (var note in Notes)
        {
            var customer = await app.CustomerAsync();
            (await sales.PostAsJsonAsync("/api/v1/interactions", new { customerId = customer, type = "note", notes = note })).StatusCode.Should().Be(HttpStatusCode.Created);
        }
    }

    private async Task<List<JsonElement>> ProposalsAsync(string status = "proposed") =>
        [.. (await (await _marketing.GetAsync($"/api/v1/themes?status={status}")).ReadJsonAsync()).EnumerateArray()];

    [Fact]
    public async Task Refresh_proposes_recurring_phrases_and_each_decision_sticks()
    {
        await SeedNotesAsync();
        var refreshed = await _marketing.PostAsync("/api/v1/themes/refresh", null);
        refreshed.StatusCode.Should().Be(HttpStatusCode.OK, await refreshed.Content.ReadAsStringAsync());
        (await refreshed.ReadJsonAsync()).GetProperty("textsRead").GetInt32().Should().BeGreaterThanOrEqualTo(Notes.Length);

        var proposals = await ProposalsAsync();
        var phrases = proposals.Select(p => p.GetProperty("phrase").GetString()).ToList();
        phrases.Should().Contain("gift wrapping");
        var gift = proposals.Single(p => p.GetProperty("phrase").GetString() == "gift wrapping");
        gift.GetProperty("texts").GetInt32().Should().Be(3);
        gift.GetProperty("examples").EnumerateArray().Select(e => e.GetString()).Should().OnlyContain(e => e!.Contains("ift wrapping", StringComparison.Ordinal));

        // Dismissed: not proposed again by the next refresh.
        var click = proposals.First(p => p.GetProperty("phrase").GetString() != "gift wrapping");
        var dismissed = await _marketing.PostAsync($"/api/v1/themes/{click.GetProperty("id").GetInt64()}/dismiss", null);
        dismissed.StatusCode.Should().Be(HttpStatusCode.OK, await dismissed.Content.ReadAsStringAsync());
        (await dismissed.ReadJsonAsync()).GetProperty("status").GetString().Should().Be("dismissed");
        await (await _marketing.PostAsync($"/api/v1/themes/{click.GetProperty("id").GetInt64()}/dismiss", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        (await _marketing.PostAsync("/api/v1/themes/refresh", null)).EnsureSuccessStatusCode();
        (await ProposalsAsync()).Should().NotContain(p => p.GetProperty("id").GetInt64() == click.GetProperty("id").GetInt64());
        (await ProposalsAsync("dismissed")).Should().ContainSingle(p => p.GetProperty("id").GetInt64() == click.GetProperty("id").GetInt64());

        // Accepted as a new value with the phrase as its vocabulary.
        var giftId = (await ProposalsAsync()).Single(p => p.GetProperty("phrase").GetString() == "gift wrapping").GetProperty("id").GetInt64();
        var accepted = await _marketing.PostAsJsonAsync($"/api/v1/themes/{giftId}/accept", new { });
        accepted.StatusCode.Should().Be(HttpStatusCode.OK, await accepted.Content.ReadAsStringAsync());
        var acceptedBody = await accepted.ReadJsonAsync();
        acceptedBody.GetProperty("value").GetString().Should().Be("gift_wrapping");
        var value = await (await _marketing.GetAsync("/api/v1/values/gift_wrapping")).ReadJsonAsync();
        value.GetProperty("name").GetString().Should().Be("Gift wrapping");
        value.GetProperty("vocabulary").EnumerateArray().Select(e => e.GetString()).Should().Equal("gift wrapping");

        // The re-index now finds the new value in the notes, and the refresh proposes the phrase no more.
        var summary = await app.RunAsync<ReindexResearch, ReindexSummary>(r => r.HandleAsync(CancellationToken.None));
        summary.TextsRead.Should().BeGreaterThanOrEqualTo(Notes.Length);
        var giftValueId = value.GetProperty("id").GetInt64();
        (await app.WithDbAsync(db => db.Set<ValueEvidence>().CountAsync(e => e.ValueId == giftValueId && e.SourceType == EvidenceSources.Interaction))).Should().Be(3);
        (await ProposalsAsync()).Should().NotContain(p => p.GetProperty("phrase").GetString() == "gift wrapping");
    }

    [Fact]
    public async Task Add_to_a_value_extends_its_vocabulary_and_bad_requests_are_refused()
    {
        var id = await app.WithDbAsync(async db =>
        {
            var row = new ThemeProposal { Phrase = "opening hours", Stems = "open hour", Texts = 4, Score = 12.5, Examples = "[\"Called about the opening hours.\"]" };
            db.Set<ThemeProposal>().Add(row);
            await db.SaveChangesAsync();
            return row.Id;
        });
        await (await _marketing.PostAsJsonAsync($"/api/v1/themes/{id}/add-to-value", new { value = "no_such_value" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "value");
        await (await _marketing.PostAsJsonAsync($"/api/v1/themes/{id}/add-to-value", new { value = (string?)null })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "value");
        await (await _marketing.PostAsJsonAsync("/api/v1/themes/987654/add-to-value", new { value = "convenience" })).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        (await app.ClientAs(Role.Sales).PostAsJsonAsync($"/api/v1/themes/{id}/add-to-value", new { value = "convenience" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        var added = await _marketing.PostAsJsonAsync($"/api/v1/themes/{id}/add-to-value", new { value = "convenience" });
        added.StatusCode.Should().Be(HttpStatusCode.OK, await added.Content.ReadAsStringAsync());
        (await added.ReadJsonAsync()).GetProperty("status").GetString().Should().Be("addedToVocabulary");
        var convenience = await (await _marketing.GetAsync("/api/v1/values/convenience")).ReadJsonAsync();
        convenience.GetProperty("vocabulary").EnumerateArray().Select(e => e.GetString()).Should().Contain("opening hours");
        await (await _marketing.PostAsJsonAsync($"/api/v1/themes/{id}/accept", new { })).ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task The_themes_page_lists_proposals_and_dismisses_by_form_for_marketing_only()
    {
        var id = await app.WithDbAsync(async db =>
        {
            var row = new ThemeProposal { Phrase = "<i>loyalty</i> stamps", Stems = "i loyalti i stamp", Texts = 3, Score = 9, Examples = "[\"<script>x()</script> loyalty stamps\"]" };
            db.Set<ThemeProposal>().Add(row);
            await db.SaveChangesAsync();
            return row.Id;
        });
        var analyst = await PageSession.SignInAsync(app, Role.Analyst);
        var page = await analyst.GetAsync("/themes");
        var item = page.QuerySelector($"#theme-{id}")!;
        item.QuerySelector("h3")!.TextContent.Should().Be("<i>loyalty</i> stamps");
        item.QuerySelector("script").Should().BeNull();
        item.QuerySelector("form").Should().BeNull();
        (await analyst.PostFormAsync("/themes?handler=Dismiss", new() { ["ProposalId"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture) })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await analyst.PostFormAsync("/themes?handler=Refresh", [])).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        var marketing = await PageSession.SignInAsync(app, Role.Marketing);
        await marketing.GetAsync("/themes");
        var dismissed = await marketing.PostFormAsync("/themes?handler=Dismiss", new() { ["ProposalId"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        dismissed.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await marketing.GetAsync("/themes")).QuerySelector($"#theme-{id}").Should().BeNull();
        (await marketing.GetAsync("/themes?status=dismissed")).QuerySelector($"#theme-{id}").Should().NotBeNull();
    }
}
