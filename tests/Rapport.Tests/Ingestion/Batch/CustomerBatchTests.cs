using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Ingestion.Batch;

public sealed class CustomerBatchTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private static string Customer(string? externalId, string? email, string firstName = "Ada", string extra = "") =>
        $$"""{"externalId": {{Json(externalId)}}, "email": {{Json(email)}}, "firstName": "{{firstName}}", "lastName": "Lovelace"{{extra}}}""";

    private static string Json(string? value) => value is null ? "null" : $"\"{value}\"";

    private static string Body(string source, params string[] customers) => $$"""{"source": "{{source}}", "customers": [{{string.Join(",", customers)}}]}""";

    private async Task<IReadOnlyList<JsonElement>> PostAsync(string body)
    {
        var response = await app.ClientAs(Role.Marketing).PostJsonAsync(BatchApi.CustomersPath, body);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return [.. (await response.JsonAsync()).GetProperty("items").EnumerateArray()];
    }

    [Fact]
    public async Task Customers_are_created_updated_merged_or_rejected_and_reported_in_order()
    {
        var known = Unique.Id("C");
        var emailOnly = Unique.Email();
        var setup = await PostAsync(Body("shop", Customer(known, Unique.Email()), Customer(null, emailOnly, "Grace")));
        setup.Select(i => i.GetProperty("status").GetString()).Should().Equal("created", "created");

        var fresh = Unique.Id("C");
        var items = await PostAsync(Body("shop",
            Customer(known, null, "Augusta"),
            Customer(Unique.Id("C"), emailOnly, "Grace"),
            Customer(fresh, Unique.Email()),
            Customer(Unique.Id("C"), "not-an-email"),
            Customer(Unique.Id("C"), Unique.Email(), extra: """, "shoeSize": 42"""),
            "null"));

        items.Select(i => i.GetProperty("status").GetString()).Should().Equal("updated", "merged", "created", "rejected", "rejected", "rejected");
        items[0].GetProperty("id").GetInt64().Should().Be(setup[0].GetProperty("id").GetInt64());
        items[1].GetProperty("id").GetInt64().Should().Be(setup[1].GetProperty("id").GetInt64());
        items[2].GetProperty("externalId").GetString().Should().Be(fresh);
        items[3].GetProperty("reason").GetString().Should().Contain("email");
        items[4].GetProperty("reason").GetString().Should().Contain("shoeSize");
        items[5].GetProperty("reason").GetString().Should().Contain("object");

        var updated = await app.WithDbAsync(db => db.Customers.SingleAsync(c => c.Id == setup[0].GetProperty("id").GetInt64()));
        updated.FirstName.Should().Be("Augusta");
        (await app.WithDbAsync(db => db.CustomerExternalIds.CountAsync(x => x.ExternalId == fresh && x.Source == "shop"))).Should().Be(1);
    }

    [Fact]
    public async Task External_ids_are_matched_within_their_source()
    {
        var externalId = Unique.Id("C");
        var first = await PostAsync(Body("shop", Customer(externalId, Unique.Email())));
        var other = await PostAsync(Body("pos", Customer(externalId, Unique.Email())));

        other.Single().GetProperty("status").GetString().Should().Be("created");
        other.Single().GetProperty("id").GetInt64().Should().NotBe(first.Single().GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task More_than_1000_customers_is_a_400_on_customers()
    {
        var body = Body("shop", [.. Enumerable.Range(0, 1001).Select(_ => Customer(null, Unique.Email()))]);

        var response = await app.ClientAs(Role.Sales).PostJsonAsync(BatchApi.CustomersPath, body);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.JsonAsync()).GetProperty("errors").TryGetProperty("customers", out _).Should().BeTrue();
    }

    [Fact]
    public async Task An_idempotent_retry_creates_nothing_twice()
    {
        var client = app.ClientAs(Role.Sales);
        var email = Unique.Email();
        var key = Unique.Id("key");
        var body = Body("shop", Customer(Unique.Id("C"), email));

        var first = await client.PostJsonAsync(BatchApi.CustomersPath, body, key);
        var retry = await client.PostJsonAsync(BatchApi.CustomersPath, body, key);

        retry.IsReplay().Should().BeTrue();
        (await retry.Content.ReadAsStringAsync()).Should().Be(await first.Content.ReadAsStringAsync());
        (await app.WithDbAsync(db => db.Customers.CountAsync(c => c.EmailNormalized == email))).Should().Be(1);
    }
}
