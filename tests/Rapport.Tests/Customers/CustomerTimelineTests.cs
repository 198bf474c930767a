using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Rapport.Identity;
using Rapport.Interactions;
using Rapport.Tests.Infrastructure;
using static Rapport.Tests.Customers.CustomerTestApi;

namespace Rapport.Tests.Customers;

public sealed class CustomerTimelineTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private readonly HttpClient _analyst = app.ClientAs(Role.Analyst);
    private readonly HttpClient _sales = app.ClientAs(Role.Sales);
    private static readonly DateTimeOffset Day = new(2026, 5, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Timeline_merges_interactions_and_transactions_newest_first_with_titles_and_details()
    {
        var id = await CreateIdAsync(_sales, new { firstName = "Tim", lastName = "Line" });
        var call = await AddInteractionAsync(app, id, Day.AddHours(1), InteractionType.Call, InteractionDirection.Outbound, "Renewal");
        var order = await AddTransactionAsync(app, id, Day.AddHours(2), 42.5m, "A-1001",
            ("Espresso beans", 2m, 12.5m), ("Milk jug", 1m, 7.5m), ("Filter papers", 1m, 5m), ("Descaler", 2m, 2.5m));
        var note = await AddInteractionAsync(app, id, Day.AddHours(3), InteractionType.Note, InteractionDirection.Internal);

        var response = await _analyst.GetAsync($"/api/v1/customers/{id}/timeline");

        await ExpectAsync(response, HttpStatusCode.OK);
        var page = await response.Content.ReadFromJsonAsync<JsonElement>();
        var items = page.GetProperty("items").EnumerateArray().ToList();
        items.Select(i => (i.GetProperty("kind").GetString(), i.GetProperty("id").GetInt64()))
            .Should().Equal(("interaction", note), ("transaction", order), ("interaction", call));
        page.GetProperty("next").ValueKind.Should().Be(JsonValueKind.Null);

        items[0].GetProperty("title").GetString().Should().Be("Note");
        items[2].GetProperty("title").GetString().Should().Be("Call (outbound)");
        items[2].GetProperty("interaction").GetProperty("subject").GetString().Should().Be("Renewal");
        items[2].GetProperty("interaction").GetProperty("channel").GetString().Should().Be("phone");
        items[2].GetProperty("transaction").ValueKind.Should().Be(JsonValueKind.Null);

        var transaction = items[1].GetProperty("transaction");
        items[1].GetProperty("title").GetString().Should().Be("Order #A-1001 — 4 items");
        transaction.GetProperty("total").GetDecimal().Should().Be(42.5m);
        transaction.GetProperty("currency").GetString().Should().Be("USD");
        transaction.GetProperty("lineCount").GetInt32().Should().Be(4);
        transaction.GetProperty("linesSummary").GetString().Should().Be("2 × Espresso beans, 1 × Milk jug, 1 × Filter papers and 1 more");
        transaction.GetProperty("lines").GetArrayLength().Should().Be(3);
        items[1].GetProperty("occurredAt").GetDateTimeOffset().Should().Be(Day.AddHours(2));
    }

    [Fact]
    public async Task Timeline_pages_through_many_items_and_ties_without_gaps_or_repeats()
    {
        var id = await CreateIdAsync(_sales, new { firstName = "Busy", lastName = "Buyer" });
        var expected = new List<(DateTimeOffset At, int Kind, long Id)>();
        for (var i = 0; i < 25; i++)
        {
            // Several items share an instant, across and within kinds, to exercise the tie-break.
            var at = Day.AddMinutes(i / 3 * 10);
            if (i % 2 == 0)
            {
                expected.Add((at, 0, await AddInteractionAsync(app, id, at)));
            }
            else
            {
                expected.Add((at, 1, await AddTransactionAsync(app, id, at, i, $"T-{i}", ("Item", 1m, i))));
            }
        }

        var order = expected.OrderByDescending(e => e.At).ThenBy(e => e.Kind).ThenByDescending(e => e.Id)
            .Select(e => ((string?)(e.Kind == 0 ? "interaction" : "transaction"), e.Id)).ToList();
        foreach (var limit in new[] { 1, 2, 4, 7, 200 })
        {
            var items = new List<(string?, long)>();
            string? next = null;
            do
            {
                var url = $"/api/v1/customers/{id}/timeline?limit={limit}" + (next is null ? "" : $"&after={Uri.EscapeDataString(next)}");
                var page = await (await _analyst.GetAsync(url)).Content.ReadFromJsonAsync<JsonElement>();
                var pageItems = page.GetProperty("items").EnumerateArray().ToList();
                pageItems.Count.Should().BeLessThanOrEqualTo(limit);
                items.AddRange(pageItems.Select(i => (i.GetProperty("kind").GetString(), i.GetProperty("id").GetInt64())));
                next = page.GetProperty("next").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next").GetString();
            }
            while (next is not null);

            items.Should().Equal(order, "limit {0}", limit);
        }
    }

    [Fact]
    public async Task Timeline_of_a_customer_without_history_is_an_empty_page()
    {
        var id = await CreateIdAsync(_sales, new { firstName = "Quiet" });
        var page = await (await _analyst.GetAsync($"/api/v1/customers/{id}/timeline")).Content.ReadFromJsonAsync<JsonElement>();
        page.GetProperty("items").GetArrayLength().Should().Be(0);
        page.GetProperty("next").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public async Task Timeline_of_unknown_customer_is_404_and_bad_paging_is_400()
    {
        await ExpectProblemAsync(await _analyst.GetAsync("/api/v1/customers/555555555/timeline"), HttpStatusCode.NotFound);
        var id = await CreateIdAsync(_sales, new { firstName = "Paged" });
        await ExpectProblemAsync(await _analyst.GetAsync($"/api/v1/customers/{id}/timeline?limit=0"), HttpStatusCode.BadRequest, "limit");
        await ExpectProblemAsync(await _analyst.GetAsync($"/api/v1/customers/{id}/timeline?limit=x"), HttpStatusCode.BadRequest, "limit");
        await ExpectProblemAsync(await _analyst.GetAsync($"/api/v1/customers/{id}/timeline?after=%21%21"), HttpStatusCode.BadRequest, "after");
    }

    [Fact]
    public async Task Metrics_on_the_customer_reflect_the_timeline()
    {
        var id = await CreateIdAsync(_sales, new { firstName = "Metric" });
        await AddTransactionAsync(app, id, Day, 20m, "M-1");
        await AddTransactionAsync(app, id, Day.AddDays(3), 30m, "M-2");
        await AddInteractionAsync(app, id, Day.AddDays(4));

        var metrics = (await GetAsync(_analyst, id)).GetProperty("metrics");
        metrics.GetProperty("purchaseCount").GetInt32().Should().Be(2);
        metrics.GetProperty("revenue").GetDecimal().Should().Be(50m);
        metrics.GetProperty("firstPurchaseAt").GetDateTimeOffset().Should().Be(Day);
        metrics.GetProperty("lastPurchaseAt").GetDateTimeOffset().Should().Be(Day.AddDays(3));
        metrics.GetProperty("interactionCount").GetInt32().Should().Be(1);
        metrics.GetProperty("lastInteractionAt").GetDateTimeOffset().Should().Be(Day.AddDays(4));
    }
}
