using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Rapport.Surveys;
using static Microsoft.Playwright.Assertions;

namespace Rapport.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class SurveyTests(RapportServer server)
{
    /// <summary>A survey of every kind of question, published, with a personal link for one seeded customer.</summary>
    private async Task<(long Survey, string Link)> PublishedSurveyAsync(string customer)
    {
        return await server.WithServicesAsync(async sp =>
        {
            var created = await sp.GetRequiredService<CreateSurvey>().HandleAsync(new CreateSurveyRequest(
                "How are we doing? " + Guid.NewGuid().ToString("N")[..6],
                Intro: "Two minutes, five questions.",
                ThankYou: "Thank you: we read every answer.",
                Questions:
                [
                    new SurveyQuestionInput(SurveyQuestionKind.Nps, "How likely are you to recommend us to a friend?", Required: true, Key: "nps"),
                    new SurveyQuestionInput(SurveyQuestionKind.Csat, "How satisfied are you with your last order?", Required: true, Key: "csat"),
                    new SurveyQuestionInput(SurveyQuestionKind.MultipleChoice, "How do you brew?", Options: ["Filter", "Espresso", "French press"], Key: "brew"),
                    new SurveyQuestionInput(SurveyQuestionKind.ValueRanking, "What matters most to you?", Key: "top3"),
                    new SurveyQuestionInput(SurveyQuestionKind.FreeText, "Anything else?", Key: "more"),
                ]), CancellationToken.None);
            created.IsOk.Should().BeTrue(created.Message);
            var published = await sp.GetRequiredService<PublishSurvey>().HandleAsync(created.Value!.Id, null, CancellationToken.None);
            published.IsOk.Should().BeTrue(published.Message);
            var invited = await sp.GetRequiredService<InviteCustomers>().HandleAsync(created.Value.Id,
                new InviteCustomersRequest(CustomerIds: [server.Customers[customer]]), CancellationToken.None);
            invited.IsOk.Should().BeTrue(invited.Message);
            return (created.Value.Id, invited.Value!.Invitations.Single().Link);
        });
    }

    [BrowserFact]
    public async Task A_customer_answers_on_a_phone_is_told_what_is_missing_and_can_change_the_answers_later()
    {
        var (survey, link) = await PublishedSurveyAsync("Lucía Fernández");
        await using var phone = await server.OpenPhoneAsync();
        var page = phone.Page;

        await page.GotoAsync(link);
        await Expect(page.Locator("h1")).ToContainTextAsync("How are we doing?");
        // Nothing of the staff application, and nothing wider than the phone.
        await Expect(page.Locator("nav.mainnav")).ToHaveCountAsync(0);
        (await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth")).Should().BeTrue("the page fits a 390 px screen");

        // Submitting without the required answers keeps what was given and says what is missing.
        await page.GetByText("French press").ClickAsync();
        await page.FillAsync("#q-more-text", "Love the <b>single origin</b> beans, less plastic please");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("Send|Submit|Save") }).ClickAsync();
        await Expect(page.Locator("#survey-errors")).ToBeVisibleAsync();
        await Expect(page.Locator("#q-nps .field-error")).ToBeVisibleAsync();
        await Expect(page.Locator("#q-more-text")).ToHaveValueAsync("Love the <b>single origin</b> beans, less plastic please");
        await Expect(page.Locator("#q-brew input[value='French press']")).ToBeCheckedAsync();

        // Tapping a score and a satisfaction level, ranking two values.
        await page.Locator("#q-nps label.survey-point", new() { HasText = "9" }).First.ClickAsync();
        await page.Locator("#q-csat label.survey-point").Nth(4).ClickAsync();
        await page.SelectOptionAsync("#q-top3-rank-0", "sustainability");
        await page.SelectOptionAsync("#q-top3-rank-1", "quality");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("Send|Submit|Save") }).ClickAsync();
        await Expect(page.Locator("body")).ToContainTextAsync("Thank you: we read every answer.");

        // The same link again: the answers are there to change, until the survey closes.
        await page.GotoAsync(link);
        await Expect(page.Locator("#survey-editing")).ToBeVisibleAsync();
        await Expect(page.Locator("#q-nps input[value='9']")).ToBeCheckedAsync();
        await Expect(page.Locator("#q-top3-rank-0")).ToHaveValueAsync("sustainability");
        // The form shown again with its messages answers 422 on purpose, which Chromium logs; nothing else may fail.
        phone.Errors.Where(e => !e.Contains("status of 422", StringComparison.Ordinal)).Should().BeEmpty();
        phone.Errors.Should().ContainSingle();

        // Staff see the response in the results, the HTML shown as text.
        await using var staff = await server.OpenAsync();
        await staff.SignInAsync(server.Admin);
        await staff.Page.GotoAsync($"/surveys/{survey}/results");
        await Expect(staff.Page.Locator("#nps-nps")).ToContainTextAsync("1 promoter (9–10)");
        await Expect(staff.Page.Locator("#question-more")).ToContainTextAsync("Love the <b>single origin</b> beans");
        await Expect(staff.Page.Locator("#question-more b")).ToHaveCountAsync(0);
        staff.ErrorsShouldBeEmpty();
    }
}
