using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;

namespace Rapport.Bench;

/// <summary>
/// The reference for bulk writes: the rows a run produced, exported to CSV (not timed), then loaded into a fresh
/// database with the same migrated schema (same tables and indexes) by the database's own bulk tool, timed:
/// <c>sqlite3 .import --csv</c> with the same page cache and synchronous settings as the demo writer, or
/// <c>psql \copy ... FROM (FORMAT csv)</c>.
/// </summary>
internal static class RawImport
{
    /// <summary>Tables in foreign-key order (PostgreSQL checks them during \copy).</summary>
    public static readonly string[] Tables =
    [
        "users", "companies", "products", "custom_fields", "customers", "customer_tags", "customer_field_values",
        "customer_external_ids", "transactions", "transaction_lines", "interactions", "customer_metrics",
    ];

    public static async Task ExportAsync(BenchDatabase source, string folder, CancellationToken ct)
    {
        Directory.CreateDirectory(folder);
        foreach (var table in Tables)
        {
            var file = Path.Combine(folder, $"{table}.csv");
            if (source.Database.IsPostgres)
            {
                await ProcessRunner.PsqlAsync(source, $"\\copy (SELECT * FROM {table}) TO '{file}' WITH (FORMAT csv)", ct);
            }
            else
            {
                await ProcessRunner.RunAsync("sqlite3", ["-csv", source.SqlitePath!, $".once {file}", $"SELECT * FROM {table}"], stdin: null, ct);
            }
        }
    }

    /// <summary>Loads the CSV files into <paramref name="target"/>; returns the wall-clock time the bulk tool took and its CPU time (user + system) when measurable.</summary>
    public static async Task<(TimeSpan Wall, TimeSpan? Cpu)> ImportAsync(BenchDatabase target, string folder, CancellationToken ct)
    {
        var script = new StringBuilder();
        if (target.Database.IsPostgres)
        {
            foreach (var table in Tables)
            {
                script.AppendLine(CultureInfo.InvariantCulture, $"\\copy {table} FROM '{Path.Combine(folder, table + ".csv")}' WITH (FORMAT csv)");
            }

            // The work happens in the server process: only the wall-clock time is comparable.
            var stopwatch = Stopwatch.StartNew();
            await ProcessRunner.PsqlAsync(target, script.ToString(), ct);
            return (stopwatch.Elapsed, null);
        }
        else
        {
            // Same connection settings as the demo writer: WAL (set by the migrator), synchronous=NORMAL, a 256 MB page cache.
            script.AppendLine("PRAGMA synchronous=NORMAL;");
            script.AppendLine("PRAGMA cache_size=-262144;");
            // sqlite3 writes NULL as an empty cell and .import reads it back as '', which the unique indexes on the
            // nullable external ids of companies and interactions refuse; so those indexes are built after the load
            // and the empty strings turned back into NULL, inside the timed script.
            script.AppendLine("DROP INDEX ix_companies_external_id; DROP INDEX ix_interactions_external_id;");
            foreach (var table in Tables)
            {
                script.AppendLine(CultureInfo.InvariantCulture, $".import --csv {Path.Combine(folder, table + ".csv")} {table}");
            }

            script.AppendLine("UPDATE companies SET external_id = NULL WHERE external_id = '';");
            script.AppendLine("UPDATE interactions SET external_id = NULL WHERE external_id = '';");
            script.AppendLine("CREATE UNIQUE INDEX ix_companies_external_id ON companies (external_id);");
            script.AppendLine("CREATE UNIQUE INDEX ix_interactions_external_id ON interactions (external_id);");

            var times = Path.Combine(folder, "sqlite3.time");
            var stopwatch = Stopwatch.StartNew();
            if (File.Exists(TimeTool))
            {
                await ProcessRunner.RunAsync(TimeTool, ["-f", "%U %S", "-o", times, "sqlite3", target.SqlitePath!], script.ToString(), ct);
            }
            else
            {
                await ProcessRunner.RunAsync("sqlite3", [target.SqlitePath!], script.ToString(), ct);
            }

            var wall = stopwatch.Elapsed;
            TimeSpan? cpu = null;
            if (File.Exists(times))
            {
                var parts = (await File.ReadAllTextAsync(times, ct)).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                cpu = TimeSpan.FromSeconds(double.Parse(parts[0], CultureInfo.InvariantCulture) + double.Parse(parts[1], CultureInfo.InvariantCulture));
            }

            return (wall, cpu);
        }
    }

    /// <summary>GNU time, to read the CPU time of the sqlite3 process.</summary>
    private const string TimeTool = "/usr/bin/time";
}
