using System.CommandLine;

namespace Rapport.Cli;

/// <summary>
/// <c>rapport &lt;command&gt;</c>. Each command lives in its own file and calls the same use-case classes as the API and UI.
/// </summary>
public static class CliApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        // WebApplicationFactory (tests) starts the entry point with host settings only ("--key=value").
        if (args.Length > 0 && args.All(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=', StringComparison.Ordinal)))
        {
            await using var app = RapportApp.Build(args, useBinaryContentRoot: false);
            await app.RunAsync();
            return 0;
        }

        var root = new RootCommand("Rapport: customer relationship marketing. Run 'rapport serve --demo' to start with a demo business.");
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(DbCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(UserCommand.Create());
        root.Subcommands.Add(ApiKeyCommand.Create());
        root.Subcommands.Add(ImportCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(DuplicatesCommand.Create());
        root.Subcommands.Add(AnalyticsCommand.Create());
        root.Subcommands.Add(ResearchCommand.Create());
        root.Subcommands.Add(ValuesCommand.Create());
        root.Subcommands.Add(StagesCommand.Create());
        root.Subcommands.Add(TasksCommand.Create());
        root.Subcommands.Add(ConsentCommand.Create());
        root.Subcommands.Add(PrivacyCommand.Create());
        return await root.Parse(args).InvokeAsync();
    }
}
