using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Privacy;

/// <summary>The real <c>rapport privacy …</c> executable in its own process, on the test class's database.</summary>
public sealed class PrivacyCliTests(PrivacyAppFactory app) : IClassFixture<PrivacyAppFactory>
{
    [Fact]
    public async Task Export_writes_by_extension_and_erase_refuses_without_yes_then_erases()
    {
        var marked = await app.MarkedCustomerAsync();
        var folder = Directory.CreateTempSubdirectory("rapport-privacy-cli-").FullName;

        var zip = Path.Combine(folder, "out.zip");
        var export = await RunAsync("privacy", "export", "--customer", Id(marked.Id), "--out", zip);
        export.ExitCode.Should().Be(0, export.Stderr);
        using (var archive = ZipFile.OpenRead(zip))
        {
            archive.GetEntry("profile.csv").Should().NotBeNull();
        }

        var json = Path.Combine(folder, "out.json");
        (await RunAsync("privacy", "export", "--customer", Id(marked.Id), "--out", json)).ExitCode.Should().Be(0);
        (await File.ReadAllTextAsync(json)).Should().Contain(marked.Email);
        (await RunAsync("privacy", "export", "--customer", Id(marked.Id), "--out", Path.Combine(folder, "out.txt"))).ExitCode.Should().NotBe(0);

        var refused = await RunAsync("privacy", "erase", "--customer", Id(marked.Id));
        refused.ExitCode.Should().Be(2);
        refused.Stderr.Should().Contain("--yes").And.Contain("Timeline items");
        (await app.WithDbAsync(db => db.Customers.AsNoTracking().SingleAsync(c => c.Id == marked.Id))).ErasedAt.Should().BeNull();

        var erased = await RunAsync("privacy", "erase", "--customer", Id(marked.Id), "--yes");
        erased.ExitCode.Should().Be(0, erased.Stderr);
        erased.Stdout.Should().Contain("Erased customer");
        (await app.WithDbAsync(db => db.Customers.AsNoTracking().SingleAsync(c => c.Id == marked.Id))).ErasedAt.Should().NotBeNull();
        (await RunAsync("privacy", "erase", "--customer", Id(marked.Id), "--yes")).ExitCode.Should().NotBe(0, "erasing twice is refused");
        (await RunAsync("privacy", "retention", "--dry-run")).ExitCode.Should().Be(0);
    }

    private static string Id(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private sealed record CliRun(int ExitCode, string Stdout, string Stderr);

    private async Task<CliRun> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.Environment["Rapport__Database__Provider"] = app.Database.ProviderName;
        start.Environment["Rapport__Database__ConnectionString"] = app.Database.ConnectionString;
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
        return new CliRun(process.ExitCode, await stdout, await stderr);
    }
}
