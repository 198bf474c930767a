using Rapport.Analytics;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Customers;
using Rapport.Data;
using Rapport.DataQuality;
using Rapport.Demo;
using Rapport.Duplicates;
using Rapport.Identity;
using Rapport.Metrics;

namespace Rapport.Bench;

/// <summary>
/// <c>duplicates [--customers N] [--planted P] [--runs R] [--provider sqlite|postgres] [--seed S]</c>: generates the demo
/// business, plants P duplicates of random customers (four kinds: same email written differently, same phone written
/// differently with a nickname, a typo in the name at the same address, first and last name swapped in the same
/// postal code), then times <see cref="DetectDuplicates.RunAsync"/> (first run, which inserts the candidates, then
/// re-runs that only compare) and the data quality report, and reports recall and precision on the planted pairs.
/// </summary>
internal static class DuplicatesScenario
{
    public static async Task<int> RunAsync(string[] args)
    {
        int customers = 100_000, planted = 2_000, runs = 3, seed = DemoOptions.DefaultSeed;
        var provider = "sqlite";
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            try
            {
                switch (args[i])
                {
                    case "--customers": customers = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--planted": planted = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--runs": runs = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--seed": seed = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--provider": provider = Value(); break;
                    default: throw new ArgumentException($"unknown option {args[i]}.");
                }
            }
            catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                Console.Error.WriteLine("Usage: Rapport.Bench duplicates [--customers N] [--planted P] [--runs R] [--provider sqlite|postgres] [--seed S]");
                return 1;
            }
        }

        if (provider is not ("sqlite" or "postgres") || runs is < 1 or > 20 || planted < 0 || planted > customers / 2 ||
            new DemoOptions(customers, seed).Problem is not null)
        {
            Console.Error.WriteLine("error: check --provider (sqlite|postgres), --runs (1..20), --planted (0..customers/2) and --customers.");
            return 1;
        }

        await using var db = await BenchDatabase.CreateAsync(provider, "dups", CancellationToken.None);
        await using var services = Services(db.Database);
        Console.Error.WriteLine($"duplicates: generating {customers:N0} demo customers on {provider}…");
        await using (var scope = services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DemoGenerator>().GenerateAsync(new DemoOptions(customers, seed), progress: null, CancellationToken.None);
        }

        var truth = await PlantAsync(services, planted, seed);
        Console.Error.WriteLine($"duplicates: planted {truth.Count:N0} duplicates; detecting…");

        var timings = new List<(int Run, DetectionSummary Summary, TimeSpan Cpu, double Load)>();
        Dictionary<(long, long), (double Score, string Reasons)> found = [];
        for (var run = 1; run <= runs; run++)
        {
            await using var scope = services.CreateAsyncScope();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var summary = await scope.ServiceProvider.GetRequiredService<DetectDuplicates>().RunAsync(CancellationToken.None);
            timings.Add((run, summary, Process.GetCurrentProcess().TotalProcessorTime - cpu, BenchServices.LoadAverage()));
            Console.Error.WriteLine($"run {run}: {summary.Elapsed.TotalSeconds:F2} s, {summary.PairsCompared:N0} pairs compared, {summary.Found:N0} found, load {timings[^1].Load:F1}");
            if (run == 1)
            {
                var rows = await scope.ServiceProvider.GetRequiredService<RapportDbContext>().DuplicateCandidates.AsNoTracking()
                    .Select(c => new { c.CustomerIdA, c.CustomerIdB, c.Score, c.Reasons }).ToListAsync();
                found = rows.ToDictionary(r => (r.CustomerIdA, r.CustomerIdB), r => (r.Score, r.Reasons));
            }
        }

        TimeSpan quality;
        await using (var scope = services.CreateAsyncScope())
        {
            var watch = Stopwatch.StartNew();
            var report = await scope.ServiceProvider.GetRequiredService<GetDataQuality>().HandleAsync(null, CancellationToken.None);
            quality = watch.Elapsed;
            Console.Error.WriteLine($"data quality report: {quality.TotalSeconds:F2} s, {report.Value!.Customers:N0} customers");
        }

        Console.WriteLine(Report(provider, customers + truth.Count, truth, found, timings, quality));
        return 0;
    }

    private static string Report(string provider, int customers, List<Planted> truth, Dictionary<(long, long), (double Score, string Reasons)> found,
        List<(int Run, DetectionSummary Summary, TimeSpan Cpu, double Load)> timings, TimeSpan quality)
    {
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"### Duplicate detection over {customers:N0} customers on {(provider == "postgres" ? "PostgreSQL" : "SQLite")} ({truth.Count:N0} planted duplicates)");
        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Machine.Describe()}; {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC.");
        s.AppendLine();
        s.AppendLine("| run | elapsed (s) | CPU (s) | pairs compared | pairs found | new | load avg |");
        s.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (run, summary, cpu, load) in timings)
        {
            s.AppendLine(CultureInfo.InvariantCulture,
                $"| {run} | {summary.Elapsed.TotalSeconds:F2} | {cpu.TotalSeconds:F2} | {summary.PairsCompared:N0} | {summary.Found:N0} | {summary.Created:N0} | {load:F1} |");
        }

        s.AppendLine();
        var plantedKeys = truth.ToDictionary(t => t.Key);
        var hits = truth.Count(t => found.ContainsKey(t.Key));
        s.AppendLine("| planted kind | planted | found | recall |");
        s.AppendLine("|---|---:|---:|---:|");
        foreach (var kind in truth.GroupBy(t => t.Kind).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var n = kind.Count(t => found.ContainsKey(t.Key));
            s.AppendLine(CultureInfo.InvariantCulture, $"| {kind.Key} | {kind.Count():N0} | {n:N0} | {Share(n, kind.Count())} |");
        }

        s.AppendLine(CultureInfo.InvariantCulture, $"| **all** | {truth.Count:N0} | {hits:N0} | **{Share(hits, truth.Count)}** |");
        s.AppendLine();
        var others = found.Where(f => !plantedKeys.ContainsKey(f.Key)).ToList();
        var byReason = string.Join(", ", others.GroupBy(o => o.Value.Reasons, StringComparer.Ordinal).OrderByDescending(g => g.Count()).Take(6)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} {g.Count():N0}")));
        s.AppendLine(CultureInfo.InvariantCulture,
            $"Pairs found: {found.Count:N0}, of which {hits:N0} planted (precision on planted pairs {Share(hits, found.Count)}); " +
            $"the other {others.Count:N0} are pairs within the generated data itself, by reason: {byReason}.");
        s.AppendLine(CultureInfo.InvariantCulture, $"Data quality report on the same database: {quality.TotalSeconds:F2} s.");
        return s.ToString();
    }

    private static string Share(int part, int whole) => whole == 0 ? "–" : (part / (double)whole).ToString("P1", CultureInfo.InvariantCulture);

    private sealed record Planted(long Original, long Copy, string Kind)
    {
        public (long, long) Key => Original < Copy ? (Original, Copy) : (Copy, Original);
    }

    /// <summary>Adds <paramref name="count"/> altered copies of random demo customers and returns the planted pairs.</summary>
    private static async Task<List<Planted>> PlantAsync(ServiceProvider services, int count, int seed)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RapportDbContext>();
        var ids = await db.Customers.Select(c => c.Id).OrderBy(id => id).ToListAsync();
        var random = new Random(seed);
        var picked = ids.OrderBy(_ => random.Next()).Take(count).ToList();
        var originals = await db.Customers.AsNoTracking().Where(c => picked.Contains(c.Id)).ToDictionaryAsync(c => c.Id);
        string[] kinds = ["email", "phone", "name typo at address", "swapped name in postal code"];
        var copies = new List<(long Original, string Kind, Customer Copy)>();
        for (var i = 0; i < picked.Count; i++)
        {
            var o = originals[picked[i]];
            var kind = kinds[i % kinds.Length];
            if ((kind == "phone" && o.Phone is null) || (kind == "email" && o.Email is null))
            {
                kind = kinds[2];
            }

            var c = new Customer { Source = "bench", Country = o.Country };
            switch (kind)
            {
                case "email":
                    (c.FirstName, c.LastName, c.Email) = (Typo(o.FirstName, random), o.LastName, o.Email!.ToUpperInvariant());
                    break;
                case "phone":
                    (c.FirstName, c.LastName, c.Phone, c.City) = (Nickname(o.FirstName), o.LastName, Reformat(o.Phone!, o.Country), o.City);
                    break;
                case "name typo at address":
                    (c.FirstName, c.LastName, c.Street, c.PostalCode, c.City) = (o.FirstName, Typo(o.LastName, random), Abbreviate(o.Street), o.PostalCode, o.City);
                    break;
                default:
                    (c.FirstName, c.LastName, c.PostalCode, c.City) = (o.LastName, o.FirstName, o.PostalCode, o.City);
                    break;
            }

            c.EmailNormalized = Rapport.Common.Validate.NormalizeEmail(c.Email);
            c.SearchText = CustomerRules.SearchText(c.FirstName, c.LastName, c.Email);
            copies.Add((o.Id, kind, c));
        }

        db.Customers.AddRange(copies.Select(x => x.Copy));
        await db.SaveChangesAsync();
        return [.. copies.Select(x => new Planted(x.Original, x.Copy.Id, x.Kind))];
    }

    /// <summary>One typing slip in the middle of a word: two letters swapped.</summary>
    private static string? Typo(string? value, Random random)
    {
        if (value is null || value.Length < 4)
        {
            return value;
        }

        var i = random.Next(1, value.Length - 2);
        var chars = value.ToCharArray();
        (chars[i], chars[i + 1]) = (chars[i + 1], chars[i]);
        return new string(chars);
    }

    private static string? Nickname(string? first) => first switch
    {
        "Robert" => "Bob",
        "William" => "Bill",
        "Richard" => "Rick",
        "Michael" => "Mike",
        "Elizabeth" => "Liz",
        "Katherine" => "Kate",
        "James" => "Jim",
        "Thomas" => "Tom",
        _ => first,
    };

    /// <summary>The same number written another way: digits only with the international prefix of the customer's country.</summary>
    private static string Reformat(string phone, string? country)
    {
        var digits = new string([.. phone.TakeWhile(c => !char.IsAsciiLetter(c)).Where(char.IsAsciiDigit)]);
        return country switch
        {
            "US" or "CA" => digits.Length == 11 && digits[0] == '1' ? $"+{digits}" : $"+1 {digits}",
            "GB" => digits.StartsWith('0') ? $"+44 {digits[1..]}" : digits,
            "DE" => digits.StartsWith('0') ? $"0049 {digits[1..]}" : digits,
            "FR" => digits.StartsWith('0') ? $"+33 {digits[1..]}" : digits,
            "AU" => digits.StartsWith('0') ? $"+61 {digits[1..]}" : digits,
            _ => digits,
        };
    }

    private static string? Abbreviate(string? street) => street?
        .Replace(" Street", " St.", StringComparison.Ordinal)
        .Replace(" Avenue", " Ave", StringComparison.Ordinal)
        .Replace(" Road", " Rd", StringComparison.Ordinal)
        .ToUpperInvariant();


    private static ServiceProvider Services(RapportDatabase database) =>
        BenchServices.Build(database, (s, _) =>
        {
            s.AddIdentityFeature();
            s.AddCustomerMetrics();
            s.AddAnalytics();
            s.AddDemo();
            s.AddDuplicates();
            s.AddDataQuality();
        });
}
