using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Analytics;
using Rapport.Identity;
using Rapport.Surveys;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Pages;

namespace Rapport.Tests.Surveys;

/// <summary>
/// The results of a survey through the API and its page, and NPS and CSAT in the KPI engine. The survey and its answers
/// are written straight to the tables, so these tests hold whatever path the answers came by (web, import, demo).
/// </summary>
public sealed class SurveyResultsTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private static readonly DateTimeOffset March = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    private async Task<(long Survey, Dictionary<string, long> Questions)> SurveyAsync(
        IReadOnlyList<(int Nps, int Csat, string? Choice, string? Ranking, string? Text)> answers, DateTimeOffset submitted)
    {
        return await app.WithDbAsync(async db =>
        {
            var survey = new Survey { Title = "Spring check-in " + Guid.NewGuid().ToString("N")[..6], Status = SurveyStatus.Closed, CreatedAt = submitted, UpdatedAt = submitted, Version = 1 };
            db.Add(survey);
            await db.SaveChangesAsync();
            var questions = new[]
            {
                new SurveyQuestion { SurveyId = survey.Id, Position = 1, Key = "nps", Kind = SurveyQuestionKind.Nps, Prompt = "How likely are you to recommend us?", Required = true },
                new SurveyQuestion { SurveyId = survey.Id, Position = 2, Key = "csat", Kind = SurveyQuestionKind.Csat, Prompt = "How satisfied are you?", Required = true },
                new SurveyQuestion { SurveyId = survey.Id, Position = 3, Key = "channel", Kind = SurveyQuestionKind.SingleChoice, Prompt = "Where do you shop?", Options = "Shop\nOnline" },
                new SurveyQuestion { SurveyId = survey.Id, Position = 4, Key = "top3", Kind = SurveyQuestionKind.ValueRanking, Prompt = "What matters most?" },
                new SurveyQuestion { SurveyId = survey.Id, Position = 5, Key = "why", Kind = SurveyQuestionKind.FreeText, Prompt = "Tell us more" },
            };
            db.AddRange(questions);
            await db.SaveChangesAsync();
            var byKey = questions.ToDictionary(q => q.Key, q => q.Id);
            foreach (var a in answers)
            {
                var response = new SurveyResponse { SurveyId = survey.Id, Source = SurveyResponseSource.Web, SubmittedAt = submitted, UpdatedAt = submitted, Version = 1 };
                db.Add(response);
                await db.SaveChangesAsync();
                db.Add(new SurveyAnswer { ResponseId = response.Id, QuestionId = byKey["nps"], NumberValue = a.Nps });
                db.Add(new SurveyAnswer { ResponseId = response.Id, QuestionId = byKey["csat"], NumberValue = a.Csat });
                if (a.Choice is not null)
                {
                    db.Add(new SurveyAnswer { ResponseId = response.Id, QuestionId = byKey["channel"], ChoiceValues = a.Choice });
                }

                if (a.Ranking is not null)
                {
                    db.Add(new SurveyAnswer { ResponseId = response.Id, QuestionId = byKey["top3"], ChoiceValues = a.Ranking });
                }

                if (a.Text is not null)
                {
                    db.Add(new SurveyAnswer { ResponseId = response.Id, QuestionId = byKey["why"], TextValue = a.Text });
                }
            }

            await db.SaveChangesAsync();
            return (survey.Id, byKey);
        });
    }

    [Fact]
    public async Task Results_give_nps_and_csat_with_intervals_distributions_rankings_and_free_text_by_theme()
    {
        // 5 promoters, 3 passives, 2 detractors: NPS 30. CSAT: 7 of 10 satisfied.
        int[] nps = [10, 9, 9, 10, 9, 8, 7, 7, 3, 6];
        int[] csat = [5, 4, 4, 5, 4, 4, 5, 3, 2, 1];
        var texts = new[]
        {
            "The quality of the beans is excellent.",
            "Great quality, but the price is too high.",
            "<script>alert('x')</script> I love the recyclable packaging",
            null, null, null, null, null,
            "Nothing to add",
            "Delivery was quick",
        };
        var rows = Enumerable.Range(0, 10).Select(i => (Nps: nps[i], Csat: csat[i], Choice: i < 6 ? "Shop" : i < 9 ? "Online" : null,
            Ranking: (string?)(i % 2 == 0 ? "quality\nprice\nsustainability" : "price\nquality"), Text: texts[i])).ToList();
        var (survey, _) = await SurveyAsync(rows, March);
        var client = app.ClientAs(Role.Analyst);

        var results = await client.GetFromJsonAsync<JsonElement>($"/api/v1/surveys/{survey}/results");
        results.GetProperty("responses").GetInt32().Should().Be(10);
        var questions = results.GetProperty("questions").EnumerateArray().ToDictionary(q => q.GetProperty("key").GetString()!);

        var npsResult = questions["nps"].GetProperty("nps");
        npsResult.GetProperty("promoters").GetInt32().Should().Be(5);
        npsResult.GetProperty("passives").GetInt32().Should().Be(3);
        npsResult.GetProperty("detractors").GetInt32().Should().Be(2);
        var score = npsResult.GetProperty("score");
        score.GetProperty("value").GetDouble().Should().BeApproximately(30, 1e-9);
        score.GetProperty("low").GetDouble().Should().BeLessThan(0, "ten answers leave a wide interval");
        score.GetProperty("high").GetDouble().Should().BeGreaterThan(50);
        questions["nps"].GetProperty("distribution").EnumerateArray().Should().HaveCount(11);

        var satisfied = questions["csat"].GetProperty("satisfied");
        satisfied.GetProperty("value").GetDouble().Should().BeApproximately(0.7, 1e-9);
        satisfied.GetProperty("low").GetDouble().Should().BeApproximately(SurveyStatistics.Proportion(7, 10)!.Low, 1e-9);

        var channel = questions["channel"];
        channel.GetProperty("answered").GetInt32().Should().Be(9);
        channel.GetProperty("skipped").GetInt32().Should().Be(1);
        channel.GetProperty("distribution").EnumerateArray().Select(d => (d.GetProperty("label").GetString(), d.GetProperty("count").GetInt32()))
            .Should().Equal(("Shop", 6), ("Online", 3));

        var ranking = questions["top3"].GetProperty("ranking").EnumerateArray().ToList();
        // quality: 5 firsts + 5 seconds = 25 points; price: 5 firsts + 5 seconds = 25; sustainability: 5 thirds = 5.
        ranking.Select(r => r.GetProperty("key").GetString()).Should().Equal("price", "quality", "sustainability");
        ranking[2].GetProperty("points").GetInt32().Should().Be(5);

        var free = questions["why"];
        free.GetProperty("answered").GetInt32().Should().Be(5);
        var themes = free.GetProperty("themes").EnumerateArray().ToDictionary(t => t.GetProperty("key").GetString()!);
        themes["quality"].GetProperty("answers").GetInt32().Should().Be(2);
        themes.Should().ContainKey("price").And.ContainKey("sustainability");
        free.GetProperty("unthemed").GetInt32().Should().BeGreaterThanOrEqualTo(1);

        // The page shows the same, with answers escaped.
        var session = await PageSession.SignInAsync(app, Role.Analyst);
        var page = await session.GetAsync($"/surveys/{survey}/results");
        page.QuerySelector("#nps-nps")!.Text().Should().Contain("NPS 30").And.Contain("5 promoters");
        page.QuerySelector("#csat-csat")!.Text().Should().Contain("CSAT 70 %");
        page.QuerySelectorAll("script").Select(s => s.TextContent).Should().NotContain(s => s.Contains("alert('x')"));
        page.QuerySelector("[data-theme=sustainability]")!.Text().Should().Contain("<script>alert('x')</script>");
    }

    [Fact]
    public async Task Results_of_an_unknown_survey_are_not_found()
    {
        var client = app.ClientAs(Role.Analyst);
        var response = await client.GetAsync("/api/v1/surveys/987654321/results");
        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var session = await PageSession.SignInAsync(app, Role.Analyst);
        (await session.Client.GetAsync("/surveys/987654321/results")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Nps_and_csat_answers_are_counted_by_month_for_the_kpi_engine()
    {
        var june = new DateTimeOffset(2031, 6, 15, 9, 0, 0, TimeSpan.Zero);
        await SurveyAsync([(10, 5, null, null, null), (9, 4, null, null, null), (2, 2, null, null, null), (7, 3, null, null, null)], june);

        var months = await app.WithScopeAsync(sp => sp.GetServices<IKpiFactSource>().OfType<SurveyKpiFacts>().Single().ReadMonthlyAsync(CancellationToken.None));
        var facts = months.Single(m => m.Month == CalendarMonth.Of(2031, 6)).Facts;
        facts[KpiFact.NpsPromoters].Should().Be(2);
        facts[KpiFact.NpsPassives].Should().Be(1);
        facts[KpiFact.NpsDetractors].Should().Be(1);
        facts[KpiFact.CsatSatisfied].Should().Be(2);
        facts[KpiFact.CsatAnswers].Should().Be(4);

        // The quarter holding June sums its months; NPS = (2 − 1) / 4 = 25, CSAT = 50 %.
        var quarter = new KpiInput(new KpiPeriod(CalendarMonth.Of(2031, 4), 3), []).WithMonthly(months);
        Kpis.NetPromoterScore.Compute(quarter).Should().Be(25m);
        Kpis.CustomerSatisfaction.Compute(quarter).Should().Be(0.5m);
        var before = new KpiInput(new KpiPeriod(CalendarMonth.Of(2031, 1), 3), []).WithMonthly(months);
        Kpis.NetPromoterScore.Compute(before).Should().BeNull("no answers, no score");
        KpiRegistry.Default.Find("nps").Should().NotBeNull();
        KpiRegistry.Default.Find("csat").Should().NotBeNull();
    }
}
