using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Identity;

namespace Rapport.Bench;

/// <summary>
/// <c>audit [--provider sqlite|postgres] [--customers N] [--rounds R] [--mixes M]</c>: what the audit log costs the API.
/// Two real hosts (Kestrel on 127.0.0.1) over one fresh database, one with <c>Rapport:Audit:Enabled</c> = true (the
/// default) and one with false, answer the same API mix — GET a customer, GET the list, PATCH a customer (If-Match),
/// POST an interaction — in alternating rounds (the order flips each round, so drift and noise fall on both). Each
/// round's mean latency per request kind is kept; the report gives the median over rounds and the ratio on/off.
/// </summary>
internal static class AuditScenario
{
    private static readonly string[] Kinds = ["GET customer", "GET list", "PATCH customer", "POST interaction"];

    public static async Task<int> RunAsync(string[] args)
    {
        var provider = "sqlite";
        var customers = 2_000;
        var rounds = 9;
        var mixes = 100;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--provider": provider = Value(); break;
                case "--customers": customers = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--rounds": rounds = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--mixes": mixes = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"Unknown option {args[i]}.");
            }
        }

        var ct = CancellationToken.None;
        await using var database = await BenchDatabase.CreateAsync(provider, "audit", ct);
        await using var on = await StartAsync(database, audit: true);
        await using var off = await StartAsync(database, audit: false);

        string key;
        await using (var scope = on.Services.CreateAsyncScope())
        {
            key = (await scope.ServiceProvider.GetRequiredService<CreateApiKey>().HandleAsync(new CreateApiKeyRequest("bench", Role.Admin, null), ct)).Value!.Key;
        }

        using var clientOn = Client(on, key);
        using var clientOff = Client(off, key);
        Console.Error.WriteLine($"Seeding {customers:N0} customers…");
        var ids = new List<long>(customers);
        for (var i = 0; i < customers; i++)
        {
            // Half through each host, so that both have run the same code as often before measuring (JIT tiers).
            var response = await (i % 2 == 0 ? clientOff : clientOn).PostAsJsonAsync("/api/v1/customers", new
            {
                firstName = $"Bench{i}",
                lastName = $"Customer{i % 97}",
                email = $"bench{i}@example.com",
                phone = $"+44 20 7946 {i % 10000:D4}",
                city = "Leeds",
            }, ct);
            response.EnsureSuccessStatusCode();
            ids.Add(JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("id").GetInt64());
        }

        // Warm-up: JIT, connection pools, prepared statements on both hosts.
        var random = new Random(7);
        await MixAsync(clientOn, ids, random, 100, null, ct);
        await MixAsync(clientOff, ids, random, 100, null, ct);

        var results = new Dictionary<(bool Audit, string Kind), List<double>>();
        foreach (var kind in Kinds)
        {
            results[(true, kind)] = [];
            results[(false, kind)] = [];
        }

        results[(true, "all")] = [];
        results[(false, "all")] = [];
        for (var round = 0; round < rounds; round++)
        {
            foreach (var audit in round % 2 == 0 ? new[] { true, false } : [false, true])
            {
                var times = Kinds.ToDictionary(k => k, _ => new List<double>());
                await MixAsync(audit ? clientOn : clientOff, ids, random, mixes, times, ct);
                foreach (var (kind, list) in times)
                {
                    results[(audit, kind)].Add(list.Average());
                }

                results[(audit, "all")].Add(times.Values.SelectMany(v => v).Average());
            }

            Console.Error.WriteLine($"round {round + 1}/{rounds}: on {results[(true, "all")][^1]:F2} ms, off {results[(false, "all")][^1]:F2} ms (mean per request)");
        }

        var written = await CountAuditAsync(on, ct);
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture,
            $"audit, {provider}, {customers:N0} customers, {rounds} alternating rounds of {mixes} mixes (4 requests each) per host, load {BenchServices.LoadAverage():F1}, {written:N0} audit rows written by the audited host");
        report.AppendLine("| request | audit off: median of round means, ms | audit on, ms | on / off |");
        report.AppendLine("|---|---:|---:|---:|");
        foreach (var kind in Kinds.Append("all"))
        {
            var offMs = Median(results[(false, kind)]);
            var onMs = Median(results[(true, kind)]);
            report.AppendLine(CultureInfo.InvariantCulture, $"| {kind} | {offMs:F2} | {onMs:F2} | {onMs / offMs:F3} |");
        }

        Console.WriteLine(report.ToString());
        return 0;
    }

    private static async Task MixAsync(HttpClient client, List<long> ids, Random random, int mixes, Dictionary<string, List<double>>? times, CancellationToken ct)
    {
        for (var n = 0; n < mixes; n++)
        {
            var id = ids[random.Next(ids.Count)];

            var started = Stopwatch.GetTimestamp();
            using var get = await client.GetAsync($"/api/v1/customers/{id}", ct);
            get.EnsureSuccessStatusCode();
            await get.Content.ReadAsByteArrayAsync(ct);
            times?["GET customer"].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);

            started = Stopwatch.GetTimestamp();
            using var list = await client.GetAsync($"/api/v1/customers?limit=50&q=Customer{random.Next(97)}", ct);
            list.EnsureSuccessStatusCode();
            await list.Content.ReadAsByteArrayAsync(ct);
            times?["GET list"].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);

            using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/customers/{id}")
            {
                Content = JsonContent.Create(new { city = $"City{random.Next(1000)}", phone = $"+44 20 7946 {random.Next(10000):D4}" }),
            };
            patch.Headers.TryAddWithoutValidation("If-Match", get.Headers.ETag?.Tag ?? "*");
            started = Stopwatch.GetTimestamp();
            using var patched = await client.SendAsync(patch, ct);
            patched.EnsureSuccessStatusCode();
            await patched.Content.ReadAsByteArrayAsync(ct);
            times?["PATCH customer"].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);

            started = Stopwatch.GetTimestamp();
            using var posted = await client.PostAsJsonAsync("/api/v1/interactions", new
            {
                customerId = id,
                channel = "phone",
                direction = "inbound",
                type = "enquiry",
                subject = "Bench call",
                notes = "Asked about delivery times.",
            }, ct);
            posted.EnsureSuccessStatusCode();
            await posted.Content.ReadAsByteArrayAsync(ct);
            times?["POST interaction"].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    private static async Task<WebApplication> StartAsync(BenchDatabase database, bool audit)
    {
        var app = RapportApp.Build(
            [
                "--urls=http://127.0.0.1:0",
                $"--Rapport:Database:Provider={database.ProviderName}",
                $"--Rapport:Database:ConnectionString={database.Database.ConnectionString}",
                $"--Rapport:Audit:Enabled={(audit ? "true" : "false")}",
                "--Rapport:RateLimits:ApiPerMinute=100000000",
                "--Rapport:Analytics:Background=false",
                "--Rapport:Research:Background=false",
                "--Rapport:Tasks:Background=false",
                "--applicationName=rapport",
                "--Logging:LogLevel:Default=Warning",
            ],
            useBinaryContentRoot: true);
        await app.StartAsync();
        return app;
    }

    private static HttpClient Client(WebApplication app, string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single(u => u.StartsWith("http://127.0.0.1:", StringComparison.Ordinal))) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static async Task<long> CountAuditAsync(WebApplication app, CancellationToken ct)
    {
        await app.Services.GetRequiredService<Audit.AuditQueue>().DrainAsync(ct);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Data.RapportDbContext>();
        return await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.LongCountAsync(db.Set<Audit.AuditEvent>(), ct);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
