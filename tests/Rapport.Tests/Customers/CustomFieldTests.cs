// CA1861: request bodies spell out their JSON arrays inline so each test reads as the request it sends; they run once.
#pragma warning disable CA1861
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;
using static Rapport.Tests.Customers.CustomerTestApi;

namespace Rapport.Tests.Customers;

public sealed class CustomFieldTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>, IAsyncLifetime
{
    private readonly HttpClient _admin = app.ClientAs(Role.Admin);
    private readonly HttpClient _sales = app.ClientAs(Role.Sales);

    public async Task InitializeAsync()
    {
        // The definitions every test here writes values against; created once per class.
        var existing = await (await _admin.GetAsync("/api/v1/custom-fields")).Content.ReadFromJsonAsync<JsonElement>();
        if (existing.GetArrayLength() > 0)
        {
            return;
        }

        await Define(new { key = "shoe_size", label = "Shoe size", type = "number" });
        await Define(new { key = "vip_since", label = "VIP since", type = "date" });
        await Define(new { key = "newsletter", label = "Newsletter", type = "boolean" });
        await Define(new { key = "nickname", label = "Nickname", type = "text" });
        await Define(new { key = "tier", label = "Tier", type = "choice", options = new[] { "Bronze", "Silver", "Gold" } });
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<JsonElement> Define(object body)
    {
        var response = await _admin.PostAsJsonAsync("/api/v1/custom-fields", body);
        await ExpectAsync(response, HttpStatusCode.Created);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Typed_values_are_stored_and_returned_with_label_and_type()
    {
        var created = await CreateAsync(_sales, new
        {
            firstName = "Custom",
            customFields = new Dictionary<string, object?> { ["shoe_size"] = 42.5, ["vip_since"] = "2024-03-01", ["newsletter"] = true, ["nickname"] = " Cus ", ["tier"] = "gold" },
        });

        var fields = created.GetProperty("customFields");
        fields.GetProperty("shoe_size").GetProperty("value").GetDecimal().Should().Be(42.5m);
        fields.GetProperty("shoe_size").GetProperty("type").GetString().Should().Be("number");
        fields.GetProperty("shoe_size").GetProperty("label").GetString().Should().Be("Shoe size");
        fields.GetProperty("vip_since").GetProperty("value").GetString().Should().Be("2024-03-01");
        fields.GetProperty("newsletter").GetProperty("value").GetBoolean().Should().BeTrue();
        fields.GetProperty("nickname").GetProperty("value").GetString().Should().Be("Cus");
        fields.GetProperty("tier").GetProperty("value").GetString().Should().Be("Gold", "choices are stored as the option is spelled");
        fields.EnumerateObject().Select(p => p.Name).Should().Equal("shoe_size", "vip_since", "newsletter", "nickname", "tier");

        var stored = await StoredAsync(app, created.GetProperty("id").GetInt64());
        stored!.FieldValues.Should().HaveCount(5);
        stored.FieldValues.Should().ContainSingle(v => v.NumberValue == 42.5m);
        stored.FieldValues.Should().ContainSingle(v => v.DateValue == new DateOnly(2024, 3, 1));
    }

    [Theory]
    [InlineData("shoe_size", "\"42\"")]
    [InlineData("shoe_size", "1e20")]
    [InlineData("shoe_size", "1.23456")]
    [InlineData("vip_since", "\"yesterday\"")]
    [InlineData("vip_since", "\"2024-02-30\"")]
    [InlineData("vip_since", "20240301")]
    [InlineData("newsletter", "\"yes\"")]
    [InlineData("newsletter", "1")]
    [InlineData("nickname", "7")]
    [InlineData("tier", "\"Platinum\"")]
    [InlineData("tier", "[\"Gold\"]")]
    [InlineData("no_such_field", "\"x\"")]
    public async Task A_value_of_the_wrong_type_or_an_unknown_key_is_400_naming_the_field(string key, string json)
    {
        var before = await app.WithDbAsync(db => db.Customers.CountAsync());
        var response = await _sales.SendAsync(Json(HttpMethod.Post, "/api/v1/customers", $$$"""{"firstName":"Typed","customFields":{"{{{key}}}":{{{json}}}}}"""));
        await ExpectProblemAsync(response, HttpStatusCode.BadRequest, $"customFields.{key}");
        (await app.WithDbAsync(db => db.Customers.CountAsync())).Should().Be(before);
    }

    [Fact]
    public async Task Patch_merges_custom_fields_by_key_and_null_clears_one()
    {
        var id = await CreateIdAsync(_sales, new { firstName = "Merge", customFields = new Dictionary<string, object?> { ["shoe_size"] = 40, ["nickname"] = "Mo" } });

        var response = await _sales.SendAsync(Patch(id, """{"customFields":{"shoe_size":41,"nickname":null,"tier":"Silver"}}""", "\"1\""));

        await ExpectAsync(response, HttpStatusCode.OK);
        ETagOf(response).Should().Be("\"2\"");
        var fields = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("customFields");
        fields.GetProperty("shoe_size").GetProperty("value").GetDecimal().Should().Be(41m);
        fields.TryGetProperty("nickname", out _).Should().BeFalse();
        fields.GetProperty("tier").GetProperty("value").GetString().Should().Be("Silver");

        await ExpectProblemAsync(await _sales.SendAsync(Patch(id, """{"customFields":{"shoe_size":"big"}}""", "\"2\"")), HttpStatusCode.BadRequest, "customFields.shoe_size");
        (await StoredAsync(app, id))!.FieldValues.Single(v => v.NumberValue is not null).NumberValue.Should().Be(41m);
    }

    [Fact]
    public async Task Definitions_are_listed_in_order_and_only_admins_change_them()
    {
        var list = await (await app.ClientAs(Role.Analyst).GetAsync("/api/v1/custom-fields")).Content.ReadFromJsonAsync<JsonElement>();
        list.EnumerateArray().Select(f => f.GetProperty("key").GetString()).Should().StartWith(["shoe_size", "vip_since", "newsletter", "nickname", "tier"]);
        list.EnumerateArray().Single(f => f.GetProperty("key").GetString() == "tier").GetProperty("options").EnumerateArray()
            .Select(o => o.GetString()).Should().Equal("Bronze", "Silver", "Gold");

        await ExpectProblemAsync(await _sales.PostAsJsonAsync("/api/v1/custom-fields", new { key = "x1", label = "X", type = "text" }), HttpStatusCode.Forbidden);
        await ExpectProblemAsync(await app.ClientAs(Role.Marketing).DeleteAsync("/api/v1/custom-fields/1"), HttpStatusCode.Forbidden);
        await ExpectProblemAsync(await app.Anonymous().GetAsync("/api/v1/custom-fields"), HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("""{"key":"Bad Key","label":"X","type":"text"}""", "key")]
    [InlineData("""{"key":"shoe_size","label":"Again","type":"number"}""", "key")]
    [InlineData("""{"key":"ok_key","label":"","type":"text"}""", "label")]
    [InlineData("""{"key":"ok_key","label":"X"}""", "type")]
    [InlineData("""{"key":"ok_key","label":"X","type":"colour"}""", "type")]
    [InlineData("""{"key":"ok_key","label":"X","type":"choice"}""", "options")]
    [InlineData("""{"key":"ok_key","label":"X","type":"choice","options":["A","a"]}""", "options[1]")]
    [InlineData("""{"key":"ok_key","label":"X","type":"text","options":["A"]}""", "options")]
    [InlineData("""{"key":"ok_key","label":"X","type":"text","position":-1}""", "position")]
    [InlineData("""{"key":"ok_key","label":"X","type":"text","required":true}""", "required")]
    public async Task Bad_definitions_are_rejected_naming_the_field(string json, string field)
    {
        var response = await _admin.SendAsync(Json(HttpMethod.Post, "/api/v1/custom-fields", json));
        var expected = field == "key" && json.Contains("shoe_size", StringComparison.Ordinal) ? HttpStatusCode.Conflict : HttpStatusCode.BadRequest;
        await ExpectProblemAsync(response, expected, field);
        (await app.WithDbAsync(db => db.CustomFields.CountAsync(f => f.Key == "ok_key"))).Should().Be(0);
    }

    [Fact]
    public async Task Update_changes_label_options_and_position_but_not_key_or_type()
    {
        var field = await Define(new { key = "segment_pick", label = "Segment", type = "choice", options = new[] { "A", "B" } });
        var id = field.GetProperty("id").GetInt64();

        var response = await _admin.SendAsync(Json(HttpMethod.Patch, $"/api/v1/custom-fields/{id}", """{"label":"Segment pick","options":["A","B","C"],"position":99}"""));
        await ExpectAsync(response, HttpStatusCode.OK);
        var updated = await response.Content.ReadFromJsonAsync<JsonElement>();
        updated.GetProperty("label").GetString().Should().Be("Segment pick");
        updated.GetProperty("options").GetArrayLength().Should().Be(3);
        updated.GetProperty("position").GetInt32().Should().Be(99);

        await ExpectProblemAsync(await _admin.SendAsync(Json(HttpMethod.Patch, $"/api/v1/custom-fields/{id}", """{"key":"renamed"}""")), HttpStatusCode.BadRequest, "key");
        await ExpectProblemAsync(await _admin.SendAsync(Json(HttpMethod.Patch, $"/api/v1/custom-fields/{id}", """{"type":"text"}""")), HttpStatusCode.BadRequest, "type");
        await ExpectProblemAsync(await _admin.SendAsync(Json(HttpMethod.Patch, "/api/v1/custom-fields/999999", """{"label":"X"}""")), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_option_in_use_cannot_be_removed()
    {
        var field = await Define(new { key = "colour_pick", label = "Colour", type = "choice", options = new[] { "Red", "Blue" } });
        var id = field.GetProperty("id").GetInt64();
        await CreateIdAsync(_sales, new { firstName = "Red", customFields = new Dictionary<string, object?> { ["colour_pick"] = "Red" } });

        await ExpectProblemAsync(await _admin.SendAsync(Json(HttpMethod.Patch, $"/api/v1/custom-fields/{id}", """{"options":["Blue"]}""")), HttpStatusCode.Conflict, "options");
        await ExpectAsync(await _admin.SendAsync(Json(HttpMethod.Patch, $"/api/v1/custom-fields/{id}", """{"options":["Red","Green"]}""")), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Deleting_a_definition_removes_its_values()
    {
        var field = await Define(new { key = "temporary", label = "Temporary", type = "text" });
        var customer = await CreateIdAsync(_sales, new { firstName = "Temp", customFields = new Dictionary<string, object?> { ["temporary"] = "soon gone" } });

        await ExpectAsync(await _admin.DeleteAsync($"/api/v1/custom-fields/{field.GetProperty("id").GetInt64()}"), HttpStatusCode.NoContent);

        (await StoredAsync(app, customer))!.FieldValues.Should().BeEmpty();
        (await GetAsync(_sales, customer)).GetProperty("customFields").EnumerateObject().Should().BeEmpty();
        await ExpectProblemAsync(await _admin.DeleteAsync($"/api/v1/custom-fields/{field.GetProperty("id").GetInt64()}"), HttpStatusCode.NotFound);
    }
}
