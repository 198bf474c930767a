using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Identity;
using Rapport.Privacy;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Interactions;

namespace Rapport.Tests.Privacy;

/// <summary>
/// Erasure (docs/privacy-requests.md): after it the customer's name, email, phone and free text are in no table and, on
/// SQLite, in no byte of the database, WAL or shared-memory file; transactions and scores stay so totals do not move.
/// </summary>
public sealed class ErasureTests(PrivacyAppFactory app) : IClassFixture<PrivacyAppFactory>
{
    [Fact]
    public async Task Erasure_leaves_no_marker_in_any_table_nor_in_the_database_files_and_keeps_the_totals()
    {
        var marked = await app.MarkedCustomerAsync();
        foreach (var marker in marked.Markers)
        {
            (await app.TablesContainingAsync(marker)).Should().NotBeEmpty($"the set-up stores {marker}");
        }

        const string Totals = "SELECT COUNT(*) FROM transactions";
        var transactions = await app.ScalarAsync(Totals);
        var revenue = await app.ScalarAsync("SELECT SUM(total) FROM transactions");
        var interactions = await app.ScalarAsync("SELECT COUNT(*) FROM interactions");
        var responses = await app.ScalarAsync("SELECT COUNT(*) FROM survey_responses");
        var npsSum = await app.ScalarAsync("SELECT SUM(number_value) FROM survey_answers");
        var customers = await app.ScalarAsync("SELECT COUNT(*) FROM customers");
        var metricsRevenue = await app.ScalarAsync("SELECT SUM(revenue) FROM customer_metrics");

        var response = await app.ClientAs(Role.Admin).PostAsJsonAsync($"/api/v1/privacy/customers/{marked.Id}/erase", new { reason = "Asked by email" });
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await response.ReadJsonAsync();
        body.GetProperty("transactionsKept").GetInt32().Should().Be(1);
        body.TryGetProperty("contact", out _).Should().BeFalse("the captured contact is for the suppression seam only");

        foreach (var marker in marked.Markers)
        {
            (await app.TablesContainingAsync(marker)).Should().BeEmpty($"{marker} was erased");
        }

        (await app.ScalarAsync(Totals)).Should().Be(transactions);
        (await app.ScalarAsync("SELECT SUM(total) FROM transactions")).Should().Be(revenue);
        (await app.ScalarAsync("SELECT COUNT(*) FROM interactions")).Should().Be(interactions);
        (await app.ScalarAsync("SELECT COUNT(*) FROM survey_responses")).Should().Be(responses);
        (await app.ScalarAsync("SELECT SUM(number_value) FROM survey_answers")).Should().Be(npsSum);
        (await app.ScalarAsync("SELECT COUNT(*) FROM customers")).Should().Be(customers);
        (await app.ScalarAsync("SELECT SUM(revenue) FROM customer_metrics")).Should().Be(metricsRevenue);

        var tombstone = await app.WithDbAsync(db => db.Customers.AsNoTracking().SingleAsync(c => c.Id == marked.Id));
        tombstone.ErasedAt.Should().Be(app.Clock.GetUtcNow());
        tombstone.Email.Should().BeNull();
        tombstone.Country.Should().Be("FR", "the country stays for aggregates by country");
        var request = await app.WithDbAsync(db => db.Set<PrivacyRequest>().AsNoTracking().SingleAsync(r => r.CustomerId == marked.Id));
        request.Kind.Should().Be(PrivacyRequestKind.Erasure);
        request.Status.Should().Be(PrivacyRequestStatus.Done);

        if (app.Database.Provider == Rapport.Data.DatabaseProvider.Sqlite)
        {
            var path = new SqliteConnectionStringBuilder(app.Database.ConnectionString).DataSource;
            foreach (var file in new[] { path, path + "-wal", path + "-shm" }.Where(File.Exists))
            {
                var bytes = ReadShared(file);
                foreach (var marker in marked.Markers)
                {
                    Contains(bytes, Encoding.UTF8.GetBytes(marker)).Should().BeFalse($"{Path.GetFileName(file)} holds no UTF-8 copy of {marker}");
                    Contains(bytes, Encoding.Unicode.GetBytes(marker)).Should().BeFalse($"{Path.GetFileName(file)} holds no UTF-16 copy of {marker}");
                }
            }
        }
    }

    [Fact]
    public async Task An_erased_address_is_suppressed_and_the_consent_ledger_keeps_its_events_without_what_identified_the_person()
    {
        var marked = await app.MarkedCustomerAsync();
        var events = await app.ScalarAsync($"SELECT COUNT(*) FROM consent_events WHERE customer_id = {marked.Id}");
        events.Should().BeGreaterThan(0);
        (await app.ClientAs(Role.Admin).PostAsync($"/api/v1/privacy/customers/{marked.Id}/erase", null)).StatusCode.Should().Be(HttpStatusCode.OK);

        (await app.ScalarAsync($"SELECT COUNT(*) FROM consent_events WHERE customer_id = {marked.Id}")).Should().Be(events, "the ledger is append-only");
        (await app.ScalarAsync($"SELECT COUNT(*) FROM audit_events WHERE customer_id = {marked.Id} AND action = 'customer.erased' AND actor_kind = 'api_key'"))
            .Should().Be(1, "the erasure leaves its own audit entry");
        (await app.ScalarAsync($"SELECT COUNT(*) FROM consent_events WHERE customer_id = {marked.Id} AND (ip_address IS NOT NULL OR user_agent IS NOT NULL OR source_reference IS NOT NULL)"))
            .Should().Be(0);
        await app.WithScopeAsync(async sp =>
        {
            var suppressions = sp.GetRequiredService<Rapport.Consent.Suppressions>();
            var db = sp.GetRequiredService<Rapport.Data.RapportDbContext>();
            (await suppressions.IsSuppressedAsync(db, marked.Email, null, CancellationToken.None)).Should().BeTrue();
            (await suppressions.IsSuppressedAsync(db, null, marked.Phone, CancellationToken.None)).Should().BeTrue();
            return 0;
        });

        // The same person written again (an old list imported, a new sign-up): known, and kept out of marketing.
        var again = await app.ClientAs(Role.Admin).PostAsJsonAsync("/api/v1/customers", new { firstName = "Again", email = marked.Email });
        again.StatusCode.Should().Be(HttpStatusCode.Created);
        var againId = (await again.ReadJsonAsync()).GetProperty("id").GetInt64();
        (await app.ScalarAsync($"SELECT COUNT(*) FROM suppression_matches WHERE customer_id = {againId}")).Should().Be(1);

        // Outside erasure the ledger still refuses any change.
        var other = await app.MarkedCustomerAsync();
        var refused = async () => await app.ScalarAsync($"UPDATE consent_events SET ip_address = NULL WHERE customer_id = {other.Id} RETURNING 1");
        await refused.Should().ThrowAsync<Exception>();
    }

    [Fact]
    public async Task Erasing_twice_is_a_conflict_and_an_unknown_customer_is_not_found()
    {
        var marked = await app.MarkedCustomerAsync();
        var admin = app.ClientAs(Role.Admin);
        (await admin.PostAsync($"/api/v1/privacy/customers/{marked.Id}/erase", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        await (await admin.PostAsync($"/api/v1/privacy/customers/{marked.Id}/erase", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await (await admin.PostAsync("/api/v1/privacy/customers/987654321/erase", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await admin.GetAsync("/api/v1/privacy/customers/987654321/erasure")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await admin.GetAsync("/api/v1/privacy/customers/987654321/export")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        var preview = await (await admin.GetAsync($"/api/v1/privacy/customers/{marked.Id}/erasure")).ReadJsonAsync();
        preview.GetProperty("alreadyErased").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task Erasure_answers_a_logged_request_and_marks_it_done()
    {
        var marked = await app.MarkedCustomerAsync();
        var admin = app.ClientAs(Role.Admin);
        var created = await admin.PostAsJsonAsync("/api/v1/privacy/requests", new { kind = "erasure", customerId = marked.Id, requesterContact = "by post" });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var requestId = (await created.ReadJsonAsync()).GetProperty("id").GetInt64();
        (await admin.PostAsJsonAsync($"/api/v1/privacy/customers/{marked.Id}/erase", new { requestId })).StatusCode.Should().Be(HttpStatusCode.OK);
        var request = await (await admin.GetAsync($"/api/v1/privacy/requests/{requestId}")).ReadJsonAsync();
        request.GetProperty("status").GetString().Should().Be("done");
        request.GetProperty("customerErased").GetBoolean().Should().BeTrue();
        request.GetProperty("completedAt").GetDateTimeOffset().Should().Be(app.Clock.GetUtcNow());
    }

    [Theory]
    [InlineData(Role.Sales)]
    [InlineData(Role.Marketing)]
    [InlineData(Role.Analyst)]
    public async Task Only_admins_export_and_erase(Role role)
    {
        var marked = await app.MarkedCustomerAsync();
        var client = app.ClientAs(role);
        (await client.PostAsync($"/api/v1/privacy/customers/{marked.Id}/erase", null)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await client.GetAsync($"/api/v1/privacy/customers/{marked.Id}/export")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await client.GetAsync("/api/v1/privacy/requests")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await app.WithDbAsync(db => db.Customers.AsNoTracking().SingleAsync(c => c.Id == marked.Id))).ErasedAt.Should().BeNull();
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
