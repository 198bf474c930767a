using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Audit;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Audit;

/// <summary>The audit log through the real host: append-only table, the interceptor's masked changes, views through the queue, sign-ins, the API and page.</summary>
public sealed class AuditLogTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private Task<List<AuditEvent>> EventsAsync(Func<AuditEvent, bool>? where = null) => app.WithDbAsync(async db =>
        (await db.Set<AuditEvent>().AsNoTracking().OrderBy(e => e.Id).ToListAsync()).Where(where ?? (_ => true)).ToList());

    private Task<int> DrainAsync() => app.Services.GetRequiredService<AuditQueue>().DrainAsync();

    private async Task<long> CreateCustomerAsync(HttpClient client, string marker)
    {
        var response = await client.PostAsJsonAsync("/api/v1/customers", new
        {
            firstName = $"Zora{marker}",
            lastName = $"Quill{marker}",
            email = $"zora.{marker}@example.com",
            phone = "+44 20 7946 0" + marker[..3],
            birthDate = "1984-02-29",
            city = $"Kent{marker}",
        });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
    }

    private static string Marker() => Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task The_database_refuses_to_update_or_delete_audit_entries()
    {
        await app.WithScopeAsync(async sp =>
        {
            await sp.GetRequiredService<AuditLog>().RecordAsync(AuditActor.System("test"), "test.append_only");
            return 0;
        });
        var row = (await EventsAsync(e => e.Action == "test.append_only")).Single();

        var update = () => app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("UPDATE audit_events SET action = 'tampered' WHERE id = {0}", row.Id));
        var delete = () => app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("DELETE FROM audit_events WHERE id = {0}", row.Id));
        var deleteAll = () => app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("DELETE FROM audit_events"));

        (await update.Should().ThrowAsync<Exception>()).Which.Message.Should().Contain("append-only");
        (await delete.Should().ThrowAsync<Exception>()).Which.Message.Should().Contain("append-only");
        await deleteAll.Should().ThrowAsync<Exception>();
        (await EventsAsync(e => e.Id == row.Id)).Single().Action.Should().Be("test.append_only");
    }

    [Fact]
    public async Task Create_update_and_delete_are_recorded_with_field_names_and_no_personal_value_in_clear()
    {
        var marker = Marker();
        var client = app.ClientAs(Role.Sales);
        var id = await CreateCustomerAsync(client, marker);

        using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/customers/{id}")
        {
            Content = JsonContent.Create(new { lastName = $"Renamed{marker}", phone = (string?)null }),
        };
        patch.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        var patched = await client.SendAsync(patch);
        patched.StatusCode.Should().Be(HttpStatusCode.OK, await patched.Content.ReadAsStringAsync());
        (await client.DeleteAsync($"/api/v1/customers/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        await DrainAsync();

        var about = await EventsAsync(e => e.CustomerId == id);
        about.Select(e => e.Action).Should().ContainInOrder("customer.created", "customer.updated", "customer.deleted");
        about.Should().OnlyContain(e => e.ActorKind == AuditActorKinds.ApiKey && e.ActorId != null);

        var created = JsonDocument.Parse(about.First(e => e.Action == "customer.created").Changes!).RootElement;
        created.GetProperty("firstName").GetString().Should().Be(AuditMasking.Mask);
        created.GetProperty("email").GetString().Should().Be(AuditMasking.Mask);
        created.GetProperty("birthDate").GetString().Should().Be(AuditMasking.Mask);

        var updated = JsonDocument.Parse(about.First(e => e.Action == "customer.updated").Changes!).RootElement;
        updated.GetProperty("lastName").GetProperty("from").GetString().Should().Be(AuditMasking.Mask);
        updated.GetProperty("lastName").GetProperty("to").GetString().Should().Be(AuditMasking.Mask);
        updated.GetProperty("phone").GetProperty("to").ValueKind.Should().Be(JsonValueKind.Null, "a cleared field shows as cleared");
        updated.TryGetProperty("firstName", out _).Should().BeFalse("only changed fields are listed");

        var everything = string.Join("\n", (await EventsAsync()).Select(e => $"{e.ActorLabel} {e.EntityId} {e.Changes}"));
        everything.Should().NotContain(marker, "no name, email, phone or city of the customer is in the log");
    }

    [Fact]
    public async Task Views_of_a_customer_go_through_the_queue_and_land_after_a_drain()
    {
        var client = app.ClientAs(Role.Analyst);
        var id = await CreateCustomerAsync(app.ClientAs(Role.Admin), Marker());

        (await client.GetAsync($"/api/v1/customers/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetAsync($"/api/v1/customers/{id}/timeline")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetAsync($"/api/v1/customers/{id}/vcard")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetAsync("/api/v1/exports/customers?format=csv")).StatusCode.Should().Be(HttpStatusCode.OK);
        var page = await app.SignedInAs(Role.Service);
        (await page.GetAsync($"/customers/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        await DrainAsync();

        var views = await EventsAsync(e => e.CustomerId == id && e.Action != "customer.created");
        views.Select(e => e.Action).Should().Contain([AuditActions.CustomerViewed, AuditActions.TimelineViewed, AuditActions.CustomerExported]);
        views.Should().Contain(e => e.Action == AuditActions.CustomerViewed && e.ActorKind == AuditActorKinds.ApiKey);
        views.Should().Contain(e => e.Action == AuditActions.CustomerViewed && e.ActorKind == AuditActorKinds.User && e.ActorLabel == "Test Service");
        (await EventsAsync(e => e.Action == AuditActions.Export)).Should().NotBeEmpty();
    }

    [Fact]
    public async Task Sign_ins_are_recorded_and_a_failed_attempt_keeps_only_a_hash_of_the_typed_email()
    {
        var user = await app.AddUserAsync(Role.Marketing);
        var typo = $"nobody.{Marker()}@example.org";
        await RapportAppFactory.PostSignInAsync(app.Anonymous(), typo, "wrong password here");
        await RapportAppFactory.PostSignInAsync(app.Anonymous(), user.Email, "wrong password here");
        var client = await app.SignInAsync(user);
        await client.PostAsync("/signout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [RapportAppFactory.AntiforgeryField] = await RapportAppFactory.AntiforgeryTokenAsync(client, "/"),
        }));

        var failed = await EventsAsync(e => e.Action == "sign_in.failed");
        failed.Should().Contain(e => e.Changes!.Contains(SignIn.EmailHash(typo), StringComparison.Ordinal) && e.EntityId == null);
        failed.Should().Contain(e => e.EntityId == user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) && e.ActorKind == AuditActorKinds.Anonymous);
        (await EventsAsync()).Should().NotContain(e => (e.Changes ?? "").Contains(typo, StringComparison.OrdinalIgnoreCase) || (e.ActorLabel ?? "").Contains(typo, StringComparison.OrdinalIgnoreCase));
        (await EventsAsync(e => e.Action == "sign_in.succeeded")).Should().Contain(e => e.ActorKind == AuditActorKinds.User && e.ActorId == user.Id);
        (await EventsAsync(e => e.Action == "sign_out")).Should().Contain(e => e.ActorId == user.Id);
    }

    [Fact]
    public async Task Role_changes_and_api_keys_are_recorded_with_their_own_actions()
    {
        var user = await app.AddUserAsync(Role.Sales);
        var admin = app.ClientAs(Role.Admin);
        var created = await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "audit key", role = "analyst" });
        var keyId = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
        (await admin.DeleteAsync($"/api/v1/api-keys/{keyId}")).StatusCode.Should().Be(HttpStatusCode.OK);
        await app.WithScopeAsync(sp => sp.GetRequiredService<ChangeUserRole>().HandleAsync(user.Id, Role.Service, null, CancellationToken.None));

        var keyEvents = await EventsAsync(e => e.EntityType == "api_key" && e.EntityId == keyId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        keyEvents.Select(e => e.Action).Should().Equal("api_key.created", "api_key.revoked");
        keyEvents[0].Changes.Should().NotContain("secretHash\":\"" + "0", "the secret hash is masked").And.Contain(AuditMasking.Mask);
        var role = (await EventsAsync(e => e.Action == "user.role_changed" && e.EntityId == user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))).Single();
        role.ActorKind.Should().Be(AuditActorKinds.System);
        role.Changes.Should().Contain("\"from\":\"Sales\"").And.Contain("\"to\":\"Service\"");
    }

    [Fact]
    public async Task The_api_searches_with_filters_and_keyset_paging_for_admins_only()
    {
        var id = await CreateCustomerAsync(app.ClientAs(Role.Admin), Marker());
        var analyst = app.ClientAs(Role.Analyst);
        for (var i = 0; i < 3; i++)
        {
            await analyst.GetAsync($"/api/v1/customers/{id}");
        }

        await DrainAsync();
        var admin = app.ClientAs(Role.Admin);

        var first = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/audit?customerId={id}&action=customer.viewed&limit=2");
        first.GetProperty("items").GetArrayLength().Should().Be(2);
        var next = first.GetProperty("next").GetString();
        next.Should().NotBeNull();
        var second = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/audit?customerId={id}&action=customer.viewed&limit=2&after={next}");
        second.GetProperty("items").GetArrayLength().Should().Be(1);
        second.GetProperty("next").ValueKind.Should().Be(JsonValueKind.Null);

        var prefix = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/audit?customerId={id}&action=customer.*");
        prefix.GetProperty("items").GetArrayLength().Should().Be(4);
        var kinds = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/audit?customerId={id}&actorKind=api_key&from=2000-01-01T00:00:00Z");
        kinds.GetProperty("items").GetArrayLength().Should().Be(4);

        (await admin.GetAsync("/api/v1/audit?actorKind=robot")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await admin.GetAsync("/api/v1/audit?after=garbage")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await analyst.GetAsync("/api/v1/audit")).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        var forExport = await app.WithScopeAsync(sp => sp.GetRequiredService<AuditLog>().ForCustomerAsync(id, CancellationToken.None));
        forExport.Should().HaveCount(4).And.BeInAscendingOrder(e => e.Id);
    }

    [Fact]
    public async Task The_admin_page_lists_and_filters_and_the_customer_page_links_to_it()
    {
        var id = await CreateCustomerAsync(app.ClientAs(Role.Admin), Marker());
        var admin = await app.SignedInAs(Role.Admin);

        var customerPage = await admin.GetStringAsync($"/customers/{id}");
        customerPage.Should().Contain($"/admin/audit?customerId={id}");
        var page = await admin.GetAsync($"/admin/audit?customerId={id}");
        page.StatusCode.Should().Be(HttpStatusCode.OK);
        var html = await page.Content.ReadAsStringAsync();
        html.Should().Contain("customer.created").And.Contain("Audit log");
        (await admin.GetAsync("/admin/audit?from=yesterday")).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await (await app.SignedInAs(Role.Sales)).GetAsync("/admin/audit")).StatusCode.Should().NotBe(HttpStatusCode.OK);
    }
}
