using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Rapport.Tasks;
using static Microsoft.Playwright.Assertions;

namespace Rapport.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class TaskFlowTests(RapportServer server)
{
    [BrowserFact]
    public async Task An_overdue_task_is_marked_and_completed_in_place_on_tasks_without_errors()
    {
        var customerId = server.Customers.Values.First();
        var taskId = await server.WithServicesAsync(async sp =>
        {
            var today = TaskDetail.Today(sp.GetRequiredService<TimeProvider>());
            var created = await sp.GetRequiredService<CreateTask>().HandleAsync(
                new CreateTaskRequest("Call about the late delivery", customerId, server.Admin.Id, today.AddDays(-3)), server.Admin.Id, CancellationToken.None);
            return created.Value!.Id;
        });
        await using var session = await server.OpenAsync();
        var page = session.Page;
        await session.SignInAsync(server.Admin);

        await page.GotoAsync("/");
        await Expect(page.Locator($"#my-tasks li[data-task='{taskId}']")).ToHaveClassAsync("task-overdue");

        await page.GotoAsync("/tasks");
        var row = page.Locator($"#task-{taskId}");
        await Expect(row).ToHaveClassAsync("task-overdue");
        await Expect(row).ToContainTextAsync("Overdue");
        await row.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Expect(page.Locator($"#task-{taskId}")).ToHaveAttributeAsync("data-status", "done");
        await Expect(page.Locator($"#task-{taskId}")).ToContainTextAsync("Reopen");

        await page.GotoAsync("/playbooks");
        await Expect(page.Locator("section.playbook")).ToHaveCountAsync(5);
        await page.GotoAsync($"/customers/{customerId}");
        await Expect(page.Locator("#customer-tasks")).ToContainTextAsync("Contact and tasks");

        session.ErrorsShouldBeEmpty();
    }
}
