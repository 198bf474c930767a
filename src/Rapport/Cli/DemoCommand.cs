using System.CommandLine;
using Rapport.Demo;

namespace Rapport.Cli;

internal static class DemoCommand
{
    public static Command Create()
    {
        var demo = new Command("demo", "Generate a believable demo business (same seed, same data) into the database.");
        var customers = new Option<int>("--customers") { Description = "How many customers.", DefaultValueFactory = _ => DemoOptions.DefaultCustomers };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => DemoOptions.DefaultSeed };
        demo.Options.Add(customers);
        demo.Options.Add(seed);
        demo.SetAction(async (parse, ct) =>
        {
            await using var services = CliHost.CreateServices();
            await using var scope = await CliHost.StartAsync(services, ct);
            var summary = await scope.ServiceProvider.GetRequiredService<DemoGenerator>()
                .GenerateAsync(new DemoOptions(parse.GetValue(customers), parse.GetValue(seed)), progress: null, ct);
            Console.WriteLine(summary.Describe());
            return 0;
        });
        return demo;
    }
}
