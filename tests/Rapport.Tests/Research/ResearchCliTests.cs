using System.Diagnostics;
using System.Text;

namespace Rapport.Tests.Research;

/// <summary>The real <c>rapport research detect</c> executable in its own process, on files, with no database reachable.</summary>
public sealed class ResearchCliTests
{
    private sealed record CliRun(int ExitCode, string[] Stdout, string Stderr, string WorkingDirectory);

    private static Task<CliRun> RunAsync(params string[] args) => RunInAsync(null, args);

    /// <summary>
    /// Runs the CLI in <paramref name="sqliteDirectory"/> with its default SQLite database (data/rapport.db there), or,
    /// when null, in a new directory with an unreachable PostgreSQL configured.
    /// </summary>
    private static async Task<CliRun> RunInAsync(string? sqliteDirectory, params string[] args)
    {
        var workingDirectory = sqliteDirectory ?? Directory.CreateTempSubdirectory("rapport-research-cli-").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
            StandardOutputEncoding = Encoding.UTF8,
        };
        if (sqliteDirectory is null)
        {
            // A database that cannot be reached: the command must not need one.
            start.Environment["Rapport__Database__Provider"] = "postgres";
            start.Environment["Rapport__Database__ConnectionString"] = "Host=127.0.0.1;Port=1;Username=x;Password=x;Timeout=1";
        }
        else
        {
            start.Environment["Rapport__Database__Provider"] = "sqlite";
            start.Environment.Remove("Rapport__Database__ConnectionString");
        }
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
        return new CliRun(process.ExitCode, (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), await stderr, workingDirectory);
    }

    private static string WriteFile(byte[] content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"rapport-comments-{Guid.NewGuid():N}.txt");
        File.WriteAllBytes(path, content);
        return path;
    }

    private static string WriteFile(string content) => WriteFile(new UTF8Encoding(false).GetBytes(content));

    [Fact]
    public async Task Detect_json_prints_one_line_per_input_line_blank_lines_included()
    {
        var file = WriteFile(
            "I don't care about packaging\r\n" +
            "\r\n" +
            "Not cheap, but the quality is excellent.\r\n" +
            "<script>alert(1)</script> Great service 😀\r\n" +
            "配送が早くて助かりました。\r\n" +
            "Eco-friendly packaging and fair trade coffee, love it\r\n" +
            "No plastic at all!");

        var run = await RunAsync("research", "detect", "--input", file, "--json");

        run.ExitCode.Should().Be(0, run.Stderr);
        run.Stdout.Should().Equal(
            """{"line":1,"values":[{"value":"sustainability","sentiment":-0.15}]}""",
            """{"line":2,"values":[]}""",
            """{"line":3,"values":[{"value":"price","sentiment":-0.22},{"value":"quality","sentiment":0.51}]}""",
            """{"line":4,"values":[{"value":"service","sentiment":0.49}]}""",
            """{"line":5,"values":[]}""",
            """{"line":6,"values":[{"value":"sustainability","sentiment":0.68},{"value":"ethics","sentiment":0.67}]}""",
            """{"line":7,"values":[{"value":"sustainability","sentiment":0.22}]}""");
        Directory.EnumerateFileSystemEntries(run.WorkingDirectory).Should().BeEmpty("no database file is created");
    }

    [Fact]
    public async Task Detect_without_json_prints_a_report_with_the_evidence()
    {
        var file = WriteFile("Not cheap, but the quality is excellent.\nThanks!\n");

        var run = await RunAsync("research", "detect", "--input", file);

        run.ExitCode.Should().Be(0, run.Stderr);
        run.Stdout.Should().StartWith([
            "line 1: price -0.22 (\"cheap\" negated); quality +0.51 (\"quality\")",
            "line 2: no value",
            "2 lines, 1 mention at least one value.",
        ]);
        run.Stdout.Should().Contain(l => l.StartsWith("price ", StringComparison.Ordinal) && l.EndsWith("-0.22", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_byte_order_mark_and_invalid_utf8_are_read_without_error()
    {
        var bytes = new List<byte>(Encoding.UTF8.GetPreamble());
        bytes.AddRange(Encoding.UTF8.GetBytes("Great price\n"));
        bytes.AddRange([0xC3, 0x28, 0xFF, 0x0A]); // invalid sequences, then a line feed
        bytes.AddRange(Encoding.UTF8.GetBytes("rude staff"));

        var run = await RunAsync("research", "detect", "--input", WriteFile([.. bytes]), "--json");

        run.ExitCode.Should().Be(0, run.Stderr);
        run.Stdout.Should().HaveCount(3);
        run.Stdout[0].Should().StartWith("""{"line":1,"values":[{"value":"price","sentiment":0.""");
        run.Stdout[1].Should().Be("""{"line":2,"values":[]}""");
        run.Stdout[2].Should().StartWith("""{"line":3,"values":[{"value":"service","sentiment":-0.""");
    }

    [Fact]
    public async Task An_empty_file_prints_nothing_and_a_missing_one_is_an_input_problem()
    {
        var empty = await RunAsync("research", "detect", "--input", WriteFile(""), "--json");
        empty.ExitCode.Should().Be(0, empty.Stderr);
        empty.Stdout.Should().BeEmpty();

        var missing = await RunAsync("research", "detect", "--input", Path.Combine(Path.GetTempPath(), "no-such-comments.txt"), "--json");
        missing.ExitCode.Should().Be(2);
        missing.Stdout.Should().BeEmpty();
        missing.Stderr.Should().StartWith("error: ").And.Contain("no-such-comments.txt").And.NotContain("   at ");

        var usage = await RunAsync("research", "detect", "--json");
        usage.ExitCode.Should().Be(1);
    }

    [Fact]
    public async Task Detect_with_the_database_taxonomy_uses_the_businesss_edited_vocabulary()
    {
        var directory = Directory.CreateTempSubdirectory("rapport-research-db-").FullName;
        var file = WriteFile("The latte art alone is worth the visit\nEco-friendly cups");
        (await RunInAsync(directory, "db", "migrate")).ExitCode.Should().Be(0);

        // The business adds "latte art" to craftsmanship and retires sustainability, as it would on the Values page.
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(directory, "data", "rapport.db")};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText =
                """
                UPDATE taxonomy_values SET vocabulary = vocabulary || char(10) || 'latte art' WHERE key = 'craftsmanship';
                UPDATE taxonomy_values SET status = 'retired' WHERE key = 'sustainability';
                """;
            await command.ExecuteNonQueryAsync();
        }

        var shipped = await RunAsync("research", "detect", "--input", file, "--json");
        var stored = await RunInAsync(directory, "research", "detect", "--input", file, "--json", "--taxonomy", "database");

        shipped.ExitCode.Should().Be(0, shipped.Stderr);
        stored.ExitCode.Should().Be(0, stored.Stderr);
        shipped.Stdout[0].Should().NotContain("craftsmanship");
        shipped.Stdout[1].Should().Contain("\"value\":\"sustainability\"");
        stored.Stdout[0].Should().Contain("\"value\":\"craftsmanship\"");
        stored.Stdout[1].Should().NotContain("sustainability");
        (await RunAsync("research", "detect", "--input", file, "--taxonomy", "mine")).ExitCode.Should().NotBe(0);
    }
}
