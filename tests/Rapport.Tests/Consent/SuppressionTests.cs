using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Consent;
using Rapport.Identity;
using Rapport.Tests.Imports;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Interactions;

namespace Rapport.Tests.Consent;

/// <summary>The suppression list: keyed hashes only, matched to customers who have the address now or later, and the consent check over it all.</summary>
public sealed class SuppressionTests(ImportAppFactory app) : IClassFixture<ImportAppFactory>
{
    [Fact]
    public async Task A_suppressed_email_survives_deleting_the_customer_and_keeps_a_recreated_one_out_of_marketing()
    {
        var email = ConsentKit.UniqueEmail("sup");
        var first = await app.CustomerAsync(email);
        await app.RecordAsync(first, ConsentKit.Grant("email", "marketing"));

        var added = await app.ClientAs(Role.Admin).PostAsJsonAsync("/api/v1/suppressions", new { email = "  " + email.ToUpperInvariant() + " ", reason = "asked never to be contacted" });
        added.StatusCode.Should().Be(HttpStatusCode.OK, await added.Content.ReadAsStringAsync());
        (await Check(first)).GetProperty("notContactable").GetProperty("suppressed").GetInt64().Should().Be(1);

        var stored = await app.WithDbAsync(db => db.Set<Suppression>().AsNoTracking().ToListAsync());
        stored.Should().OnlyContain(s => s.AddressHash.Length == 64 && !s.AddressHash.Contains('@'));
        (await app.ClientAs(Role.Admin).GetStringAsync("/api/v1/suppressions")).Should().NotContain(email);

        (await app.ClientAs(Role.Admin).DeleteAsync($"/api/v1/customers/{first}")).IsSuccessStatusCode.Should().BeTrue();
        (await app.WithDbAsync(db => db.Set<Suppression>().CountAsync())).Should().Be(stored.Count, "nothing cascades from customers into suppressions");

        var again = await app.CustomerAsync(email.ToUpperInvariant());
        await app.RecordAsync(again, ConsentKit.Grant("email", "marketing"));
        var check = await Check(again);
        check.GetProperty("contactable").GetInt64().Should().Be(0);
        check.GetProperty("notContactable").GetProperty("suppressed").GetInt64().Should().Be(1);

        var lookup = await app.ClientAs(Role.Admin).PostAsJsonAsync("/api/v1/suppressions/lookup", new { email });
        (await lookup.ReadJsonAsync()).GetProperty("suppressed").GetBoolean().Should().BeTrue();
        (await app.ClientAs(Role.Marketing).PostAsJsonAsync("/api/v1/suppressions", new { email })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_customer_who_takes_a_suppressed_address_later_is_matched_and_removing_the_entry_releases_them()
    {
        var phone = "+44 20 7946 " + Random.Shared.Next(1000, 9999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var added = await app.ClientAs(Role.Admin).PostAsJsonAsync("/api/v1/suppressions", new { phone, reason = "wrong number" });
        added.StatusCode.Should().Be(HttpStatusCode.OK);
        var suppressionId = (await added.ReadJsonAsync()).GetProperty("suppressionIds")[0].GetInt64();

        var id = await app.CustomerAsync(ConsentKit.UniqueEmail(), "+44 20 7946 0000");
        await app.RecordAsync(id, ConsentKit.Grant("sms", "marketing"));
        (await Check(id, "sms")).GetProperty("contactable").GetInt64().Should().Be(1);

        // Written again by the API, in another spelling: kept out of marketing.
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/customers/{id}") { Content = JsonContent.Create(new { phone = "0044-20-7946-" + phone[^4..] }) };
        var current = await app.ClientAs(Role.Admin).GetAsync($"/api/v1/customers/{id}");
        patch.Headers.TryAddWithoutValidation("If-Match", current.Headers.ETag!.Tag);
        var patched = await app.ClientAs(Role.Admin).SendAsync(patch);
        patched.StatusCode.Should().Be(HttpStatusCode.OK, await patched.Content.ReadAsStringAsync());
        (await Check(id, "sms")).GetProperty("notContactable").GetProperty("suppressed").GetInt64().Should().Be(1);
        (await Check(id, "email")).GetProperty("notContactable").GetProperty("suppressed").GetInt64().Should().Be(0, "a phone suppression does not touch email");

        (await app.ClientAs(Role.Admin).DeleteAsync($"/api/v1/suppressions/{suppressionId}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await Check(id, "sms")).GetProperty("contactable").GetInt64().Should().Be(1);
    }

    [Fact]
    public async Task The_check_counts_each_customer_once_under_the_first_reason_and_lists_the_contactable_ids()
    {
        var granted = await app.CustomerAsync(ConsentKit.UniqueEmail());
        await app.RecordAsync(granted, ConsentKit.Grant("email", "marketing"));
        var legitimate = await app.CustomerAsync(ConsentKit.UniqueEmail());
        await app.RecordAsync(legitimate, new { channel = "email", purpose = "marketing", status = "granted", legalBasis = "legitimate_interest" });
        var withdrawn = await app.CustomerAsync(ConsentKit.UniqueEmail());
        await app.RecordAsync(withdrawn, ConsentKit.Grant("email", "marketing"), ConsentKit.Withdraw("email", "marketing", app.Clock.GetUtcNow().AddSeconds(1)));
        var denied = await app.CustomerAsync(ConsentKit.UniqueEmail());
        await app.RecordAsync(denied, new { channel = "email", purpose = "marketing", status = "denied" });
        var nothing = await app.CustomerAsync(ConsentKit.UniqueEmail());
        var noEmail = await app.CustomerAsync(null, "+33 1 23 45 67 89");
        await app.RecordAsync(noEmail, ConsentKit.Grant("email", "marketing"));
        long[] ids = [granted, legitimate, withdrawn, denied, nothing, noEmail, 999_999_999];

        var check = await app.CheckAsync(new { channel = "email", purpose = "marketing", customerIds = ids, includeIds = true });
        check.GetProperty("audienced").GetInt64().Should().Be(6);
        check.GetProperty("contactable").GetInt64().Should().Be(2);
        check.GetProperty("contactableIds").EnumerateArray().Select(i => i.GetInt64()).Should().Equal(granted, legitimate);
        var not = check.GetProperty("notContactable");
        (not.GetProperty("noAddress").GetInt64(), not.GetProperty("suppressed").GetInt64(), not.GetProperty("withdrawn").GetInt64(),
            not.GetProperty("denied").GetInt64(), not.GetProperty("noConsent").GetInt64()).Should().Be((1L, 0L, 1L, 1L, 1L));

        var profiling = await app.CheckAsync(new { channel = "email", purpose = "profiling", customerIds = ids });
        profiling.GetProperty("contactable").GetInt64().Should().Be(6, "profiling is on without an event and needs no address");

        var everyone = await app.ClientAs(Role.Analyst).GetAsync("/api/v1/consent/check?channel=email&purpose=marketing");
        everyone.StatusCode.Should().Be(HttpStatusCode.OK);
        (await everyone.ReadJsonAsync()).GetProperty("audienced").GetInt64().Should().BeGreaterThanOrEqualTo(6);
        (await app.ClientAs(Role.Analyst).PostAsJsonAsync("/api/v1/consent/check", new { channel = "email", purpose = "marketing" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        var bad = await app.ClientAs(Role.Marketing).PostAsJsonAsync("/api/v1/consent/check", new { channel = "pigeon", purpose = "marketing", segmentId = 1, customerIds = ids });
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = (await bad.ReadJsonAsync()).GetProperty("errors");
        errors.TryGetProperty("channel", out _).Should().BeTrue();
        errors.TryGetProperty("customerIds", out _).Should().BeTrue();
        (await app.ClientAs(Role.Marketing).PostAsJsonAsync("/api/v1/consent/check", new { channel = "email", purpose = "marketing", segmentId = 987_654 }))
            .StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Suppressions_normalise_addresses_and_the_use_case_answers_for_erasure()
    {
        var email = ConsentKit.UniqueEmail("erase");
        await app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<Rapport.Data.RapportDbContext>();
            var suppressions = sp.GetRequiredService<Suppressions>();
            await suppressions.SuppressAsync(db, email, "+49 (0)30 1234567", "erased", CancellationToken.None);
            await suppressions.SuppressAsync(db, email, null, "again", CancellationToken.None);
            (await suppressions.IsSuppressedAsync(db, " " + email.ToUpperInvariant(), null, CancellationToken.None)).Should().BeTrue();
            (await suppressions.IsSuppressedAsync(db, null, "0049 (0)30-1234567", CancellationToken.None)).Should().BeTrue();
            (await suppressions.IsSuppressedAsync(db, "someone.else@example.com", "12", CancellationToken.None)).Should().BeFalse();
            return 0;
        });
        Suppressions.NormalisePhone("+1 (555) 010-9999").Should().Be("15550109999");
        Suppressions.NormalisePhone("123").Should().BeNull();
    }

    private Task<System.Text.Json.JsonElement> Check(long id, string channel = "email") =>
        app.CheckAsync(new { channel, purpose = "marketing", customerIds = new[] { id } });
}
