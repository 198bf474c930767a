using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Identity;
using Rapport.Ingestion.Batch;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Ingestion.Batch;

/// <summary>The Idempotency-Key filter, through POST /api/v1/customers (a bound body) and the batch endpoints (a raw body).</summary>
public sealed class IdempotencyTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private const string CustomersPath = "/api/v1/customers";

    private static string Customer(string email, string firstName = "Ada") => $$"""{"firstName": "{{firstName}}", "lastName": "Lovelace", "email": "{{email}}"}""";

    private Task<int> CustomersWithEmailAsync(string email) =>
        app.WithDbAsync(db => db.Customers.CountAsync(c => c.EmailNormalized == email));

    [Fact]
    public async Task Retry_with_the_same_key_returns_the_first_response_byte_for_byte_and_creates_nothing_twice()
    {
        var client = app.ClientAs(Role.Sales);
        var email = Unique.Email();
        var key = Unique.Id("key");

        var first = await client.PostJsonAsync(CustomersPath, Customer(email), key);
        var retry = await client.PostJsonAsync(CustomersPath, Customer(email), key);

        first.StatusCode.Should().Be(HttpStatusCode.Created);
        first.IsReplay().Should().BeFalse();
        retry.StatusCode.Should().Be(HttpStatusCode.Created);
        retry.IsReplay().Should().BeTrue();
        retry.Content.Headers.ContentType!.ToString().Should().Be(first.Content.Headers.ContentType!.ToString());
        (await retry.Content.ReadAsByteArrayAsync()).Should().Equal(await first.Content.ReadAsByteArrayAsync());
        (await CustomersWithEmailAsync(email)).Should().Be(1);
    }

    [Fact]
    public async Task Without_a_key_every_request_runs()
    {
        var client = app.ClientAs(Role.Sales);
        var first = await client.PostJsonAsync(CustomersPath, Customer(Unique.Email()));
        var second = await client.PostJsonAsync(CustomersPath, Customer(Unique.Email()));

        first.StatusCode.Should().Be(HttpStatusCode.Created);
        second.StatusCode.Should().Be(HttpStatusCode.Created);
        second.IsReplay().Should().BeFalse();
        (await second.JsonAsync()).GetProperty("id").GetInt64().Should().NotBe((await first.JsonAsync()).GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Same_key_with_a_different_body_is_a_422_and_runs_nothing()
    {
        var client = app.ClientAs(Role.Sales);
        var key = Unique.Id("key");
        var otherEmail = Unique.Email();
        (await client.PostJsonAsync(CustomersPath, Customer(Unique.Email()), key)).StatusCode.Should().Be(HttpStatusCode.Created);

        var reused = await client.PostJsonAsync(CustomersPath, Customer(otherEmail), key);

        reused.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await reused.JsonAsync()).GetProperty("type").GetString().Should().Be("/problems/idempotency-key-reused");
        (await CustomersWithEmailAsync(otherEmail)).Should().Be(0);
    }

    [Fact]
    public async Task Same_key_on_another_endpoint_is_a_422()
    {
        var client = app.ClientAs(Role.Sales);
        var key = Unique.Id("key");
        (await client.PostJsonAsync(CustomersPath, Customer(Unique.Email()), key)).StatusCode.Should().Be(HttpStatusCode.Created);

        var other = await client.PostJsonAsync(BatchApi.EventsPath, BatchApi.Events("""{"type": "transaction"}"""), key);

        other.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Whitespace_does_not_matter_for_a_bound_body()
    {
        var client = app.ClientAs(Role.Sales);
        var key = Unique.Id("key");
        var email = Unique.Email();
        var first = await client.PostJsonAsync(CustomersPath, Customer(email), key);
        var retry = await client.PostJsonAsync(CustomersPath, "\n  " + Customer(email).Replace(", ", ",\n    ", StringComparison.Ordinal) + "\n", key);

        retry.StatusCode.Should().Be(first.StatusCode);
        retry.IsReplay().Should().BeTrue();
    }

    [Fact]
    public async Task Keys_are_scoped_per_api_key()
    {
        var mine = await BatchApi.ClientWithNewKeyAsync(app, Role.Sales);
        var theirs = await BatchApi.ClientWithNewKeyAsync(app, Role.Sales);
        var key = Unique.Id("shared");
        var myEmail = Unique.Email();
        var theirEmail = Unique.Email();

        var first = await mine.PostJsonAsync(CustomersPath, Customer(myEmail), key);
        var other = await theirs.PostJsonAsync(CustomersPath, Customer(theirEmail), key);

        first.StatusCode.Should().Be(HttpStatusCode.Created);
        other.StatusCode.Should().Be(HttpStatusCode.Created, "another API key's use of the same key is unrelated");
        other.IsReplay().Should().BeFalse();
        (await CustomersWithEmailAsync(theirEmail)).Should().Be(1);
        (await mine.PostJsonAsync(CustomersPath, Customer(myEmail), key)).IsReplay().Should().BeTrue();
    }

    [Fact]
    public async Task A_problem_answer_is_stored_and_replayed_too()
    {
        var client = app.ClientAs(Role.Sales);
        var key = Unique.Id("key");
        const string bad = """{"firstName": "Ada", "email": "not-an-email"}""";

        var first = await client.PostJsonAsync(CustomersPath, bad, key);
        var retry = await client.PostJsonAsync(CustomersPath, bad, key);
        var fixedBody = await client.PostJsonAsync(CustomersPath, Customer(Unique.Email()), key);

        first.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        retry.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        retry.IsReplay().Should().BeTrue();
        retry.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await retry.Content.ReadAsStringAsync()).Should().Be(await first.Content.ReadAsStringAsync());
        fixedBody.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity, "a corrected request needs a new key");
    }

    [Theory]
    [InlineData(201)]
    [InlineData(0)]
    public async Task A_key_that_is_too_long_or_blank_is_a_400(int length)
    {
        var key = length == 0 ? "   " : new string('k', length);
        var response = await app.ClientAs(Role.Sales).PostJsonAsync(CustomersPath, Customer(Unique.Email()), key);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.JsonAsync()).GetProperty("errors").TryGetProperty("Idempotency-Key", out _).Should().BeTrue();
    }

    [Fact]
    public async Task A_key_with_a_character_outside_printable_ascii_is_a_400()
    {
        var response = await app.ClientAs(Role.Sales).PostJsonAsync(CustomersPath, Customer(Unique.Email()), "key\twith-tab");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_key_of_200_printable_characters_is_accepted()
    {
        var key = string.Concat(Enumerable.Range(0, 200).Select(i => (char)(' ' + 1 + (i % 94))));
        var response = await app.ClientAs(Role.Sales).PostJsonAsync(CustomersPath, Customer(Unique.Email()), key);

        response.StatusCode.Should().Be(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Concurrent_requests_with_one_key_run_once()
    {
        var client = app.ClientAs(Role.Sales);
        var key = Unique.Id("race");
        var email = Unique.Email();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.PostJsonAsync(CustomersPath, Customer(email), key)));

        responses.Count(r => r.StatusCode == HttpStatusCode.Created && !r.IsReplay()).Should().Be(1);
        responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.Conflict || r.StatusCode == HttpStatusCode.Created);
        foreach (var conflict in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
        {
            (await conflict.JsonAsync()).GetProperty("type").GetString().Should().Be("/problems/idempotency-key-in-use");
            conflict.Headers.RetryAfter.Should().NotBeNull();
        }

        (await CustomersWithEmailAsync(email)).Should().Be(1);
        (await client.PostJsonAsync(CustomersPath, Customer(email), key)).IsReplay().Should().BeTrue();
    }

    [Fact]
    public async Task A_key_expires_after_24_hours_and_the_sweeper_deletes_it()
    {
        var client = app.ClientAs(Role.Sales);
        var key = Unique.Id("old");
        (await client.PostJsonAsync(CustomersPath, Customer(Unique.Email()), key)).StatusCode.Should().Be(HttpStatusCode.Created);

        app.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        var reused = await client.PostJsonAsync(CustomersPath, Customer(Unique.Email()), key);
        reused.StatusCode.Should().Be(HttpStatusCode.Created, "an expired key is free again");
        reused.IsReplay().Should().BeFalse();

        var stale = Unique.Id("stale");
        (await client.PostJsonAsync(CustomersPath, Customer(Unique.Email()), stale)).StatusCode.Should().Be(HttpStatusCode.Created);
        app.Clock.Advance(TimeSpan.FromHours(25));
        var swept = app.WithScope(sp => sp.GetRequiredService<IdempotencyKeys>().SweepAsync(CancellationToken.None));

        swept.Should().BeGreaterThanOrEqualTo(2);
        (await app.WithDbAsync(db => db.IdempotencyRecords.CountAsync(r => r.Key == stale || r.Key == key))).Should().Be(0);
    }

    [Fact]
    public async Task The_raw_body_of_a_batch_is_replayed_and_a_changed_byte_is_a_422()
    {
        var client = app.ClientAs(Role.Sales);
        var key = Unique.Id("batch");
        // Events rejected before anything is written: this test needs only the envelope and the filter.
        var body = BatchApi.Events("""{"type": "transaction"}""", """{"messageId": "m", "type": "parcel"}""");

        var first = await client.PostJsonAsync(BatchApi.EventsPath, body, key);
        var retry = await client.PostJsonAsync(BatchApi.EventsPath, body, key);
        var changed = await client.PostJsonAsync(BatchApi.EventsPath, body + " ", key);

        first.StatusCode.Should().Be(HttpStatusCode.OK);
        retry.IsReplay().Should().BeTrue();
        (await retry.Content.ReadAsStringAsync()).Should().Be(await first.Content.ReadAsStringAsync());
        changed.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task An_analyst_is_refused_before_any_key_is_stored()
    {
        var key = Unique.Id("analyst");
        var response = await app.ClientAs(Role.Analyst).PostJsonAsync(CustomersPath, Customer(Unique.Email()), key);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await app.WithDbAsync(db => db.IdempotencyRecords.CountAsync(r => r.Key == key))).Should().Be(0);
    }
}
