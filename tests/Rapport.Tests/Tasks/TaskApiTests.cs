using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Rapport.Identity;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Interactions;

namespace Rapport.Tests.Tasks;

/// <summary>The tasks API: create, read, change with If-Match, complete/reopen/cancel, list with filters and keyset paging, and who may write.</summary>
public sealed class TaskApiTests(TasksAppFactory app) : IClassFixture<TasksAppFactory>
{
    private static readonly DateTimeOffset LongAgo = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly HttpClient _sales = app.ClientAs(Role.Sales);

    private async Task<JsonElement> CreateAsync(object body, HttpClient? client = null)
    {
        var response = await (client ?? _sales).PostAsJsonAsync("/api/v1/tasks", body);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    [Fact]
    public async Task A_manual_task_is_created_read_changed_and_completed()
    {
        var customer = await app.CustomerAsync(LongAgo);
        var user = await app.AddUserAsync(Role.Sales, "Sam Seller");

        var created = await _sales.PostAsJsonAsync("/api/v1/tasks", new { title = "  Send the catalogue  ", customerId = customer, assigneeUserId = user.Id, dueOn = "2026-06-20", notes = "Spring edition." });
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        created.Headers.ETag!.Tag.Should().Be("\"1\"");
        var task = await created.ReadJsonAsync();
        var id = task.GetProperty("id").GetInt64();
        created.Headers.Location!.ToString().Should().Be($"/api/v1/tasks/{id}");
        task.GetProperty("title").GetString().Should().Be("Send the catalogue");
        task.GetProperty("customerId").GetInt64().Should().Be(customer);
        task.GetProperty("customerName").GetString().Should().StartWith("Tia Task");
        task.GetProperty("assigneeName").GetString().Should().Be("Sam Seller");
        task.GetProperty("dueOn").GetString().Should().Be("2026-06-20");
        task.GetProperty("status").GetString().Should().Be("open");
        task.GetProperty("origin").GetString().Should().Be("manual");
        task.GetProperty("overdue").GetBoolean().Should().BeFalse();

        var noMatch = await _sales.PatchAsync($"/api/v1/tasks/{id}", JsonContent.Create(new { title = "x" }));
        await noMatch.ShouldBeProblemAsync(HttpStatusCode.PreconditionRequired);

        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/tasks/{id}") { Content = JsonContent.Create(new { title = "Send the summer catalogue", notes = (string?)null, dueOn = "2026-06-10" }) };
        patch.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        var patched = await _sales.SendAsync(patch);
        patched.StatusCode.Should().Be(HttpStatusCode.OK, await patched.Content.ReadAsStringAsync());
        patched.Headers.ETag!.Tag.Should().Be("\"2\"");
        var changed = await patched.ReadJsonAsync();
        changed.GetProperty("title").GetString().Should().Be("Send the summer catalogue");
        changed.GetProperty("notes").ValueKind.Should().Be(JsonValueKind.Null);
        changed.GetProperty("overdue").GetBoolean().Should().BeTrue("it was due on 10 June and today is 15 June");

        var stale = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/tasks/{id}") { Content = JsonContent.Create(new { title = "Late" }) };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        await (await _sales.SendAsync(stale)).ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed);

        var completed = await _sales.PostAsync($"/api/v1/tasks/{id}/complete", null);
        completed.StatusCode.Should().Be(HttpStatusCode.OK, await completed.Content.ReadAsStringAsync());
        var done = await completed.ReadJsonAsync();
        done.GetProperty("status").GetString().Should().Be("done");
        done.GetProperty("completedAt").GetDateTimeOffset().Should().Be(app.Clock.GetUtcNow());
        done.GetProperty("overdue").GetBoolean().Should().BeFalse();

        await (await _sales.PostAsync($"/api/v1/tasks/{id}/complete", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "status");
        await (await _sales.PostAsync($"/api/v1/tasks/{id}/cancel", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "status");
        var reopened = await (await _sales.PostAsync($"/api/v1/tasks/{id}/reopen", null)).ReadJsonAsync();
        reopened.GetProperty("status").GetString().Should().Be("open");
        reopened.GetProperty("completedAt").ValueKind.Should().Be(JsonValueKind.Null);
        var cancelled = await (await _sales.PostAsync($"/api/v1/tasks/{id}/cancel", null)).ReadJsonAsync();
        cancelled.GetProperty("status").GetString().Should().Be("cancelled");

        var read = await _sales.GetAsync($"/api/v1/tasks/{id}");
        read.Headers.ETag!.Tag.Should().Be(ETag(cancelled));
    }

    private static string ETag(JsonElement task) => $"\"{task.GetProperty("version").GetInt32()}\"";

    [Fact]
    public async Task Bad_input_is_a_400_naming_the_field_and_unknown_tasks_are_404()
    {
        await (await _sales.PostAsJsonAsync("/api/v1/tasks", new { title = "  " })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "title");
        await (await _sales.PostAsJsonAsync("/api/v1/tasks", new { title = new string('x', 201) })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "title");
        await (await _sales.PostAsJsonAsync("/api/v1/tasks", new { title = "Call", customerId = 999_999 })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "customerId");
        await (await _sales.PostAsJsonAsync("/api/v1/tasks", new { title = "Call", assigneeUserId = 999_999 })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "assigneeUserId");
        await (await _sales.PostAsJsonAsync("/api/v1/tasks", new { title = "Call", dueOn = "1999-12-31" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "dueOn");
        (await _sales.PostAsJsonAsync("/api/v1/tasks", new { title = "Call", dueOn = "next week" })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await _sales.PostAsJsonAsync("/api/v1/tasks", new { title = "Call", status = "done" })).StatusCode.Should().Be(HttpStatusCode.BadRequest, "status is not a field of a new task");
        await (await _sales.GetAsync("/api/v1/tasks/999999")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await _sales.PostAsync("/api/v1/tasks/999999/complete", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await _sales.GetAsync("/api/v1/tasks?assignee=me")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "assignee");
        await (await _sales.GetAsync("/api/v1/tasks?assignee=someone")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "assignee");
        await (await _sales.GetAsync("/api/v1/tasks?after=nonsense")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "after");
        await (await _sales.GetAsync("/api/v1/tasks?limit=0")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "limit");
    }

    [Fact]
    public async Task The_list_filters_by_assignee_status_due_day_customer_and_origin_and_pages_by_due_day()
    {
        var user = await app.AddUserAsync(Role.Sales, "Fil Terr");
        var customer = await app.CustomerAsync(LongAgo);
        var a = (await CreateAsync(new { title = "A", assigneeUserId = user.Id, dueOn = "2026-06-01", customerId = customer })).GetProperty("id").GetInt64();
        var b = (await CreateAsync(new { title = "B", assigneeUserId = user.Id, dueOn = "2026-06-30" })).GetProperty("id").GetInt64();
        var c = (await CreateAsync(new { title = "C", assigneeUserId = user.Id, dueOn = "2026-06-15" })).GetProperty("id").GetInt64();
        var d = (await CreateAsync(new { title = "D", assigneeUserId = user.Id, dueOn = "2026-06-15" })).GetProperty("id").GetInt64();
        await _sales.PostAsync($"/api/v1/tasks/{d}/complete", null);
        var unassigned = (await CreateAsync(new { title = "Nobody's", dueOn = "2026-06-02" })).GetProperty("id").GetInt64();

        async Task<List<long>> Ids(string query) =>
            (await _sales.WalkAsync($"/api/v1/tasks?{query}", 2)).Select(t => t.GetProperty("id").GetInt64()).ToList();

        (await Ids($"assignee={user.Id}")).Should().Equal(a, c, d, b);
        (await Ids($"assignee={user.Id}&status=open")).Should().Equal(a, c, b);
        (await Ids($"assignee={user.Id}&status=open&dueBefore=2026-06-15")).Should().Equal(a);
        (await Ids($"assignee={user.Id}&status=done")).Should().Equal(d);
        (await Ids($"customerId={customer}")).Should().Equal(a);
        (await Ids("assignee=none&origin=manual")).Should().Contain(unassigned).And.NotContain([a, b, c, d]);
        (await Ids($"assignee={user.Id}&origin=playbook")).Should().BeEmpty();
    }

    [Fact]
    public async Task A_task_made_with_an_api_key_belongs_to_no_user_and_is_unassigned()
    {
        var viaKey = await CreateAsync(new { title = "From an integration" });
        viaKey.GetProperty("assigneeUserId").ValueKind.Should().Be(JsonValueKind.Null);
        viaKey.GetProperty("createdByUserId").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Theory]
    [InlineData(Role.Sales)]
    [InlineData(Role.Service)]
    [InlineData(Role.Marketing)]
    public async Task Crm_writers_may_complete_tasks(Role role)
    {
        var id = (await CreateAsync(new { title = $"For {role}" })).GetProperty("id").GetInt64();
        (await app.ClientAs(role).PostAsync($"/api/v1/tasks/{id}/complete", null)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Analysts_read_tasks_but_every_write_is_403()
    {
        var analyst = app.ClientAs(Role.Analyst);
        var id = (await CreateAsync(new { title = "Read-only" })).GetProperty("id").GetInt64();

        (await analyst.GetAsync($"/api/v1/tasks/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await analyst.GetAsync("/api/v1/tasks")).StatusCode.Should().Be(HttpStatusCode.OK);
        await (await analyst.PostAsJsonAsync("/api/v1/tasks", new { title = "No" })).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await analyst.PostAsync($"/api/v1/tasks/{id}/complete", null)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/tasks/{id}") { Content = JsonContent.Create(new { title = "No" }) };
        patch.Headers.TryAddWithoutValidation("If-Match", "*");
        await (await analyst.SendAsync(patch)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        (await (await _sales.GetAsync($"/api/v1/tasks/{id}")).ReadJsonAsync()).GetProperty("status").GetString().Should().Be("open");
    }

    [Fact]
    public async Task Reopening_a_playbook_task_while_the_customer_has_another_open_one_is_a_conflict()
    {
        var customer = await app.CustomerAsync(LongAgo);
        await app.GenerateAsync();
        var first = (await app.TasksOfAsync(customer)).Single().Id;
        (await _sales.PostAsync($"/api/v1/tasks/{first}/cancel", null)).StatusCode.Should().Be(HttpStatusCode.OK);
        await app.GenerateAsync();
        (await app.TasksOfAsync(customer)).Should().HaveCount(2, "the customer is still overdue");

        await (await _sales.PostAsync($"/api/v1/tasks/{first}/reopen", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "status");
    }
}
