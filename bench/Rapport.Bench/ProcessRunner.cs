using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Rapport.Bench;

/// <summary>Runs a database's own tool (sqlite3, psql, time) for a reference measurement; fails on any error output.</summary>
internal static class ProcessRunner
{
    public static async Task RunAsync(string program, IEnumerable<string> args, string? stdin, CancellationToken ct, string? pgPassword = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = stdin is not null,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        if (pgPassword is not null)
        {
            start.Environment["PGPASSWORD"] = pgPassword;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin.AsMemory(), ct);
            process.StandardInput.Close();
        }

        await process.WaitForExitAsync(ct);
        var errors = await stderr;
        await stdout;
        if (process.ExitCode != 0 || errors.Length > 0)
        {
            throw new InvalidOperationException($"{program} failed (exit {process.ExitCode}): {errors.Trim()}");
        }
    }

    /// <summary>Runs psql against the bench database with <paramref name="commands"/> on its standard input.</summary>
    public static Task PsqlAsync(BenchDatabase database, string commands, CancellationToken ct)
    {
        var cs = new NpgsqlConnectionStringBuilder(database.Database.ConnectionString);
        var args = new List<string> { "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", cs.Host ?? "127.0.0.1", "-p", cs.Port.ToString(CultureInfo.InvariantCulture), "-U", cs.Username ?? "postgres", "-d", cs.Database! };
        return RunAsync("psql", args, commands, ct, cs.Password);
    }
}
