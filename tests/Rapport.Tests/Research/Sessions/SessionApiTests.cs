using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Identity;
using Rapport.Research.Evidence;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Interactions;

namespace Rapport.Tests.Research.Sessions;

public sealed class SessionApiTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private readonly HttpClient _sales = app.ClientAs(Role.Sales);

    private const string InterviewTranscript =
        "Interviewer: What made you choose us?\n" +
        "Ana: Honestly the quality. The coffee is excellent and it lasts.\n" +
        "Interviewer: And the price?\n" +
        "Ana: Price does not matter much to me, I pay for good beans.\n";

    private async Task<JsonElement> CreateAsync(object body)
    {
        var response = await _sales.PostAsJsonAsync("/api/v1/research-sessions", body);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    private Task<List<ValueEvidence>> EvidenceAsync(string sourceType, long sourceId) =>
        app.WithDbAsync(db => db.Set<ValueEvidence>().AsNoTracking().Where(e => e.SourceType == sourceType && e.SourceId == sourceId).ToListAsync());

    private Task<long> ValueIdAsync(string key) => app.WithDbAsync(db => db.TaxonomyValues.Where(v => v.Key == key).Select(v => v.Id).SingleAsync());

    [Fact]
    public async Task An_interview_with_one_participant_gives_its_transcript_mentions_and_coded_excerpts_to_that_customer()
    {
        var ana = await app.CustomerAsync("Ana", "Interviewed");
        var session = await CreateAsync(new
        {
            kind = "interview", title = "Why customers stay", heldAt = "2026-01-10T10:00:00Z", interviewerName = "Mia from marketing",
            transcript = InterviewTranscript.Replace("\n", "\r\n", StringComparison.Ordinal), summary = "Quality first.", participantIds = new[] { ana, ana },
        });
        var id = session.GetProperty("id").GetInt64();
        session.GetProperty("kind").GetString().Should().Be("interview");
        session.GetProperty("transcript").GetString().Should().Be(InterviewTranscript, "line breaks are stored as \\n");
        session.GetProperty("participants").EnumerateArray().Select(p => p.GetProperty("customerId").GetInt64()).Should().Equal(ana);

        var mentions = await EvidenceAsync(EvidenceSources.SessionTranscript, id);
        mentions.Should().NotBeEmpty();
        mentions.Should().OnlyContain(e => e.CustomerId == ana && e.Kind == EvidenceKind.Mention && e.ObservedAt == new DateTimeOffset(2026, 1, 10, 10, 0, 0, TimeSpan.Zero));
        mentions.Select(e => e.ValueId).Should().Contain(await ValueIdAsync("quality"));

        // Coded by the quoted text: the first occurrence; the stance indifferent gives a signal of -1.
        var excerpt = await _sales.PostAsJsonAsync($"/api/v1/research-sessions/{id}/excerpts", new
        {
            text = "Price does not matter much to me", codes = new object[] { new { value = "price", stance = "indifferent" }, new { theme = "Bean origin" } },
        });
        excerpt.StatusCode.Should().Be(HttpStatusCode.Created, await excerpt.Content.ReadAsStringAsync());
        var coded = await excerpt.ReadJsonAsync();
        var excerptId = coded.GetProperty("id").GetInt64();
        coded.GetProperty("start").GetInt32().Should().Be(InterviewTranscript.IndexOf("Price does not", StringComparison.Ordinal));
        coded.GetProperty("codes").EnumerateArray().Select(c => c.GetProperty("theme").GetString() ?? c.GetProperty("value").GetString())
            .Should().Equal("price", "bean origin");
        var codedEvidence = await EvidenceAsync(EvidenceSources.Excerpt, excerptId);
        codedEvidence.Should().ContainSingle().Which.Should().BeEquivalentTo(new
        {
            CustomerId = (long?)ana, ValueId = await ValueIdAsync("price"), Kind = EvidenceKind.Coded, Signal = -1.0, Quote = "Price does not matter much to me",
        });

        // Recoding replaces the evidence.
        var recoded = await _sales.PutAsJsonAsync($"/api/v1/research-sessions/{id}/excerpts/{excerptId}/codes", new { codes = new[] { new { value = "quality", stance = "cares" } } });
        recoded.StatusCode.Should().Be(HttpStatusCode.OK, await recoded.Content.ReadAsStringAsync());
        (await EvidenceAsync(EvidenceSources.Excerpt, excerptId)).Should().ContainSingle().Which.Signal.Should().Be(1);

        // The session is on Ana's timeline.
        var timeline = await (await _sales.GetAsync($"/api/v1/customers/{ana}/timeline")).ReadJsonAsync();
        var item = timeline.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("kind").GetString() == "session");
        item.GetProperty("id").GetInt64().Should().Be(id);
        item.GetProperty("session").GetProperty("title").GetString().Should().Be("Why customers stay");
        item.GetProperty("session").GetProperty("excerpts").GetInt32().Should().Be(1);

        // Editing the transcript: the excerpt follows its words; losing them is refused.
        var moved = await PatchAsync(id, "\"1\"", new { transcript = "Note: recorded by phone.\n" + InterviewTranscript });
        moved.StatusCode.Should().Be(HttpStatusCode.OK, await moved.Content.ReadAsStringAsync());
        var after = await moved.ReadJsonAsync();
        after.GetProperty("excerpts")[0].GetProperty("start").GetInt32().Should().Be(coded.GetProperty("start").GetInt32() + "Note: recorded by phone.\n".Length);
        await (await PatchAsync(id, "\"2\"", new { transcript = "Nothing left." })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "transcript");
        await (await PatchAsync(id, "\"1\"", new { title = "Stale" })).ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed);

        // Deleting the session removes its evidence.
        (await _sales.DeleteAsync($"/api/v1/research-sessions/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await EvidenceAsync(EvidenceSources.SessionTranscript, id)).Should().BeEmpty();
        (await EvidenceAsync(EvidenceSources.Excerpt, excerptId)).Should().BeEmpty();
        (await _sales.GetAsync($"/api/v1/research-sessions/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_focus_group_codes_for_the_speaker_or_for_every_participant_and_its_transcript_for_nobody()
    {
        var ids = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add(await app.CustomerAsync("Group", $"Member{i}"));
        }

        var session = await CreateAsync(new
        {
            kind = "focusGroup", title = "Packaging panel", heldAt = "2026-02-01T15:00:00Z",
            transcript = "Moderator: packaging?\nBen: Plastic-free packaging is why I buy here.\nCleo: I don't care about packaging at all.\n",
            participantIds = ids.Take(3).ToArray(),
        });
        var id = session.GetProperty("id").GetInt64();
        (await EvidenceAsync(EvidenceSources.SessionTranscript, id)).Should().NotBeEmpty().And.OnlyContain(e => e.CustomerId == null);

        var transcript = session.GetProperty("transcript").GetString()!;
        var all = await (await _sales.PostAsJsonAsync($"/api/v1/research-sessions/{id}/excerpts", new
        {
            start = 0, length = transcript.IndexOf('\n', StringComparison.Ordinal), codes = new[] { new { value = "sustainability" } },
        })).ReadJsonAsync();
        (await EvidenceAsync(EvidenceSources.Excerpt, all.GetProperty("id").GetInt64())).Select(e => e.CustomerId).Should().BeEquivalentTo(ids.Take(3).Select(x => (long?)x));

        var ben = await (await _sales.PostAsJsonAsync($"/api/v1/research-sessions/{id}/excerpts", new
        {
            text = "Plastic-free packaging is why I buy here.", speakerCustomerId = ids[1], codes = new[] { new { value = "sustainability", stance = "cares" } },
        })).ReadJsonAsync();
        (await EvidenceAsync(EvidenceSources.Excerpt, ben.GetProperty("id").GetInt64())).Should().ContainSingle().Which.CustomerId.Should().Be(ids[1]);

        // A fourth participant joins: the speaker-less excerpt now speaks for them too.
        var added = await _sales.PostAsJsonAsync($"/api/v1/research-sessions/{id}/participants", new { customerIds = new[] { ids[3] } });
        added.StatusCode.Should().Be(HttpStatusCode.OK, await added.Content.ReadAsStringAsync());
        (await EvidenceAsync(EvidenceSources.Excerpt, all.GetProperty("id").GetInt64())).Should().HaveCount(4);

        // The speaker cannot be removed while they speak an excerpt; another participant can.
        await (await _sales.DeleteAsync($"/api/v1/research-sessions/{id}/participants/{ids[1]}")).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        (await _sales.DeleteAsync($"/api/v1/research-sessions/{id}/participants/{ids[0]}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await EvidenceAsync(EvidenceSources.Excerpt, all.GetProperty("id").GetInt64())).Should().HaveCount(3);

        var list = await (await _sales.GetAsync($"/api/v1/research-sessions?kind=focusGroup&customerId={ids[1]}")).ReadJsonAsync();
        list.GetProperty("items").EnumerateArray().Should().ContainSingle().Which.GetProperty("participantCount").GetInt32().Should().Be(3);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_the_field_named()
    {
        var customer = await app.CustomerAsync();
        const string Url = "/api/v1/research-sessions";
        await (await _sales.PostAsJsonAsync(Url, new { kind = "interview", title = "x", heldAt = "2026-01-01T00:00:00Z", participantIds = new[] { customer, 987_654_321L } }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "participantIds");
        await (await _sales.PostAsJsonAsync(Url, new { kind = "interview", heldAt = "2026-01-01T00:00:00Z" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "title");
        await (await _sales.PostAsJsonAsync(Url, new { title = "x", heldAt = "2026-01-01T00:00:00Z" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "kind");
        await (await _sales.PostAsJsonAsync(Url, new { kind = "survey", title = "x", heldAt = "2026-01-01T00:00:00Z" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await _sales.PostAsJsonAsync(Url, new { kind = "interview", title = "x", heldAt = "2126-01-01T00:00:00Z" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "heldAt");

        // 200 KB of transcript is over the limit of 200,000 characters: a clean 400, nothing stored.
        var before = await app.WithDbAsync(db => db.Set<Rapport.Research.Sessions.ResearchSession>().CountAsync());
        var huge = string.Concat(Enumerable.Repeat("The quality is great. ", 204_800 / 22 + 1))[..204_800];
        await (await _sales.PostAsJsonAsync(Url, new { kind = "interview", title = "Long", heldAt = "2026-01-01T00:00:00Z", transcript = huge }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "transcript");
        (await app.WithDbAsync(db => db.Set<Rapport.Research.Sessions.ResearchSession>().CountAsync())).Should().Be(before);

        var session = await CreateAsync(new { kind = "interview", title = "Short", heldAt = "2026-01-01T00:00:00Z", transcript = "Short words.", participantIds = new[] { customer } });
        var excerpts = $"{Url}/{session.GetProperty("id").GetInt64()}/excerpts";
        var code = new[] { new { value = "quality" } };
        await (await _sales.PostAsJsonAsync(excerpts, new { start = 12, length = 1, codes = code })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "start");
        await (await _sales.PostAsJsonAsync(excerpts, new { start = -1, length = 1, codes = code })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "start");
        await (await _sales.PostAsJsonAsync(excerpts, new { start = 6, length = 7, codes = code })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "length");
        await (await _sales.PostAsJsonAsync(excerpts, new { start = 5, length = 1, codes = code })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "length");
        await (await _sales.PostAsJsonAsync(excerpts, new { text = "Long words.", codes = code })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "text");
        await (await _sales.PostAsJsonAsync(excerpts, new { start = 0, length = 5, text = "words", codes = code })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "text");
        await (await _sales.PostAsJsonAsync(excerpts, new { text = "Short", codes = Array.Empty<object>() })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "codes");
        await (await _sales.PostAsJsonAsync(excerpts, new { text = "Short", codes = new[] { new { value = "no_such_value" } } })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "codes[0].value");
        await (await _sales.PostAsJsonAsync(excerpts, new { text = "Short", codes = new[] { new { value = "quality", theme = "both" } } })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "codes[0]");
        await (await _sales.PostAsJsonAsync(excerpts, new { text = "Short", speakerCustomerId = customer + 1_000_000, codes = code })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "speakerCustomerId");
        await (await _sales.PostAsJsonAsync($"{Url}/987654321/excerpts", new { text = "Short", codes = code })).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        (await app.WithDbAsync(db => db.Set<Rapport.Research.Sessions.ResearchExcerpt>().CountAsync(e => e.SessionId == session.GetProperty("id").GetInt64()))).Should().Be(0);

        // An analyst reads but does not write.
        var analyst = app.ClientAs(Role.Analyst);
        (await analyst.GetAsync(Url)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await analyst.PostAsJsonAsync(excerpts, new { text = "Short", codes = code })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_interaction_note_is_indexed_when_logged_and_its_evidence_goes_with_it()
    {
        var customer = await app.CustomerAsync();
        var logged = await _sales.PostAsJsonAsync("/api/v1/interactions", new { customerId = customer, type = "note", notes = "Asked again whether the packaging is recyclable; sustainability matters to her." });
        logged.StatusCode.Should().Be(HttpStatusCode.Created, await logged.Content.ReadAsStringAsync());
        var id = (await logged.ReadJsonAsync()).GetProperty("id").GetInt64();
        var sustainability = await ValueIdAsync("sustainability");
        var evidence = await EvidenceAsync(EvidenceSources.Interaction, id);
        evidence.Should().Contain(e => e.ValueId == sustainability && e.CustomerId == customer && e.Kind == EvidenceKind.Mention);

        (await _sales.DeleteAsync($"/api/v1/interactions/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await EvidenceAsync(EvidenceSources.Interaction, id)).Should().BeEmpty();
    }

    [Fact]
    public async Task The_timeline_pages_through_interactions_transactions_and_sessions_in_order_without_gaps()
    {
        var customer = await app.CustomerAsync("Time", "Line");
        var at = new DateTimeOffset(2026, 1, 20, 12, 0, 0, TimeSpan.Zero);
        var later = await Rapport.Tests.Customers.CustomerTestApi.AddInteractionAsync(app, customer, at.AddHours(1));
        var interaction = await Rapport.Tests.Customers.CustomerTestApi.AddInteractionAsync(app, customer, at);
        var transaction = await Rapport.Tests.Customers.CustomerTestApi.AddTransactionAsync(app, customer, at, 10m);
        var session = (await CreateAsync(new { kind = "interview", title = "Same instant", heldAt = at, participantIds = new[] { customer } })).GetProperty("id").GetInt64();
        var second = (await CreateAsync(new { kind = "focusGroup", title = "Same instant too", heldAt = at, participantIds = new[] { customer } })).GetProperty("id").GetInt64();
        var earlier = (await CreateAsync(new { kind = "focusGroup", title = "Earlier", heldAt = at.AddDays(-1), participantIds = new[] { customer } })).GetProperty("id").GetInt64();
        await CreateAsync(new { kind = "interview", title = "Someone else's", heldAt = at, participantIds = new[] { await app.CustomerAsync() } });

        var expected = new[]
        {
            ("interaction", later), ("interaction", interaction), ("transaction", transaction), ("session", second), ("session", session), ("session", earlier),
        };
        foreach (var limit in new[] { 1, 2, 50 })
        {
            var items = await _sales.WalkAsync($"/api/v1/customers/{customer}/timeline", limit);
            items.Select(i => (i.GetProperty("kind").GetString()!, i.GetProperty("id").GetInt64())).Should().Equal(expected, $"limit {limit}");
        }
    }

    private Task<HttpResponseMessage> PatchAsync(long id, string? ifMatch, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/research-sessions/{id}") { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return _sales.SendAsync(request);
    }
}
