using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Values.Profiles;

namespace Rapport.Cli;

/// <summary><c>rapport values &lt;subcommand&gt;</c>: the business's values and its customers' value profiles.</summary>
internal static class ValuesCommand
{
    public static Command Create()
    {
        var values = new Command("values", "The business's values and its customers' value profiles.");
        var profiles = new Command("profiles", "Customer value profiles: how much each customer cares about each value, with confidence.");
        profiles.Subcommands.Add(CreateRecompute());
        values.Subcommands.Add(profiles);
        return values;
    }

    /// <summary><c>rapport values profiles recompute</c>: every customer's scores and alignment, now.</summary>
    private static Command CreateRecompute()
    {
        var command = new Command("recompute",
            "Recompute every customer's value profile (scores, confidence) and alignment from the evidence and purchases in the database now. " +
            "The last line of stdout is a JSON summary.");
        command.SetAction(async (_, ct) =>
        {
            await using var services = CliHost.CreateServices();
            await using var scope = await CliHost.StartAsync(services, ct);
            var run = await scope.ServiceProvider.GetRequiredService<RecomputeValueProfiles>().AllAsync(ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Value profiles of {run.Customers:N0} customers ({run.Scores:N0} scores, {run.ProfilingOff:N0} with profiling off) in {run.ElapsedMs / 1000.0:F1} s."));
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                customers = run.Customers,
                scores = run.Scores,
                profilingOff = run.ProfilingOff,
                elapsedMs = run.ElapsedMs,
            }));
            return 0;
        });
        return command;
    }
}
