using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Rapport.Research.Themes;

namespace Rapport.Bench;

/// <summary>
/// <c>themes [--comments N] [--rounds R] [--input FILE] [--all-cores]</c>: theme detection single-threaded over the
/// hand-labelled comments (tests/Rapport.Tests/Research/Data/labelled-comments.tsv, or one comment a line from FILE),
/// repeated to N comments per round (default 100,000), pinned to one core (garbage collector included) unless
/// --all-cores. Reports comments/s (median of R rounds) next to a naive reference measured in the same process: lower-case
/// the comment, then <c>string.Contains</c> for every vocabulary entry (no tokens, stems, negation or sentiment).
/// </summary>
internal static class ThemesScenario
{
    private const string Usage = "Usage: Rapport.Bench themes [--comments N] [--rounds R] [--input FILE] [--all-cores]";

    public static int Run(string[] args)
    {
        int comments = 100_000, rounds = 5;
        string? input = null;
        var allCores = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            try
            {
                switch (args[i])
                {
                    case "--comments": comments = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--rounds": rounds = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--input": input = Value(); break;
                    case "--all-cores": allCores = true; break;
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

        if (comments < 1 || rounds is < 1 or > 50)
        {
            Console.Error.WriteLine("error: --comments ≥ 1, --rounds 1..50.");
            return 1;
        }

        input ??= LabelledSet();
        if (!File.Exists(input))
        {
            Console.Error.WriteLine($"error: {input} does not exist.");
            return 1;
        }

        var texts = input.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase)
            ? File.ReadLines(input).Skip(1).Select(l => l.Split('\t')[^1]).ToArray()
            : File.ReadAllLines(input);
        var pinned = !allCores && PinToOneCore();
        var detector = new ThemeDetector(Taxonomy.Default);
        var naive = new NaiveMatcher(Taxonomy.Default);

        var loadBefore = LoadAverage();
        // Warm-up: JIT and tiered compilation of both paths.
        Detect(detector, texts, Math.Min(comments, 20_000));
        Naive(naive, texts, Math.Min(comments, 20_000));

        var detectorRates = new List<double>();
        var naiveRates = new List<double>();
        long found = 0, naiveFound = 0;
        for (var round = 0; round < rounds; round++)
        {
            var watch = Stopwatch.StartNew();
            found = Detect(detector, texts, comments);
            detectorRates.Add(comments / watch.Elapsed.TotalSeconds);

            watch.Restart();
            naiveFound = Naive(naive, texts, comments);
            naiveRates.Add(comments / watch.Elapsed.TotalSeconds);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round + 1}: detector {detectorRates[^1]:N0} comments/s, naive {naiveRates[^1]:N0} comments/s"));
        }

        var loadAfter = LoadAverage();
        var detectorMedian = Median(detectorRates);
        var naiveMedian = Median(naiveRates);
        Console.WriteLine($"Theme detection, {comments:N0} comments a round ({texts.Length:N0} distinct, {texts.Sum(t => t.Length) / texts.Length:N0} characters on average), {rounds} rounds, one thread{(pinned ? " pinned to one core" : "")}.");
        Console.WriteLine($"Machine: nproc {Environment.ProcessorCount}, {CpuModel()}; load average {loadBefore} before, {loadAfter} after.");
        Console.WriteLine();
        Console.WriteLine("| path | median comments/s | rounds (comments/s) | values found a round |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| detector (tokens, stems, vocabulary trie, negation, sentiment) | **{detectorMedian:N0}** | {string.Join(", ", detectorRates.Select(r => r.ToString("N0", CultureInfo.InvariantCulture)))} | {found:N0} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| naive reference (lower-case + Contains of every entry) | {naiveMedian:N0} | {string.Join(", ", naiveRates.Select(r => r.ToString("N0", CultureInfo.InvariantCulture)))} | {naiveFound:N0} |"));
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Detector / naive: {detectorMedian / naiveMedian:F2}. Target ≥ 5,000 comments/s: {(detectorMedian >= 5_000 ? "met" : "missed")}."));
        return 0;
    }

    private static long Detect(ThemeDetector detector, string[] texts, int comments)
    {
        long found = 0;
        for (var i = 0; i < comments; i++)
        {
            found += detector.Detect(texts[i % texts.Length]).Values.Count;
        }

        return found;
    }

    private static long Naive(NaiveMatcher naive, string[] texts, int comments)
    {
        long found = 0;
        for (var i = 0; i < comments; i++)
        {
            found += naive.Count(texts[i % texts.Length]);
        }

        return found;
    }

    /// <summary>The floor of "look for every entry in the text": no word boundaries, stems, negation or sentiment.</summary>
    private sealed class NaiveMatcher(Taxonomy taxonomy)
    {
        private readonly (string Key, string Term)[] _terms =
            [.. taxonomy.Values.SelectMany(v => v.Vocabulary.Select(t => (v.Key, t.ToLowerInvariant())))];

        public int Count(string text)
        {
            var lower = text.ToLowerInvariant();
            var values = 0;
            string? last = null;
            foreach (var (key, term) in _terms)
            {
                if (key != last && lower.Contains(term, StringComparison.Ordinal))
                {
                    values++;
                    last = key; // one per value: skip the rest of this value's entries
                }
            }

            return values;
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static bool PinToOneCore()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsWindows())
        {
            return false;
        }

        Process.GetCurrentProcess().ProcessorAffinity = 1;
        return true;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";

    private static string LabelledSet([CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { Path.GetDirectoryName(sourceFile) ?? "", Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var path = Path.Combine(dir.FullName, "tests", "Rapport.Tests", "Research", "Data", "labelled-comments.tsv");
                if (File.Exists(path))
                {
                    return path;
                }
            }
        }

        return "labelled-comments.tsv";
    }
}
