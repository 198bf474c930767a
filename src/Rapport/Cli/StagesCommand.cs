using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Stages;

namespace Rapport.Cli;

/// <summary><c>rapport stages recompute</c>: every customer's relationship stage now (docs/stages.md).</summary>
internal static class StagesCommand
{
    public static Command Create()
    {
        var stages = new Command("stages", "Relationship stages: Prospecting, Consideration, Purchase, Connection, Loyalty.");
        var recompute = new Command("recompute",
            "Recompute every customer's stage from the rules now (the web host also does this after every analytics run, nightly included). " +
            "Prints the customers per stage and the time taken; the last line of stdout is a JSON summary.");
        recompute.SetAction(async (_, ct) =>
        {
            await using var services = CliHost.CreateServices();
            await using var scope = await CliHost.StartAsync(services, ct);
            var result = await scope.ServiceProvider.GetRequiredService<RecomputeStages>().AllAsync(ct);
            foreach (var count in result.Counts)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count.Stage,-14} {count.Customers,12:N0}"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{result.Changed:N0} customers changed stage; recomputed in {result.ElapsedMs / 1000.0:F2} s."));
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                stages = result.Counts.ToDictionary(c => c.Stage.Key(), c => c.Customers),
                changed = result.Changed,
                elapsedMs = result.ElapsedMs,
            }));
            return 0;
        });
        stages.Subcommands.Add(recompute);
        return stages;
    }
}
