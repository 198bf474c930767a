using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Rapport.Tests.Imports;

/// <summary>The real <c>rapport import</c> executable in its own process, against the test class's database.</summary>
public sealed class ImportCliTests(ImportAppFactory app) : IClassFixture<ImportAppFactory>
{
    private sealed record CliRun(int ExitCode, string[] Stdout, string Stderr)
    {
        public JsonElement Summary => JsonDocument.Parse(Stdout[^1]).RootElement;
    }

    private async Task<CliRun> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "rapport.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["Rapport__Database__Provider"] = app.Database.ProviderName;
        start.Environment["Rapport__Database__ConnectionString"] = app.Database.ConnectionString;
        start.Environment["Rapport__DataDirectory"] = app.DataDirectory;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new CliRun(process.ExitCode, (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), await stderr);
    }

    [Fact]
    public async Task Import_prints_the_json_summary_last_and_writes_the_rejects_file()
    {
        var order = ImportKit.Unique("CLI");
        var file = ImportKit.WriteFile($"""
            Order Number,Customer Email,Billing Name,Created at,Currency,Lineitem SKU,Lineitem Quantity,Lineitem Price
            {order}-1,cli-{order}@example.com,Ada Lovelace,2024-05-01 09:30,EUR,MUG,2,9.90
            {order}-1,cli-{order}@example.com,Ada Lovelace,2024-05-01 09:30,EUR,TEA,1,4.50
            {order}-2,cli-{order}@example.com,Ada Lovelace,yesterday,EUR,MUG,1,9.90

            """);
        var rejects = Path.Combine(Path.GetTempPath(), $"{order}-rejects.csv");

        var run = await RunAsync("import", "transactions", file, "--rejects", rejects, "--source", "shop");

        run.ExitCode.Should().Be(0, run.Stderr);
        run.Stdout[^1].Should().Be("""{"read":3,"created":2,"updated":0,"merged":0,"rejected":1}""");
        run.Stderr.Should().Contain("3 rows read");
        var written = await File.ReadAllLinesAsync(rejects);
        written[0].Should().Be("Order Number,Customer Email,Billing Name,Created at,Currency,Lineitem SKU,Lineitem Quantity,Lineitem Price,line,reason");
        written[1].Should().StartWith($"{order}-2,cli-{order}@example.com,Ada Lovelace,yesterday,EUR,MUG,1,9.90,4,");
        var lines = await app.WithDbAsync(db => db.TransactionLines.CountAsync(l => db.Transactions.Any(t => t.Id == l.TransactionId && t.ExternalId == $"{order}-1")));
        lines.Should().Be(2);

        var again = await RunAsync("import", "transactions", file, "--source", "shop", "--dry-run");
        again.ExitCode.Should().Be(0, again.Stderr);
        again.Summary.GetProperty("updated").GetInt64().Should().Be(2, "the same order ids are found again");
    }

    [Fact]
    public async Task An_import_queues_an_analytics_run_and_analytics_recompute_computes_it_now()
    {
        var order = ImportKit.Unique("AN");
        var file = ImportKit.WriteFile($"""
            Order Number,Customer Email,Billing Name,Created at,Currency,Lineitem SKU,Lineitem Quantity,Lineitem Price
            {order}-1,an-{order}@example.com,Ada Lovelace,2024-05-01 09:30,EUR,MUG,2,9.90
            {order}-2,an-{order}@example.com,Ada Lovelace,2024-06-11 10:00,EUR,TEA,1,4.50

            """);
        (await RunAsync("import", "transactions", file, "--source", "shop")).ExitCode.Should().Be(0);
        (await app.WithDbAsync(db => db.AnalyticsRuns.CountAsync(r => r.Status == Rapport.Analytics.AnalyticsRunStatus.Queued)))
            .Should().Be(1, "the import asks the web host's worker for a recompute");

        var run = await RunAsync("analytics", "recompute");
        run.ExitCode.Should().Be(0, run.Stderr);
        var summary = run.Summary;
        summary.GetProperty("status").GetString().Should().Be("succeeded");
        summary.GetProperty("customers").GetInt32().Should().BeGreaterThan(0);
        var id = summary.GetProperty("runId").GetInt64();
        (await app.WithDbAsync(db => db.AnalyticsRuns.Where(r => r.Id == id).Select(r => r.Status).SingleAsync()))
            .Should().Be(Rapport.Analytics.AnalyticsRunStatus.Succeeded);
    }

    [Fact]
    public async Task Map_overrides_a_header_and_file_problems_exit_with_2()
    {
        var email = $"{ImportKit.Unique("map")}@example.com";
        var file = ImportKit.WriteFile($"Courriel électronique;Vorname\n{email};Zoë\n");

        var mapped = await RunAsync("import", "customers", file, "--map", "Courriel électronique=email", "--map", "Vorname=first_name");
        mapped.ExitCode.Should().Be(0, mapped.Stderr);
        mapped.Summary.GetProperty("created").GetInt64().Should().Be(1);
        (await app.WithDbAsync(db => db.Customers.Where(c => c.EmailNormalized == email).Select(c => c.FirstName).SingleAsync())).Should().Be("Zoë");

        var unmapped = await RunAsync("import", "customers", file);
        unmapped.ExitCode.Should().Be(2);
        unmapped.Stderr.Should().Contain("error:");
        unmapped.Stdout.Should().BeEmpty("nothing was imported, so there is no summary");

        var empty = await RunAsync("import", "customers", ImportKit.WriteFile(""));
        empty.ExitCode.Should().Be(2);
        empty.Stderr.Should().Contain("The file is empty.");

        (await RunAsync("import", "customers", Path.Combine(Path.GetTempPath(), "no-such-file.csv"))).ExitCode.Should().Be(2);
        (await RunAsync("import", "people", file)).ExitCode.Should().Be(1);
        (await RunAsync("import", "customers", file, "--map", "novalue")).ExitCode.Should().Be(1);
    }
}
