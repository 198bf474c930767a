using System.Net;
using AngleSharp.Html.Parser;
using Rapport.Identity;
using Rapport.Tasks;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Interactions;

namespace Rapport.Tests.Tasks;

/// <summary>/tasks, the dashboard's "My tasks" card, the customer page's tasks card and the admin's generate button.</summary>
public sealed class TaskPageTests(TasksAppFactory app) : IClassFixture<TasksAppFactory>
{
    private static readonly DateTimeOffset LongAgo = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private Task<long> TaskAsync(string title, long? assignee, DateOnly due, long? customerId = null) =>
        app.RunAsync<CreateTask, long>(async create =>
            (await create.HandleAsync(new CreateTaskRequest(title, customerId, assignee, due), null, CancellationToken.None)).Value!.Id);

    private static async Task<AngleSharp.Html.Dom.IHtmlDocument> PageAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, html);
        return new HtmlParser().ParseDocument(html);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, Dictionary<string, string>? fields = null, bool htmx = false)
    {
        var form = new Dictionary<string, string>(fields ?? []) { [RapportAppFactory.AntiforgeryField] = await RapportAppFactory.AntiforgeryTokenAsync(client, "/") };
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
        if (htmx)
        {
            request.Headers.Add("HX-Request", "true");
        }

        return await client.SendAsync(request);
    }

    [Fact]
    public async Task My_tasks_are_on_the_dashboard_and_on_tasks_with_overdue_ones_marked()
    {
        var me = await app.AddUserAsync(Role.Sales, "Mia Mine");
        var other = await app.AddUserAsync(Role.Sales, "Otto Other");
        var late = await TaskAsync("Call back the bakery", me.Id, new DateOnly(2026, 6, 1));
        await TaskAsync("Send the quote", me.Id, new DateOnly(2026, 6, 20));
        await TaskAsync("Someone else's job", other.Id, new DateOnly(2026, 6, 2));
        var client = await app.SignInAsync(me);

        var dashboard = await PageAsync(client, "/");
        var card = dashboard.QuerySelector("#my-tasks")!;
        card.TextContent.Should().Contain("Call back the bakery").And.Contain("Send the quote").And.Contain("1 overdue").And.NotContain("Someone else's job");
        card.QuerySelector($"li[data-task='{late}']")!.ClassList.Should().Contain("task-overdue");

        var tasks = await PageAsync(client, "/tasks");
        tasks.QuerySelectorAll("#task-results tr[data-task]").Select(r => r.QuerySelector(".row-title")!.TextContent)
            .Should().Equal("Call back the bakery", "Send the quote");
        tasks.QuerySelector($"#task-{late}")!.ClassList.Should().Contain("task-overdue");
        (await PageAsync(client, "/tasks?assignee=all")).QuerySelector("#task-results")!.TextContent.Should().Contain("Someone else's job");
        tasks.QuerySelector("a[href='/playbooks']").Should().NotBeNull();
    }

    [Fact]
    public async Task A_task_is_completed_in_place_and_added_from_the_tasks_page()
    {
        var me = await app.AddUserAsync(Role.Sales, "Cleo Complete");
        var id = await TaskAsync("Tick me off", me.Id, new DateOnly(2026, 6, 15));
        var client = await app.SignInAsync(me);

        var row = await PostAsync(client, $"/tasks?handler=Complete&id={id}", htmx: true);
        var html = await row.Content.ReadAsStringAsync();
        row.StatusCode.Should().Be(HttpStatusCode.OK, html);
        html.Should().StartWith($"<tr id=\"task-{id}\"").And.Contain("data-status=\"done\"");

        var added = await PostAsync(client, "/tasks?handler=Create", new() { ["title"] = "Plan the autumn event", ["dueOn"] = "2026-09-01" });
        added.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var mine = await app.RunAsync<ListTasks, Rapport.Common.Result<Rapport.Common.Page<TaskDetail>>>(l => l.HandleAsync(new ListTasksQuery(AssigneeUserId: me.Id), CancellationToken.None));
        mine.Value!.Items.Should().Contain(t => t.Title == "Plan the autumn event" && t.CreatedByUserId == me.Id && t.DueOn == new DateOnly(2026, 9, 1));

        var refused = await PostAsync(client, "/tasks?handler=Create", new() { ["title"] = "" });
        refused.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task The_customer_page_shows_the_cadence_and_the_customers_tasks_and_completes_them()
    {
        var me = await app.AddUserAsync(Role.Sales, "Cara Customer");
        var customer = await app.CustomerAsync(LongAgo, ownerId: me.Id);
        await app.InteractionAsync(customer, "outbound", app.Clock.GetUtcNow().AddDays(-2));
        await app.InteractionAsync(customer, "outbound", app.Clock.GetUtcNow().AddDays(-1));
        var id = await TaskAsync("Ask about the renewal", me.Id, new DateOnly(2026, 6, 16), customer);
        var client = await app.SignInAsync(me);

        var page = await PageAsync(client, $"/customers/{customer}");
        var card = page.QuerySelector("#customer-tasks")!;
        card.TextContent.Should().Contain("Ask about the renewal").And.Contain("Prospecting");
        card.QuerySelector("#cadence-warning")!.TextContent.Should().Contain("at least 7 days", "the second contact came a day after the first");

        var after = await PostAsync(client, $"/tasks?handler=Complete&id={id}&from=customer&customerId={customer}", htmx: true);
        var html = await after.Content.ReadAsStringAsync();
        after.StatusCode.Should().Be(HttpStatusCode.OK, html);
        html.Should().Contain("id=\"customer-tasks\"").And.Contain("No open tasks");

        var added = await PostAsync(client, "/tasks?handler=Create&from=customer", new() { ["title"] = "Send a thank-you card", ["customerId"] = $"{customer}" }, htmx: true);
        (await added.Content.ReadAsStringAsync()).Should().Contain("Send a thank-you card");
        (await app.TasksOfAsync(customer)).Should().Contain(t => t.Title == "Send a thank-you card" && t.AssigneeUserId == me.Id);
    }

    [Fact]
    public async Task Only_admins_may_run_the_generator_and_analysts_may_not_touch_tasks()
    {
        var admin = await app.SignedInAs(Role.Admin);
        var sales = await app.SignedInAs(Role.Sales);
        var analyst = await app.SignedInAs(Role.Analyst);
        var customer = await app.CustomerAsync(LongAgo);
        var id = await TaskAsync("Keep me open", null, new DateOnly(2026, 6, 15));

        (await PostAsync(sales, "/tasks?handler=Generate")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await app.TasksOfAsync(customer)).Should().BeEmpty();
        (await PageAsync(sales, "/tasks")).QuerySelector("#generate-tasks").Should().BeNull();
        (await PageAsync(admin, "/tasks")).QuerySelector("#generate-tasks").Should().NotBeNull();
        var generated = await PostAsync(admin, "/tasks?handler=Generate");
        generated.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await app.TasksOfAsync(customer)).Should().ContainSingle().Which.Origin.Should().Be(TaskOrigin.Playbook);

        (await PostAsync(analyst, $"/tasks?handler=Complete&id={id}", htmx: true)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await PostAsync(analyst, "/tasks?handler=Create", new() { ["title"] = "No" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var readOnly = await PageAsync(analyst, "/tasks?assignee=all");
        readOnly.QuerySelector("#new-task-form").Should().BeNull();
        readOnly.QuerySelectorAll("form[action*='handler=Complete']").Should().BeEmpty();
    }

    [Fact]
    public async Task Logging_a_call_on_the_customer_page_completes_the_playbook_task_and_refreshes_the_card()
    {
        var session = await Rapport.Tests.Pages.PageSession.SignInAsync(app, Role.Sales);
        var customer = await app.CustomerAsync(LongAgo, ownerId: session.UserId);
        await app.GenerateAsync();
        (await app.TasksOfAsync(customer)).Should().ContainSingle().Which.AssigneeUserId.Should().Be(session.UserId);
        (await session.GetAsync($"/customers/{customer}")).QuerySelector("#customer-tasks")!.TextContent.Should().Contain("Get in touch");

        var response = await session.HtmxPostAsync($"/customers/{customer}?handler=Interaction", new()
        {
            ["type"] = "call",
            ["channel"] = "phone",
            ["direction"] = "outbound",
            ["subject"] = "Catching up",
        });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var card = (await session.ParseAsync(response)).QuerySelector("#customer-tasks")!;
        card.GetAttribute("hx-swap-oob").Should().Be("true");
        card.TextContent.Should().Contain("No open tasks").And.Contain("by contact");
        var task = (await app.TasksOfAsync(customer)).Single();
        task.Status.Should().Be(FollowUpStatus.Done);
        task.DoneByContact.Should().BeTrue();
    }
}
