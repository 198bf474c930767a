using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Rapport.Tests.Analytics.Models;

namespace Rapport.Tests.Analytics;

/// <summary>The real <c>rapport analytics clv</c> executable in its own process, on files (no database).</summary>
public sealed class AnalyticsCliTests
{
    private static readonly Lazy<string> CdnowCsv = new(() =>
    {
        // CDNOW_sample.txt as a CSV with a header, the way a shop would export it: customer, ISO date, amount.
        var path = Path.Combine(Path.GetTempPath(), $"rapport-cdnow-{Guid.NewGuid():N}.csv");
        File.WriteAllLines(path, ClvData.CdnowPurchases()
            .Select(p => $"{p.Customer},{p.Date:yyyy-MM-dd},{p.Amount.ToString(CultureInfo.InvariantCulture)}")
            .Prepend("Customer ID,Order Date,Total"));
        return path;
    });

    private static readonly string[] CdnowColumns =
        ["--customer-column", "Customer ID", "--date-column", "Order Date", "--amount-column", "Total", "--calibration-end", "1997-09-30"];

    private sealed record CliRun(int ExitCode, string[] Stdout, string Stderr)
    {
        public JsonElement Json => JsonDocument.Parse(Stdout.Single()).RootElement;
    }

    private static async Task<CliRun> RunAsync(params string[] args)
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

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new CliRun(process.ExitCode, (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), await stderr);
    }

    private static string WriteFile(string content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"rapport-clv-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public async Task Clv_json_reproduces_the_published_CDNOW_parameters()
    {
        var run = await RunAsync(["analytics", "clv", "--transactions", CdnowCsv.Value, .. CdnowColumns, "--json"]);

        run.ExitCode.Should().Be(0, run.Stderr);
        var json = run.Json;
        json.GetProperty("model").GetString().Should().Be("bgnbd");
        json.EnumerateObject().Select(p => p.Name).Should().Equal(
            "model", "params", "gammaGamma", "logLikelihood", "customers", "repeatCustomers", "fitMs", "warnings");
        Rounded(json.GetProperty("params"), 3).Should().Equal(new Dictionary<string, double> { ["r"] = 0.243, ["alpha"] = 4.414, ["a"] = 0.793, ["b"] = 2.426 });
        Rounded(json.GetProperty("gammaGamma"), 2).Should().Equal(new Dictionary<string, double> { ["p"] = 6.25, ["q"] = 3.74, ["gamma"] = 15.44 });
        json.GetProperty("logLikelihood").GetDouble().Should().BeApproximately(-9582.4, 0.05);
        json.GetProperty("customers").GetInt32().Should().Be(2357);
        json.GetProperty("repeatCustomers").GetInt32().Should().Be(946);
        json.GetProperty("fitMs").GetDouble().Should().BePositive();
        json.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()).Should().Contain(w => w!.StartsWith("Purchases dated after 1997-09-30"));
    }

    [Fact]
    public async Task Clv_fits_the_Pareto_NBD_and_prints_a_readable_report()
    {
        var json = await RunAsync(["analytics", "clv", "--transactions", CdnowCsv.Value, .. CdnowColumns, "--model", "paretonbd", "--json"]);
        json.ExitCode.Should().Be(0, json.Stderr);
        Rounded(json.Json.GetProperty("params"), 3).Should().Equal(new Dictionary<string, double> { ["r"] = 0.553, ["alpha"] = 10.578, ["s"] = 0.606, ["beta"] = 11.669 });

        var report = await RunAsync(["analytics", "clv", "--transactions", CdnowCsv.Value, .. CdnowColumns]);
        report.ExitCode.Should().Be(0, report.Stderr);
        var text = string.Join('\n', report.Stdout);
        text.Should().Contain("Customers: 2,357, of whom 946 bought again.")
            .And.Contain("BG/NBD purchase model")
            .And.Contain("log-likelihood -9582.4")
            .And.Contain("Gamma-Gamma spend model (946 repeat buyers)")
            .And.Contain("Fit time:")
            .And.Contain("Warnings:");
    }

    [Fact]
    public async Task Clv_reads_quoted_fields_iso_date_times_and_days()
    {
        var file = WriteFile("""
            who,when,paid
            "Smith, Ann",2024-01-01T10:00:00+02:00,3.50
            "Smith, Ann",2024-01-02 23:00:00,4
            b,20240105,12
            b,2024-01-20,-1

            """);

        var run = await RunAsync("analytics", "clv", "--transactions", file, "--customer-column", "WHO", "--date-column", "when", "--amount-column", "paid",
            "--calibration-end", "2024-01-31", "--period", "day", "--json");

        run.ExitCode.Should().Be(0, run.Stderr);
        run.Json.GetProperty("customers").GetInt32().Should().Be(2);
        run.Json.GetProperty("repeatCustomers").GetInt32().Should().Be(2);
        run.Json.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()).Should()
            .Contain(w => w!.Contains("zero or negative amount")).And.Contain(w => w!.StartsWith("Only 2 of 2 customers"));
    }

    [Fact]
    public async Task Input_problems_are_clear_messages_with_exit_code_2()
    {
        string[] columns = ["--customer-column", "c", "--date-column", "d", "--amount-column", "a", "--calibration-end", "2024-12-31"];

        var missing = await RunAsync(["analytics", "clv", "--transactions", Path.Combine(Path.GetTempPath(), "no-such-file.csv"), .. columns]);
        var unknownColumn = await RunAsync(["analytics", "clv", "--transactions", WriteFile("customer,d,a\nx,2024-01-01,1\n"), .. columns]);
        var badDate = await RunAsync(["analytics", "clv", "--transactions", WriteFile("c,d,a\nx,2024-01-01,1\nx,01/02/2024,1\n"), .. columns]);
        var badAmount = await RunAsync(["analytics", "clv", "--transactions", WriteFile("c,d,a\nx,2024-01-01,1\nx,2024-01-02,ten\n"), .. columns]);
        var noRows = await RunAsync(["analytics", "clv", "--transactions", WriteFile("c,d,a\n"), .. columns]);
        var allLate = await RunAsync(["analytics", "clv", "--transactions", WriteFile("c,d,a\nx,2025-01-01,1\n"), .. columns]);
        var badEnd = await RunAsync(["analytics", "clv", "--transactions", WriteFile("c,d,a\nx,2024-01-01,1\n"), .. columns[..^1], "31/12/2024"]);

        foreach (var run in new[] { missing, unknownColumn, badDate, badAmount, noRows, allLate, badEnd })
        {
            run.ExitCode.Should().Be(2, run.Stderr);
            run.Stdout.Should().BeEmpty();
            run.Stderr.Should().StartWith("error: ").And.NotContain("   at ");
        }

        missing.Stderr.Should().Contain("no-such-file.csv: no such file.");
        unknownColumn.Stderr.Should().Contain("there is no column 'c'; the columns are 'customer', 'd', 'a'.");
        badDate.Stderr.Should().Contain("line 3: '01/02/2024' in 'd' is not a date");
        badAmount.Stderr.Should().Contain("line 3: 'ten' in 'a' is not a number.");
        noRows.Stderr.Should().Contain("no rows");
        allLate.Stderr.Should().Contain("No customer made a purchase on or before the calibration end 2024-12-31");
        badEnd.Stderr.Should().Contain("--calibration-end must be a date as yyyy-MM-dd, not '31/12/2024'.");
    }

    [Fact]
    public async Task Unknown_models_are_usage_errors()
    {
        var run = await RunAsync(["analytics", "clv", "--transactions", CdnowCsv.Value, .. CdnowColumns, "--model", "bgbb"]);

        run.ExitCode.Should().Be(1);
        run.Stderr.Should().Contain("'bgbb' not recognized");
    }

    private static Dictionary<string, double> Rounded(JsonElement parameters, int decimals) =>
        parameters.EnumerateObject().ToDictionary(p => p.Name, p => Math.Round(p.Value.GetDouble(), decimals));
}
