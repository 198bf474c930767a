using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Rapport.Consent;
using static Microsoft.Playwright.Assertions;

namespace Rapport.BrowserTests;

/// <summary>
/// A customer withdraws marketing consent on the preferences page reached by their signed link (on a phone, no
/// account), and unsubscribes from a mail client's link; staff see both on the customer's consent card.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ConsentFlowTests(RapportServer server)
{
    private Task<int> GrantEmailMarketingAsync(long customerId) => server.WithServicesAsync(async sp =>
    {
        var recorded = await sp.GetRequiredService<RecordConsent>().RecordAsync(customerId,
            [new ConsentInput(ConsentChannel.Email, ConsentPurpose.Marketing, ConsentStatus.Granted, LegalBasis.Consent, NoticeVersion: "2026-12")],
            new ConsentContext(ConsentSource.Form, "sign-up form"), skipUnchanged: false, CancellationToken.None);
        recorded.IsOk.Should().BeTrue(recorded.Message);
        return 0;
    });

    [BrowserFact]
    public async Task A_customer_withdraws_on_the_preferences_page_and_unsubscribes_in_one_click_and_staff_see_both()
    {
        var customer = server.Customers["Amara Okafor"];
        await GrantEmailMarketingAsync(customer);
        var link = await server.WithServicesAsync(async sp => (await sp.GetRequiredService<PreferenceLinks>().GetAsync(customer, null, CancellationToken.None)).Value!);

        await using (var phone = await server.OpenPhoneAsync())
        {
            var page = phone.Page;
            await page.GotoAsync(link.PreferencesPath);
            await Expect(page.Locator("h1")).ToContainTextAsync("Your preferences");
            await Expect(page.Locator("nav.mainnav")).ToHaveCountAsync(0);
            var emailMarketing = page.GetByRole(AriaRole.Checkbox, new() { Name = "News and offers by Email", Exact = true });
            await Expect(emailMarketing).ToBeCheckedAsync();
            await emailMarketing.UncheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Save my choices" }).ClickAsync();
            await Expect(page.Locator("#preferences-saved")).ToBeVisibleAsync();
            await Expect(emailMarketing).Not.ToBeCheckedAsync();
            phone.ErrorsShouldBeEmpty();
        }

        await using var staff = await server.OpenAsync();
        await staff.SignInAsync(server.Admin);
        await staff.Page.GotoAsync($"/customers/{customer}");
        await Expect(staff.Page.Locator("td[data-consent='email.marketing']")).ToContainTextAsync("withdrawn");

        // Granted again; a mail client's GET of the unsubscribe link changes nothing, the button (a POST) does.
        await GrantEmailMarketingAsync(customer);
        await using (var mail = await server.OpenPhoneAsync())
        {
            await mail.Page.GotoAsync(link.UnsubscribePath);
            await Expect(mail.Page.Locator("#unsubscribe-ask")).ToBeVisibleAsync();
            await staff.Page.ReloadAsync();
            await Expect(staff.Page.Locator("td[data-consent='email.marketing']")).ToContainTextAsync("granted");

            await mail.Page.GetByRole(AriaRole.Button, new() { Name = "Unsubscribe" }).ClickAsync();
            await Expect(mail.Page.Locator("#unsubscribe-done")).ToBeVisibleAsync();
            mail.ErrorsShouldBeEmpty();
        }

        await staff.Page.ReloadAsync();
        await Expect(staff.Page.Locator("td[data-consent='email.marketing']")).ToContainTextAsync("withdrawn");
        staff.ErrorsShouldBeEmpty();
    }
}
