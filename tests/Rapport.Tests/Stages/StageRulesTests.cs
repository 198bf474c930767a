using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Customers.Changes;
using Rapport.Identity;
using Rapport.Stages;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Ingestion.Batch;

namespace Rapport.Tests.Stages;

/// <summary>The default rules, each at the edge of its threshold, with dates exact to the test clock (docs/stages.md, "Rules").</summary>
public sealed class StageRulesTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    [Fact]
    public async Task A_customer_without_engagement_is_prospecting_and_an_outbound_email_does_not_count()
    {
        var id = await app.CustomerAsync();
        await app.InteractAsync(id, app.DaysAgo(10), direction: "outbound", type: "email");

        (await app.StageOfAsync(id)).Should().Be(Stage.Prospecting);
    }

    [Fact]
    public async Task An_inbound_enquiry_inside_the_engagement_window_makes_consideration_and_one_outside_does_not()
    {
        var inside = await app.CustomerAsync();
        await app.InteractAsync(inside, app.DaysAgo(364));
        var outside = await app.CustomerAsync();
        await app.InteractAsync(outside, app.DaysAgo(366));

        (await app.StageOfAsync(inside)).Should().Be(Stage.Consideration);
        (await app.StageOfAsync(outside)).Should().Be(Stage.Prospecting);
    }

    [Fact]
    public async Task A_note_is_not_engagement()
    {
        var id = await app.CustomerAsync();
        await app.InteractAsync(id, app.DaysAgo(5), direction: "internal", type: "note");

        (await app.StageOfAsync(id)).Should().Be(Stage.Prospecting);
    }

    [Fact]
    public async Task A_purchase_through_the_api_moves_a_considering_customer_to_purchase_at_once_with_a_history_row()
    {
        var id = await app.CustomerAsync();
        await app.InteractAsync(id, app.DaysAgo(30));
        (await app.StageOfAsync(id)).Should().Be(Stage.Consideration);

        await app.BuyAsync(id, app.DaysAgo(1));

        var metrics = await app.MetricsOfAsync(id);
        metrics.Stage.Should().Be(Stage.Purchase);
        metrics.StageSince.Should().Be(app.Clock.GetUtcNow());
        var last = (await app.HistoryOfAsync(id))[^1];
        last.FromStage.Should().Be(Stage.Consideration);
        last.ToStage.Should().Be(Stage.Purchase);
        last.Source.Should().Be(StageChangeSource.Rules);
        last.ChangedAt.Should().Be(app.Clock.GetUtcNow());

        var api = await app.ClientAs(Role.Analyst).GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/customers/{id}/stage");
        api.GetProperty("stage").GetString().Should().Be("purchase");
        api.GetProperty("history")[0].GetProperty("to").GetString().Should().Be("purchase");
    }

    [Fact]
    public async Task The_first_placement_reconstructs_the_path_from_the_data()
    {
        var id = await app.CustomerAsync();
        // One transaction written with its interactions and purchases first, then placed at once by the recompute.
        await app.WithDbAsync(async db =>
        {
            await db.Database.ExecuteSqlRawAsync("UPDATE customer_metrics SET stage_since = NULL, stage = 0 WHERE customer_id = {0}", id);
            await db.Database.ExecuteSqlRawAsync("DELETE FROM stage_changes WHERE customer_id = {0}", id);
            return 0;
        });
        await app.WithDbAsync(async db =>
        {
            db.Add(new Rapport.Interactions.Interaction
            {
                CustomerId = id, Channel = Rapport.Interactions.InteractionChannel.Email, Direction = Rapport.Interactions.InteractionDirection.Inbound,
                Type = Rapport.Interactions.InteractionType.Enquiry, OccurredAt = app.DaysAgo(300), Source = "test",
            });
            db.Add(new Rapport.Transactions.Transaction { CustomerId = id, OccurredAt = app.DaysAgo(200), Currency = "USD", Total = 10m, Source = "test" });
            db.Add(new Rapport.Transactions.Transaction { CustomerId = id, OccurredAt = app.DaysAgo(100), Currency = "USD", Total = 10m, Source = "test" });
            await db.SaveChangesAsync();
            return 0;
        });
        await app.WithScopeAsync(async sp =>
        {
            await sp.GetRequiredService<Rapport.Metrics.CustomerMetricsUpdater>().RefreshAsync(id, CancellationToken.None);
            return 0;
        });

        var history = await app.HistoryOfAsync(id);
        history.Select(h => (h.FromStage, h.ToStage, h.Source)).Should().Equal(
            (null, Stage.Prospecting, StageChangeSource.Reconstructed),
            (Stage.Prospecting, Stage.Consideration, StageChangeSource.Reconstructed),
            (Stage.Consideration, Stage.Purchase, StageChangeSource.Reconstructed),
            (Stage.Purchase, Stage.Connection, StageChangeSource.Reconstructed));
        history.Select(h => h.ChangedAt).Should().Equal(app.DaysAgo(300), app.DaysAgo(300), app.DaysAgo(200), app.DaysAgo(100));
        history[2].FromSince.Should().Be(app.DaysAgo(300));
        (await app.MetricsOfAsync(id)).StageSince.Should().Be(app.DaysAgo(100), "entered Connection at the second purchase");
    }

    [Fact]
    public async Task Two_purchases_with_the_last_inside_the_repeat_window_make_connection_and_outside_fall_back_to_purchase()
    {
        var inside = await app.CustomerAsync();
        await app.BuyAsync(inside, app.DaysAgo(500));
        await app.BuyAsync(inside, app.DaysAgo(364));
        var outside = await app.CustomerAsync();
        await app.BuyAsync(outside, app.DaysAgo(500));
        await app.BuyAsync(outside, app.DaysAgo(366));

        (await app.StageOfAsync(inside)).Should().Be(Stage.Connection);
        (await app.StageOfAsync(outside)).Should().Be(Stage.Purchase, "Purchase is the floor for anyone who ever bought");
    }

    [Fact]
    public async Task Engagement_after_the_first_purchase_inside_the_connection_window_makes_connection_but_not_engagement_before_it()
    {
        var after = await app.CustomerAsync();
        await app.BuyAsync(after, app.DaysAgo(200));
        await app.InteractAsync(after, app.DaysAgo(100), type: "feedback");
        var before = await app.CustomerAsync();
        await app.InteractAsync(before, app.DaysAgo(100), type: "feedback");
        await app.BuyAsync(before, app.DaysAgo(50));

        (await app.StageOfAsync(after)).Should().Be(Stage.Connection);
        (await app.StageOfAsync(before)).Should().Be(Stage.Purchase);
    }

    [Fact]
    public async Task Sustained_repeat_buying_with_a_high_p_alive_is_loyalty_and_falls_back_as_the_rules_stop_holding()
    {
        var id = await app.CustomerAsync();
        foreach (var days in new[] { 300, 200, 100, 10 })
        {
            await app.BuyAsync(id, app.DaysAgo(days));
        }

        (await app.StageOfAsync(id)).Should().Be(Stage.Connection, "no P(alive) yet: the loyalty path by repeat buying does not apply");
        await app.SetPAliveAsync(id, 0.69);
        await app.RecomputeAllAsync();
        (await app.StageOfAsync(id)).Should().Be(Stage.Connection);
        await app.SetPAliveAsync(id, 0.7);
        await app.RecomputeAllAsync();
        (await app.StageOfAsync(id)).Should().Be(Stage.Loyalty);

        // A year and a bit later nothing new happened: the windows close one after the other.
        app.Clock.Advance(TimeSpan.FromDays(366));
        try
        {
            await app.RecomputeAllAsync();
            (await app.StageOfAsync(id)).Should().Be(Stage.Purchase);
            var last = (await app.HistoryOfAsync(id))[^1];
            (last.FromStage, last.ToStage, last.Source).Should().Be((Stage.Loyalty, Stage.Purchase, StageChangeSource.Rules));
            last.FromSince.Should().Be(app.Clock.GetUtcNow().AddDays(-366));
        }
        finally
        {
            app.Clock.Advance(TimeSpan.FromDays(-366));
        }
    }

    [Fact]
    public async Task A_buyer_tagged_loyalty_member_is_loyal_but_a_tagged_prospect_is_not()
    {
        var buyer = await app.CustomerAsync("loyalty-member");
        await app.BuyAsync(buyer, app.DaysAgo(700));
        var prospect = await app.CustomerAsync("loyalty-member");
        await app.InteractAsync(prospect, app.DaysAgo(700));

        (await app.StageOfAsync(buyer)).Should().Be(Stage.Loyalty);
        (await app.StageOfAsync(prospect)).Should().Be(Stage.Prospecting);
    }

    [Fact]
    public async Task A_survey_response_is_engagement_and_a_buyer_whose_latest_nps_answer_is_9_is_loyal_but_not_at_8()
    {
        var responder = await app.CustomerAsync();
        var promoter = await app.CustomerAsync();
        await app.BuyAsync(promoter, app.DaysAgo(500));
        var passive = await app.CustomerAsync();
        await app.BuyAsync(passive, app.DaysAgo(500));
        await app.WithDbAsync(async db =>
        {
            var survey = new Rapport.Surveys.Survey { Title = "How are we doing?", Status = Rapport.Surveys.SurveyStatus.Open };
            db.Add(survey);
            await db.SaveChangesAsync();
            var question = new Rapport.Surveys.SurveyQuestion { SurveyId = survey.Id, Position = 1, Key = "nps", Kind = Rapport.Surveys.SurveyQuestionKind.Nps, Prompt = "Recommend us?" };
            db.Add(question);
            await db.SaveChangesAsync();
            async Task AnswerAsync(long customerId, int score, int daysAgo)
            {
                var response = new Rapport.Surveys.SurveyResponse { SurveyId = survey.Id, CustomerId = customerId, Source = Rapport.Surveys.SurveyResponseSource.Web, SubmittedAt = app.DaysAgo(daysAgo), UpdatedAt = app.DaysAgo(daysAgo) };
                db.Add(response);
                await db.SaveChangesAsync();
                db.Add(new Rapport.Surveys.SurveyAnswer { ResponseId = response.Id, QuestionId = question.Id, CustomerId = customerId, NumberValue = score });
                await db.SaveChangesAsync();
            }

            await AnswerAsync(responder, 3, 30);
            await AnswerAsync(promoter, 4, 600);
            await AnswerAsync(promoter, 9, 400);
            await AnswerAsync(passive, 10, 600);
            await AnswerAsync(passive, 8, 400);
            return 0;
        });

        await app.RecomputeAllAsync();

        (await app.StageOfAsync(responder)).Should().Be(Stage.Consideration, "a survey response 30 days ago is engagement");
        (await app.StageOfAsync(promoter)).Should().Be(Stage.Loyalty, "the latest NPS answer is 9");
        (await app.StageOfAsync(passive)).Should().Be(Stage.Purchase, "the latest NPS answer is 8; the engagement 400 days ago is outside the window");
    }

    [Fact]
    public async Task Bulk_ingestion_is_followed_by_the_worker_set_based()
    {
        var buyer = Unique.Email();
        var enquirer = Unique.Email();
        var response = await app.ClientAs(Role.Marketing).PostJsonAsync(BatchApi.EventsPath,
            BatchApi.Events(BatchApi.Transaction(Unique.Id("m"), email: buyer), BatchApi.Interaction(Unique.Id("m"), email: enquirer)));
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());

        await app.Services.GetRequiredService<CustomerChangeWorker>().DrainAsync(CancellationToken.None);

        var ids = await app.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToDictionaryAsync(
            db.Customers.Where(c => c.EmailNormalized == buyer || c.EmailNormalized == enquirer), c => c.EmailNormalized!, c => c.Id));
        (await app.StageOfAsync(ids[buyer])).Should().Be(Stage.Purchase);
        (await app.StageOfAsync(ids[enquirer])).Should().Be(Stage.Consideration);
        (await app.HistoryOfAsync(ids[buyer])).Should().NotBeEmpty();
    }
}
