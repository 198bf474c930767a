using Rapport.Tests.Demo;

namespace Rapport.Tests.Research.Sessions;

public sealed class DemoResearchTests
{
    [Fact]
    public async Task The_demo_business_has_an_interview_and_a_focus_group_of_four_with_coded_excerpts_and_mention_evidence_once()
    {
        await using var demo = await DemoDatabase.CreateAsync();
        await demo.GenerateAsync(40, 42);

        var sessions = await demo.RowsAsync(
            "SELECT s.kind, (SELECT COUNT(*) FROM research_session_participants p WHERE p.session_id = s.id), " +
            "(SELECT COUNT(*) FROM research_excerpts e WHERE e.session_id = s.id) FROM research_sessions s ORDER BY s.held_at");
        sessions.Should().Equal("Interview|1|6|", "FocusGroup|4|8|");
        // Each excerpt's copied words are where its offsets say.
        (await demo.ScalarAsync("SELECT COUNT(*) FROM research_excerpts e JOIN research_sessions s ON s.id = e.session_id WHERE substr(s.transcript, e.start + 1, e.length) <> e.text"))
            .Should().Be(0);
        (await demo.ScalarAsync("SELECT COUNT(*) FROM value_evidence WHERE kind = 'Coded' AND customer_id IS NOT NULL")).Should().BeGreaterThanOrEqualTo(15);
        (await demo.ScalarAsync("SELECT COUNT(*) FROM value_evidence WHERE kind = 'Mention' AND source_type = 'interaction'")).Should().BeGreaterThan(0, "interaction notes are indexed");
        (await demo.ScalarAsync("SELECT COUNT(*) FROM value_evidence WHERE kind = 'Mention' AND source_type = 'session_transcript'")).Should().BeGreaterThan(0);
        (await demo.ScalarAsync("SELECT COUNT(*) FROM value_evidence WHERE kind = 'Mention' AND source_type = 'survey_answer'")).Should().BeGreaterThan(0, "survey answers too");
        (await demo.ScalarAsync("SELECT COUNT(*) FROM theme_proposals WHERE status = 'Proposed'")).Should().BeGreaterThan(0, "the review page has proposals");

        await demo.GenerateAsync(10, 43);
        (await demo.ScalarAsync("SELECT COUNT(*) FROM research_sessions")).Should().Be(2, "a second run adds no session");
    }
}
