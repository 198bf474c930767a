using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Identity;
using Rapport.Products;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Interactions;

namespace Rapport.Tests.Transactions;

public sealed class TransactionTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private readonly HttpClient _sales = app.ClientAs(Role.Sales);

    [Fact]
    public async Task A_transaction_with_lines_is_stored_and_read_back_with_its_lines()
    {
        var customerId = await app.CustomerAsync();
        var mug = await ProductAsync("MUG-RED", "Red mug");
        var tea = await ProductAsync("TEA-GREEN", "Green tea");
        var occurredAt = new DateTimeOffset(2026, 6, 10, 15, 45, 30, TimeSpan.FromHours(-4));

        var created = await _sales.PostAsJsonAsync("/api/v1/transactions", new
        {
            customerId,
            externalId = "ORDER-1001",
            occurredAt,
            currency = "usd",
            lines = new object[]
            {
                new { sku = "MUG-RED", quantity = 2, unitPrice = 12.50m },
                new { productId = tea, quantity = 1.5m, unitPrice = 3.3333m, description = "Loose leaf" },
                new { sku = "GIFT-WRAP", description = "Gift wrapping", unitPrice = 4m },
            },
        });

        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetInt64();
        created.Headers.Location!.ToString().Should().Be($"/api/v1/transactions/{id}");

        var read = await (await _sales.GetAsync($"/api/v1/transactions/{id}")).ReadJsonAsync();
        read.GetProperty("customerId").GetInt64().Should().Be(customerId);
        read.GetProperty("externalId").GetString().Should().Be("ORDER-1001");
        read.GetProperty("currency").GetString().Should().Be("USD");
        read.GetProperty("occurredAt").GetDateTimeOffset().Should().Be(occurredAt);
        read.GetProperty("total").GetDecimal().Should().Be(25m + 5m + 4m, "without a total, the total is the sum of the line amounts (1.5 × 3.3333 = 4.99995 → 5.0000)");
        var lines = read.GetProperty("lines").EnumerateArray().ToList();
        lines.Select(l => l.GetProperty("lineNumber").GetInt32()).Should().Equal(1, 2, 3);
        lines[0].GetProperty("productId").GetInt64().Should().Be(mug, "a known SKU links the product");
        lines[0].GetProperty("description").GetString().Should().Be("Red mug", "the product's name is the default description");
        lines[0].GetProperty("amount").GetDecimal().Should().Be(25m);
        lines[1].GetProperty("sku").GetString().Should().Be("TEA-GREEN", "a product id fills in its SKU");
        lines[1].GetProperty("description").GetString().Should().Be("Loose leaf");
        lines[1].GetProperty("quantity").GetDecimal().Should().Be(1.5m);
        lines[1].GetProperty("unitPrice").GetDecimal().Should().Be(3.3333m);
        lines[1].GetProperty("amount").GetDecimal().Should().Be(5.0000m);
        lines[2].GetProperty("productId").ValueKind.Should().Be(JsonValueKind.Null, "an unknown SKU stays text");
        lines[2].GetProperty("quantity").GetDecimal().Should().Be(1m, "quantity defaults to 1");

        var stored = await app.WithDbAsync(db => db.TransactionLines.AsNoTracking().Where(l => l.TransactionId == id).OrderBy(l => l.LineNumber).ToListAsync());
        stored.Should().HaveCount(3).And.OnlyContain(l => l.CustomerId == customerId);
    }

    [Fact]
    public async Task A_given_total_may_differ_from_the_lines()
    {
        var customerId = await app.CustomerAsync();
        var response = await _sales.PostAsJsonAsync("/api/v1/transactions", new
        {
            customerId,
            total = 119.99m,
            lines = new[] { new { description = "Jacket", quantity = 1, unitPrice = 100m } },
        });

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var body = await response.ReadJsonAsync();
        body.GetProperty("total").GetDecimal().Should().Be(119.99m, "tax and shipping are in the total but not in the lines");
        body.GetProperty("lines")[0].GetProperty("amount").GetDecimal().Should().Be(100m);
        body.GetProperty("currency").GetString().Should().Be("USD", "the currency defaults to the reporting currency");
        body.GetProperty("occurredAt").GetDateTimeOffset().Should().Be(app.Clock.GetUtcNow(), "occurredAt defaults to now");

        var noLines = await _sales.PostAsJsonAsync("/api/v1/transactions", new { customerId, total = 0m, currency = "EUR" });
        noLines.StatusCode.Should().Be(HttpStatusCode.Created, "a zero total without lines is a valid (free) order");
    }

    [Fact]
    public async Task Recording_and_deleting_keep_the_customer_metrics_current()
    {
        var customerId = await app.CustomerAsync();
        var march = new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
        var april = new DateTimeOffset(2026, 4, 1, 10, 0, 0, TimeSpan.Zero);
        var may = new DateTimeOffset(2026, 5, 1, 10, 0, 0, TimeSpan.Zero);

        var first = await RecordAsync(customerId, march, 40m, "USD");
        var euro = await RecordAsync(customerId, may, 1000m, "EUR");
        var second = await RecordAsync(customerId, april, 2.5m, "USD");

        var metrics = await MetricsAsync(customerId);
        metrics.PurchaseCount.Should().Be(3, "a purchase in EUR counts as a purchase");
        metrics.Revenue.Should().Be(42.5m, "revenue is in the reporting currency (USD) only");
        metrics.FirstPurchaseAt.Should().Be(march);
        metrics.LastPurchaseAt.Should().Be(may);
        metrics.UpdatedAt.Should().Be(app.Clock.GetUtcNow());

        (await _sales.DeleteAsync($"/api/v1/transactions/{euro}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        metrics = await MetricsAsync(customerId);
        metrics.PurchaseCount.Should().Be(2);
        metrics.Revenue.Should().Be(42.5m);
        metrics.LastPurchaseAt.Should().Be(april);

        (await _sales.DeleteAsync($"/api/v1/transactions/{first}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await _sales.DeleteAsync($"/api/v1/transactions/{second}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        metrics = await MetricsAsync(customerId);
        metrics.PurchaseCount.Should().Be(0);
        metrics.Revenue.Should().Be(0m);
        metrics.FirstPurchaseAt.Should().BeNull();
        metrics.LastPurchaseAt.Should().BeNull();

        (await app.WithDbAsync(db => db.TransactionLines.CountAsync(l => l.CustomerId == customerId))).Should().Be(0, "lines go with their transaction");
        await (await _sales.GetAsync($"/api/v1/transactions/{first}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_repeated_external_id_is_a_409_and_stores_nothing()
    {
        var customerId = await app.CustomerAsync();
        var other = await app.CustomerAsync();
        var order = new { customerId, externalId = "A-77", total = 10m, lines = new[] { new { description = "Thing", unitPrice = 10m } } };
        (await _sales.PostAsJsonAsync("/api/v1/transactions", order)).StatusCode.Should().Be(HttpStatusCode.Created);
        var metricsBefore = await MetricsAsync(customerId);

        var again = await _sales.PostAsJsonAsync("/api/v1/transactions", order with { total = 99m });

        var problem = await again.ShouldBeProblemAsync(HttpStatusCode.Conflict, "externalId");
        problem.GetProperty("detail").GetString().Should().Contain("A-77");
        (await app.WithDbAsync(db => db.Transactions.CountAsync(t => t.CustomerId == customerId))).Should().Be(1);
        (await app.WithDbAsync(db => db.TransactionLines.CountAsync(l => l.CustomerId == customerId))).Should().Be(1);
        (await MetricsAsync(customerId)).Revenue.Should().Be(metricsBefore.Revenue);

        (await _sales.PostAsJsonAsync("/api/v1/transactions", order with { customerId = other })).StatusCode
            .Should().Be(HttpStatusCode.Created, "external ids are unique per customer, not globally");
    }

    [Fact]
    public async Task Concurrent_duplicates_store_one_transaction_and_answer_409_never_500()
    {
        var customerId = await app.CustomerAsync();
        var order = new { customerId, externalId = "RACE-1", total = 5m };
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => app.ClientAs(Role.Sales).PostAsJsonAsync("/api/v1/transactions", order)));

        responses.Count(r => r.StatusCode == HttpStatusCode.Created).Should().Be(1);
        responses.Where(r => r.StatusCode != HttpStatusCode.Created).Should().OnlyContain(r => r.StatusCode == HttpStatusCode.Conflict);
        (await app.WithDbAsync(db => db.Transactions.CountAsync(t => t.CustomerId == customerId))).Should().Be(1);
        (await MetricsAsync(customerId)).PurchaseCount.Should().Be(1);
    }

    [Fact]
    public async Task Line_product_errors_name_the_line()
    {
        var customerId = await app.CustomerAsync();
        var mug = await ProductAsync("MUG-BLUE", "Blue mug");

        var unknown = await _sales.PostAsJsonAsync("/api/v1/transactions", new
        {
            customerId,
            lines = new object[]
            {
                new { productId = mug, unitPrice = 1m },
                new { sku = "MUG-BLUE", unitPrice = 1m },
                new { productId = 987654, unitPrice = 1m },
            },
        });
        await unknown.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "lines[2].productId");

        var mismatch = await _sales.PostAsJsonAsync("/api/v1/transactions", new { customerId, lines = new[] { new { productId = mug, sku = "TEA-GREEN", unitPrice = 1m } } });
        await mismatch.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "lines[0].sku");

        (await app.WithDbAsync(db => db.Transactions.CountAsync(t => t.CustomerId == customerId))).Should().Be(0);
    }

    [Fact]
    public async Task Paging_walks_every_transaction_once_newest_first_even_with_ties()
    {
        var customerId = await app.CustomerAsync();
        var tie = new DateTimeOffset(2026, 2, 2, 12, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 5; i++)
        {
            await RecordAsync(customerId, tie, i, "USD");
        }

        for (var i = 1; i <= 4; i++)
        {
            await RecordAsync(customerId, tie.AddHours(i % 2 == 0 ? i : -i), i, "USD");
        }

        await RecordAsync(await app.CustomerAsync(), tie, 1, "USD");
        var expected = await app.WithDbAsync(db => db.Transactions.AsNoTracking()
            .Where(t => t.CustomerId == customerId)
            .OrderByDescending(t => t.OccurredAt).ThenByDescending(t => t.Id)
            .Select(t => t.Id).ToListAsync());
        expected.Should().HaveCount(9);

        foreach (var limit in new[] { 1, 2, 4, 5, 9, 200 })
        {
            var walked = await _sales.WalkAsync($"/api/v1/transactions?customerId={customerId}", limit);
            walked.Select(t => t.GetProperty("id").GetInt64()).Should().Equal(expected, $"limit {limit} must give every row once, in order");
        }

        var all = await _sales.WalkAsync("/api/v1/transactions", 3);
        all.Select(t => t.GetProperty("id").GetInt64()).Should().OnlyHaveUniqueItems().And.Contain(expected);
        all.Select(t => t.GetProperty("occurredAt").GetDateTimeOffset()).Should().BeInDescendingOrder();
    }

    public static TheoryData<string, string?> BadBodies => new()
    {
        { "not json", null },
        { """{"customerId": CUSTOMER, "total": "ten"}""", "total" },
        { """{"customerId": CUSTOMER, "total": 1, "occurredAt": 5}""", "occurredAt" },
        { """{"customerId": CUSTOMER, "lines": [{"description": "x", "quantity": "two", "unitPrice": 1}]}""", "lines[0].quantity" },
        { """{"customerId": CUSTOMER, "lines": [{"description": "x", "unitPrice": 1, "colour": "red"}]}""", "lines[0].colour" },
        { """{"customerId": CUSTOMER, "total": 1, "discount": 5}""", "discount" },
        { """{"customerId": CUSTOMER, "lines": [null]}""", "lines[0]" },
        { """{"customerId": CUSTOMER, "lines": {"sku": "x"}}""", "lines" },
        { """{"customerId": CUSTOMER, "total": 1, "currency": "EURO"}""", "currency" },
        { """{"customerId": CUSTOMER, "total": 1, "currency": "ABC"}""", "currency" },
        { """{"customerId": CUSTOMER, "total": 1, "currency": "€"}""", "currency" },
        { """{"customerId": CUSTOMER, "total": -1}""", "total" },
        { """{"customerId": CUSTOMER, "total": 1.00001}""", "total" },
        { """{"customerId": CUSTOMER, "total": 1e16}""", "total" },
        { """{"customerId": CUSTOMER}""", "total" },
        { """{"customerId": CUSTOMER, "lines": [{"description": "x", "quantity": -2, "unitPrice": 1}]}""", "lines[0].quantity" },
        { """{"customerId": CUSTOMER, "lines": [{"description": "x", "quantity": 0, "unitPrice": 1}]}""", "lines[0].quantity" },
        { """{"customerId": CUSTOMER, "lines": [{"description": "x", "unitPrice": -0.01}]}""", "lines[0].unitPrice" },
        { """{"customerId": CUSTOMER, "lines": [{"description": "x"}]}""", "lines[0].unitPrice" },
        { """{"customerId": CUSTOMER, "lines": [{"unitPrice": 3}]}""", "lines[0].productId" },
        { """{"customerId": CUSTOMER, "lines": [{"description": "x", "quantity": 1000000, "unitPrice": 999999999}]}""", "lines[0].unitPrice" },
        { """{"customerId": CUSTOMER, "lines": [{"sku": "SKU65", "unitPrice": 1}]}""", "lines[0].sku" },
        { """{"customerId": CUSTOMER, "lines": [{"description": "DESC201", "unitPrice": 1}]}""", "lines[0].description" },
        { """{"customerId": CUSTOMER, "total": 1, "externalId": "EXT101"}""", "externalId" },
        { """{"customerId": CUSTOMER, "total": 1, "occurredAt": "2026-06-17T12:00:00Z"}""", "occurredAt" },
        { """{"customerId": CUSTOMER, "total": 1, "source": "a b"}""", "source" },
        { """{"customerId": 987654321, "total": 1}""", "customerId" },
        { """{"customerId": null, "total": 1}""", "customerId" },
        { """{"customerId": "12", "total": 1}""", "customerId" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_bodies_are_400_naming_the_field_and_store_nothing(string body, string? field)
    {
        var customerId = await app.CustomerAsync();
        var json = body.Replace("CUSTOMER", customerId.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("SKU65", new string('s', 65), StringComparison.Ordinal)
            .Replace("DESC201", new string('d', 201), StringComparison.Ordinal)
            .Replace("EXT101", new string('e', 101), StringComparison.Ordinal);

        var response = await _sales.PostAsync("/api/v1/transactions", ActivityKit.Json(json));

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, field);
        (await app.WithDbAsync(db => db.Transactions.CountAsync(t => t.CustomerId == customerId))).Should().Be(0);
        (await app.WithDbAsync(db => db.CustomerMetrics.CountAsync(m => m.CustomerId == customerId))).Should().Be(0);
    }

    [Fact]
    public async Task Too_many_lines_is_a_400()
    {
        var customerId = await app.CustomerAsync();
        var lines = Enumerable.Range(0, 1001).Select(_ => new { description = "x", unitPrice = 1m }).ToArray();
        await (await _sales.PostAsJsonAsync("/api/v1/transactions", new { customerId, lines })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "lines");
    }

    [Theory]
    [InlineData("customerId=987654321", "customerId")]
    [InlineData("customerId=x", "customerId")]
    [InlineData("limit=-1", "limit")]
    [InlineData("after=%%%", "after")]
    [InlineData("after=WyJhYmMiLDFd", "after")]
    public async Task Bad_list_queries_are_400_naming_the_parameter(string query, string field)
    {
        await (await _sales.GetAsync($"/api/v1/transactions?{query}")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Analysts_read_but_cannot_write_and_anonymous_callers_get_401()
    {
        var customerId = await app.CustomerAsync();
        var id = await RecordAsync(customerId, app.Clock.GetUtcNow(), 3m, "USD");
        var analyst = app.ClientAs(Role.Analyst);

        (await analyst.GetAsync($"/api/v1/transactions/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await analyst.GetAsync($"/api/v1/transactions?customerId={customerId}")).StatusCode.Should().Be(HttpStatusCode.OK);
        await (await analyst.PostAsJsonAsync("/api/v1/transactions", new { customerId, total = 1m })).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await analyst.DeleteAsync($"/api/v1/transactions/{id}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);

        var anonymous = app.Anonymous();
        await (await anonymous.GetAsync("/api/v1/transactions")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.GetAsync($"/api/v1/transactions/{id}")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.PostAsJsonAsync("/api/v1/transactions", new { customerId, total = 1m })).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.DeleteAsync($"/api/v1/transactions/{id}")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);

        (await app.WithDbAsync(db => db.Transactions.CountAsync(t => t.CustomerId == customerId))).Should().Be(1);
    }

    [Fact]
    public async Task Unknown_ids_are_404()
    {
        await (await _sales.GetAsync("/api/v1/transactions/424242")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await _sales.DeleteAsync("/api/v1/transactions/424242")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    private async Task<long> RecordAsync(long customerId, DateTimeOffset occurredAt, decimal total, string currency)
    {
        var response = await _sales.PostAsJsonAsync("/api/v1/transactions", new { customerId, occurredAt, total, currency });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).GetProperty("id").GetInt64();
    }

    private Task<Rapport.Metrics.CustomerMetrics> MetricsAsync(long customerId) =>
        app.WithDbAsync(db => db.CustomerMetrics.AsNoTracking().SingleAsync(m => m.CustomerId == customerId));

    private Task<long> ProductAsync(string sku, string name) => app.WithDbAsync(async db =>
    {
        var product = new Product { Sku = sku, Name = name, Currency = "USD", Price = 1m };
        db.Products.Add(product);
        await db.SaveChangesAsync();
        return product.Id;
    });
}
