using Rapport.Tests.Demo;

namespace Rapport.Tests.Surveys;

public sealed class DemoSurveysTests
{
    [Fact]
    public async Task The_demo_has_a_closed_survey_with_hundreds_of_responses_their_evidence_and_an_open_one_written_once()
    {
        await using var demo = await DemoDatabase.CreateAsync();
        await demo.GenerateAsync(3_000, 42);

        (await demo.RowsAsync("SELECT title, status FROM surveys ORDER BY id")).Should().Equal(
            "What matters to you|Closed|", "How was your last delivery?|Open|");
        (await demo.RowsAsync("SELECT key, kind FROM survey_questions WHERE survey_id = (SELECT id FROM surveys WHERE title = 'What matters to you') ORDER BY position"))
            .Should().Equal("nps|Nps|", "csat|Csat|", "imp_quality|ValueImportance|", "imp_sustainability|ValueImportance|", "imp_price|ValueImportance|",
                "top3|ValueRanking|", "buys|MultipleChoice|", "improve|FreeText|");

        var closed = "(SELECT id FROM surveys WHERE title = 'What matters to you')";
        var responses = await demo.ScalarAsync($"SELECT COUNT(*) FROM survey_responses WHERE survey_id = {closed}");
        responses.Should().BeInRange(200, 400, "a few hundred responses");
        (await demo.ScalarAsync($"SELECT COUNT(*) FROM survey_responses WHERE survey_id = {closed} AND customer_id IS NULL")).Should().BeGreaterThan(0, "some came through the anonymous link");
        (await demo.ScalarAsync($"SELECT COUNT(*) FROM survey_invitations WHERE survey_id = {closed} AND response_id IS NULL")).Should().Be(0);
        var texts = await demo.ScalarAsync($"SELECT COUNT(*) FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id WHERE r.survey_id = {closed} AND a.text_value IS NOT NULL");
        texts.Should().BeGreaterThan(responses / 2, "most respondents wrote something");
        (await demo.ScalarAsync($"SELECT COUNT(DISTINCT a.text_value) FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id WHERE r.survey_id = {closed} AND a.text_value IS NOT NULL"))
            .Should().BeGreaterThan(texts / 2, "the free text varies");
        (await demo.ScalarAsync($"SELECT COUNT(*) FROM survey_responses WHERE survey_id = {closed} AND (submitted_at < (SELECT opened_at FROM surveys WHERE id = {closed}) OR submitted_at > (SELECT closed_at FROM surveys WHERE id = {closed}))"))
            .Should().Be(0, "every response was given while the survey was open");

        (await demo.ScalarAsync("SELECT COUNT(*) FROM value_evidence WHERE source_type = 'survey_response' AND kind = 'Stated'")).Should().BeGreaterThan(responses * 3,
            "three importance answers and three ranked values per response, mostly");
        var mentioned = await demo.ScalarAsync("SELECT COUNT(DISTINCT source_id) FROM value_evidence WHERE source_type = 'survey_answer' AND kind = 'Mention'");
        mentioned.Should().BeGreaterThan(texts * 8 / 10, "theme detection finds values in the demo's free text");
        (await demo.ScalarAsync("SELECT COUNT(DISTINCT value_id) FROM value_evidence WHERE source_type = 'survey_answer'")).Should().BeGreaterThanOrEqualTo(10);
        (await demo.ScalarAsync("SELECT COUNT(*) FROM value_evidence WHERE source_type = 'survey_answer' AND signal < 0")).Should().BeGreaterThan(0, "some say a value does not matter to them");

        var open = "(SELECT id FROM surveys WHERE title = 'How was your last delivery?')";
        (await demo.ScalarAsync($"SELECT COUNT(*) FROM survey_invitations WHERE survey_id = {open}")).Should().Be(8);

        var before = await demo.RowsAsync("SELECT id, survey_id, customer_id FROM survey_responses ORDER BY id");
        await demo.GenerateAsync(10, 43);
        (await demo.RowsAsync("SELECT id, survey_id, customer_id FROM survey_responses ORDER BY id")).Should().Equal(before, "a second run adds no survey");
    }
}
