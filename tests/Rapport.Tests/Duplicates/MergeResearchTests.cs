using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Identity;
using Rapport.Research.Evidence;
using Rapport.Research.Sessions;
using Rapport.Surveys;
using Rapport.Tests.Infrastructure;
using Rapport.Values;
using Rapport.Values.Profiles;
using static Rapport.Tests.Customers.CustomerTestApi;
using static Rapport.Tests.Duplicates.DuplicateTestApi;

namespace Rapport.Tests.Duplicates;

/// <summary>
/// A merge keeps the merged customer's research: before this, deleting the merged row cascaded away their survey
/// responses, session participation and value evidence.
/// </summary>
public sealed class MergeResearchTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    [Fact]
    public async Task Merge_moves_survey_responses_sessions_excerpts_and_evidence_and_keeps_profiling_off()
    {
        var sales = app.ClientAs(Role.Sales);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var survivor = await CreateIdAsync(sales, new { firstName = "Rita", lastName = "Stay", email = $"rita.{suffix}@example.com" });
        var merged = await CreateIdAsync(sales, new { firstName = "Rita", lastName = "Stay", email = $"rita.other.{suffix}@example.com" });
        var now = app.Clock.GetUtcNow();

        var ids = await app.WithDbAsync(async db =>
        {
            var survey = new Survey { Title = "Merge check " + suffix, Status = SurveyStatus.Open, AnonymousEnabled = false, CreatedAt = now, UpdatedAt = now, Version = 1 };
            var other = new Survey { Title = "Merge check B " + suffix, Status = SurveyStatus.Open, CreatedAt = now, UpdatedAt = now, Version = 1 };
            db.AddRange(survey, other);
            await db.SaveChangesAsync();
            var question = new SurveyQuestion { SurveyId = survey.Id, Position = 1, Key = "why", Kind = SurveyQuestionKind.FreeText, Prompt = "Why?" };
            db.Add(question);
            // Both were invited to the first survey; only the merged customer to the second.
            db.AddRange(
                new SurveyInvitation { SurveyId = survey.Id, CustomerId = survivor, Nonce = "a" + suffix, CreatedAt = now },
                new SurveyInvitation { SurveyId = survey.Id, CustomerId = merged, Nonce = "b" + suffix, CreatedAt = now },
                new SurveyInvitation { SurveyId = other.Id, CustomerId = merged, Nonce = "c" + suffix, CreatedAt = now });
            var response = new SurveyResponse { SurveyId = survey.Id, CustomerId = merged, Source = SurveyResponseSource.Web, SubmittedAt = now, UpdatedAt = now, Version = 1 };
            db.Add(response);
            await db.SaveChangesAsync();
            db.Add(new SurveyAnswer { ResponseId = response.Id, QuestionId = question.Id, CustomerId = merged, TextValue = "Fair trade matters to me" });

            var together = new ResearchSession { Kind = SessionKind.FocusGroup, Title = "Group " + suffix, HeldAt = now, Transcript = "We talked about quality.", CreatedAt = now, UpdatedAt = now, Version = 1 };
            var alone = new ResearchSession { Kind = SessionKind.Interview, Title = "Interview " + suffix, HeldAt = now, Transcript = "I only buy organic.", CreatedAt = now, UpdatedAt = now, Version = 1 };
            db.AddRange(together, alone);
            await db.SaveChangesAsync();
            db.AddRange(
                new ResearchSessionParticipant { SessionId = together.Id, CustomerId = survivor },
                new ResearchSessionParticipant { SessionId = together.Id, CustomerId = merged },
                new ResearchSessionParticipant { SessionId = alone.Id, CustomerId = merged });
            var excerpt = new ResearchExcerpt { SessionId = alone.Id, Start = 0, Length = 19, Text = "I only buy organic.", SpeakerCustomerId = merged, CreatedAt = now };
            db.Add(excerpt);
            db.Add(new CustomerValueProfile { CustomerId = merged, ProfilingEnabled = false, ProfilingChangedAt = now, ProfilingChangedBy = "test" });
            await db.SaveChangesAsync();

            var ethics = await db.Set<TaxonomyValue>().SingleAsync(v => v.Key == "ethics");
            await ValueEvidenceStore.ReplaceAsync(db, EvidenceSources.SurveyResponse, response.Id, EvidenceKind.Stated,
                [new NewEvidence(merged, ethics.Id, EvidenceKind.Stated, now, 1, null, "Rated Ethics 5/5")], CancellationToken.None);
            return (Survey: survey.Id, Other: other.Id, Response: response.Id, Together: together.Id, Alone: alone.Id, Excerpt: excerpt.Id);
        });

        var response = await MergeAsync(sales, survivor, new { mergeId = merged });
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var moved = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("merge").GetProperty("moved");
        moved.GetProperty("surveyResponses").GetInt32().Should().Be(1);
        moved.GetProperty("researchSessions").GetInt32().Should().Be(2);
        moved.GetProperty("valueEvidence").GetInt32().Should().Be(1);

        await app.WithDbAsync(async db =>
        {
            (await db.Set<SurveyResponse>().SingleAsync(r => r.Id == ids.Response)).CustomerId.Should().Be(survivor);
            (await db.Set<SurveyAnswer>().SingleAsync(a => a.ResponseId == ids.Response)).CustomerId.Should().Be(survivor);
            (await db.Set<SurveyInvitation>().Where(i => i.SurveyId == ids.Survey).Select(i => i.CustomerId).ToListAsync())
                .Should().Equal([survivor], "one invitation per customer and survey: the survivor's stays");
            (await db.Set<SurveyInvitation>().SingleAsync(i => i.SurveyId == ids.Other)).CustomerId.Should().Be(survivor);
            (await db.Set<ResearchSessionParticipant>().Where(p => p.SessionId == ids.Together).Select(p => p.CustomerId).ToListAsync()).Should().Equal([survivor]);
            (await db.Set<ResearchSessionParticipant>().Where(p => p.SessionId == ids.Alone).Select(p => p.CustomerId).ToListAsync()).Should().Equal([survivor]);
            (await db.Set<ResearchExcerpt>().SingleAsync(e => e.Id == ids.Excerpt)).SpeakerCustomerId.Should().Be(survivor);
            (await db.Set<ValueEvidence>().Where(e => e.SourceType == EvidenceSources.SurveyResponse && e.SourceId == ids.Response).Select(e => e.CustomerId).ToListAsync())
                .Should().Equal([survivor]);
            var profile = await db.Set<CustomerValueProfile>().SingleAsync(p => p.CustomerId == survivor);
            profile.ProfilingEnabled.Should().BeFalse("the merged customer had switched profiling off");
            profile.ProfilingChangedBy.Should().Contain("Merge");
            (await db.Set<CustomerValueScore>().AnyAsync(s => s.CustomerId == survivor)).Should().BeFalse();
            return 0;
        });
    }

    [Fact]
    public async Task Merge_recomputes_the_survivors_profile_from_both_customers_evidence()
    {
        var sales = app.ClientAs(Role.Sales);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var survivor = await CreateIdAsync(sales, new { firstName = "Sam", lastName = "Both", email = $"sam.{suffix}@example.com" });
        var merged = await CreateIdAsync(sales, new { firstName = "Sam", lastName = "Both", email = $"sam.other.{suffix}@example.com" });
        var now = app.Clock.GetUtcNow();
        await app.WithDbAsync(async db =>
        {
            var health = await db.Set<TaxonomyValue>().SingleAsync(v => v.Key == "health");
            await ValueEvidenceStore.ReplaceAsync(db, EvidenceSources.Interaction, 9_000_000 + merged, EvidenceKind.Mention,
                [new NewEvidence(merged, health.Id, EvidenceKind.Mention, now, 1, 0.5, "healthy options")], CancellationToken.None);
            return 0;
        });

        (await MergeAsync(sales, survivor, new { mergeId = merged })).StatusCode.Should().Be(HttpStatusCode.OK);

        var score = await app.WithDbAsync(db => db.Set<CustomerValueScore>()
            .Where(s => s.CustomerId == survivor)
            .Join(db.Set<TaxonomyValue>(), s => s.ValueId, v => v.Id, (s, v) => new { v.Key, s.Score })
            .SingleOrDefaultAsync(x => x.Key == "health"));
        score.Should().NotBeNull("the survivor's profile is computed again after the merge");
        score!.Score.Should().BeGreaterThan(0.5);
    }
}
