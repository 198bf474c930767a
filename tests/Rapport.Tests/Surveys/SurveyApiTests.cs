using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Identity;
using Rapport.Research.Evidence;
using Rapport.Surveys;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Interactions;

namespace Rapport.Tests.Surveys;

public sealed class SurveyApiTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private readonly HttpClient _marketing = app.ClientAs(Role.Marketing);

    [Fact]
    public async Task Create_with_questions_reads_back_in_order_with_keys_and_an_etag()
    {
        var created = await _marketing.PostAsJsonAsync("/api/v1/surveys", SurveyKit.TenQuestions("Spring survey"));
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        created.Headers.ETag!.Tag.Should().Be("\"1\"");
        var survey = await created.ReadJsonAsync();
        var id = survey.GetProperty("id").GetInt64();
        created.Headers.Location!.ToString().Should().Be($"/api/v1/surveys/{id}");
        survey.GetProperty("status").GetString().Should().Be("draft");
        var questions = survey.GetProperty("questions").EnumerateArray().ToList();
        questions.Select(q => q.GetProperty("position").GetInt32()).Should().Equal(Enumerable.Range(1, 10));
        questions.Select(q => q.GetProperty("key").GetString()).Should().StartWith(["nps", "csat", "delivery"]);
        questions[3].GetProperty("value").GetString().Should().Be("sustainability");
        questions[3].GetProperty("valueName").GetString().Should().Be("Sustainability");
        questions[6].GetProperty("options").EnumerateArray().Select(o => o.GetString()).Should().Equal("Friends", "Instagram", "Search");

        var read = await _marketing.GetAsync($"/api/v1/surveys/{id}");
        read.StatusCode.Should().Be(HttpStatusCode.OK);
        (await read.ReadJsonAsync()).GetProperty("title").GetString().Should().Be("Spring survey");
        var list = await (await _marketing.GetAsync("/api/v1/surveys?status=draft")).ReadJsonAsync();
        list.EnumerateArray().Should().Contain(s => s.GetProperty("id").GetInt64() == id && s.GetProperty("questions").GetInt32() == 10);
    }

    [Fact]
    public async Task Bad_surveys_and_questions_are_400s_naming_the_field()
    {
        await (await _marketing.PostAsJsonAsync("/api/v1/surveys", new { title = "" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "title");
        await (await _marketing.PostAsJsonAsync("/api/v1/surveys", new { title = new string('t', 201) })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "title");
        await (await _marketing.PostAsJsonAsync("/api/v1/surveys", new { title = "Past", closesAt = "2020-01-01T00:00:00Z" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "closesAt");
        await (await _marketing.PostAsJsonAsync("/api/v1/surveys", new { title = "No kind", questions = new[] { new { prompt = "?" } } }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "questions[0].kind");
        await (await _marketing.PostAsJsonAsync("/api/v1/surveys", new { title = "Kind", questions = new[] { new { kind = "slider", prompt = "?" } } }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await _marketing.PostAsJsonAsync("/api/v1/surveys", new { title = "One option", questions = new[] { new { kind = "singleChoice", prompt = "?", options = new List<string> { "Only" } } } }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "questions[0].options");
        await (await _marketing.PostAsJsonAsync("/api/v1/surveys", new { title = "No value", questions = new[] { new { kind = "valueImportance", prompt = "?", value = "no_such_value" } } }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "questions[0].value");
        await (await _marketing.PostAsJsonAsync("/api/v1/surveys", new { title = "Dup keys", questions = new[] { new { kind = "nps", prompt = "a", key = "x" }, new { kind = "csat", prompt = "b", key = "x" } } }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "questions");
        await (await _marketing.GetAsync("/api/v1/surveys/999999")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        (await app.ClientAs(Role.Analyst).PostAsJsonAsync("/api/v1/surveys", new { title = "Analyst" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await app.ClientAs(Role.Sales).PostAsJsonAsync("/api/v1/surveys", new { title = "Sales" })).StatusCode.Should().Be(HttpStatusCode.Forbidden,
            "surveys are research: write-research (admin, marketing)");
    }

    [Fact]
    public async Task Questions_are_added_reordered_and_removed_in_a_draft_and_locked_except_wording_once_published()
    {
        var survey = await SurveyKit.CreateAsync(_marketing, new { title = "Builder" });
        var id = survey.GetProperty("id").GetInt64();
        (await _marketing.PostAsync($"/api/v1/surveys/{id}/publish", null)).StatusCode.Should().Be(HttpStatusCode.Conflict, "a survey without questions cannot open");

        foreach (var q in new object[] { new { kind = "nps", prompt = "Recommend?" }, new { kind = "freeText", prompt = "Why?" }, new { kind = "csat", prompt = "Satisfied?", required = true } })
        {
            (await _marketing.PostAsJsonAsync($"/api/v1/surveys/{id}/questions", q)).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        var read = await (await _marketing.GetAsync($"/api/v1/surveys/{id}")).ReadJsonAsync();
        var ids = read.GetProperty("questions").EnumerateArray().Select(q => q.GetProperty("id").GetInt64()).ToList();
        read.GetProperty("questions").EnumerateArray().Select(q => q.GetProperty("key").GetString()).Should().Equal("q1", "q2", "q3");

        var reordered = await _marketing.PutAsJsonAsync($"/api/v1/surveys/{id}/questions/order", new { questionIds = new[] { ids[2], ids[0], ids[1] } });
        reordered.StatusCode.Should().Be(HttpStatusCode.OK, await reordered.Content.ReadAsStringAsync());
        (await reordered.ReadJsonAsync()).GetProperty("questions").EnumerateArray().Select(q => q.GetProperty("prompt").GetString())
            .Should().Equal("Satisfied?", "Recommend?", "Why?");
        await (await _marketing.PutAsJsonAsync($"/api/v1/surveys/{id}/questions/order", new { questionIds = new[] { ids[0], ids[0], ids[1] } }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "questionIds");

        var removed = await _marketing.DeleteAsync($"/api/v1/surveys/{id}/questions/{ids[0]}");
        (await removed.ReadJsonAsync()).GetProperty("questions").EnumerateArray().Select(q => q.GetProperty("position").GetInt32()).Should().Equal(1, 2);

        var edited = await _marketing.PatchAsJsonAsync($"/api/v1/surveys/{id}/questions/{ids[1]}", new { required = true, kind = "freeText" });
        edited.StatusCode.Should().Be(HttpStatusCode.OK, await edited.Content.ReadAsStringAsync());

        await SurveyKit.PublishAsync(_marketing, id);
        await (await _marketing.PatchAsJsonAsync($"/api/v1/surveys/{id}/questions/{ids[1]}", new { required = false })).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await (await _marketing.PostAsJsonAsync($"/api/v1/surveys/{id}/questions", new { kind = "nps", prompt = "Late" })).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await (await _marketing.DeleteAsync($"/api/v1/surveys/{id}/questions/{ids[1]}")).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await (await _marketing.DeleteAsync($"/api/v1/surveys/{id}")).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        var wording = await _marketing.PatchAsJsonAsync($"/api/v1/surveys/{id}/questions/{ids[1]}", new { prompt = "Why, in a few words?", helpText = "Optional." });
        wording.StatusCode.Should().Be(HttpStatusCode.OK, "wording may change while open");
        (await wording.ReadJsonAsync()).GetProperty("questions").EnumerateArray().Should().Contain(q => q.GetProperty("prompt").GetString() == "Why, in a few words?");

        var closed = await _marketing.PostAsync($"/api/v1/surveys/{id}/close", null);
        (await closed.ReadJsonAsync()).GetProperty("status").GetString().Should().Be("closed");
        await (await _marketing.PatchAsJsonAsync($"/api/v1/surveys/{id}/questions/{ids[1]}", new { prompt = "Too late" })).ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Patch_needs_the_etag_and_a_draft_can_be_deleted()
    {
        var survey = await SurveyKit.CreateAsync(_marketing, new { title = "Patch me" });
        var id = survey.GetProperty("id").GetInt64();
        using var noMatch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/surveys/{id}") { Content = JsonContent.Create(new { title = "New" }) };
        (await _marketing.SendAsync(noMatch)).StatusCode.Should().Be((HttpStatusCode)428);
        using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/surveys/{id}") { Content = JsonContent.Create(new { title = "New title", anonymousEnabled = true }) };
        patch.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        var patched = await _marketing.SendAsync(patch);
        patched.StatusCode.Should().Be(HttpStatusCode.OK, await patched.Content.ReadAsStringAsync());
        var body = await patched.ReadJsonAsync();
        body.GetProperty("title").GetString().Should().Be("New title");
        body.GetProperty("anonymousLink").GetString().Should().StartWith("/s/a");
        using var stale = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/surveys/{id}") { Content = JsonContent.Create(new { title = "Stale" }) };
        stale.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        (await _marketing.SendAsync(stale)).StatusCode.Should().Be(HttpStatusCode.PreconditionFailed);

        (await _marketing.DeleteAsync($"/api/v1/surveys/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await _marketing.GetAsync($"/api/v1/surveys/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Inviting_by_ids_and_by_tag_gives_one_signed_link_per_customer_and_inviting_again_returns_it()
    {
        var survey = await SurveyKit.CreateAsync(_marketing, SurveyKit.TenQuestions("Invites"));
        var id = survey.GetProperty("id").GetInt64();
        var ana = await SurveyKit.CustomerAsync(_marketing, "Ana", "panel");
        var ben = await SurveyKit.CustomerAsync(_marketing, "Ben", "panel");
        var cy = await SurveyKit.CustomerAsync(_marketing, "Cy");

        var first = await (await _marketing.PostAsJsonAsync($"/api/v1/surveys/{id}/invitations", new { customerIds = new[] { cy } })).ReadJsonAsync();
        first.GetProperty("invited").GetInt32().Should().Be(1);
        var byTag = await _marketing.PostAsJsonAsync($"/api/v1/surveys/{id}/invitations", new { tag = "PANEL", customerIds = new[] { cy } });
        var result = await byTag.ReadJsonAsync();
        result.GetProperty("invited").GetInt32().Should().Be(2);
        result.GetProperty("alreadyInvited").GetInt32().Should().Be(1);
        var links = result.GetProperty("invitations").EnumerateArray().ToDictionary(i => i.GetProperty("customerId").GetInt64(), i => i.GetProperty("link").GetString()!);
        links.Keys.Should().BeEquivalentTo([ana, ben, cy]);
        links[cy].Should().Be(first.GetProperty("invitations")[0].GetProperty("link").GetString(), "inviting again returns the same link");
        links.Values.Should().OnlyHaveUniqueItems().And.OnlyContain(l => l.StartsWith("/s/i"));

        await (await _marketing.PostAsJsonAsync($"/api/v1/surveys/{id}/invitations", new { customerIds = new List<long> { 987654321L } })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "customerIds");
        await (await _marketing.PostAsJsonAsync($"/api/v1/surveys/{id}/invitations", new { tag = "nobody-has-this" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "tag");
        await (await _marketing.PostAsJsonAsync($"/api/v1/surveys/{id}/invitations", new { })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "customerIds");
        (await (await _marketing.GetAsync($"/api/v1/surveys/{id}/invitations")).ReadJsonAsync()).GetArrayLength().Should().Be(3);
        (await app.ClientAs(Role.Analyst).GetAsync($"/api/v1/surveys/{id}/invitations")).StatusCode.Should().Be(HttpStatusCode.Forbidden,
            "a personal link answers as the customer, so only those who run surveys see them");
    }

    [Fact]
    public async Task Csv_import_stores_good_rows_reports_bad_ones_by_line_and_reimporting_updates_instead_of_duplicating()
    {
        var survey = await SurveyKit.CreateAsync(_marketing, SurveyKit.TenQuestions("Paper survey"));
        var id = survey.GetProperty("id").GetInt64();
        var ana = await SurveyKit.CustomerAsync(_marketing, "Imported");
        var email = (await (await _marketing.GetAsync($"/api/v1/customers/{ana}")).ReadJsonAsync()).GetProperty("email").GetString();
        var csv = new StringBuilder()
            .AppendLine("response_id,email,nps,2,imp_sustainability,top3,buy,why")
            .AppendLine($"p-1,{email},10,5,5,sustainability;quality,Coffee;Tea,\"Love the <b>organic</b> beans, \"\"really\"\"\"")
            .AppendLine("p-2,,3,2,1,,Cakes,Too expensive for what it is")
            .AppendLine("p-3,,11,5,,,,out of range")
            .AppendLine("p-4,nobody@example.com,8,4,,,,unknown email")
            .AppendLine("p-5,,,4,,,,the required nps is missing")
            .AppendLine("p-6,,7,4,,,Bread,not an option")
            .ToString();
        var first = await ImportAsync(id, csv);
        first.GetProperty("created").GetInt32().Should().Be(2);
        first.GetProperty("updated").GetInt32().Should().Be(0);
        var rejected = first.GetProperty("rejected").EnumerateArray().ToDictionary(r => r.GetProperty("line").GetInt64(), r => r.GetProperty("reason").GetString()!);
        rejected.Keys.Should().Equal(4, 5, 6, 7);
        rejected[4].Should().Contain("nps").And.Contain("0 to 10");
        rejected[5].Should().Contain("email");
        rejected[6].Should().Contain(SurveyAnswerRules.Missing);
        rejected[7].Should().Contain("buy");

        var again = await ImportAsync(id, csv.Replace("10,5,5", "9,5,5", StringComparison.Ordinal));
        again.GetProperty("created").GetInt32().Should().Be(0);
        again.GetProperty("updated").GetInt32().Should().Be(2);

        await app.WithDbAsync(async db =>
        {
            var responses = await db.Set<SurveyResponse>().Where(r => r.SurveyId == id).OrderBy(r => r.ExternalId).ToListAsync();
            responses.Select(r => r.ExternalId).Should().Equal("p-1", "p-2");
            responses.Should().OnlyContain(r => r.Source == SurveyResponseSource.Import);
            responses[0].CustomerId.Should().Be(ana);
            var answers = await db.Set<SurveyAnswer>().Where(a => a.ResponseId == responses[0].Id).ToListAsync();
            answers.Select(a => a.CustomerId).Should().OnlyContain(c => c == ana, "answers carry the customer id");
            answers.Should().Contain(a => a.NumberValue == 9, "the re-import updated the NPS");
            answers.Should().Contain(a => a.TextValue == "Love the <b>organic</b> beans, \"really\"");
            answers.Should().Contain(a => a.ChoiceValues == "Coffee\nTea");
            var stated = await db.Set<ValueEvidence>().Where(e => e.SourceType == EvidenceSources.SurveyResponse && e.SourceId == responses[0].Id).ToListAsync();
            stated.Should().HaveCount(3, "importance 5 for sustainability, sustainability ranked 1st and quality 2nd; no duplicates after re-import");
            return 0;
        });

        await (await _marketing.PostAsync($"/api/v1/surveys/{id}/responses/import", new StringContent("who,nps\nx,1\n", Encoding.UTF8, "text/csv")))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "file");
        (await _marketing.PostAsync($"/api/v1/surveys/{id}/responses/import", new StringContent("{}", Encoding.UTF8, "application/json")))
            .StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
        using var multipart = new MultipartFormDataContent { { new StringContent("nps\n6\n"), "file", "more.csv" } };
        var viaForm = await _marketing.PostAsync($"/api/v1/surveys/{id}/responses/import", multipart);
        viaForm.StatusCode.Should().Be(HttpStatusCode.OK, await viaForm.Content.ReadAsStringAsync());
        (await viaForm.ReadJsonAsync()).GetProperty("rejected")[0].GetProperty("reason").GetString().Should().Contain("csat", "csat is required");
    }

    [Fact]
    public async Task Responses_are_listed_read_and_deleted_with_their_evidence()
    {
        var survey = await SurveyKit.CreateAsync(_marketing, SurveyKit.TenQuestions("Listing"));
        var id = survey.GetProperty("id").GetInt64();
        await ImportAsync(id, "response_id,nps,csat,imp_price,why\nr1,9,5,4,I care about quality above all\nr2,6,3,,\nr3,2,1,1,\n");
        var page = await (await _marketing.GetAsync($"/api/v1/survey-responses?surveyId={id}&limit=2")).ReadJsonAsync();
        page.GetProperty("items").GetArrayLength().Should().Be(2);
        page.GetProperty("next").GetString().Should().NotBeNull();
        var all = await _marketing.WalkAsync($"/api/v1/surveys/{id}/responses", 2);
        all.Select(r => r.GetProperty("externalId").GetString()).Should().Equal("r3", "r2", "r1");

        var r1 = all.Last().GetProperty("id").GetInt64();
        var detail = await (await _marketing.GetAsync($"/api/v1/survey-responses/{r1}")).ReadJsonAsync();
        detail.GetProperty("answers").EnumerateArray().Select(a => a.GetProperty("questionKey").GetString()).Should().Equal("nps", "csat", "imp_price", "why");
        var answerIds = detail.GetProperty("answers").EnumerateArray().Select(a => a.GetProperty("id").GetInt64()).ToList();
        (await app.WithDbAsync(db => db.Set<ValueEvidence>().CountAsync(e =>
            (e.SourceType == EvidenceSources.SurveyResponse && e.SourceId == r1) || (e.SourceType == EvidenceSources.SurveyAnswer && answerIds.Contains(e.SourceId)))))
            .Should().BeGreaterThanOrEqualTo(2, "importance of price (stated) and quality (mentioned)");

        (await app.ClientAs(Role.Analyst).DeleteAsync($"/api/v1/survey-responses/{r1}")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await _marketing.DeleteAsync($"/api/v1/survey-responses/{r1}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await _marketing.GetAsync($"/api/v1/survey-responses/{r1}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await app.WithDbAsync(db => db.Set<ValueEvidence>().CountAsync(e =>
            (e.SourceType == EvidenceSources.SurveyResponse && e.SourceId == r1) || (e.SourceType == EvidenceSources.SurveyAnswer && answerIds.Contains(e.SourceId)))))
            .Should().Be(0);
        await (await _marketing.GetAsync("/api/v1/survey-responses")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "surveyId");
    }

    private async Task<JsonElement> ImportAsync(long surveyId, string csv)
    {
        var response = await _marketing.PostAsync($"/api/v1/surveys/{surveyId}/responses/import", new StringContent(csv, Encoding.UTF8, "text/csv"));
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }
}
