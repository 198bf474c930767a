using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Html.Parser;
using Rapport.Identity;
using Rapport.Stages;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Interactions;
using Rapport.Tests.Tasks;

namespace Rapport.Tests.Playbooks;

/// <summary>The stage playbooks: the defaults of the migration, reading and replacing them with ETags, their rules, the page, and the cadence check.</summary>
public sealed class PlaybookTests(TasksAppFactory app) : IClassFixture<TasksAppFactory>
{
    private static readonly DateTimeOffset LongAgo = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Email = ["email"], EmailTwice = ["email", "email"], EmailPhone = ["email", "phone"], Pigeon = ["pigeon"];
    private static readonly string[] LoyaltyTemplates = ["Thank-you note", "", "  Early access  "];
    private readonly HttpClient _marketing = app.ClientAs(Role.Marketing);

    private static object Valid(int minDays = 14, int perThirty = 2, int? maxDays = 90) => new
    {
        minDaysBetweenContacts = minDays,
        maxContactsPerThirtyDays = perThirty,
        maxDaysWithoutContact = maxDays,
        channels = EmailPhone,
        emphasis = "reward",
        templates = LoyaltyTemplates,
        notes = "Reward, recognise.",
    };

    private async Task<HttpResponseMessage> PutAsync(string stage, object body, string? ifMatch, HttpClient? client = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/playbooks/{stage}") { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await (client ?? _marketing).SendAsync(request);
    }

    private async Task<string> ETagOfAsync(string stage) => (await _marketing.GetAsync($"/api/v1/playbooks/{stage}")).Headers.ETag!.Tag;

    [Fact]
    public async Task Every_stage_has_a_default_playbook_in_the_order_of_the_journey()
    {
        var list = await (await app.ClientAs(Role.Analyst).GetAsync("/api/v1/playbooks")).ReadJsonAsync();
        list.EnumerateArray().Select(p => p.GetProperty("stage").GetString()).Should().Equal("prospecting", "consideration", "purchase", "connection", "loyalty");
        var prospecting = list[0];
        prospecting.GetProperty("minDaysBetweenContacts").GetInt32().Should().Be(7);
        prospecting.GetProperty("maxContactsPerThirtyDays").GetInt32().Should().Be(2);
        prospecting.GetProperty("maxDaysWithoutContact").GetInt32().Should().Be(45);
        prospecting.GetProperty("emphasis").GetString().Should().Be("educate");
        prospecting.GetProperty("channels").EnumerateArray().Select(c => c.GetString()).Should().Equal("email");
        prospecting.GetProperty("templates").GetArrayLength().Should().Be(3);
        list[3].GetProperty("channels").EnumerateArray().Select(c => c.GetString()).Should().Equal("email", "phone", "inPerson");
        list[3].GetProperty("maxDaysWithoutContact").GetInt32().Should().Be(60);
    }

    [Fact]
    public async Task A_playbook_is_replaced_with_if_match_and_a_stale_or_missing_etag_is_refused()
    {
        var etag = await ETagOfAsync("loyalty");
        await (await PutAsync("loyalty", Valid(), null)).ShouldBeProblemAsync(HttpStatusCode.PreconditionRequired);

        var saved = await PutAsync("loyalty", Valid(minDays: 10, perThirty: 3, maxDays: 120), etag);
        saved.StatusCode.Should().Be(HttpStatusCode.OK, await saved.Content.ReadAsStringAsync());
        saved.Headers.ETag!.Tag.Should().NotBe(etag);
        var body = await saved.ReadJsonAsync();
        body.GetProperty("minDaysBetweenContacts").GetInt32().Should().Be(10);
        body.GetProperty("maxContactsPerThirtyDays").GetInt32().Should().Be(3);
        body.GetProperty("maxDaysWithoutContact").GetInt32().Should().Be(120);
        body.GetProperty("channels").EnumerateArray().Select(c => c.GetString()).Should().Equal("email", "phone");
        body.GetProperty("templates").EnumerateArray().Select(c => c.GetString()).Should().Equal("Thank-you note", "Early access");
        body.GetProperty("updatedAt").GetDateTimeOffset().Should().Be(app.Clock.GetUtcNow());

        await (await PutAsync("loyalty", Valid(), etag)).ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed);
        (await PutAsync("loyalty", Valid(maxDays: null), "*")).StatusCode.Should().Be(HttpStatusCode.OK, "null means no follow-up tasks");
        (await (await _marketing.GetAsync("/api/v1/playbooks/loyalty")).ReadJsonAsync()).GetProperty("maxDaysWithoutContact").ValueKind.Should().Be(JsonValueKind.Null);
        await (await _marketing.GetAsync("/api/v1/playbooks/stranger")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await PutAsync("stranger", Valid(), "*")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    public static TheoryData<string, object> BadPlaybooks => new()
    {
        { "minDaysBetweenContacts", new { minDaysBetweenContacts = -1, maxContactsPerThirtyDays = 2, maxDaysWithoutContact = 45, channels = Email, emphasis = "educate" } },
        { "minDaysBetweenContacts", new { minDaysBetweenContacts = 366, maxContactsPerThirtyDays = 1, maxDaysWithoutContact = 400, channels = Email, emphasis = "educate" } },
        { "maxContactsPerThirtyDays", new { minDaysBetweenContacts = 0, maxContactsPerThirtyDays = 0, maxDaysWithoutContact = 45, channels = Email, emphasis = "educate" } },
        { "maxContactsPerThirtyDays", new { minDaysBetweenContacts = 0, maxContactsPerThirtyDays = 31, maxDaysWithoutContact = 45, channels = Email, emphasis = "educate" } },
        { "maxContactsPerThirtyDays", new { minDaysBetweenContacts = 7, maxContactsPerThirtyDays = 6, maxDaysWithoutContact = 45, channels = Email, emphasis = "educate" } },
        { "maxDaysWithoutContact", new { minDaysBetweenContacts = 7, maxContactsPerThirtyDays = 2, maxDaysWithoutContact = 0, channels = Email, emphasis = "educate" } },
        { "maxDaysWithoutContact", new { minDaysBetweenContacts = 7, maxContactsPerThirtyDays = 2, maxDaysWithoutContact = 731, channels = Email, emphasis = "educate" } },
        { "maxDaysWithoutContact", new { minDaysBetweenContacts = 30, maxContactsPerThirtyDays = 1, maxDaysWithoutContact = 30, channels = Email, emphasis = "educate" } },
        { "channels", new { minDaysBetweenContacts = 7, maxContactsPerThirtyDays = 2, maxDaysWithoutContact = 45, channels = Array.Empty<string>(), emphasis = "educate" } },
        { "channels", new { minDaysBetweenContacts = 7, maxContactsPerThirtyDays = 2, maxDaysWithoutContact = 45, channels = EmailTwice, emphasis = "educate" } },
        { "emphasis", new { minDaysBetweenContacts = 7, maxContactsPerThirtyDays = 2, maxDaysWithoutContact = 45, channels = Email } },
        { "templates", new { minDaysBetweenContacts = 7, maxContactsPerThirtyDays = 2, maxDaysWithoutContact = 45, channels = Email, emphasis = "educate", templates = Enumerable.Range(1, 21).Select(i => $"T{i}").ToArray() } },
        { "notes", new { minDaysBetweenContacts = 7, maxContactsPerThirtyDays = 2, maxDaysWithoutContact = 45, channels = Email, emphasis = "educate", notes = new string('n', 4001) } },
    };

    [Theory]
    [MemberData(nameof(BadPlaybooks))]
    public async Task A_playbook_that_breaks_a_rule_is_a_400_naming_the_field_and_nothing_changes(string field, object body)
    {
        var etag = await ETagOfAsync("purchase");
        await (await PutAsync("purchase", body, etag)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, field);
        (await ETagOfAsync("purchase")).Should().Be(etag);
    }

    [Fact]
    public async Task Unknown_channels_and_emphases_are_a_400_and_only_admins_and_marketing_may_write()
    {
        (await PutAsync("purchase", new { minDaysBetweenContacts = 3, maxContactsPerThirtyDays = 4, maxDaysWithoutContact = 10, channels = Pigeon, emphasis = "thank" }, "*"))
            .StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await PutAsync("purchase", new { minDaysBetweenContacts = 3, maxContactsPerThirtyDays = 4, maxDaysWithoutContact = 10, channels = Email, emphasis = "bribe" }, "*"))
            .StatusCode.Should().Be(HttpStatusCode.BadRequest);
        await (await PutAsync("purchase", Valid(), "*", app.ClientAs(Role.Sales))).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await PutAsync("purchase", Valid(), "*", app.ClientAs(Role.Analyst))).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        (await app.ClientAs(Role.Sales).GetAsync("/api/v1/playbooks/purchase")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_cadence_check_says_when_the_next_contact_is_allowed_and_what_the_last_one_broke()
    {
        var now = app.Clock.GetUtcNow();
        var customer = await app.CustomerAsync(LongAgo, Stage.Consideration);
        var cadence = await (await _marketing.GetAsync($"/api/v1/customers/{customer}/cadence")).ReadJsonAsync();
        cadence.GetProperty("stage").GetString().Should().Be("consideration");
        cadence.GetProperty("lastContactAt").ValueKind.Should().Be(JsonValueKind.Null);
        cadence.GetProperty("overdue").GetBoolean().Should().BeTrue("never contacted and added long ago; Consideration allows 14 days");
        cadence.GetProperty("warnings").GetArrayLength().Should().Be(0);

        await app.InteractionAsync(customer, "outbound", now.AddDays(-20));
        await app.InteractionAsync(customer, "outbound", now.AddDays(-10));
        await app.InteractionAsync(customer, "outbound", now.AddDays(-6));
        await app.InteractionAsync(customer, "outbound", now.AddDays(-3));
        await app.InteractionAsync(customer, "inbound", now.AddDays(-1));
        await app.InteractionAsync(customer, "internal", now.AddHours(-1));

        cadence = await (await _marketing.GetAsync($"/api/v1/customers/{customer}/cadence")).ReadJsonAsync();
        cadence.GetProperty("lastContactAt").GetDateTimeOffset().Should().Be(now.AddDays(-1), "a reply is contact; a note is not");
        cadence.GetProperty("lastOutboundAt").GetDateTimeOffset().Should().Be(now.AddDays(-3));
        cadence.GetProperty("outboundInLastThirtyDays").GetInt32().Should().Be(4);
        cadence.GetProperty("daysWithoutContact").GetInt32().Should().Be(1);
        cadence.GetProperty("overdue").GetBoolean().Should().BeFalse();
        cadence.GetProperty("overdueSince").GetDateTimeOffset().Should().Be(now.AddDays(-1 + 15));
        // Four in 30 days is the most Consideration allows: the next is allowed when the oldest (20 days ago) leaves the window.
        cadence.GetProperty("nextContactAllowedFrom").GetDateTimeOffset().Should().Be(now.AddDays(10));
        cadence.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()).Should().HaveCount(2)
            .And.Contain(w => w!.Contains("at least 4 days")).And.Contain(w => w!.Contains("4 contacts in the last 30 days"));
        cadence.GetProperty("lastContactWarnings").EnumerateArray().Select(w => w.GetString()).Should().ContainSingle()
            .Which.Should().Contain("Only 3 days since the last contact");

        var later = await (await _marketing.GetAsync($"/api/v1/customers/{customer}/cadence?at={Uri.EscapeDataString(now.AddDays(11).ToString("O"))}")).ReadJsonAsync();
        later.GetProperty("warnings").GetArrayLength().Should().Be(0);
        await (await _marketing.GetAsync("/api/v1/customers/999999/cadence")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_playbooks_page_shows_every_stage_and_lets_marketing_edit_it()
    {
        var analyst = await app.SignedInAs(Role.Analyst);
        var readOnly = new HtmlParser().ParseDocument(await analyst.GetStringAsync("/playbooks"));
        readOnly.QuerySelectorAll("section.playbook").Select(s => s.GetAttribute("data-stage")).Should().Equal("prospecting", "consideration", "purchase", "connection", "loyalty");
        readOnly.QuerySelectorAll("form[id^='playbook-form-']").Should().BeEmpty();

        var marketing = await app.SignedInAs(Role.Marketing);
        var page = new HtmlParser().ParseDocument(await marketing.GetStringAsync("/playbooks"));
        var form = page.QuerySelector("#playbook-form-connection")!;
        var fields = new Dictionary<string, string>
        {
            [RapportAppFactory.AntiforgeryField] = form.QuerySelector($"input[name={RapportAppFactory.AntiforgeryField}]")!.GetAttribute("value")!,
            ["version"] = form.QuerySelector("input[name=version]")!.GetAttribute("value")!,
            ["minDays"] = "10",
            ["maxPerThirtyDays"] = "3",
            ["maxDaysWithoutContact"] = "50",
            ["emphasis"] = "deepen",
            ["templates"] = "Invitation\nFeedback",
        };
        var content = new FormUrlEncodedContent([.. fields, new("channels", "Email"), new("channels", "InPerson")]);
        var saved = await marketing.PostAsync("/playbooks?stage=connection", content);
        saved.StatusCode.Should().Be(HttpStatusCode.Redirect, await saved.Content.ReadAsStringAsync());
        var connection = await (await _marketing.GetAsync("/api/v1/playbooks/connection")).ReadJsonAsync();
        connection.GetProperty("maxDaysWithoutContact").GetInt32().Should().Be(50);
        connection.GetProperty("channels").EnumerateArray().Select(c => c.GetString()).Should().Equal("email", "inPerson");
        connection.GetProperty("updatedBy").GetString().Should().Be("Test Marketing");

        var again = await marketing.PostAsync("/playbooks?stage=connection", new FormUrlEncodedContent([.. fields, new("channels", "Email")]));
        again.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity, "the version on the form is stale now");
        (await again.Content.ReadAsStringAsync()).Should().Contain("Someone changed this playbook");

        var sales = await app.SignedInAs(Role.Sales);
        var token = await RapportAppFactory.AntiforgeryTokenAsync(sales, "/playbooks");
        (await sales.PostAsync("/playbooks?stage=connection", new FormUrlEncodedContent(new Dictionary<string, string> { [RapportAppFactory.AntiforgeryField] = token })))
            .StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }
}
