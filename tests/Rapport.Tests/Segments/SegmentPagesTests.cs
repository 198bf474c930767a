using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Interactions;
using Rapport.Tests.Pages;

namespace Rapport.Tests.Segments;

/// <summary>The segment pages through the real host: list, builder (create, preview, refusals), edit, detail, CSV, snapshot, delete, roles.</summary>
public sealed class SegmentPagesTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private readonly HttpClient _staff = app.ClientAs(Role.Marketing);

    /// <summary>Customers in a city of their own, so that a rule on it matches exactly them.</summary>
    private async Task<(string City, List<long> Ids)> PeopleAsync(int count)
    {
        var city = "Segville" + Guid.NewGuid().ToString("N")[..8];
        var ids = new List<long>();
        for (var i = 0; i < count; i++)
        {
            ids.Add(await SegmentKit.CustomerAsync(_staff, new { firstName = $"Member{i:00}", lastName = city, email = $"m{i}.{city}@example.com", city }));
        }

        return (city, ids);
    }

    private static string CityRule(string city) => $$"""{"all":[{"field":"city","op":"eq","value":"{{city}}"}]}""";

    private static Dictionary<string, string> Form(string name, string rules, string kind = "dynamic", string description = "") => new()
    {
        ["Form.Name"] = name, ["Form.Description"] = description, ["Form.Kind"] = kind, ["Form.Rules"] = rules,
    };

    private static long IdFrom(HttpResponseMessage response)
    {
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var location = response.Headers.Location!.OriginalString;
        location.Should().MatchRegex("^/segments/[0-9]+$");
        return long.Parse(location["/segments/".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public void Rules_read_as_a_sentence_with_labels_from_the_catalogue()
    {
        var fields = Rapport.Segments.SegmentFieldCatalogue.Fixed
            .Select(f => new Rapport.Segments.SegmentFieldInfo(f.Key, f.Label, f.Type.ToString().ToLowerInvariant(), f.Group, [], f.Options)).ToList();
        var text = new Rapport.Pages.Segments.RuleText(fields, new Dictionary<long, string> { [7] = "VIPs" });
        using var rules = JsonDocument.Parse("""
            {"all":[{"field":"country","op":"in","value":["US","CA"]},{"field":"revenue","op":"gte","value":100},
              {"purchased":{"category":"Tea","withinDays":365}},
              {"any":[{"field":"stage","op":"gte","value":"connection"},{"field":"tag","op":"eq","value":"vip"},{"field":"segment","op":"eq","value":7}]},
              {"not":{"any":[{"field":"email","op":"exists"},{"interacted":{"channel":"email","minCount":2}}]}},
              {"field":"revenue","op":"between","value":[1,2]}]}
            """);
        text.Of(rules.RootElement).Should().Be(
            "all of: Country (ISO code) is one of “US”, “CA”; Revenue ≥ 100; purchased Tea within 365 days; " +
            "any of (Relationship stage ≥ Connection; tagged “vip”; member of “VIPs”); " +
            "none of (E-mail has a value; interacted (by email) at least 2 times); Revenue between 1 and 2");
        using var empty = JsonDocument.Parse("""{"all":[]}""");
        text.Of(empty.RootElement).Should().Be("everyone");
    }

    [Fact]
    public async Task A_marketer_previews_saves_and_finds_the_segment_listed_with_its_members_and_csv()
    {
        var (city, ids) = await PeopleAsync(3);
        var session = await PageSession.SignInAsync(app, Role.Marketing);

        var form = await session.GetAsync("/segments/new");
        form.QuerySelector("nav a[href='/segments'][aria-current='page']").Should().NotBeNull();
        form.QuerySelector("#segment-form textarea[name='Form.Rules']").Should().NotBeNull("without JavaScript the rules are edited as JSON");
        form.QuerySelector("label[for=segment-rules]").Should().NotBeNull();
        var editorData = JsonDocument.Parse(form.QuerySelector("#segment-editor-data")!.TextContent).RootElement;
        editorData.GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("key").GetString()).Should().Contain(["city", "stage", "rfmSegment", "revenue"]);
        form.QuerySelector("script[src*='segments.js']").Should().NotBeNull();

        var preview = await session.HtmxPostAsync("/segments/new?handler=Preview", new() { ["rules"] = CityRule(city) });
        preview.StatusCode.Should().Be(HttpStatusCode.OK, await preview.Content.ReadAsStringAsync());
        var body = await preview.ReadJsonAsync();
        body.GetProperty("count").GetInt64().Should().Be(3);
        body.GetProperty("sample").EnumerateArray().Select(s => s.GetProperty("id").GetInt64()).Should().Equal(ids);
        body.GetProperty("sample")[0].GetProperty("name").GetString().Should().Be($"Member00 {city}");

        var name = $"People of {city}";
        var saved = await session.PostFormAsync("/segments/new", Form(name, CityRule(city), description: "Everyone in one town"));
        var id = IdFrom(saved);

        var list = await session.GetAsync("/segments");
        var row = list.QuerySelector($"#segments-table tr[data-segment-id='{id}']");
        row.Should().NotBeNull();
        row!.QuerySelector("a")!.TextContent.Should().Be(name);
        row.QuerySelector("[data-members]")!.TextContent.Should().Be("3");
        row.TextContent.Should().Contain("Dynamic").And.Contain("Everyone in one town");
        list.QuerySelector("a[href='/segments/new']").Should().NotBeNull();

        var detail = await session.GetAsync($"/segments/{id}");
        detail.QuerySelector("h1")!.TextContent.Should().Be(name);
        detail.QuerySelector("[data-figure=members]")!.TextContent.Should().Be("3");
        detail.QuerySelector("#segment-rules-text")!.TextContent.Should().Be($"all of: City is “{city}”");
        detail.QuerySelectorAll("#segment-members tbody tr a").Select(a => a.GetAttribute("href")).Should().Equal(ids.Select(i => $"/customers/{i}"));
        detail.QuerySelector($"a[href='/segments/{id}/edit']").Should().NotBeNull();
        detail.QuerySelector("form[data-confirm] button")!.TextContent.Should().Be("Delete segment");

        var csvLink = detail.QuerySelector("#segment-csv")!.GetAttribute("href")!;
        var csv = await session.Client.GetAsync(csvLink);
        csv.StatusCode.Should().Be(HttpStatusCode.OK);
        csv.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().Be("id,first_name,last_name,email,city,country");
        lines.Skip(1).Select(l => long.Parse(l.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture)).Should().Equal(ids);
    }

    [Fact]
    public async Task Refused_rules_and_fields_re_render_the_form_with_422_and_the_messages()
    {
        var session = await PageSession.SignInAsync(app, Role.Marketing);
        await session.GetAsync("/segments/new");
        var before = await app.WithDbAsync(db => db.Set<Rapport.Segments.Segment>().CountAsync());

        var badValue = await session.PostFormAsync("/segments/new", Form("Big spenders", """{"all":[{"field":"revenue","op":"gte","value":"lots"}]}"""));
        badValue.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var page = await session.ParseAsync(badValue);
        page.QuerySelector("#rule-errors-server")!.TextContent.Should().Contain("rules.all[0].value").And.Contain("Must be a number for revenue.");
        page.QuerySelector("#segment-name")!.GetAttribute("value").Should().Be("Big spenders", "what was typed is kept");
        page.QuerySelector("#segment-rules")!.TextContent.Should().Contain("lots");
        JsonDocument.Parse(page.QuerySelector("#segment-editor-data")!.TextContent).RootElement.GetProperty("errors")
            .TryGetProperty("rules.all[0].value", out _).Should().BeTrue("the editor marks the condition");

        var notJson = await session.PostFormAsync("/segments/new", Form("Broken", "{\"all\":[ oops"));
        notJson.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await session.ParseAsync(notJson)).QuerySelector("#segment-rules-error")!.TextContent.Should().Contain("not valid JSON");

        var noName = await session.PostFormAsync("/segments/new", Form(" ", "{\"all\":[]}"));
        noName.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await session.ParseAsync(noName)).QuerySelector("#segment-name-error")!.TextContent.Should().Be("Required.");

        var injection = await session.PostFormAsync("/segments/new", Form("Quotes", """{"field":"city","op":"eq","value":"'); DROP TABLE customers; --"}""", kind: "sometimes"));
        injection.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await session.ParseAsync(injection)).QuerySelector("#segment-kind-error")!.TextContent.Should().Contain("dynamic or static");

        var preview = await session.HtmxPostAsync("/segments/new?handler=Preview", new() { ["rules"] = """{"all":[{"field":"shoeSize","op":"eq","value":1}]}""" });
        preview.StatusCode.Should().Be(HttpStatusCode.OK, "invalid rules are an answer of the live preview, not a failed request");
        (await preview.ReadJsonAsync()).GetProperty("errors").GetProperty("rules.all[0].field")[0].GetString().Should().Contain("Unknown field");

        (await app.WithDbAsync(db => db.Set<Rapport.Segments.Segment>().CountAsync())).Should().Be(before);
    }

    [Fact]
    public async Task Edit_changes_the_rules_and_members_and_refuses_a_stale_version()
    {
        var (city, ids) = await PeopleAsync(2);
        var (otherCity, otherIds) = await PeopleAsync(1);
        var created = await SegmentKit.CreateAsync(_staff, $"Edit me {city}", CityRule(city));
        var id = created.GetProperty("id").GetInt64();
        var session = await PageSession.SignInAsync(app, Role.Marketing);

        var form = await session.GetAsync($"/segments/{id}/edit");
        var version = form.QuerySelector("input[name='Form.Version']")!.GetAttribute("value")!;
        form.QuerySelector("#segment-name")!.GetAttribute("value").Should().Be($"Edit me {city}");
        form.QuerySelector("#segment-rules")!.TextContent.Should().Contain(city);
        form.QuerySelector("#segment-form")!.GetAttribute("data-preview-url").Should().Be($"/segments/{id}/edit?handler=Preview");
        var preview = await session.HtmxPostAsync($"/segments/{id}/edit?handler=Preview", new() { ["rules"] = CityRule(city) });
        (await preview.ReadJsonAsync()).GetProperty("count").GetInt64().Should().Be(2);
        JsonDocument.Parse(form.QuerySelector("#segment-editor-data")!.TextContent).RootElement.GetProperty("segments").EnumerateArray()
            .Select(s => s.GetProperty("id").GetInt64()).Should().NotContain(id, "a segment cannot refer to itself");

        var rules = $$"""{"any":[{"field":"city","op":"eq","value":"{{city}}"},{"field":"city","op":"eq","value":"{{otherCity}}"}]}""";
        var saved = await session.PostFormAsync($"/segments/{id}/edit", new(Form($"Two towns {city}", rules)) { ["Form.Version"] = version });
        IdFrom(saved).Should().Be(id);
        var detail = await session.GetAsync($"/segments/{id}");
        detail.QuerySelector("h1")!.TextContent.Should().Be($"Two towns {city}");
        detail.QuerySelector("[data-figure=members]")!.TextContent.Should().Be("3");
        detail.QuerySelector("#segment-rules-text")!.TextContent.Should().Be($"any of: City is “{city}”; City is “{otherCity}”");
        (await SegmentKit.MembersAsync(_staff, id)).Should().BeEquivalentTo(ids.Concat(otherIds));

        var stale = await session.PostFormAsync($"/segments/{id}/edit", new(Form("Too late", CityRule(city))) { ["Form.Version"] = version });
        stale.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await session.ParseAsync(stale)).QuerySelector(".alert-danger")!.TextContent.Should().Contain("changed by someone else");
        (await session.GetAsync($"/segments/{id}")).QuerySelector("h1")!.TextContent.Should().Be($"Two towns {city}");
    }

    [Fact]
    public async Task The_detail_pages_members_by_keyset_and_shows_entered_events()
    {
        var (city, ids) = await PeopleAsync(27);
        var created = await SegmentKit.CreateAsync(_staff, $"Crowd {city}", CityRule(city));
        var id = created.GetProperty("id").GetInt64();
        var late = await SegmentKit.CustomerAsync(_staff, new { firstName = "Late", lastName = "Comer", email = $"late.{city}@example.com" });
        var etag = (await _staff.GetAsync($"/api/v1/customers/{late}")).Headers.ETag!.Tag;
        var moved = await SegmentKit.PatchAsync(_staff, $"/api/v1/customers/{late}", $$"""{"city":"{{city}}"}""", etag);
        moved.StatusCode.Should().Be(HttpStatusCode.OK, await moved.Content.ReadAsStringAsync());
        var session = await PageSession.SignInAsync(app, Role.Sales);

        var first = await session.GetAsync($"/segments/{id}");
        first.QuerySelectorAll("#segment-members tbody tr").Length.Should().Be(25);
        first.QuerySelector("#segment-events")!.TextContent.Should().Contain("Entered").And.Contain("Late Comer");
        var next = first.QuerySelector("a[rel=next]")!.GetAttribute("href")!;
        var second = await session.GetAsync(next);
        second.QuerySelectorAll("#segment-members tbody tr a").Select(a => a.GetAttribute("href"))
            .Should().Equal(ids.Skip(25).Append(late).Select(i => $"/customers/{i}"));
        second.QuerySelector("a[rel=next]").Should().BeNull();
        second.QuerySelector($"a[href='/segments/{id}/edit']").Should().BeNull("sales reads segments; admin and marketing change them");
    }

    [Fact]
    public async Task A_static_segment_takes_a_new_snapshot_on_request_and_a_segment_is_deleted_after_confirmation()
    {
        var (city, _) = await PeopleAsync(1);
        var session = await PageSession.SignInAsync(app, Role.Admin);
        await session.GetAsync("/segments/new");
        var id = IdFrom(await session.PostFormAsync("/segments/new", Form($"Snap {city}", CityRule(city), kind: "static")));
        await SegmentKit.CustomerAsync(_staff, new { firstName = "New", lastName = "Arrival", email = $"new.{city}@example.com", city });

        var detail = await session.GetAsync($"/segments/{id}");
        detail.QuerySelector("[data-figure=members]")!.TextContent.Should().Be("1", "a static segment does not follow changes");
        detail.QuerySelector($"form[action='/segments/{id}?handler=Snapshot'] button")!.TextContent.Should().Be("Take snapshot now");
        var snapped = await session.PostFormAsync($"/segments/{id}?handler=Snapshot", []);
        snapped.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await session.GetAsync($"/segments/{id}")).QuerySelector("[data-figure=members]")!.TextContent.Should().Be("2");

        var form = (await session.GetAsync($"/segments/{id}")).QuerySelector($"form[action='/segments/{id}?handler=Delete']")!;
        form.GetAttribute("data-confirm").Should().Contain($"Snap {city}");
        var version = form.QuerySelector("input[name=version]")!.GetAttribute("value")!;
        var deleted = await session.PostFormAsync($"/segments/{id}?handler=Delete", new() { ["version"] = version });
        deleted.StatusCode.Should().Be(HttpStatusCode.Redirect);
        deleted.Headers.Location!.OriginalString.Should().Be("/segments");
        (await session.Client.GetAsync($"/segments/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_analyst_reads_segments_and_their_csv_but_cannot_build_change_or_delete_them()
    {
        var (city, _) = await PeopleAsync(1);
        var id = (await SegmentKit.CreateAsync(_staff, $"Look only {city}", CityRule(city))).GetProperty("id").GetInt64();
        var analyst = await PageSession.SignInAsync(app, Role.Analyst);

        var list = await analyst.GetAsync("/segments");
        list.QuerySelector("a[href='/segments/new']").Should().BeNull();
        var detail = await analyst.GetAsync($"/segments/{id}");
        detail.QuerySelector("form[data-confirm]").Should().BeNull();
        (await analyst.Client.GetAsync($"/segments/{id}?handler=Csv")).StatusCode.Should().Be(HttpStatusCode.OK);

        (await analyst.Client.GetAsync("/segments/new")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await analyst.Client.GetAsync($"/segments/{id}/edit")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await analyst.PostFormAsync("/segments/new", Form("Not mine", CityRule(city)))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await analyst.HtmxPostAsync("/segments/new?handler=Preview", new() { ["rules"] = CityRule(city) })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await analyst.PostFormAsync($"/segments/{id}/edit", Form("Not mine", CityRule(city)))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await analyst.PostFormAsync($"/segments/{id}?handler=Delete", [])).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await analyst.PostFormAsync($"/segments/{id}?handler=Snapshot", [])).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await _staff.GetAsync($"/api/v1/segments/{id}")).StatusCode.Should().Be(HttpStatusCode.OK, "still there");
    }
}
