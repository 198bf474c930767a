using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Consent;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Interactions;

namespace Rapport.Tests.Consent;

/// <summary>Customers and consent through the real API, and what the tables hold.</summary>
internal static class ConsentKit
{
    public static string UniqueEmail(string prefix = "c") => $"{prefix}.{Guid.NewGuid():N}@example.com";

    public static async Task<long> CustomerAsync(this RapportAppFactory app, string? email = null, string? phone = null, string firstName = "Cora")
    {
        var response = await app.ClientAs(Role.Admin).PostAsJsonAsync("/api/v1/customers", new { firstName, lastName = "Consent", email, phone });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).GetProperty("id").GetInt64();
    }

    public static async Task<HttpResponseMessage> PostConsentAsync(this RapportAppFactory app, long customerId, object body, Role role = Role.Marketing) =>
        await app.ClientAs(role).PostAsJsonAsync($"/api/v1/customers/{customerId}/consent", body);

    public static async Task RecordAsync(this RapportAppFactory app, long customerId, params object[] events)
    {
        var response = await app.PostConsentAsync(customerId, new { events });
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    public static object Grant(string channel, string purpose, DateTimeOffset? at = null) =>
        new { channel, purpose, status = "granted", noticeVersion = "2026-12", occurredAt = at };

    public static object Withdraw(string channel, string purpose, DateTimeOffset? at = null) =>
        new { channel, purpose, status = "withdrawn", occurredAt = at };

    public static Task<List<ConsentStateRow>> StateAsync(this RapportAppFactory app, long customerId) =>
        app.WithDbAsync(db => db.Set<ConsentStateRow>().AsNoTracking().Where(s => s.CustomerId == customerId).ToListAsync());

    public static Task<List<ConsentEvent>> EventsAsync(this RapportAppFactory app, long customerId) =>
        app.WithDbAsync(db => db.Set<ConsentEvent>().AsNoTracking().Where(e => e.CustomerId == customerId).OrderBy(e => e.Id).ToListAsync());

    public static async Task<JsonElement> CheckAsync(this RapportAppFactory app, object body)
    {
        var response = await app.ClientAs(Role.Marketing).PostAsJsonAsync("/api/v1/consent/check", body);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    /// <summary>The latest event per channel × purpose by (occurred at, id): what the state table must say.</summary>
    public static Dictionary<(ConsentChannel, ConsentPurpose), ConsentEvent> Derive(IEnumerable<ConsentEvent> events) =>
        events.GroupBy(e => (e.Channel, e.Purpose))
            .ToDictionary(g => g.Key, g => g.OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id).First());
}
