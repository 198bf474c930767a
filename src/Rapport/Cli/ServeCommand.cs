using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Rapport.Analytics;
using Rapport.Data;
using Rapport.Demo;
using Rapport.Identity;

namespace Rapport.Cli;

internal static class ServeCommand
{
    public const string DemoAdminEmail = "admin@example.com";

    public static Command Create()
    {
        var serve = new Command("serve", "Run the web application (UI, REST API, background work). Migrates the database first.");
        var urls = new Option<string?>("--urls") { Description = "Where to listen, e.g. http://127.0.0.1:5080 (default http://localhost:5000)." };
        var demo = new Option<bool>("--demo") { Description = "On an empty database, create the demo business; (re)set the demo admin's password and print it." };
        var customers = new Option<int>("--demo-customers") { Description = "Customers in the demo business.", DefaultValueFactory = _ => DemoOptions.DefaultCustomers };
        serve.Options.Add(urls);
        serve.Options.Add(demo);
        serve.Options.Add(customers);
        serve.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(demo) && new DemoOptions(parse.GetValue(customers), DemoOptions.DefaultSeed).Problem is { } problem)
            {
                return CliHost.Fail($"--demo-customers: {problem}");
            }

            var hostArgs = parse.GetValue(urls) is { } u ? new[] { $"--urls={u}" } : [];
            await using var app = RapportApp.Build(hostArgs, useBinaryContentRoot: true);
            var database = app.Services.GetRequiredService<RapportDatabase>();
            await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(ct);
            Console.WriteLine($"Database: {database.Describe()}");
            if (parse.GetValue(demo))
            {
                await PrepareDemoAsync(app.Services, parse.GetValue(customers), ct);
            }

            try
            {
                await app.StartAsync(ct);
            }
            catch (IOException e)
            {
                return CliHost.Fail($"could not listen on {parse.GetValue(urls) ?? "http://localhost:5000"}: {e.Message} Choose another address with --urls.");
            }

            Console.WriteLine($"Rapport is running at {string.Join(", ", app.Urls)} (Ctrl+C to stop).");
            await app.WaitForShutdownAsync(ct);
            return 0;
        });
        return serve;
    }

    private static async Task PrepareDemoAsync(IServiceProvider services, int customers, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RapportDbContext>();
        if (!await db.Customers.AnyAsync(ct))
        {
            Console.WriteLine($"Creating the demo business ({customers:N0} customers)...");
            var summary = await scope.ServiceProvider.GetRequiredService<DemoGenerator>()
                .GenerateAsync(new DemoOptions(customers, DemoOptions.DefaultSeed), progress: null, ct);
            Console.WriteLine(summary.Describe());
        }

        // A new user should open Analytics and see figures: the demo's first run is done before the server starts.
        if (!await db.AnalyticsRuns.AnyAsync(r => r.Status == AnalyticsRunStatus.Succeeded, ct))
        {
            var run = await scope.ServiceProvider.GetRequiredService<RecomputeAnalytics>().RunNowAsync(AnalyticsTrigger.Import, ct);
            Console.WriteLine(run.Status == AnalyticsRunStatus.Succeeded
                ? $"Analytics computed for {run.Customers:N0} customers in {run.ElapsedMs / 1000.0:F1} s."
                : $"Analytics failed: {run.Error}");

            // And each customer's value profile (the demo's survey answers, interviews and purchases of tagged products).
            var profiles = await scope.ServiceProvider.GetRequiredService<Rapport.Values.Profiles.RecomputeValueProfiles>().AllAsync(ct);
            Console.WriteLine($"Value profiles computed for {profiles.Customers:N0} customers in {profiles.ElapsedMs / 1000.0:F1} s.");

            // Audiences and a CRM plan to start from (a business that already has either keeps its own).
            if (await Rapport.Demo.DemoPlan.WriteAsync(scope.ServiceProvider, scope.ServiceProvider.GetRequiredService<TimeProvider>(), ct) is { } written)
            {
                Console.WriteLine($"Added {written}.");
            }
        }

        var password = Passwords.Generate();
        var admin = await db.Users.SingleOrDefaultAsync(u => u.EmailNormalized == DemoAdminEmail, ct);
        if (admin is null)
        {
            var added = await scope.ServiceProvider.GetRequiredService<AddUser>()
                .HandleAsync(new AddUserRequest(DemoAdminEmail, Role.Admin, password, "Demo Admin"), ct);
            if (!added.IsOk)
            {
                throw new InvalidOperationException($"Could not create the demo admin: {added.Message}");
            }
        }
        else
        {
            // Demo mode prints working credentials on every start; the password is not recoverable from its hash.
            admin.PasswordHash = scope.ServiceProvider.GetRequiredService<Passwords>().Hash(admin, password);
            admin.SecurityStamp = AddUser.NewStamp();
            admin.LockedUntil = null;
            admin.FailedSignIns = 0;
            await db.SaveChangesAsync(ct);
            await scope.ServiceProvider.GetRequiredService<UserSessions>().RevokeAllAsync(admin.Id, keep: null, ct);
        }

        Console.WriteLine($"Sign in as {DemoAdminEmail} with password {password}");
    }
}
