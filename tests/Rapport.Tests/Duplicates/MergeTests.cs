using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Duplicates;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;
using Rapport.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using static Rapport.Tests.Customers.CustomerTestApi;
using static Rapport.Tests.Duplicates.DuplicateTestApi;

namespace Rapport.Tests.Duplicates;

public sealed class MergeTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private readonly HttpClient _sales = app.ClientAs(Role.Sales);

    private async Task EnsureCustomFieldAsync(string key, string type)
    {
        var admin = app.ClientAs(Role.Admin);
        var existing = await (await admin.GetAsync("/api/v1/custom-fields")).Content.ReadFromJsonAsync<JsonElement>();
        if (existing.EnumerateArray().All(f => f.GetProperty("key").GetString() != key))
        {
            await ExpectAsync(await admin.PostAsJsonAsync("/api/v1/custom-fields", new { key, label = key, type }), HttpStatusCode.Created);
        }
    }

    [Fact]
    public async Task Merge_moves_every_timeline_item_keeps_all_external_ids_unites_tags_and_honours_field_choices()
    {
        await EnsureCustomFieldAsync("roast", "text");
        await EnsureCustomFieldAsync("cups", "number");
        var survivor = await CreateIdAsync(_sales, new
        {
            firstName = "Marge", lastName = "Keeper", email = "marge.old@example.com", phone = "+1 555 0100 200",
            tags = new List<string> { "vip", "coffee" }, customFields = new { roast = "dark" },
            externalIds = new[] { new { source = "shop", externalId = "S-1" } },
        });
        var merged = await CreateIdAsync(_sales, new
        {
            firstName = "Margaret", lastName = "Keeper", email = "marge.new@example.com", city = "Lisbon",
            tags = new List<string> { "coffee", "newsletter" }, customFields = new { roast = "light", cups = 3 },
            externalIds = new[] { new { source = "shop", externalId = "S-2" }, new { source = "erp", externalId = "E-9" } },
        });
        var t1 = await AddTransactionAsync(app, merged, app.Clock.GetUtcNow().AddDays(-10), 40m, "ORD-M1", ("Beans", 2m, 20m));
        var t2 = await AddTransactionAsync(app, merged, app.Clock.GetUtcNow().AddDays(-5), 15m, "ORD-M2", ("Filter", 1m, 15m));
        var t0 = await AddTransactionAsync(app, survivor, app.Clock.GetUtcNow().AddDays(-20), 10m, "ORD-S1", ("Mug", 1m, 10m));
        var i1 = await AddInteractionAsync(app, merged, app.Clock.GetUtcNow().AddDays(-2), subject: "Called about order");
        var before = await GetAsync(_sales, survivor);
        var mergedBefore = await GetAsync(_sales, merged);

        var response = await MergeAsync(_sales, survivor, new
        {
            mergeId = merged,
            fields = new Dictionary<string, string> { ["firstName"] = "merged", ["email"] = "merged", ["customFields.roast"] = "merged" },
            mergeVersion = mergedBefore.GetProperty("version").GetInt32(),
        }, $"\"{before.GetProperty("version").GetInt32()}\"");

        await ExpectAsync(response, HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var customer = body.GetProperty("customer");
        customer.GetProperty("firstName").GetString().Should().Be("Margaret", "the merged side was chosen");
        customer.GetProperty("email").GetString().Should().Be("marge.new@example.com");
        customer.GetProperty("phone").GetString().Should().Be("+1 555 0100 200", "not named: the survivor's value stays");
        customer.GetProperty("city").GetString().Should().Be("Lisbon", "not named and empty on the survivor: the other's value fills it");
        customer.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).Should().Equal("coffee", "newsletter", "vip");
        customer.GetProperty("customFields").GetProperty("roast").GetProperty("value").GetString().Should().Be("light");
        customer.GetProperty("customFields").GetProperty("cups").GetProperty("value").GetDecimal().Should().Be(3m);
        customer.GetProperty("externalIds").EnumerateArray().Select(x => $"{x.GetProperty("source").GetString()}:{x.GetProperty("externalId").GetString()}")
            .Should().BeEquivalentTo("shop:S-1", "shop:S-2", "erp:E-9");
        customer.GetProperty("metrics").GetProperty("purchaseCount").GetInt32().Should().Be(3);
        customer.GetProperty("metrics").GetProperty("revenue").GetDecimal().Should().Be(65m);
        customer.GetProperty("metrics").GetProperty("interactionCount").GetInt32().Should().Be(1);
        customer.GetProperty("version").GetInt32().Should().BeGreaterThan(before.GetProperty("version").GetInt32());
        response.Headers.ETag!.Tag.Should().Be($"\"{customer.GetProperty("version").GetInt32()}\"");
        var merge = body.GetProperty("merge");
        merge.GetProperty("mergedCustomerId").GetInt64().Should().Be(merged);
        merge.GetProperty("mergedName").GetString().Should().Be("Margaret Keeper");
        merge.GetProperty("fieldChoices").GetProperty("email").GetString().Should().Be("merged");
        merge.GetProperty("fieldChoices").GetProperty("phone").GetString().Should().Be("survivor");
        merge.GetProperty("fieldChoices").GetProperty("city").GetString().Should().Be("merged");
        merge.GetProperty("moved").GetProperty("transactions").GetInt32().Should().Be(2);
        merge.GetProperty("moved").GetProperty("transactionLines").GetInt32().Should().Be(2);
        merge.GetProperty("moved").GetProperty("interactions").GetInt32().Should().Be(1);
        merge.GetProperty("moved").GetProperty("externalIds").GetInt32().Should().Be(2);
        merge.GetProperty("source").GetString().Should().Be("api");

        var stored = await app.WithDbAsync(async db => new
        {
            Transactions = await db.Transactions.AsNoTracking().Where(t => t.Id == t0 || t.Id == t1 || t.Id == t2).Select(t => t.CustomerId).ToListAsync(),
            Lines = await db.TransactionLines.AsNoTracking().Where(l => l.TransactionId == t1 || l.TransactionId == t2).Select(l => l.CustomerId).ToListAsync(),
            Interaction = await db.Interactions.AsNoTracking().Where(i => i.Id == i1).Select(i => i.CustomerId).SingleAsync(),
            MergedExists = await db.Customers.AnyAsync(c => c.Id == merged),
            Record = await db.CustomerMerges.AsNoTracking().SingleAsync(m => m.MergedCustomerId == merged),
        });
        stored.Transactions.Should().AllBeEquivalentTo(survivor).And.HaveCount(3);
        stored.Lines.Should().AllBeEquivalentTo(survivor).And.HaveCount(2);
        stored.Interaction.Should().Be(survivor);
        stored.MergedExists.Should().BeFalse();
        stored.Record.SurvivingCustomerId.Should().Be(survivor);
        JsonDocument.Parse(stored.Record.MergedSnapshot).RootElement.GetProperty("email").GetString().Should().Be("marge.new@example.com");

        var timeline = await (await _sales.GetAsync($"/api/v1/customers/{survivor}/timeline")).Content.ReadFromJsonAsync<JsonElement>();
        timeline.GetProperty("items").GetArrayLength().Should().Be(4);
        var merges = await (await _sales.GetAsync($"/api/v1/customers/{survivor}/merges")).Content.ReadFromJsonAsync<JsonElement>();
        merges.EnumerateArray().Select(m => m.GetProperty("mergedCustomerId").GetInt64()).Should().Equal(merged);
    }

    [Fact]
    public async Task A_merged_away_id_answers_404_naming_the_survivor_even_after_a_second_merge()
    {
        var first = await CreateIdAsync(_sales, new { firstName = "Chain", lastName = "One" });
        var second = await CreateIdAsync(_sales, new { firstName = "Chain", lastName = "Two" });
        var third = await CreateIdAsync(_sales, new { firstName = "Chain", lastName = "Three" });
        await ExpectAsync(await MergeAsync(_sales, second, new { mergeId = first }), HttpStatusCode.OK);
        await ExpectAsync(await MergeAsync(_sales, third, new { mergeId = second }), HttpStatusCode.OK);

        foreach (var (id, survivor) in new[] { (first, third), (second, third) })
        {
            var problem = await ExpectProblemAsync(await _sales.GetAsync($"/api/v1/customers/{id}"), HttpStatusCode.NotFound);
            problem.GetProperty("detail").GetString().Should().Contain($"merged into customer {survivor}");
            problem.GetProperty("mergedInto").GetInt64().Should().Be(survivor);
            problem.GetProperty("type").GetString().Should().Be("/problems/merged");
            await ExpectProblemAsync(await _sales.GetAsync($"/api/v1/customers/{id}/timeline"), HttpStatusCode.NotFound);
            (await ExpectProblemAsync(await _sales.GetAsync($"/api/v1/customers/{id}/merges"), HttpStatusCode.NotFound))
                .GetProperty("mergedInto").GetInt64().Should().Be(survivor);
        }

        var plain = await ExpectProblemAsync(await _sales.GetAsync("/api/v1/customers/987654"), HttpStatusCode.NotFound);
        plain.GetProperty("type").GetString().Should().Be("/problems/not-found");
        var again = await ExpectProblemAsync(await MergeAsync(_sales, third, new { mergeId = first }), HttpStatusCode.BadRequest, "mergeId");
        again.GetProperty("errors").GetProperty("mergeId")[0].GetString().Should().Contain($"merged into customer {third}");
    }

    [Fact]
    public async Task Bad_merge_requests_are_problems_and_change_nothing()
    {
        var a = await CreateIdAsync(_sales, new { firstName = "Bad", lastName = "Input", email = "bad.a@example.com" });
        var b = await CreateIdAsync(_sales, new { firstName = "Bad", lastName = "Input", email = "bad.b@example.com" });
        await AddTransactionAsync(app, a, app.Clock.GetUtcNow().AddDays(-1), 5m, "SAME-ORDER");
        await AddTransactionAsync(app, b, app.Clock.GetUtcNow().AddDays(-1), 5m, "SAME-ORDER");

        await ExpectProblemAsync(await MergeAsync(_sales, a, new { mergeId = a }), HttpStatusCode.BadRequest, "mergeId");
        await ExpectProblemAsync(await MergeAsync(_sales, a, new { }), HttpStatusCode.BadRequest, "mergeId");
        await ExpectProblemAsync(await MergeAsync(_sales, a, new { mergeId = b, fields = new { colour = "merged" } }), HttpStatusCode.BadRequest, "fields.colour");
        await ExpectProblemAsync(await MergeAsync(_sales, a, new { mergeId = b, fields = new { email = "both" } }), HttpStatusCode.BadRequest);
        await ExpectProblemAsync(await MergeAsync(_sales, a, new { mergeId = b, extra = 1 }), HttpStatusCode.BadRequest, "extra");
        await ExpectProblemAsync(await MergeAsync(_sales, a, new { mergeId = 999999 }), HttpStatusCode.BadRequest, "mergeId");
        await ExpectProblemAsync(await MergeAsync(_sales, 999999, new { mergeId = a }), HttpStatusCode.NotFound);
        await ExpectProblemAsync(await MergeAsync(_sales, a, new { mergeId = b }, "\"99\""), HttpStatusCode.PreconditionFailed);
        await ExpectProblemAsync(await MergeAsync(_sales, a, new { mergeId = b, mergeVersion = 99 }), HttpStatusCode.PreconditionFailed);
        await ExpectProblemAsync(await MergeAsync(_sales, a, new { mergeId = b }), HttpStatusCode.Conflict);

        (await app.WithDbAsync(db => db.Customers.CountAsync(c => c.Id == a || c.Id == b))).Should().Be(2);
        (await app.WithDbAsync(db => db.CustomerMerges.CountAsync(m => m.SurvivingCustomerId == a))).Should().Be(0);
        (await GetAsync(_sales, a)).GetProperty("version").GetInt32().Should().Be(1);
    }

    [Fact]
    public async Task A_chosen_empty_name_and_email_is_refused()
    {
        var a = await CreateIdAsync(_sales, new { firstName = "Only", email = "only.a@example.com" });
        var b = await CreateIdAsync(_sales, new { lastName = "Other" });
        await ExpectProblemAsync(await MergeAsync(_sales, a, new
        {
            mergeId = b,
            fields = new { firstName = "merged", email = "merged", lastName = "survivor" },
        }), HttpStatusCode.BadRequest, "fields");
        (await app.WithDbAsync(db => db.Customers.CountAsync(c => c.Id == a || c.Id == b))).Should().Be(2);
    }

    [Fact]
    public async Task Candidates_of_the_merged_customer_move_to_the_survivor_and_the_merged_pair_is_closed()
    {
        var a = await CreateIdAsync(_sales, new { firstName = "Trio", lastName = "Samename", email = "trio@example.com" });
        var b = await CreateIdAsync(_sales, new { firstName = "Trio", lastName = "Samename", email = "TRIO@example.com", phone = "+1 555 777 8888" });
        var c = await CreateIdAsync(_sales, new { firstName = "Trio", lastName = "Samename", phone = "555 777 8888", country = "US" });
        await DetectAsync(_sales);
        var open = await CandidatesAsync(_sales);
        Pair(open, a, b).Should().NotBeNull();
        Pair(open, b, c).Should().NotBeNull();
        Pair(open, a, c).Should().BeNull("a and c share nothing but the name");

        var response = await MergeAsync(_sales, a, new { mergeId = b });
        await ExpectAsync(response, HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("merge").GetProperty("moved").GetProperty("candidates").GetInt32().Should().Be(1);

        open = await CandidatesAsync(_sales);
        Pair(open, a, b).Should().BeNull();
        Pair(open, a, c).Should().NotBeNull("b's pair with c now concerns a");
        var merged = await app.WithDbAsync(db => db.DuplicateCandidates.AnyAsync(x => x.CustomerIdA == b || x.CustomerIdB == b));
        merged.Should().BeFalse();
        await DetectAsync(_sales);
        Pair(await CandidatesAsync(_sales), a, c).Should().NotBeNull("a now has b's phone, so detection agrees");
        (await app.WithDbAsync(db => db.DuplicateCandidates.CountAsync(x => x.Status == DuplicateStatus.Open && x.CustomerIdA == a && x.CustomerIdB == c))).Should().Be(1);
    }

    [Fact]
    public async Task A_merge_queues_customer_merged_for_subscribed_webhooks_in_its_transaction()
    {
        await app.WithDbAsync(async db =>
        {
            db.WebhookSubscriptions.Add(new WebhookSubscription
            {
                Url = "http://127.0.0.1:9/merges",
                EventTypes = WebhookEvents.CustomerMerged,
                Secret = new string('s', 32),
                Active = true,
            });
            return await db.SaveChangesAsync();
        });
        app.Services.GetRequiredService<WebhookOutbox>().Refresh();
        var a = await CreateIdAsync(_sales, new { firstName = "Hook", lastName = "Survivor" });
        var b = await CreateIdAsync(_sales, new { firstName = "Hook", lastName = "Merged" });

        var response = await MergeAsync(_sales, a, new { mergeId = b });

        await ExpectAsync(response, HttpStatusCode.OK);
        var mergeId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("merge").GetProperty("id").GetInt64();
        var payloads = await app.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking()
            .Where(d => d.EventType == WebhookEvents.CustomerMerged).Select(d => d.Payload).ToListAsync());
        var data = payloads.Select(p => JsonDocument.Parse(p).RootElement.GetProperty("data"))
            .Single(d => d.GetProperty("mergeId").GetInt64() == mergeId);
        data.GetProperty("survivingId").GetInt64().Should().Be(a);
        data.GetProperty("mergedId").GetInt64().Should().Be(b);
        data.GetProperty("customer").GetProperty("id").GetInt64().Should().Be(a);
    }
}
