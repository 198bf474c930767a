using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Interactions;

namespace Rapport.Tests.Segments;

public sealed class SegmentApiTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private readonly HttpClient _marketing = app.ClientAs(Role.Marketing);

    private Task<HttpResponseMessage> PreviewAsync(string rules) => _marketing.PostAsync("/api/v1/segments/preview", SegmentKit.Json($"{{\"rules\":{rules}}}"));

    private static string Nested(int depth)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < depth; i++)
        {
            sb.Append("{\"all\":[");
        }

        sb.Append("{\"field\":\"city\",\"op\":\"eq\",\"value\":\"Lyon\"}");
        for (var i = 0; i < depth; i++)
        {
            sb.Append("]}");
        }

        return sb.ToString();
    }

    [Fact]
    public async Task A_tree_nested_50_deep_is_a_422_naming_the_level_too_deep()
    {
        var problem = await (await PreviewAsync(Nested(50))).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors").EnumerateObject().ToList();
        errors.Should().ContainSingle();
        errors[0].Name.Should().StartWith("rules.all[0].all[0]");
        errors[0].Value[0].GetString().Should().Contain("nested too deep");
        (await PreviewAsync(Nested(9))).StatusCode.Should().Be(HttpStatusCode.OK, "ten levels are allowed");
        (await _marketing.PostAsync("/api/v1/segments/preview", SegmentKit.Json("{\"rules\":" + Nested(400) + "}"))).StatusCode
            .Should().Be(HttpStatusCode.BadRequest, "beyond what the reader accepts, the body is refused as malformed, never a 500");
    }

    [Theory]
    [InlineData("""{"all":[{"field":"shoeSize","op":"eq","value":1}]}""", "rules.all[0].field", "Unknown field")]
    [InlineData("""{"all":[{"field":"city","op":"eq","value":"Lyon"},{"field":"revenue","op":"gt","value":"lots"}]}""", "rules.all[1].value", "number")]
    [InlineData("""{"field":"daysSinceLastPurchase","op":"gt","value":1.5}""", "rules.value", "whole number")]
    [InlineData("""{"field":"createdAt","op":"gt","value":"yesterday"}""", "rules.value", "yyyy-MM-dd")]
    [InlineData("""{"field":"stage","op":"eq","value":"friends"}""", "rules.value", "not an option")]
    [InlineData("""{"field":"city","op":"gt","value":"Lyon"}""", "rules.op", "not allowed")]
    [InlineData("""{"field":"city","op":"like","value":"Lyon"}""", "rules.op", "one of")]
    [InlineData("""{"field":"revenue","op":"between","value":[10]}""", "rules.value", "two values")]
    [InlineData("""{"field":"revenue","op":"between","value":[100,10]}""", "rules.value", "above")]
    [InlineData("""{"field":"city","op":"in","value":[]}""", "rules.value", "non-empty")]
    [InlineData("""{"field":"city","op":"in","value":"Lyon"}""", "rules.value", "non-empty list")]
    [InlineData("""{"field":"city","op":"eq"}""", "rules.value", "Required")]
    [InlineData("""{"field":"city","op":"exists","value":"x"}""", "rules.value", "no value")]
    [InlineData("""{"field":"city","op":"eq","value":"x","extra":1}""", "rules.extra", "Unknown property")]
    [InlineData("""{"some":[]}""", "rules", "Unknown rule")]
    [InlineData("""[]""", "rules", "object")]
    [InlineData("""{"not":{"purchased":{"withinDays":-3}}}""", "rules.not.purchased.withinDays", "whole number")]
    [InlineData("""{"purchased":{"category":"x","colour":"red"}}""", "rules.purchased.colour", "Unknown property")]
    [InlineData("""{"interacted":{"channel":"pigeon"}}""", "rules.interacted.channel", "one of")]
    [InlineData("""{"field":"segment","op":"eq","value":999999}""", "rules.value", "no segment")]
    [InlineData("""{"field":"city","op":"contains","value":""}""", "rules.value", "non-empty")]
    public async Task Bad_rules_are_422s_with_the_path_of_the_mistake(string rules, string path, string message)
    {
        var problem = await (await PreviewAsync(rules)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, path);
        problem.GetProperty("errors").GetProperty(path)[0].GetString().Should().Contain(message);
    }

    [Fact]
    public async Task Limits_on_conditions_and_string_length_hold()
    {
        var many = "{\"any\":[" + string.Join(",", Enumerable.Range(0, 101).Select(i => $"{{\"field\":\"city\",\"op\":\"eq\",\"value\":\"c{i}\"}}")) + "]}";
        var problem = await (await PreviewAsync(many)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "rules.any[100]");
        problem.GetProperty("errors").GetProperty("rules.any[100]")[0].GetString().Should().Contain("at most 100");
        await (await PreviewAsync($$"""{"field":"city","op":"eq","value":"{{new string('\'', 201)}}"}""")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "rules.value");
        await (await _marketing.PostAsync("/api/v1/segments/preview", SegmentKit.Json("{\"rules\":"))).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await _marketing.PostAsync("/api/v1/segments/preview", SegmentKit.Json("{}"))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "rules");
        await (await _marketing.PostAsync("/api/v1/segments/preview", SegmentKit.Json("{\"rules\":{\"all\":[]},\"x\":1}"))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "x");
    }

    [Fact]
    public async Task Quotes_and_sql_in_values_are_plain_text()
    {
        var id = await SegmentKit.CustomerAsync(_marketing, new { firstName = "Quote", lastName = "O'Neil \"Robert'); DROP TABLE customers;--", email = "quote@example.com" });
        var (count, ids) = await SegmentKit.PreviewAsync(_marketing, """{"field":"lastName","op":"eq","value":"O'Neil \"Robert'); DROP TABLE customers;--"}""");
        count.Should().Be(1);
        ids.Should().Equal(id);
        (await SegmentKit.PreviewAsync(_marketing, """{"field":"lastName","op":"contains","value":"'; DELETE FROM segments; --"}""")).Count.Should().Be(0);
        (await app.WithDbAsync(db => db.Customers.CountAsync())).Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task A_segment_cannot_refer_to_itself_or_make_a_cycle_and_a_used_segment_cannot_be_deleted()
    {
        var a = await SegmentKit.CreateAsync(_marketing, "Cycle A", """{"field":"city","op":"eq","value":"Lyon"}""");
        var aId = a.GetProperty("id").GetInt64();
        var b = await SegmentKit.CreateAsync(_marketing, "Cycle B", $$"""{"field":"segment","op":"eq","value":{{aId}}}""");
        var bId = b.GetProperty("id").GetInt64();
        var c = await SegmentKit.CreateAsync(_marketing, "Cycle C", $$$"""{"not":{"field":"segment","op":"in","value":[{{{bId}}}]}}""");
        var cId = c.GetProperty("id").GetInt64();

        var self = await SegmentKit.PatchAsync(_marketing, $"/api/v1/segments/{aId}", $$$"""{"rules":{"any":[{"field":"segment","op":"eq","value":{{{aId}}}}]}}""", "\"1\"");
        var problem = await self.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "rules.any[0].value");
        problem.GetProperty("errors").GetProperty("rules.any[0].value")[0].GetString().Should().Contain("itself");

        var cycle = await SegmentKit.PatchAsync(_marketing, $"/api/v1/segments/{aId}", $$$"""{"rules":{"field":"segment","op":"eq","value":{{{cId}}}}}""", "\"1\"");
        problem = await cycle.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "rules.value");
        problem.GetProperty("errors").GetProperty("rules.value")[0].GetString().Should().Contain($"{aId} → {cId} → {bId} → {aId}");

        await (await _marketing.DeleteAsync($"/api/v1/segments/{aId}")).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        (await _marketing.DeleteAsync($"/api/v1/segments/{cId}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await _marketing.DeleteAsync($"/api/v1/segments/{bId}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await _marketing.DeleteAsync($"/api/v1/segments/{aId}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await _marketing.GetAsync($"/api/v1/segments/{aId}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Crud_with_unique_names_etags_members_and_csv()
    {
        var lyon = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            lyon.Add(await SegmentKit.CustomerAsync(_marketing, new { firstName = $"Lyonnais{i}", lastName = i == 0 ? "=cmd()" : "Doe", email = $"lyon{i}@example.com", city = "Lyon" }));
        }

        var created = await _marketing.PostAsync("/api/v1/segments", SegmentKit.Json("""{"name":"Lyon people","description":"All of Lyon","rules":{"field":"city","op":"eq","value":"Lyon"}}"""));
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        created.Headers.ETag!.Tag.Should().Be("\"1\"");
        var body = await created.ReadJsonAsync();
        var id = body.GetProperty("id").GetInt64();
        body.GetProperty("kind").GetString().Should().Be("dynamic");
        body.GetProperty("memberCount").GetInt32().Should().Be(3);
        body.GetProperty("rules").GetProperty("field").GetString().Should().Be("city");

        await (await _marketing.PostAsync("/api/v1/segments", SegmentKit.Json("""{"name":"LYON PEOPLE","rules":{"all":[]}}"""))).ShouldBeProblemAsync(HttpStatusCode.Conflict, "name");
        await (await _marketing.PostAsync("/api/v1/segments", SegmentKit.Json("""{"name":"","rules":{"all":[]}}"""))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "name");
        await (await _marketing.PostAsync("/api/v1/segments", SegmentKit.Json("""{"name":"K","kind":"sometimes","rules":{"all":[]}}"""))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "kind");

        var page = await (await _marketing.GetAsync($"/api/v1/segments/{id}/members?limit=2")).ReadJsonAsync();
        page.GetProperty("items").GetArrayLength().Should().Be(2);
        (await SegmentKit.MembersAsync(_marketing, id)).Should().Equal(lyon);
        await (await _marketing.GetAsync($"/api/v1/segments/{id}/members?after=nonsense")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "after");

        var csv = await _marketing.GetAsync($"/api/v1/segments/{id}/members.csv");
        csv.StatusCode.Should().Be(HttpStatusCode.OK);
        csv.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(4);
        lines[1].Should().Contain("'=cmd()", "a formula is neutralised");

        await (await SegmentKit.PatchAsync(_marketing, $"/api/v1/segments/{id}", """{"name":"Lyon"}""", null)).ShouldBeProblemAsync(HttpStatusCode.PreconditionRequired);
        await (await SegmentKit.PatchAsync(_marketing, $"/api/v1/segments/{id}", """{"name":"Lyon"}""", "\"7\"")).ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed);
        var renamed = await SegmentKit.PatchAsync(_marketing, $"/api/v1/segments/{id}", """{"name":"Lyon","rules":{"all":[{"field":"city","op":"eq","value":"Lyon"},{"field":"lastName","op":"eq","value":"Doe"}]}}""", "\"1\"");
        renamed.StatusCode.Should().Be(HttpStatusCode.OK, await renamed.Content.ReadAsStringAsync());
        renamed.Headers.ETag!.Tag.Should().Be("\"2\"");
        (await renamed.ReadJsonAsync()).GetProperty("memberCount").GetInt32().Should().Be(2, "new rules rebuild the members");
        (await SegmentKit.EventsAsync(_marketing, id)).Should().BeEmpty("a rebuild records no events");

        var list = await (await _marketing.GetAsync("/api/v1/segments")).ReadJsonAsync();
        list.EnumerateArray().Should().Contain(s => s.GetProperty("id").GetInt64() == id && s.GetProperty("name").GetString() == "Lyon");
        (await _marketing.GetAsync("/api/v1/segments/999999/members")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Reading_is_for_every_role_previewing_and_writing_for_admin_and_marketing()
    {
        var rules = SegmentKit.Json("""{"name":"Auth","rules":{"all":[]}}""");
        (await app.ClientAs(Role.Analyst).PostAsync("/api/v1/segments/preview", SegmentKit.Json("""{"rules":{"all":[]}}"""))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await app.ClientAs(Role.Analyst).GetAsync("/api/v1/segments")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await app.ClientAs(Role.Analyst).GetAsync("/api/v1/segments/fields")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await app.ClientAs(Role.Analyst).PostAsync("/api/v1/segments", rules)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await app.ClientAs(Role.Sales).PostAsync("/api/v1/segments", SegmentKit.Json("""{"name":"Auth","rules":{"all":[]}}"""))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await app.Anonymous().GetAsync("/api/v1/segments")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await app.ClientAs(Role.Admin).PostAsync("/api/v1/segments", SegmentKit.Json("""{"name":"Auth","rules":{"all":[]}}"""))).StatusCode.Should().Be(HttpStatusCode.Created);
    }
}
