using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Identity;
using Rapport.Interactions;
using Rapport.Tests.Infrastructure;
using Rapport.Transactions;

namespace Rapport.Tests.Pages;

public sealed class CustomerPageTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    [Fact]
    public async Task Search_lists_matching_customers_with_a_link_named_by_display_name()
    {
        var wanted = PageData.Customer(app, "Zebediah", "Quillfeather", "zeb@example.com", ["vip"]);
        PageData.Customer(app, "Other", "Person", "other@example.com");
        var session = await PageSession.SignInAsync(app, Role.Sales);

        var page = await session.GetAsync("/customers?q=quillfeather");

        var links = page.QuerySelectorAll("#customer-results tbody a.row-title");
        links.Should().ContainSingle().Which.Text().Should().Be("Zebediah Quillfeather");
        links[0].GetAttribute("href").Should().Be($"/customers/{wanted.Id}");
        page.QuerySelector("label[for=q]").Text().Should().Be("Search customers");

        // Live search (htmx) gets only the results, not a whole page.
        var live = await session.HtmxGetAsync("/customers?q=zebed", "customer-results");
        var fragment = await session.ParseAsync(live);
        fragment.QuerySelector("header.topbar").Should().BeNull();
        fragment.QuerySelectorAll("tbody a.row-title").Select(a => a.Text()).Should().Equal("Zebediah Quillfeather");
    }

    [Fact]
    public async Task Tag_filter_and_paging_walk_the_whole_list_once()
    {
        var tag = $"t{Guid.NewGuid():N}"[..12];
        var names = Enumerable.Range(1, 30).Select(i => $"Pager{i:00}").ToList();
        foreach (var name in names)
        {
            PageData.Customer(app, name, "Tagged", tags: [tag]);
        }

        var session = await PageSession.SignInAsync(app, Role.Analyst);
        var seen = new List<string>();
        var path = $"/customers?tag={tag}";
        for (var guard = 0; guard < 5 && path is not null; guard++)
        {
            var page = await session.GetAsync(path);
            seen.AddRange(page.QuerySelectorAll("tbody a.row-title").Select(a => a.Text()));
            path = page.QuerySelector("a[rel=next]")?.GetAttribute("href");
        }

        seen.Should().Equal(names.Select(n => $"{n} Tagged"));
    }

    [Fact]
    public async Task Customer_page_shows_profile_metrics_and_one_timeline_newest_first()
    {
        var customer = PageData.Customer(app, "Timea", "Linewood", "timea@example.com");
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        app.WithScope(async sp => (await sp.GetRequiredService<RecordTransaction>().HandleAsync(
            new RecordTransactionRequest(customer.Id, "ORD-77", app.Clock.GetUtcNow().AddDays(-3), "USD", null,
                [new TransactionLineRequest(Sku: "BEAN-1", Description: "House espresso beans", Quantity: 2, UnitPrice: 12.5m)]),
            CancellationToken.None)).IsOk.Should().BeTrue());
        app.WithScope(async sp => (await sp.GetRequiredService<LogInteraction>().HandleAsync(
            new LogInteractionRequest(customer.Id, InteractionChannel.Phone, InteractionDirection.Outbound, InteractionType.Call,
                "Asked about grinders", "Wants a burr grinder under $200.", app.Clock.GetUtcNow().AddDays(-1)),
            CancellationToken.None)).IsOk.Should().BeTrue());
        var session = await PageSession.SignInAsync(app, Role.Service);

        var page = await session.GetAsync($"/customers/{customer.Id}");

        page.QuerySelector("h1").Text().Should().Be("Timea Linewood");
        page.QuerySelector("[data-field=email]").Text().Should().Be("timea@example.com");
        page.QuerySelector("[data-metric=purchases]").Text().Should().Be("1");
        page.QuerySelector("[data-metric=revenue]").Text().Should().Be("$25.00");
        var items = page.QuerySelectorAll("#timeline .timeline-item").Select(i => i.Text()).ToList();
        items.Should().HaveCount(2);
        items[0].Should().Contain("Call (outbound): Asked about grinders").And.Contain("Wants a burr grinder");
        items[1].Should().Contain("Order #ORD-77").And.Contain("House espresso beans").And.Contain("$25.00");
    }

    [Fact]
    public async Task Timeline_loads_more_with_htmx_until_the_end()
    {
        var customer = PageData.Customer(app, "Many", "Notes");
        for (var i = 0; i < 25; i++)
        {
            app.WithScope(async sp => (await sp.GetRequiredService<LogInteraction>().HandleAsync(
                LogInteractionRequest.Note(customer.Id, $"Note number {i}", null), CancellationToken.None)).IsOk.Should().BeTrue());
            app.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        var session = await PageSession.SignInAsync(app, Role.Analyst);
        var page = await session.GetAsync($"/customers/{customer.Id}");
        page.QuerySelectorAll("#timeline .timeline-item").Should().HaveCount(20);
        var more = page.QuerySelector("#timeline-more button")!.GetAttribute("hx-get")!;

        var rest = await session.ParseAsync(await session.HtmxGetAsync(more, "timeline-more"));

        rest.QuerySelectorAll(".timeline-item").Select(i => i.QuerySelector(".timeline-body").Text())
            .Should().Equal(Enumerable.Range(0, 5).Reverse().Select(i => $"Note number {i}"));
        rest.QuerySelector("#timeline-more").Should().BeNull("the last page has no Load more");
    }

    [Fact]
    public async Task Inline_edit_saves_with_the_rendered_version_and_a_stale_version_is_refused()
    {
        var customer = PageData.Customer(app, "Inline", "Editor", "inline@example.com");
        var session = await PageSession.SignInAsync(app, Role.Sales);
        var page = await session.GetAsync($"/customers/{customer.Id}");
        var version = page.QuerySelector("#customer-version")!.GetAttribute("value")!;
        var edit = page.QuerySelectorAll("button").Single(b => b.Text() == "Edit Phone").GetAttribute("hx-get")!;

        var form = await session.ParseAsync(await session.HtmxGetAsync(edit, "field-phone"));
        var input = form.QuerySelector("input[name=value]")!;
        form.QuerySelector($"label[for={input.Id}]").Text().Should().Be("Phone");
        input.GetAttribute("value").Should().Be("+1 555 0100");
        var save = form.QuerySelector("form")!.GetAttribute("hx-post")!;

        var saved = await session.HtmxPostAsync(save, new() { ["value"] = "+44 20 7946 0000", ["version"] = version }, "field-phone");
        saved.StatusCode.Should().Be(HttpStatusCode.OK);
        var fragment = await session.ParseAsync(saved);
        fragment.QuerySelector("[data-field=phone]").Text().Should().Be("+44 20 7946 0000");
        var newVersion = fragment.QuerySelector("#customer-version")!.GetAttribute("value");
        newVersion.Should().Be((customer.Version + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        (await app.WithDbAsync(db => db.Customers.AsNoTracking().Where(c => c.Id == customer.Id).Select(c => c.Phone).SingleAsync()))
            .Should().Be("+44 20 7946 0000");

        // A second editor still holding the first version: refused, nothing stored.
        var stale = await session.HtmxPostAsync(save.Replace("field=phone", "field=city", StringComparison.Ordinal),
            new() { ["value"] = "Porto", ["version"] = version }, "field-city");
        stale.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await session.ParseAsync(stale)).QuerySelector("[role=alert]").Text().Should().Contain("changed by someone else").And.Contain("Reload");
        (await app.WithDbAsync(db => db.Customers.AsNoTracking().Where(c => c.Id == customer.Id).Select(c => c.City).SingleAsync()))
            .Should().Be("Lisbon");

        // Reloading shows the saved value.
        (await session.GetAsync($"/customers/{customer.Id}")).QuerySelector("[data-field=phone]").Text().Should().Be("+44 20 7946 0000");
    }

    [Fact]
    public async Task Inline_edit_shows_the_use_case_field_error_and_stores_nothing()
    {
        var customer = PageData.Customer(app, "Bad", "Country");
        var session = await PageSession.SignInAsync(app, Role.Marketing);
        var page = await session.GetAsync($"/customers/{customer.Id}");
        var version = page.QuerySelector("#customer-version")!.GetAttribute("value")!;

        var response = await session.HtmxPostAsync($"/customers/{customer.Id}?handler=Field&field=country", new() { ["value"] = "Portugal", ["version"] = version });

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var fragment = await session.ParseAsync(response);
        fragment.QuerySelector(".field-error").Text().Should().Contain("two-letter");
        fragment.QuerySelector("input[name=value]")!.GetAttribute("aria-invalid").Should().Be("true");
        (await app.WithDbAsync(db => db.Customers.AsNoTracking().Where(c => c.Id == customer.Id).Select(c => c.Country).SingleAsync())).Should().BeNull();
    }

    [Fact]
    public async Task Company_is_chosen_inline_from_a_searchable_list()
    {
        var name = $"Wombat Works {Guid.NewGuid():N}"[..20];
        var company = app.WithScope(async sp => (await sp.GetRequiredService<Rapport.Companies.CreateCompany>().HandleAsync(
            new Rapport.Companies.CreateCompanyRequest(name, City: "Hobart"), CancellationToken.None)).Value!);
        var customer = PageData.Customer(app, "Joins", "Company");
        var session = await PageSession.SignInAsync(app, Role.Sales);
        var page = await session.GetAsync($"/customers/{customer.Id}");
        var edit = page.QuerySelectorAll("button").Single(b => b.Text() == "Edit Company").GetAttribute("hx-get")!;

        var form = await session.ParseAsync(await session.HtmxGetAsync(edit));
        var search = form.QuerySelector("input[name=companyQ]")!;
        var options = await session.ParseAsync(await session.HtmxGetAsync($"{search.GetAttribute("hx-get")}&companyQ=wombat"));
        var option = options.QuerySelectorAll("option").Single(o => o.Text().StartsWith(name, StringComparison.Ordinal));
        option.GetAttribute("value").Should().Be(company.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var saved = await session.HtmxPostAsync(form.QuerySelector("form")!.GetAttribute("hx-post")!, new() { ["value"] = option.GetAttribute("value")!, ["version"] = "1" });

        saved.StatusCode.Should().Be(HttpStatusCode.OK);
        var link = (await session.ParseAsync(saved)).QuerySelector("[data-field=companyId] a")!;
        link.Text().Should().Be(name);
        link.GetAttribute("href").Should().Be($"/companies/{company.Id}");
        var again = await session.ParseAsync(await session.HtmxGetAsync(edit));
        again.QuerySelector("select option[selected]")!.GetAttribute("value").Should().Be(company.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Custom_number_field_is_edited_inline_and_refuses_text()
    {
        var key = $"cups_{Guid.NewGuid():N}"[..16];
        app.WithScope(async sp => (await sp.GetRequiredService<Rapport.Customers.CreateCustomField>().HandleAsync(
            new Rapport.Customers.CreateCustomFieldRequest(key, "Cups per day", Rapport.Customers.CustomFieldType.Number), CancellationToken.None)).IsOk.Should().BeTrue());
        var customer = PageData.Customer(app, "Custom", "Number");
        var session = await PageSession.SignInAsync(app, Role.Sales);
        var page = await session.GetAsync($"/customers/{customer.Id}");
        page.QuerySelector($"#field-cf-{key} button").Text().Should().Be("Edit Cups per day");
        var save = $"/customers/{customer.Id}?handler=Field&field=cf.{key}";

        var refused = await session.HtmxPostAsync(save, new() { ["value"] = "lots", ["version"] = "1" });
        refused.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await session.ParseAsync(refused)).QuerySelector(".field-error").Text().Should().Contain("number");

        var saved = await session.HtmxPostAsync(save, new() { ["value"] = "2.5", ["version"] = "1" });
        saved.StatusCode.Should().Be(HttpStatusCode.OK);
        (await session.ParseAsync(saved)).QuerySelector($"[data-field='cf.{key}']").Text().Should().Be("2.5");
    }

    [Fact]
    public async Task Adding_a_note_returns_the_timeline_with_it_and_updates_the_metrics()
    {
        var customer = PageData.Customer(app, "Note", "Taker");
        var session = await PageSession.SignInAsync(app, Role.Service);
        await session.GetAsync($"/customers/{customer.Id}");

        var response = await session.HtmxPostAsync($"/customers/{customer.Id}?handler=Note", new() { ["notes"] = "Prefers calls after 5 pm." }, "timeline");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var fragment = await session.ParseAsync(response);
        fragment.QuerySelector("#timeline .timeline-body").Text().Should().Be("Prefers calls after 5 pm.");
        fragment.QuerySelector("#customer-metrics[hx-swap-oob] [data-metric=interactions]").Text().Should().Be("1");
        var stored = await app.WithDbAsync(db => db.Interactions.AsNoTracking().SingleAsync(i => i.CustomerId == customer.Id));
        stored.Type.Should().Be(InteractionType.Note);
        stored.Source.Should().Be("ui");
        stored.CreatedByUserId.Should().Be(session.UserId);
    }

    [Fact]
    public async Task Logging_an_interaction_with_a_bad_time_shows_the_error_in_the_form()
    {
        var customer = PageData.Customer(app, "Future", "Meeting");
        var session = await PageSession.SignInAsync(app, Role.Sales);
        await session.GetAsync($"/customers/{customer.Id}");

        var response = await session.HtmxPostAsync($"/customers/{customer.Id}?handler=Interaction", new()
        {
            ["type"] = "meeting",
            ["channel"] = "inPerson",
            ["direction"] = "inbound",
            ["subject"] = "Tasting",
            ["occurredAt"] = "2031-01-01T10:00",
        });

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        response.Headers.GetValues("HX-Retarget").Should().Equal("#interaction-form");
        (await session.ParseAsync(response)).QuerySelector("#interaction-when-error").Text().Should().Contain("future");
        (await app.WithDbAsync(db => db.Interactions.CountAsync(i => i.CustomerId == customer.Id))).Should().Be(0);
    }

    [Fact]
    public async Task Create_form_adds_a_customer_owned_by_the_user_and_opens_their_page()
    {
        var session = await PageSession.SignInAsync(app, Role.Sales);
        await session.GetAsync("/customers/new");

        var response = await session.PostFormAsync("/customers/new", new()
        {
            ["Form.FirstName"] = "Created",
            ["Form.LastName"] = "Byform",
            ["Form.Email"] = "created@example.com",
            ["Form.Tags"] = "Trade show, VIP",
            ["Form.OwnerId"] = session.UserId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var page = await session.GetAsync(response.Headers.Location!.OriginalString);
        page.QuerySelector("h1").Text().Should().Be("Created Byform");
        page.QuerySelector("[data-field=tags]").Text().Should().Be("trade show, vip");
        page.QuerySelector("[data-field=ownerId]").Text().Should().Be("Page tester Sales");
    }

    [Fact]
    public async Task Create_form_with_nothing_filled_in_shows_the_rule_and_stores_nothing()
    {
        var session = await PageSession.SignInAsync(app, Role.Sales);
        await session.GetAsync("/customers/new");
        var before = await app.WithDbAsync(db => db.Customers.CountAsync());

        var response = await session.PostFormAsync("/customers/new", new() { ["Form.City"] = "Nowhere" });

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await session.ParseAsync(response)).QuerySelector("#first-name-error").Text().Should().Contain("first name, a last name or an email");
        (await app.WithDbAsync(db => db.Customers.CountAsync())).Should().Be(before);
    }

    [Fact]
    public async Task Delete_removes_the_customer_after_the_form_post()
    {
        var customer = PageData.Customer(app, "Soon", "Gone");
        var session = await PageSession.SignInAsync(app, Role.Sales);
        var page = await session.GetAsync($"/customers/{customer.Id}");
        page.QuerySelector("form[data-confirm]").Should().NotBeNull("deleting asks first");

        var response = await session.PostFormAsync($"/customers/{customer.Id}?handler=Delete", new() { ["version"] = customer.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.Should().Be("/customers");
        (await app.WithDbAsync(db => db.Customers.AnyAsync(c => c.Id == customer.Id))).Should().BeFalse();
        (await session.Client.GetAsync($"/customers/{customer.Id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Analyst_sees_no_write_controls_and_is_refused_when_posting_an_edit()
    {
        var customer = PageData.Customer(app, "Read", "Only");
        var session = await PageSession.SignInAsync(app, Role.Analyst);

        var page = await session.GetAsync($"/customers/{customer.Id}");
        page.QuerySelectorAll("button").Select(b => b.Text()).Should().NotContain(t => t.StartsWith("Edit", StringComparison.Ordinal) || t.Contains("Delete", StringComparison.Ordinal));
        page.QuerySelector("#note-form").Should().BeNull();
        (await session.GetAsync("/customers")).QuerySelectorAll("a").Select(a => a.GetAttribute("href")).Should().NotContain("/customers/new");

        var edit = await session.HtmxPostAsync($"/customers/{customer.Id}?handler=Field&field=phone", new() { ["value"] = "+1 000", ["version"] = "1" });
        edit.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var note = await session.HtmxPostAsync($"/customers/{customer.Id}?handler=Note", new() { ["notes"] = "sneaky" });
        note.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await session.Client.GetAsync("/customers/new")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await app.WithDbAsync(db => db.Customers.AsNoTracking().Where(c => c.Id == customer.Id).Select(c => c.Phone).SingleAsync())).Should().Be("+1 555 0100");
        (await app.WithDbAsync(db => db.Interactions.CountAsync(i => i.CustomerId == customer.Id))).Should().Be(0);
    }

    [Fact]
    public async Task Posts_without_the_antiforgery_token_are_refused()
    {
        var customer = PageData.Customer(app, "Forged", "Request");
        var session = await PageSession.SignInAsync(app, Role.Admin);

        var request = new HttpRequestMessage(HttpMethod.Post, $"/customers/{customer.Id}?handler=Field&field=phone")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["value"] = "+1 999", ["version"] = customer.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
        };
        request.Headers.Add("HX-Request", "true");
        var response = await session.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var signOut = await session.Client.PostAsync("/signout", new FormUrlEncodedContent(new Dictionary<string, string>()));
        signOut.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await app.WithDbAsync(db => db.Customers.AsNoTracking().Where(c => c.Id == customer.Id).Select(c => c.Phone).SingleAsync())).Should().Be("+1 555 0100");
    }

    [Fact]
    public async Task Unknown_customer_is_a_friendly_404_page()
    {
        var session = await PageSession.SignInAsync(app, Role.Sales);

        var response = await session.Client.GetAsync("/customers/987654321");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await session.ParseAsync(response)).QuerySelector("h1").Text().Should().Be("Page not found");
    }
}
