using System.Globalization;

namespace Rapport.Bench;

/// <summary>
/// <c>dotnet run -c Release --project bench/Rapport.Bench -- &lt;scenario&gt; [options]</c>. Each scenario measures one
/// figure from the issues against fresh databases and prints a markdown table for <c>docs/benchmarks.md</c>.
/// </summary>
internal static class BenchApp
{
    private const string Usage = """
        Usage: Rapport.Bench demo [--customers N] [--runs R] [--provider sqlite|postgres] [--seed S] [--no-reference]

          demo            Generate the demo business into fresh databases (rapport demo) and compare with a raw bulk load
                          of the same rows into the same schema (sqlite3 .import, or psql \copy) measured in the same run.
          --customers N   Customers per run (default 100000).
          --runs R        Runs; the median is reported (default 3).
          --provider P    sqlite (default) or postgres. PostgreSQL: RAPPORT_BENCH_POSTGRES is the admin connection string
                          (default Host=127.0.0.1;Username=postgres;Password=postgres); each run uses a new database.
          --seed S        Demo seed (default 42).
          --no-reference  Skip the raw bulk load reference.
          --keep          Keep the databases and CSV files of the last run (their paths are printed).
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 1 : 0;
        }

        if (args[0] != "demo")
        {
            Console.Error.WriteLine($"error: unknown scenario '{args[0]}'.");
            Console.Error.WriteLine(Usage);
            return 1;
        }

        var options = new DemoScenarioOptions();
        for (var i = 1; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            try
            {
                switch (args[i])
                {
                    case "--customers": options.Customers = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--runs": options.Runs = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--seed": options.Seed = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--provider": options.Provider = Value(); break;
                    case "--no-reference": options.Reference = false; break;
                    case "--keep": options.Keep = true; break;
                    default: throw new ArgumentException($"unknown option {args[i]}.");
                }
            }
            catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                Console.Error.WriteLine(Usage);
                return 1;
            }
        }

        if (options.Provider is not ("sqlite" or "postgres"))
        {
            Console.Error.WriteLine("error: --provider must be sqlite or postgres.");
            return 1;
        }

        if (options.Runs is < 1 or > 50)
        {
            Console.Error.WriteLine("error: --runs must be between 1 and 50.");
            return 1;
        }

        if (new Demo.DemoOptions(options.Customers, options.Seed).Problem is { } problem)
        {
            Console.Error.WriteLine($"error: --customers: {problem}");
            return 1;
        }

        await new DemoScenario(options).RunAsync(CancellationToken.None);
        return 0;
    }
}
