using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Tasks;

namespace Rapport.Cli;

/// <summary><c>rapport tasks generate</c>: the playbook's "get in touch" tasks, now (the web host runs it hourly). docs/tasks.md.</summary>
internal static class TasksCommand
{
    public static Command Create()
    {
        var tasks = new Command("tasks", "Tasks: follow-ups for staff, made by hand or by the stage playbooks.");
        var generate = new Command("generate",
            "Give every customer past their stage's maximum days without contact an open task for their owner (one at most per customer). " +
            "The last line of stdout is a JSON summary.");
        generate.SetAction(async (_, ct) =>
        {
            await using var services = CliHost.CreateServices();
            await using var scope = await CliHost.StartAsync(services, ct);
            var result = await scope.ServiceProvider.GetRequiredService<GeneratePlaybookTasks>().HandleAsync(ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Created {result.Created:N0} playbook tasks in {result.Elapsed.TotalSeconds:F1} s."));
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                created = result.Created,
                byStage = result.ByStage.ToDictionary(s => Stages.Stages.Key(s.Key), s => s.Value),
                elapsedMs = (long)result.Elapsed.TotalMilliseconds,
            }));
            return 0;
        });
        tasks.Subcommands.Add(generate);
        return tasks;
    }
}
