using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Research.Evidence;
using Rapport.Tests.Infrastructure;
using Rapport.Values.Profiles;

namespace Rapport.Tests.Values.Profiles;

/// <summary>The real <c>rapport values profiles recompute</c> in its own process, against the test class's database.</summary>
public sealed class ValueProfileCliTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    [Fact]
    public async Task Recompute_prints_a_json_summary_last_and_stores_the_scores()
    {
        var ana = await ProfileKit.CustomerAsync(app, "Ana", "Cli");
        // Dated by the real clock: the command runs with the real one.
        await ProfileKit.EvidenceAsync(app, ana, "service", EvidenceKind.Stated, 1.0, DateTimeOffset.UtcNow.AddDays(-1), "Rated Service 5/5");

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "rapport.dll"), "values", "profiles", "recompute" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["Rapport__Database__Provider"] = app.Database.ProviderName;
        start.Environment["Rapport__Database__ConnectionString"] = app.Database.ConnectionString;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        process.ExitCode.Should().Be(0, await stderr);
        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines[^2].Should().StartWith("Value profiles of ");
        var summary = JsonDocument.Parse(lines[^1]).RootElement;
        summary.GetProperty("customers").GetInt32().Should().BeGreaterThanOrEqualTo(1);
        summary.GetProperty("scores").GetInt32().Should().BeGreaterThanOrEqualTo(1);
        summary.GetProperty("profilingOff").GetInt32().Should().Be(0);

        var stored = await app.WithDbAsync(db => db.Set<CustomerValueScore>().AsNoTracking().SingleAsync(s => s.CustomerId == ana));
        stored.Score.Should().BeApproximately(0.8, 0.01);
    }
}
