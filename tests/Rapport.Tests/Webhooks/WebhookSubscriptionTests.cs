using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Rapport.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Tests.Infrastructure;
using Rapport.Webhooks;

namespace Rapport.Tests.Webhooks;

/// <summary>Managing subscriptions through the API and the admin pages: rules, secrets shown once, authorization.</summary>
public sealed class WebhookSubscriptionTests(WebhookAppFactory app) : IClassFixture<WebhookAppFactory>
{
    private static readonly string[] CustomerCreated = ["customer.created"];
    private static readonly string[] InteractionCreated = ["interaction.created"];
    private static readonly string[] TransactionAndCustomerTwice = ["transaction.created", "customer.created", "customer.created"];
    private static readonly string[] UnknownType = ["customer.deleted"];
    private static readonly string[] PingType = ["ping"];
    private static readonly string[] MergedOnly = ["customer.merged"];
    private readonly HttpClient _admin = app.ClientAs(Role.Admin);

    [Fact]
    public async Task Create_shows_the_secret_once_and_never_again()
    {
        var created = await _admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://hooks.example.com/rapport", description = "Shop", eventTypes = TransactionAndCustomerTwice });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        created.Headers.Location!.ToString().Should().MatchRegex(@"^/api/v1/webhooks/\d+$");
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var secret = body.GetProperty("secret").GetString()!;
        secret.Should().MatchRegex("^whsec_[A-Za-z0-9_-]{43}$", "32 random bytes, base64url");
        var webhook = body.GetProperty("webhook");
        var id = webhook.GetProperty("id").GetInt64();
        webhook.GetProperty("eventTypes").EnumerateArray().Select(e => e.GetString()).Should().Equal("customer.created", "transaction.created");
        webhook.GetProperty("active").GetBoolean().Should().BeTrue();

        var list = await _admin.GetStringAsync("/api/v1/webhooks");
        var one = await _admin.GetStringAsync($"/api/v1/webhooks/{id}");
        list.Should().Contain("hooks.example.com").And.NotContain(secret).And.NotContain("whsec_");
        one.Should().NotContain(secret).And.NotContain("secret");

        var rotated = await (await _admin.PostAsync($"/api/v1/webhooks/{id}/rotate-secret", null)).Content.ReadFromJsonAsync<JsonElement>();
        var newSecret = rotated.GetProperty("secret").GetString()!;
        newSecret.Should().StartWith("whsec_").And.NotBe(secret);
        (await _admin.GetStringAsync("/api/v1/webhooks")).Should().NotContain(newSecret);
        var stored = await app.WithDbAsync(db => Task.FromResult(db.WebhookSubscriptions.Single(s => s.Id == id).Secret));
        stored.Should().Be(newSecret);
    }

    [Theory]
    [InlineData("ftp://hooks.example.com/x", "absolute https")]
    [InlineData("/relative/path", "absolute https")]
    [InlineData("https://user:password@hooks.example.com/x", "user name or password")]
    [InlineData("https://hooks.example.com/x#part", "fragment")]
    public async Task Bad_urls_are_400_on_url(string url, string message)
    {
        var response = await _admin.PostAsJsonAsync("/api/v1/webhooks", new { url, eventTypes = CustomerCreated });
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("errors").GetProperty("url")[0].GetString().Should().Contain(message);
    }

    [Fact]
    public async Task Event_types_must_be_known_and_not_empty()
    {
        var unknown = await _admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://hooks.example.com/x", eventTypes = UnknownType });
        unknown.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("eventTypes")[0].GetString().Should().Contain("'customer.deleted'");

        var none = await _admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://hooks.example.com/x", eventTypes = Array.Empty<string>() });
        none.StatusCode.Should().Be(HttpStatusCode.BadRequest);

        var ping = await _admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://hooks.example.com/x", eventTypes = PingType });
        ping.StatusCode.Should().Be(HttpStatusCode.BadRequest, "ping is only sent by 'test', never subscribed to");
    }

    [Fact]
    public async Task Patch_changes_only_the_fields_sent()
    {
        var id = (await (await _admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://a.example.com/h", description = "A", eventTypes = CustomerCreated }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("webhook").GetProperty("id").GetInt64();

        var patched = await _admin.PatchAsJsonAsync($"/api/v1/webhooks/{id}", new { eventTypes = InteractionCreated, active = false });
        patched.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await patched.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("url").GetString().Should().Be("https://a.example.com/h");
        body.GetProperty("description").GetString().Should().Be("A");
        body.GetProperty("eventTypes").EnumerateArray().Select(e => e.GetString()).Should().Equal("interaction.created");
        body.GetProperty("active").GetBoolean().Should().BeFalse();

        (await _admin.PatchAsJsonAsync($"/api/v1/webhooks/{id}", new { url = "http://insecure.example.com" })).StatusCode.Should().Be(HttpStatusCode.OK, "this host allows http (tests)");
        (await _admin.PatchAsJsonAsync($"/api/v1/webhooks/{id}", new { url = "nope" })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await _admin.PatchAsJsonAsync("/api/v1/webhooks/987654", new { active = true })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await _admin.PatchAsJsonAsync($"/api/v1/webhooks/{id}", new { colour = "red" })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData(Role.Marketing)]
    [InlineData(Role.Sales)]
    [InlineData(Role.Analyst)]
    public async Task Only_admins_manage_webhooks(Role role)
    {
        var client = app.ClientAs(role);
        (await client.GetAsync("/api/v1/webhooks")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await client.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://x.example.com", eventTypes = CustomerCreated })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await client.GetAsync("/api/v1/webhooks/1/deliveries")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await client.GetAsync("/api/v1/webhook-deliveries/1")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await client.PostAsync("/api/v1/webhook-deliveries/1/replay", null)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await client.PostAsync("/api/v1/webhooks/1/rotate-secret", null)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await app.Anonymous().GetAsync("/api/v1/webhooks")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        var pages = await app.SignedInAs(role);
        foreach (var page in new[] { "/admin/webhooks", "/admin/webhooks/1", "/admin/webhook-deliveries/1" })
        {
            var response = await pages.GetAsync(page);
            response.StatusCode.Should().Be(HttpStatusCode.Redirect, page);
            response.Headers.Location!.AbsolutePath.Should().Be("/forbidden", page);
        }
    }

    [Fact]
    public async Task Delivery_log_pages_by_cursor_and_filters_by_status()
    {
        var id = (await (await _admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://log.example.com/h", eventTypes = CustomerCreated, active = false }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("webhook").GetProperty("id").GetInt64();
        await app.WithDbAsync(async db =>
        {
            for (var i = 0; i < 5; i++)
            {
                db.WebhookDeliveries.Add(new Rapport.Webhooks.WebhookDelivery
                {
                    SubscriptionId = id, EventId = $"evt_{i}", EventType = "customer.created", Payload = "{}",
                    Status = i % 2 == 0 ? Rapport.Webhooks.WebhookDeliveryStatus.Succeeded : Rapport.Webhooks.WebhookDeliveryStatus.Failed,
                    NextAttemptAt = app.Clock.GetUtcNow(),
                });
            }

            return await db.SaveChangesAsync();
        });

        var first = await (await _admin.GetAsync($"/api/v1/webhooks/{id}/deliveries?limit=3")).Content.ReadFromJsonAsync<JsonElement>();
        first.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("eventId").GetString()).Should().Equal("evt_4", "evt_3", "evt_2");
        var next = first.GetProperty("next").GetString();
        var second = await (await _admin.GetAsync($"/api/v1/webhooks/{id}/deliveries?limit=3&after={next}")).Content.ReadFromJsonAsync<JsonElement>();
        second.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("eventId").GetString()).Should().Equal("evt_1", "evt_0");
        second.GetProperty("next").ValueKind.Should().Be(JsonValueKind.Null);

        var failed = await (await _admin.GetAsync($"/api/v1/webhooks/{id}/deliveries?status=failed")).Content.ReadFromJsonAsync<JsonElement>();
        failed.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("eventId").GetString()).Should().Equal("evt_3", "evt_1");
        (await _admin.GetAsync($"/api/v1/webhooks/{id}/deliveries?status=lost")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await _admin.GetAsync($"/api/v1/webhooks/{id}/deliveries?after=garbage")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Admin_pages_create_with_the_secret_shown_once_and_show_the_log()
    {
        var admin = await app.SignedInAs(Role.Admin);
        var token = await RapportAppFactory.AntiforgeryTokenAsync(admin, "/admin/webhooks");
        using var form = new FormUrlEncodedContent(
        [
            new("url", "https://pages.example.com/hook"),
            new("description", "From the page"),
            new("eventTypes", "customer.created"),
            new("eventTypes", "interaction.created"),
            new(RapportAppFactory.AntiforgeryField, token),
        ]);
        var created = await admin.PostAsync("/admin/webhooks?handler=Create", form);
        created.StatusCode.Should().Be(HttpStatusCode.OK);
        var html = await created.Content.ReadAsStringAsync();
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
        var secret = document.QuerySelector("#new-secret")!.TextContent;
        secret.Should().StartWith("whsec_");

        var list = await admin.GetStringAsync("/admin/webhooks");
        list.Should().Contain("https://pages.example.com/hook").And.NotContain(secret);
        var id = await app.WithDbAsync(db => Task.FromResult(db.WebhookSubscriptions.Single(s => s.Url == "https://pages.example.com/hook").Id));
        (await admin.GetStringAsync($"/admin/webhooks/{id}")).Should().Contain("Delivery log").And.Contain("interaction.created").And.NotContain(secret);

        var bad = await admin.PostAsync("/admin/webhooks?handler=Create", new FormUrlEncodedContent(
        [
            new("url", "ftp://x"),
            new(RapportAppFactory.AntiforgeryField, await RapportAppFactory.AntiforgeryTokenAsync(admin, "/admin/webhooks")),
        ]));
        bad.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await bad.Content.ReadAsStringAsync()).Should().Contain("absolute https");
    }

    [Fact]
    public async Task Admin_pages_edit_rotate_replay_disable_and_delete()
    {
        var admin = await app.SignedInAs(Role.Admin);
        var created = await (await _admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://edit.example.com/hook", eventTypes = CustomerCreated }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("webhook").GetProperty("id").GetInt64();
        var firstSecret = created.GetProperty("secret").GetString()!;
        var deliveryId = await app.WithDbAsync(async db =>
        {
            var delivery = new Rapport.Webhooks.WebhookDelivery
            {
                SubscriptionId = id, EventId = "evt_page", EventType = "customer.created", Payload = """{"id":"evt_page","type":"customer.created","data":{"firstName":"Page"}}""",
                Status = Rapport.Webhooks.WebhookDeliveryStatus.Failed, Attempts = 7, NextAttemptAt = app.Clock.GetUtcNow(), LastError = "The receiver answered 500",
            };
            db.WebhookDeliveries.Add(delivery);
            await db.SaveChangesAsync();
            return delivery.Id;
        });

        var deliveryPage = await admin.GetStringAsync($"/admin/webhook-deliveries/{deliveryId}");
        deliveryPage.Should().Contain("evt_page").And.Contain("&quot;firstName&quot;: &quot;Page&quot;", "the body is shown indented");

        var replayed = await PostFormAsync(admin, $"/admin/webhooks/{id}", $"/admin/webhooks/{id}?handler=Replay", [new("deliveryId", $"{deliveryId}")]);
        replayed.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await app.WithDbAsync(db => Task.FromResult(db.WebhookDeliveries.Single(d => d.Id == deliveryId).Status))).Should().Be(Rapport.Webhooks.WebhookDeliveryStatus.Pending);

        var invalid = await PostFormAsync(admin, $"/admin/webhooks/{id}", $"/admin/webhooks/{id}?handler=Save",
            [new("url", "https://user:pw@edit.example.com/"), new("eventTypes", "customer.created"), new("active", "true")]);
        invalid.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await invalid.Content.ReadAsStringAsync()).Should().Contain("user name or password");
        var saved = await PostFormAsync(admin, $"/admin/webhooks/{id}", $"/admin/webhooks/{id}?handler=Save",
            [new("url", "https://edit.example.com/v2"), new("description", "Edited"), new("eventTypes", "customer.updated"), new("active", "true"), new("active", "false")]);
        saved.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var edited = await _admin.GetFromJsonAsync<JsonElement>($"/api/v1/webhooks/{id}");
        edited.GetProperty("url").GetString().Should().Be("https://edit.example.com/v2");
        edited.GetProperty("eventTypes")[0].GetString().Should().Be("customer.updated");

        var rotated = await PostFormAsync(admin, "/admin/webhooks", "/admin/webhooks?handler=Rotate", [new("id", $"{id}")]);
        var newSecret = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await rotated.Content.ReadAsStringAsync()).QuerySelector("#new-secret")!.TextContent;
        newSecret.Should().StartWith("whsec_").And.NotBe(firstSecret);
        (await app.WithDbAsync(db => Task.FromResult(db.WebhookSubscriptions.Single(s => s.Id == id).Secret))).Should().Be(newSecret);

        (await PostFormAsync(admin, "/admin/webhooks", "/admin/webhooks?handler=Active", [new("id", $"{id}"), new("active", "false")])).StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await app.WithDbAsync(db => Task.FromResult(db.WebhookSubscriptions.Single(s => s.Id == id).Active))).Should().BeFalse();
        (await app.WithDbAsync(db => Task.FromResult(db.WebhookDeliveries.Single(d => d.Id == deliveryId).Status))).Should().Be(Rapport.Webhooks.WebhookDeliveryStatus.Failed, "disabling stops pending deliveries");

        (await PostFormAsync(admin, "/admin/webhooks", "/admin/webhooks?handler=Delete", [new("id", $"{id}")])).StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await admin.GetAsync($"/admin/webhooks/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Another_server_sees_a_new_subscription_within_its_refresh_interval()
    {
        // A second instance's outbox over the same database, as on another server: it did not see the change happen.
        using var other = new WebhookOutbox(app.Database.Database, new WebhookOptions { RefreshInterval = TimeSpan.FromMilliseconds(200) },
            TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<WebhookOutbox>.Instance);
        other.Wants(WebhookEvents.CustomerMerged).Should().BeFalse("no subscription wants merges yet");

        var created = await _admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://merges.example.com/h", eventTypes = MergedOnly });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        app.Services.GetRequiredService<WebhookOutbox>().Wants(WebhookEvents.CustomerMerged).Should().BeTrue("the instance that saved it knows at once");
        other.Wants(WebhookEvents.CustomerMerged).Should().BeFalse("the other instance still trusts its list");

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!other.Wants(WebhookEvents.CustomerMerged) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        other.Wants(WebhookEvents.CustomerMerged).Should().BeTrue("the list is read again after the refresh interval");
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("webhook").GetProperty("id").GetInt64();
        (await _admin.PatchAsJsonAsync($"/api/v1/webhooks/{id}", new { active = false })).StatusCode.Should().Be(HttpStatusCode.OK);
        app.Services.GetRequiredService<WebhookOutbox>().Wants(WebhookEvents.CustomerMerged).Should().BeFalse("a disabled subscription wants nothing");
    }

    [Fact]
    public async Task Finished_deliveries_leave_the_log_after_the_retention_period()
    {
        var id = (await (await _admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://retention.example.com/h", eventTypes = CustomerCreated, active = false }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("webhook").GetProperty("id").GetInt64();
        var old = app.Clock.GetUtcNow().AddDays(-31);
        var (succeeded, recent) = await app.WithDbAsync(async db =>
        {
            var oldDone = new WebhookDelivery { SubscriptionId = id, EventId = "evt_old", EventType = "customer.created", Payload = "{}", Status = WebhookDeliveryStatus.Succeeded, NextAttemptAt = old, CreatedAt = old };
            var newDone = new WebhookDelivery { SubscriptionId = id, EventId = "evt_new", EventType = "customer.created", Payload = "{}", Status = WebhookDeliveryStatus.Failed, NextAttemptAt = old, CreatedAt = app.Clock.GetUtcNow().AddDays(-29) };
            db.WebhookDeliveries.AddRange(oldDone, newDone);
            await db.SaveChangesAsync();
            db.WebhookAttempts.Add(new WebhookAttempt { DeliveryId = oldDone.Id, AttemptedAt = old, StatusCode = 200, DurationMs = 5 });
            await db.SaveChangesAsync();
            return (oldDone.Id, newDone.Id);
        });

        app.Clock.Advance(TimeSpan.FromHours(1)); // the dispatcher cleans up at most hourly
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (await app.WithDbAsync(db => db.WebhookDeliveries.AnyAsync(d => d.Id == succeeded)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        (await app.WithDbAsync(db => db.WebhookDeliveries.AnyAsync(d => d.Id == succeeded))).Should().BeFalse("30 days is the default retention");
        (await app.WithDbAsync(db => db.WebhookAttempts.AnyAsync(a => a.DeliveryId == succeeded))).Should().BeFalse("its attempts go with it");
        (await app.WithDbAsync(db => db.WebhookDeliveries.AnyAsync(d => d.Id == recent))).Should().BeTrue();
    }

    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string formPage, string action, KeyValuePair<string, string>[] fields)
    {
        var token = await RapportAppFactory.AntiforgeryTokenAsync(client, formPage);
        using var content = new FormUrlEncodedContent([.. fields, new(RapportAppFactory.AntiforgeryField, token)]);
        return await client.PostAsync(action, content);
    }
}

/// <summary>A host with the production URL rules: https only and no private or loopback receivers.</summary>
public sealed class StrictWebhookAppFactory : RapportAppFactory;

public sealed class WebhookUrlRuleTests(StrictWebhookAppFactory app) : IClassFixture<StrictWebhookAppFactory>
{
    private static readonly string[] CustomerCreated = ["customer.created"];
    [Theory]
    [InlineData("http://hooks.example.com/x", "https")]
    [InlineData("https://127.0.0.1/x", "public address")]
    [InlineData("https://[::1]:8443/x", "public address")]
    [InlineData("https://10.1.2.3/x", "public address")]
    [InlineData("https://169.254.169.254/latest/meta-data", "public address")]
    [InlineData("https://localhost:5001/x", "public address")]
    [InlineData("https://printer.local/x", "public address")]
    [InlineData("https://intranet/x", "public address")]
    public async Task Plain_http_and_private_receivers_are_refused_by_default(string url, string message)
    {
        var response = await app.ClientAs(Role.Admin).PostAsJsonAsync("/api/v1/webhooks", new { url, eventTypes = CustomerCreated });
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("url")[0].GetString().Should().Contain(message);
    }

    [Fact]
    public async Task A_public_https_receiver_is_accepted()
    {
        var response = await app.ClientAs(Role.Admin).PostAsJsonAsync("/api/v1/webhooks", new { url = "https://93.184.215.14:8443/hooks?source=rapport", eventTypes = CustomerCreated });
        response.StatusCode.Should().Be(HttpStatusCode.Created);
    }
}
