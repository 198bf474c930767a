using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Identity;
using Rapport.Metrics;
using Rapport.Stages;
using Rapport.Surveys;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Interactions;

namespace Rapport.Tests.Segments;

/// <summary>
/// Five customers, A to E, made through the API with purchases, interactions, tags, custom fields, survey answers,
/// and analytics facts set by hand; every test previews a rule tree and compares the customers it matches with the
/// answer worked out by hand below. The same answers hold on SQLite and PostgreSQL.
/// </summary>
public sealed class SegmentDataFactory : RapportAppFactory
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _seeded;

    public Dictionary<string, long> Ids { get; } = [];
    public Dictionary<string, string> Placeholders { get; } = [];

    public async Task SeedAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (!_seeded)
            {
                await SeedOnceAsync();
                _seeded = true;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task SeedOnceAsync()
    {
        var admin = ClientAs(Role.Admin);
        var now = Clock.GetUtcNow();
        foreach (var (sku, category, price) in new[] { ("ESP-1", "coffee", 10m), ("TEA-1", "tea", 5m), ("MUG-1", "gear", 15m) })
        {
            (await admin.PostAsJsonAsync("/api/v1/products", new { sku, name = sku, category, price })).StatusCode.Should().Be(HttpStatusCode.Created);
        }

        foreach (var field in new object[]
                 {
                     new { key = "shoe_size", label = "Shoe size", type = "number" },
                     new { key = "vip_since", label = "VIP since", type = "date" },
                     new { key = "newsletter", label = "Newsletter", type = "boolean" },
                     new { key = "plan", label = "Plan", type = "choice", options = new List<string> { "Gold", "Silver" } },
                     new { key = "note", label = "Note", type = "text" },
                 })
        {
            var response = await admin.PostAsJsonAsync("/api/v1/custom-fields", field);
            response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        }

        var acme = await admin.PostAsJsonAsync("/api/v1/companies", new { name = "Acme" });
        var acmeId = (await acme.ReadJsonAsync()).GetProperty("id").GetInt64();
        var owner = await AddUserAsync(Role.Sales);

        Ids["A"] = await SegmentKit.CustomerAsync(admin, new
        {
            firstName = "Ada", lastName = "Lovelace", email = "ada@example.com", city = "Paris", country = "fr", language = "fr", tags = new List<string> { "vip", "newsletter" },
            companyId = acmeId, customFields = new Dictionary<string, object> { ["shoe_size"] = 42, ["vip_since"] = "2025-05-01", ["newsletter"] = true, ["plan"] = "Gold", ["note"] = "likes 100% cotton_wool" },
        });
        Ids["B"] = await SegmentKit.CustomerAsync(admin, new
        {
            firstName = "Bob", lastName = "O'Brien", email = "bob@example.org", city = "Lyon", country = "FR", tags = new List<string> { "newsletter" },
            customFields = new Dictionary<string, object> { ["shoe_size"] = 38, ["newsletter"] = false, ["plan"] = "Silver" },
        });
        Ids["C"] = await SegmentKit.CustomerAsync(admin, new { firstName = "Chloé", lastName = "Zhao", city = "Berlin", country = "DE", language = "de", ownerId = owner.Id });
        Ids["D"] = await SegmentKit.CustomerAsync(admin, new
        {
            firstName = "Dan", country = "US", tags = new List<string> { "vip" }, customFields = new Dictionary<string, object> { ["note"] = "50% off_fan" },
        });
        Ids["E"] = await SegmentKit.CustomerAsync(admin, new { firstName = "Eve", lastName = "O'Hara; DROP TABLE customers;--", email = "eve@example.com", city = "Paris" });

        var a = Ids["A"];
        await SegmentKit.TransactionAsync(admin, a, now.AddDays(-200), ("ESP-1", 2, 10), ("MUG-1", 1, 15));
        await SegmentKit.TransactionAsync(admin, a, now.AddDays(-40), ("ESP-1", 1, 10));
        await SegmentKit.TransactionAsync(admin, a, now.AddDays(-5), ("ESP-1", 3, 10), ("TEA-1", 1, 5));
        await SegmentKit.TransactionAsync(admin, Ids["B"], now.AddDays(-100), ("TEA-1", 4, 5));
        await SegmentKit.TransactionAsync(admin, Ids["B"], now.AddDays(-20), "EUR", ("TEA-1", 1, 5));
        await SegmentKit.TransactionAsync(admin, Ids["D"], now.AddDays(-10), ("MUG-1", 1, 15), ("GIFT-CARD", 1, 25));
        for (var d = 11; d <= 13; d++)
        {
            await SegmentKit.TransactionAsync(admin, Ids["D"], now.AddDays(-d), ("MUG-1", 1, 15));
        }

        foreach (var (type, channel, direction, days) in new[] { ("email", "email", "inbound", 3), ("call", "phone", "outbound", 50) })
        {
            var response = await admin.PostAsJsonAsync("/api/v1/interactions", new { customerId = a, type, channel, direction, occurredAt = now.AddDays(-days) });
            response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        }

        var survey = await Surveys.SurveyKit.CreateAsync(admin, new
        {
            title = "Pulse",
            questions = new object[]
            {
                new { kind = "nps", key = "nps", prompt = "Recommend us?" },
                new { kind = "singleChoice", key = "channel", prompt = "How did you hear about us?", options = new List<string> { "Friends", "Instagram", "Search" } },
            },
        });
        var surveyId = survey.GetProperty("id").GetInt64();
        await Surveys.SurveyKit.PublishAsync(admin, surveyId);
        async Task AnswerAsync(long customer, int nps, string? channel, int daysAgo)
        {
            var answers = new Dictionary<string, SurveyAnswerInput> { ["nps"] = new(Number: nps) };
            if (channel is not null)
            {
                answers["channel"] = new(Choices: [channel]);
            }

            var saved = await WithScopeAsync(sp => sp.GetRequiredService<SaveSurveyResponse>().HandleAsync(
                new ResponseToSave(surveyId, null, customer, null, SurveyResponseSource.Import, null, now.AddDays(-daysAgo), answers), CancellationToken.None));
            saved.IsOk.Should().BeTrue(string.Join("; ", saved.Errors.SelectMany(e => e.Value)));
        }

        await AnswerAsync(a, 10, "Instagram", 2);
        await AnswerAsync(Ids["B"], 7, "Friends", 30);
        await AnswerAsync(Ids["B"], 3, null, 1);
        await AnswerAsync(Ids["D"], 8, null, 4);

        // Analytics facts by hand (the analytics run is another slice).
        async Task FactsAsync(string who, string? rfm, int? r, int? f, int? m, decimal? clv, double? pAlive, Stage stage, int? sinceDays)
        {
            var id = Ids[who];
            await WithDbAsync(db => db.Set<CustomerMetrics>().Where(x => x.CustomerId == id).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.RfmSegment, rfm).SetProperty(x => x.RecencyScore, r).SetProperty(x => x.FrequencyScore, f)
                .SetProperty(x => x.MonetaryScore, m).SetProperty(x => x.Clv, clv).SetProperty(x => x.PAlive, pAlive)
                .SetProperty(x => x.Stage, stage).SetProperty(x => x.StageSince, sinceDays is { } days ? now.AddDays(-days) : null)));
        }

        await FactsAsync("A", "champions", 5, 4, 5, 900m, 0.9, Stage.Loyalty, 30);
        await FactsAsync("B", "at_risk", 2, 3, 3, 100m, 0.3, Stage.Purchase, 100);
        await FactsAsync("C", null, null, null, null, null, null, Stage.Prospecting, null);
        await FactsAsync("D", "loyal", 4, 4, 4, 400m, null, Stage.Connection, 10);
        await FactsAsync("E", null, null, null, null, null, null, Stage.Prospecting, null);

        var vip = await SegmentKit.CreateAsync(admin, "VIPs", """{"field":"tag","op":"eq","value":"vip"}""");
        var french = await SegmentKit.CreateAsync(admin, "French snapshot", """{"field":"country","op":"eq","value":"FR"}""", "static");
        Placeholders["{acme}"] = acmeId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Placeholders["{owner}"] = owner.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Placeholders["{ownerEmail}"] = owner.Email;
        Placeholders["{survey}"] = surveyId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Placeholders["{vip}"] = vip.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Placeholders["{french}"] = french.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}

public sealed class SegmentRuleTests(SegmentDataFactory app) : IClassFixture<SegmentDataFactory>
{
    private readonly HttpClient _marketing = app.ClientAs(Role.Marketing);

    [Theory]
    // Text: case-insensitive equality, contains with LIKE wildcards taken literally, quotes and SQL as plain text.
    [InlineData("""{"field":"firstName","op":"eq","value":"ada"}""", "A")]
    [InlineData("""{"field":"firstName","op":"neq","value":"Ada"}""", "BCDE")]
    [InlineData("""{"field":"lastName","op":"exists"}""", "ABCE")]
    [InlineData("""{"field":"lastName","op":"contains","value":"o'"}""", "BE")]
    [InlineData("""{"field":"lastName","op":"contains","value":"drop table customers;--"}""", "E")]
    [InlineData("""{"field":"lastName","op":"eq","value":"x' OR '1'='1"}""", "")]
    [InlineData("""{"field":"city","op":"in","value":["paris","LYON"]}""", "ABE")]
    [InlineData("""{"field":"country","op":"eq","value":"fr"}""", "AB")]
    [InlineData("""{"field":"email","op":"contains","value":"EXAMPLE.ORG"}""", "B")]
    [InlineData("""{"field":"custom.note","op":"contains","value":"%"}""", "AD")]
    [InlineData("""{"field":"custom.note","op":"contains","value":"n_w"}""", "A")]
    [InlineData("""{"field":"custom.note","op":"contains","value":"0_"}""", "")]
    [InlineData("""{"field":"custom.note","op":"contains","value":"\\"}""", "")]
    // Tags, company, owner.
    [InlineData("""{"field":"tag","op":"eq","value":"VIP"}""", "AD")]
    [InlineData("""{"field":"tag","op":"neq","value":"vip"}""", "BCE")]
    [InlineData("""{"field":"tag","op":"in","value":["newsletter","vip"]}""", "ABD")]
    [InlineData("""{"field":"tag","op":"exists"}""", "ABD")]
    [InlineData("""{"field":"company","op":"eq","value":{acme}}""", "A")]
    [InlineData("""{"field":"company","op":"eq","value":"acme"}""", "A")]
    [InlineData("""{"field":"company","op":"neq","value":"Acme"}""", "BCDE")]
    [InlineData("""{"field":"company","op":"exists"}""", "A")]
    [InlineData("""{"field":"owner","op":"eq","value":{owner}}""", "C")]
    [InlineData("""{"field":"owner","op":"in","value":["{ownerEmail}"]}""", "C")]
    // Custom fields of every type.
    [InlineData("""{"field":"custom.shoe_size","op":"gt","value":40}""", "A")]
    [InlineData("""{"field":"custom.shoe_size","op":"between","value":[38,42]}""", "AB")]
    [InlineData("""{"field":"custom.shoe_size","op":"lt","value":40}""", "B")]
    [InlineData("""{"field":"custom.shoe_size","op":"exists"}""", "AB")]
    [InlineData("""{"field":"custom.shoe_size","op":"neq","value":42}""", "BCDE")]
    [InlineData("""{"field":"custom.shoe_size","op":"in","value":[38,44]}""", "B")]
    [InlineData("""{"field":"custom.vip_since","op":"lt","value":"2025-06-01"}""", "A")]
    [InlineData("""{"field":"custom.vip_since","op":"eq","value":"2025-05-01"}""", "A")]
    [InlineData("""{"field":"custom.newsletter","op":"eq","value":true}""", "A")]
    [InlineData("""{"field":"custom.newsletter","op":"eq","value":false}""", "B")]
    [InlineData("""{"field":"custom.newsletter","op":"neq","value":true}""", "BCDE")]
    [InlineData("""{"field":"custom.plan","op":"eq","value":"gold"}""", "A")]
    [InlineData("""{"field":"custom.plan","op":"in","value":["Gold","Silver"]}""", "AB")]
    // Metrics, with the clock: the test clock stands still, every purchase was made a whole number of days ago.
    [InlineData("""{"field":"revenue","op":"gte","value":80}""", "AD")]
    [InlineData("""{"field":"revenue","op":"between","value":[20,80]}""", "AB")]
    [InlineData("""{"field":"revenue","op":"eq","value":0}""", "CE")]
    [InlineData("""{"field":"purchaseCount","op":"gt","value":2}""", "AD")]
    [InlineData("""{"field":"daysSinceLastPurchase","op":"lte","value":5}""", "A")]
    [InlineData("""{"field":"daysSinceLastPurchase","op":"lt","value":5}""", "")]
    [InlineData("""{"field":"daysSinceLastPurchase","op":"eq","value":10}""", "D")]
    [InlineData("""{"field":"daysSinceLastPurchase","op":"between","value":[5,10]}""", "AD")]
    [InlineData("""{"field":"daysSinceLastPurchase","op":"gt","value":10}""", "B")]
    [InlineData("""{"field":"daysSinceLastPurchase","op":"exists"}""", "ABD")]
    [InlineData("""{"field":"daysSinceFirstPurchase","op":"gte","value":200}""", "A")]
    [InlineData("""{"field":"createdAt","op":"eq","value":"2026-06-15"}""", "ABCDE")]
    [InlineData("""{"field":"createdAt","op":"lt","value":"2026-06-15"}""", "")]
    [InlineData("""{"field":"daysSinceCreated","op":"eq","value":0}""", "ABCDE")]
    [InlineData("""{"field":"interactionCount","op":"eq","value":2}""", "A")]
    [InlineData("""{"field":"daysSinceLastInteraction","op":"lte","value":3}""", "A")]
    // Stage and analytics.
    [InlineData("""{"field":"stage","op":"eq","value":"loyalty"}""", "A")]
    [InlineData("""{"field":"stage","op":"gte","value":"purchase"}""", "ABD")]
    [InlineData("""{"field":"stage","op":"in","value":["prospecting"]}""", "CE")]
    [InlineData("""{"field":"stage","op":"between","value":["consideration","connection"]}""", "BD")]
    [InlineData("""{"field":"daysInStage","op":"gte","value":30}""", "AB")]
    [InlineData("""{"field":"daysInStage","op":"lt","value":30}""", "D")]
    [InlineData("""{"field":"rfmSegment","op":"eq","value":"champions"}""", "A")]
    [InlineData("""{"field":"rfmSegment","op":"in","value":["at_risk","loyal"]}""", "BD")]
    [InlineData("""{"field":"rfmSegment","op":"neq","value":"champions"}""", "BCDE")]
    [InlineData("""{"field":"rfmSegment","op":"exists"}""", "ABD")]
    [InlineData("""{"field":"recencyScore","op":"gte","value":4}""", "AD")]
    [InlineData("""{"field":"clv","op":"gt","value":300}""", "AD")]
    [InlineData("""{"field":"pAlive","op":"lt","value":0.5}""", "B")]
    [InlineData("""{"field":"pAlive","op":"neq","value":0.9}""", "BCDE")]
    // Surveys: the latest answer counts (B said 7, then 3).
    [InlineData("""{"field":"npsScore","op":"gte","value":9}""", "A")]
    [InlineData("""{"field":"npsGroup","op":"eq","value":"promoter"}""", "A")]
    [InlineData("""{"field":"npsGroup","op":"eq","value":"detractor"}""", "B")]
    [InlineData("""{"field":"npsGroup","op":"in","value":["passive","detractor"]}""", "BD")]
    [InlineData("""{"field":"npsGroup","op":"neq","value":"promoter"}""", "BCDE")]
    [InlineData("""{"field":"survey.{survey}.channel","op":"eq","value":"instagram"}""", "A")]
    [InlineData("""{"field":"survey.{survey}.nps","op":"lte","value":8}""", "BD")]
    // Purchases, from the summary and, where a window meets a count or an amount, from the lines.
    [InlineData("""{"purchased":{}}""", "ABD")]
    [InlineData("""{"purchased":{"category":"coffee"}}""", "A")]
    [InlineData("""{"purchased":{"category":"tea"}}""", "AB")]
    [InlineData("""{"purchased":{"category":"tea","withinDays":30}}""", "AB")]
    [InlineData("""{"purchased":{"category":"tea","withinDays":10}}""", "A")]
    [InlineData("""{"purchased":{"category":"tea","minCount":2}}""", "B")]
    [InlineData("""{"purchased":{"category":"tea","minAmount":10}}""", "B")]
    [InlineData("""{"purchased":{"category":"tea","withinDays":30,"minAmount":5}}""", "A")]
    [InlineData("""{"purchased":{"category":"coffee","withinDays":30,"minCount":2}}""", "")]
    [InlineData("""{"purchased":{"category":"coffee","withinDays":45,"minCount":2}}""", "A")]
    [InlineData("""{"purchased":{"sku":"ESP-1","minAmount":60}}""", "A")]
    [InlineData("""{"purchased":{"sku":"GIFT-CARD"}}""", "D")]
    [InlineData("""{"purchased":{"sku":"ESP-1","category":"tea"}}""", "")]
    [InlineData("""{"purchased":{"sku":"ESP-1","category":"coffee"}}""", "A")]
    [InlineData("""{"purchased":{"category":"gear","withinDays":30,"minAmount":50}}""", "D")]
    [InlineData("""{"purchased":{"withinDays":15,"minCount":2}}""", "D")]
    [InlineData("""{"purchased":{"minAmount":81}}""", "D")]
    [InlineData("""{"purchased":{"withinDays":30}}""", "ABD")]
    // Interactions.
    [InlineData("""{"interacted":{}}""", "A")]
    [InlineData("""{"interacted":{"channel":"email"}}""", "A")]
    [InlineData("""{"interacted":{"type":"call","withinDays":30}}""", "")]
    [InlineData("""{"interacted":{"direction":"outbound"}}""", "A")]
    [InlineData("""{"interacted":{"withinDays":10,"minCount":2}}""", "")]
    [InlineData("""{"interacted":{"minCount":2}}""", "A")]
    // Groups and segments.
    [InlineData("""{"not":{"field":"tag","op":"eq","value":"vip"}}""", "BCE")]
    [InlineData("""{"all":[{"field":"country","op":"eq","value":"FR"},{"any":[{"field":"tag","op":"eq","value":"vip"},{"field":"revenue","op":"lt","value":30}]}]}""", "AB")]
    [InlineData("""{"all":[]}""", "ABCDE")]
    [InlineData("""{"any":[]}""", "")]
    [InlineData("""{"field":"segment","op":"eq","value":{vip}}""", "AD")]
    [InlineData("""{"field":"segment","op":"neq","value":{vip}}""", "BCE")]
    [InlineData("""{"field":"segment","op":"in","value":[{vip},{french}]}""", "ABD")]
    public async Task Preview_matches_the_customers_worked_out_by_hand(string rules, string expected)
    {
        await app.SeedAsync();
        foreach (var (key, value) in app.Placeholders)
        {
            rules = rules.Replace(key, value, StringComparison.Ordinal);
        }

        var (count, ids) = await SegmentKit.PreviewAsync(_marketing, rules);
        var names = app.Ids.Where(kv => ids.Contains(kv.Value)).Select(kv => kv.Key).Order().ToList();
        string.Concat(names).Should().Be(expected, rules);
        count.Should().Be(expected.Length);
    }

    [Fact]
    public async Task Fields_list_every_field_with_type_ops_and_options()
    {
        await app.SeedAsync();
        var fields = (await (await _marketing.GetAsync("/api/v1/segments/fields")).ReadJsonAsync()).EnumerateArray().ToList();
        var keys = fields.Select(f => f.GetProperty("key").GetString()).ToList();
        keys.Should().Contain(["firstName", "tag", "company", "owner", "stage", "daysInStage", "rfmSegment", "revenue", "purchaseCount", "daysSinceLastPurchase",
            "clv", "pAlive", "interactionCount", "npsGroup", "segment", "custom.shoe_size", "custom.plan", $"survey.{app.Placeholders["{survey}"]}.channel"]);
        var stage = fields.Single(f => f.GetProperty("key").GetString() == "stage");
        stage.GetProperty("type").GetString().Should().Be("enum");
        stage.GetProperty("options").EnumerateArray().Select(o => o.GetProperty("key").GetString()).Should().Equal("prospecting", "consideration", "purchase", "connection", "loyalty");
        var plan = fields.Single(f => f.GetProperty("key").GetString() == "custom.plan");
        plan.GetProperty("ops").EnumerateArray().Select(o => o.GetString()).Should().Equal("eq", "neq", "in", "exists");
        fields.Single(f => f.GetProperty("key").GetString() == "revenue").GetProperty("group").GetString().Should().Be("Purchases");
    }

    [Fact]
    public async Task The_customers_table_survives_sql_in_values()
    {
        await app.SeedAsync();
        var (count, _) = await SegmentKit.PreviewAsync(_marketing, """{"any":[{"field":"city","op":"eq","value":"'); DROP TABLE customers; --"},{"field":"email","op":"contains","value":"\" OR 1=1 --"}]}""");
        count.Should().Be(0);
        (await SegmentKit.PreviewAsync(_marketing, """{"all":[]}""")).Count.Should().Be(5);
    }
}
