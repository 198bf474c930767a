using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Rapport.Data;

namespace Rapport.Cli;

internal static class DbCommand
{
    public static Command Create()
    {
        var db = new Command("db", "Database administration.");

        var migrate = new Command("migrate", "Apply pending schema migrations (also done at 'serve' start).");
        migrate.SetAction(async (_, ct) =>
        {
            await using var services = CliHost.CreateServices();
            var database = services.GetRequiredService<RapportDatabase>();
            var applied = await services.GetRequiredService<DatabaseMigrator>().MigrateAsync(ct);
            var versions = await services.GetRequiredService<DatabaseMigrator>().AppliedVersionsAsync(ct);
            Console.WriteLine(applied.Count == 0
                ? $"{database.Describe()}: schema is up to date at version {(versions.Count == 0 ? 0 : versions[^1])}."
                : $"{database.Describe()}: applied {string.Join(", ", applied.Select(m => $"{m.Version:0000}_{m.Name}"))}; now at version {(versions.Count == 0 ? 0 : versions[^1])}.");
            return 0;
        });
        db.Subcommands.Add(migrate);

        var script = new Command("script", "Print the schema the current model would create (for drafting the next migration script).");
        script.SetAction(async (_, ct) =>
        {
            await using var services = CliHost.CreateServices();
            await using var scope = services.CreateAsyncScope();
            Console.WriteLine(scope.ServiceProvider.GetRequiredService<RapportDbContext>().Database.GenerateCreateScript());
            return await Task.FromResult(0);
        });
        db.Subcommands.Add(script);
        return db;
    }
}
