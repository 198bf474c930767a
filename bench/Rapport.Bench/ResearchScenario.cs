using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rapport.Analytics;
using Rapport.Demo;
using Rapport.Identity;
using Rapport.Interactions;
using Rapport.Metrics;
using Rapport.Research;
using Rapport.Research.Evidence;
using Rapport.Research.Review;
using Rapport.Research.Themes;
using Rapport.Values;
using Rapport.Webhooks;

namespace Rapport.Bench;

/// <summary>
/// <c>research --customers N [--runs R] [--notes K] [--provider sqlite|postgres]</c>: a demo business of N customers
/// (generated first, not timed; every demo interaction has a note), then R full re-indexes of research text
/// (<see cref="MentionIndexer.ReindexAllAsync"/>: delete every mention, read every note and transcript by pages, detect,
/// insert the evidence), each next to the floor in the same process: reading the same texts through the same sources and
/// running detection, writing nothing. Then one refresh of the emergent themes, and K rounds of logging through
/// <see cref="LogInteraction"/> a note that mentions two values, a note that mentions none (both indexed as they are
/// logged) and a call without notes: what indexing adds to one request.
/// </summary>
internal static class ResearchScenario
{
    public static async Task<int> RunAsync(string[] args)
    {
        int customers = 20_000, runs = 3, notes = 200;
        var provider = "sqlite";
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--customers": customers = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--runs": runs = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--notes": notes = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--provider": provider = Value(); break;
                default: throw new ArgumentException($"Unknown option {args[i]}.");
            }
        }

        var ct = CancellationToken.None;
        await using var db = await BenchDatabase.CreateAsync(provider, "research", ct);
        await using var services = BenchServices.Build(db.Database, (s, _) =>
        {
            s.AddIdentityFeature();
            s.AddCustomerMetrics();
            s.AddAnalytics();
            s.AddDemo();
            s.AddValues();
            s.AddInteractions();
            s.AddWebhooks();
            s.AddResearch();
        }, minimumLevel: LogLevel.Warning);

        var generated = Stopwatch.StartNew();
        await using (var scope = services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DemoGenerator>().GenerateAsync(new DemoOptions(customers, DemoOptions.DefaultSeed), null, ct);
        }

        Console.Error.WriteLine($"research: demo of {customers:N0} customers generated in {generated.Elapsed.TotalSeconds:F1} s");
        var results = new List<(double Seconds, int Texts, double Floor, long Mentions)>();
        for (var n = 1; n <= runs; n++)
        {
            GC.Collect();
            int texts;
            var started = Stopwatch.GetTimestamp();
            await using (var scope = services.CreateAsyncScope())
            {
                texts = await scope.ServiceProvider.GetRequiredService<MentionIndexer>().ReindexAllAsync(ct);
            }

            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var floor = await FloorAsync(services, ct);
            var mentions = await MentionsAsync(db.Database, ct);
            results.Add((seconds, texts, floor, mentions));
            Console.Error.WriteLine($"run {n}: {texts:N0} texts in {seconds:F2} s ({texts / seconds:N0}/s), {mentions:N0} mentions; floor (read + detect) {floor:F2} s; load {BenchServices.LoadAverage():F1}");
        }

        var themes = Stopwatch.StartNew();
        ThemeRefreshSummary refreshed;
        await using (var scope = services.CreateAsyncScope())
        {
            refreshed = await scope.ServiceProvider.GetRequiredService<RefreshThemeProposals>().HandleAsync(ct);
        }

        var themeSeconds = themes.Elapsed.TotalSeconds;
        var (withNote, plain, withoutNote) = await LogAsync(services, db.Database, notes, ct);

        var median = results.Select(r => r.Seconds).Order().ElementAt(results.Count / 2);
        var floorMedian = results.Select(r => r.Floor).Order().ElementAt(results.Count / 2);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"research ({provider}, {customers:N0} customers, {results[0].Texts:N0} texts, {results[0].Mentions:N0} mentions): full re-index median {median:F2} s " +
            $"({results[0].Texts / median:N0} texts/s), floor read + detect {floorMedian:F2} s (re-index / floor {median / floorMedian:F2}); " +
            $"themes refresh {themeSeconds:F2} s over {refreshed.TextsRead:N0} texts ({refreshed.Proposed} proposed); " +
            $"log one interaction (median): a note mentioning two values {withNote:F2} ms, a note mentioning none {plain:F2} ms, a call without notes {withoutNote:F2} ms; load {BenchServices.LoadAverage():F1}"));
        return 0;
    }

    /// <summary>What a re-index cannot go below: reading every text through the same sources and detecting, writing nothing.</summary>
    private static async Task<double> FloorAsync(ServiceProvider services, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        await using var scope = services.CreateAsyncScope();
        var detector = new ThemeDetector(await scope.ServiceProvider.GetRequiredService<GetBusinessTaxonomy>().HandleAsync(ct));
        var found = 0;
        foreach (var source in scope.ServiceProvider.GetServices<IResearchTextSource>())
        {
            await foreach (var text in source.ReadAllAsync(ct))
            {
                found += detector.Detect(text.Text).Values.Count;
            }
        }

        GC.KeepAlive(found);
        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static async Task<long> MentionsAsync(Rapport.Data.RapportDatabase database, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM value_evidence WHERE kind = 'Mention'";
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    /// <summary>Median milliseconds of logging one note (indexed) and one call without notes, alternating, one scope each (as a request).</summary>
    private static async Task<(double WithNote, double Plain, double WithoutNote)> LogAsync(ServiceProvider services, Rapport.Data.RapportDatabase database, int count, CancellationToken ct)
    {
        var ids = new List<long>();
        await using (var connection = await database.OpenConnectionAsync(ct))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT id FROM customers ORDER BY id LIMIT {count}";
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                ids.Add(reader.GetInt64(0));
            }
        }

        var times = new[] { new List<double>(), new List<double>(), new List<double>() };
        foreach (var (customer, i) in ids.Select((c, i) => (c, i)))
        {
            foreach (var variant in new[] { 0, 1, 2 })
            {
                await using var scope = services.CreateAsyncScope();
                var log = scope.ServiceProvider.GetRequiredService<LogInteraction>();
                var started = Stopwatch.GetTimestamp();
                var result = await log.HandleAsync(variant switch
                {
                    0 => LogInteractionRequest.Note(customer, $"Asked whether the packaging is recyclable; loves the quality of the Kenya roast ({i}).", null, "bench"),
                    1 => LogInteractionRequest.Note(customer, $"Called back about the invoice address; all sorted ({i}).", null, "bench"),
                    _ => new LogInteractionRequest(customer, InteractionChannel.Phone, InteractionDirection.Outbound, InteractionType.Call, Source: "bench"),
                }, ct);
                times[variant].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (!result.IsOk)
                {
                    throw new InvalidOperationException(result.Message);
                }
            }
        }

        static double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);
        return (Median(times[0]), Median(times[1]), Median(times[2]));
    }
}
