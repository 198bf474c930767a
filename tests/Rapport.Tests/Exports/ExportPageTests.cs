using System.Net;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Pages;
using Rapport.Tests.VCards;

namespace Rapport.Tests.Exports;

public sealed class ExportPageTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    [Fact]
    public async Task The_customer_list_links_to_an_export_form_with_its_filters_and_the_form_downloads_that_list()
    {
        var tag = ExportKit.Unique("pg");
        var api = app.ClientAs(Role.Sales);
        await ExportKit.CustomerAsync(api, new { firstName = "Paula", lastName = "Page", email = $"paula.{tag}@example.com", tags = new[] { tag } });
        await ExportKit.CustomerAsync(api, new { firstName = "Other", email = $"other.{tag}@example.com" });
        var session = await PageSession.SignInAsync(app, Role.Analyst);

        var list = await session.GetAsync($"/customers?tag={tag}&sort=newest");
        var link = list.QuerySelector("a#export-customers")!.GetAttribute("href")!;
        link.Should().Be($"/exports?kind=customers&tag={tag}&sort=newest");

        var form = await session.GetAsync(link);
        form.QuerySelector("#customers-tag")!.GetAttribute("value").Should().Be(tag);
        form.QuerySelector("#customers-sort option[selected]")!.GetAttribute("value").Should().Be("newest");
        form.QuerySelectorAll("form#export-customers input[type=hidden]").Select(i => (i.GetAttribute("name"), i.GetAttribute("value")))
            .Should().Equal(("handler", "download"), ("kind", "customers"));

        var download = await session.Client.GetAsync($"/exports?handler=download&kind=customers&tag={tag}&sort=newest&format=csv&version=4.0");
        download.StatusCode.Should().Be(HttpStatusCode.OK);
        download.Content.Headers.ContentDisposition!.FileName.Should().EndWith(".csv");
        var (_, rows) = ExportKit.ParseCsv(await download.Content.ReadAsByteArrayAsync());
        rows.Should().ContainSingle().Which[1].Should().Be($"paula.{tag}@example.com");
    }

    [Fact]
    public async Task The_form_downloads_transactions_with_lines_and_interactions_by_channel()
    {
        var api = app.ClientAs(Role.Sales);
        var customer = await ExportKit.CustomerAsync(api, new { firstName = "Tom", email = $"{ExportKit.Unique("t")}@example.com" });
        await ExportKit.TransactionAsync(api, customer, "P-1", new DateTimeOffset(2024, 2, 29, 23, 0, 0, TimeSpan.Zero), null,
            new { sku = "A", quantity = 1, unitPrice = 2 }, new { sku = "B", quantity = 1, unitPrice = 3 });
        await ExportKit.InteractionAsync(api, customer, "email", "message", new DateTimeOffset(2024, 3, 1, 8, 0, 0, TimeSpan.Zero), "By mail");
        await ExportKit.InteractionAsync(api, customer, "phone", "call", new DateTimeOffset(2024, 3, 1, 9, 0, 0, TimeSpan.Zero), "By phone");
        var session = await PageSession.SignInAsync(app, Role.Service);

        var orders = await session.Client.GetAsync($"/exports?handler=download&kind=transactions&customerId={customer}&from=2024-02-29&to=2024-02-29&lines=true&format=csv");
        orders.StatusCode.Should().Be(HttpStatusCode.OK);
        ExportKit.ParseCsv(await orders.Content.ReadAsByteArrayAsync()).Rows.Select(r => r[8]).Should().Equal("A", "B");

        var calls = await session.Client.GetAsync($"/exports?handler=download&kind=interactions&customerId={customer}&channel=phone&type=&format=json");
        calls.StatusCode.Should().Be(HttpStatusCode.OK);
        (await calls.Content.ReadAsStringAsync()).Should().Contain("By phone").And.NotContain("By mail");
    }

    [Fact]
    public async Task A_bad_filter_shows_the_form_again_with_the_message_under_its_field()
    {
        var session = await PageSession.SignInAsync(app, Role.Analyst);

        var response = await session.Client.GetAsync("/exports?handler=download&kind=transactions&customerId=abc&from=2024-05-01&format=csv");
        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var page = await session.ParseAsync(response);
        page.QuerySelector("#transactions-customer-error")!.TextContent.Should().StartWith("Must be a customer number");
        page.QuerySelector("#transactions-from")!.GetAttribute("value").Should().Be("2024-05-01");
        page.QuerySelector("#interactions-customer-error").Should().BeNull();

        var missing = await session.Client.GetAsync("/exports?handler=download&kind=interactions&customerId=999999999&from=2024-13-01");
        missing.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var again = await session.ParseAsync(missing);
        again.QuerySelector("#interactions-from-error")!.TextContent.Should().StartWith("Must be a date");
    }

    [Fact]
    public async Task The_customer_page_offers_the_vcard_and_it_downloads_for_a_signed_in_user_only()
    {
        var api = app.ClientAs(Role.Sales);
        var id = await ExportKit.CustomerAsync(api, new { firstName = "Zoë", lastName = "Łukasiewicz", email = $"{ExportKit.Unique("z")}@example.com", phone = "+48 601 234 567" });
        var session = await PageSession.SignInAsync(app, Role.Analyst);

        var details = await session.GetAsync($"/customers/{id}");
        details.QuerySelector("a#download-vcard")!.GetAttribute("href").Should().Be($"/customers/{id}/vcard");

        var card = await session.Client.GetAsync($"/customers/{id}/vcard");
        card.StatusCode.Should().Be(HttpStatusCode.OK);
        card.Content.Headers.ContentType!.MediaType.Should().Be("text/vcard");
        card.Content.Headers.ContentDisposition!.FileNameStar.Should().Be("zoe-lukasiewicz.vcf");
        var read = (await VCardReaderTests.ReadAsync(await card.Content.ReadAsByteArrayAsync())).Single().Customer!;
        (read.FirstName, read.LastName, read.Phone).Should().Be(("Zoë", "Łukasiewicz", "+48 601 234 567"));

        (await session.Client.GetAsync("/customers/999999999/vcard")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var anonymous = await app.Anonymous().GetAsync($"/customers/{id}/vcard");
        anonymous.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await app.Anonymous().GetAsync("/exports?handler=download&kind=customers")).StatusCode.Should().Be(HttpStatusCode.Redirect);
    }
}
