using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rapport.Consent;
using Rapport.Data;

namespace Rapport.Bench;

/// <summary>
/// <c>consent --database LOCATION [--provider sqlite|postgres] [--runs R] [--suppress N]</c>: on a kept database (e.g. a
/// copy of the 1,000,000-customer demo), seeds the consent ledger once (not timed; skipped when it has events): email
/// marketing granted on consent for 45 % of customers, granted then withdrawn for 10 %, denied for 5 %, granted on
/// legitimate interest for 5 %, nothing for the rest; SMS marketing granted for 20 %; profiling withdrawn for 3 %; and
/// N addresses (default 5,000) suppressed through <see cref="Suppressions"/>. The state is derived from the events in
/// SQL (the latest by occurred at, id). Then the consent check (<see cref="ConsentCheck"/>) for several channel ×
/// purpose cases, R times each after a warm-up, next to <c>SELECT COUNT(*) FROM customers</c> and a full ordered read of
/// the customer ids in the same run.
/// </summary>
internal static class ConsentScenario
{
    public static async Task<int> RunAsync(string[] args)
    {
        int runs = 7, suppress = 5_000;
        var provider = "sqlite";
        string? location = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--runs": runs = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--suppress": suppress = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--provider": provider = Value(); break;
                case "--database": location = Value(); break;
                default: throw new ArgumentException($"Unknown option {args[i]}.");
            }
        }

        if (location is null)
        {
            throw new ArgumentException("consent needs --database (a SQLite file or a PostgreSQL database name with customers).");
        }

        var ct = CancellationToken.None;
        await using var db = await BenchDatabase.OpenAsync(provider, location, ct);
        var dataDirectory = Path.Combine(BenchDatabase.Folder, "consent-keys");
        Directory.CreateDirectory(dataDirectory);
        await using var services = BenchServices.Build(db.Database, (s, _) =>
        {
            s.AddSingleton(TimeProvider.System);
            s.AddSingleton<ConsentKeys>();
            s.AddSingleton<Suppressions>();
            s.AddScoped<ConsentCheck>();
        }, dataDirectory, minimumLevel: LogLevel.Warning);

        var customers = await db.CountAsync("customers", ct);
        if (await db.CountAsync("consent_events", ct) == 0)
        {
            var seeded = Stopwatch.StartNew();
            await SeedAsync(db.Database, ct);
            await SuppressAsync(services, db.Database, suppress, ct);
            Console.Error.WriteLine($"consent: seeded {await db.CountAsync("consent_events", ct):N0} events, {await db.CountAsync("consent_state", ct):N0} state rows, " +
                $"{await db.CountAsync("suppressions", ct):N0} suppressions ({await db.CountAsync("suppression_matches", ct):N0} matches) in {seeded.Elapsed.TotalSeconds:F0} s");
        }

        long? segmentId = null;
        await using (var connection = await db.Database.OpenConnectionAsync(ct))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT segment_id FROM segment_members GROUP BY segment_id ORDER BY COUNT(*) DESC LIMIT 1";
            if (await command.ExecuteScalarAsync(ct) is { } found and not DBNull)
            {
                segmentId = Convert.ToInt64(found, CultureInfo.InvariantCulture);
            }
        }

        var cases = new List<(string Name, ConsentChannel Channel, ConsentPurpose Purpose, long? Segment, bool Ids)>
        {
            ("email × marketing, everyone", ConsentChannel.Email, ConsentPurpose.Marketing, null, false),
            ("email × marketing, everyone, with the ids", ConsentChannel.Email, ConsentPurpose.Marketing, null, true),
            ("sms × marketing, everyone", ConsentChannel.Sms, ConsentPurpose.Marketing, null, false),
            ("email × profiling, everyone", ConsentChannel.Email, ConsentPurpose.Profiling, null, false),
        };
        if (segmentId is { } segment)
        {
            cases.Add(($"email × marketing, largest segment ({segment})", ConsentChannel.Email, ConsentPurpose.Marketing, segment, false));
        }

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"consent, {provider}, {customers:N0} customers, {runs} runs each after a warm-up, load {BenchServices.LoadAverage():F1}");
        report.AppendLine("| case | contactable | median ms | min ms | max ms | COUNT(*) median ms | ordered id read median ms |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, channel, purpose, segmentCase, withIds) in cases)
        {
            var times = new List<double>();
            var counts = new List<double>();
            var reads = new List<double>();
            long contactable = 0;
            for (var n = 0; n <= runs; n++)
            {
                await using var scope = services.CreateAsyncScope();
                var check = scope.ServiceProvider.GetRequiredService<ConsentCheck>();
                var ids = withIds ? new List<long>() : null;
                var started = Stopwatch.GetTimestamp();
                var result = await check.RunAsync(channel, purpose, segmentCase, null, ids is null ? null : ids.Add, ct);
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                contactable = result.Contactable;
                var count = await TimeAsync(db.Database, "SELECT COUNT(*) FROM customers", ct);
                var read = await TimeAsync(db.Database, "SELECT id FROM customers ORDER BY id", ct);
                if (n > 0)
                {
                    times.Add(ms);
                    counts.Add(count);
                    reads.Add(read);
                }
                else
                {
                    var r = result.NotContactable;
                    Console.Error.WriteLine($"{name}: {result.Contactable:N0} of {result.Audienced:N0}; not: {r.NoAddress:N0} no address, {r.Suppressed:N0} suppressed, " +
                        $"{r.Withdrawn:N0} withdrawn, {r.Denied:N0} denied, {r.NoConsent:N0} no consent");
                }
            }

            Console.Error.WriteLine($"{name}: median {Median(times):F0} ms (min {times.Min():F0}, max {times.Max():F0}); COUNT(*) {Median(counts):F0} ms; id read {Median(reads):F0} ms");
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} | {contactable:N0} | {Median(times):F0} | {times.Min():F0} | {times.Max():F0} | {Median(counts):F0} | {Median(reads):F0} |");
        }

        Console.WriteLine(report.ToString());
        return 0;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static async Task<double> TimeAsync(RapportDatabase database, string sql, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var started = Stopwatch.GetTimestamp();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
        }

        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    /// <summary>The ledger mix, written set-based (a bucket of 1,000 from a multiplicative hash of the id), then the state derived from it.</summary>
    private static async Task SeedAsync(RapportDatabase database, CancellationToken ct)
    {
        var postgres = database.IsPostgres;
        var earlier = postgres ? "TIMESTAMPTZ '2025-03-01 10:00:00+00'" : "'2025-03-01T10:00:00.0000000Z'";
        var later = postgres ? "TIMESTAMPTZ '2026-02-01 10:00:00+00'" : "'2026-02-01T10:00:00.0000000Z'";
        const string H = "((c.id * 2654435761) % 1000)";
        const string H2 = "((c.id * 40503) % 100)";
        const string Columns = "customer_id, channel, purpose, status, legal_basis, source, source_reference, notice_version, occurred_at, recorded_at";
        string[] statements =
        [
            $"INSERT INTO consent_events ({Columns}) SELECT c.id, 'Email', 'Marketing', 'Granted', 'Consent', 'Form', 'bench signup', 'bench-1', {earlier}, {earlier} FROM customers c WHERE {H} < 550 ORDER BY c.id",
            $"INSERT INTO consent_events ({Columns}) SELECT c.id, 'Email', 'Marketing', 'Denied', 'Consent', 'Form', 'bench signup', 'bench-1', {earlier}, {earlier} FROM customers c WHERE {H} >= 550 AND {H} < 600 ORDER BY c.id",
            $"INSERT INTO consent_events ({Columns}) SELECT c.id, 'Email', 'Marketing', 'Granted', 'LegitimateInterest', 'Import', 'bench customers', NULL, {earlier}, {earlier} FROM customers c WHERE {H} >= 600 AND {H} < 650 ORDER BY c.id",
            $"INSERT INTO consent_events ({Columns}) SELECT c.id, 'Sms', 'Marketing', 'Granted', 'Consent', 'Form', 'bench signup', 'bench-1', {earlier}, {earlier} FROM customers c WHERE {H2} < 20 ORDER BY c.id",
            $"INSERT INTO consent_events ({Columns}) SELECT c.id, 'Email', 'Marketing', 'Withdrawn', 'Consent', 'Preferences', 'one-click unsubscribe', NULL, {later}, {later} FROM customers c WHERE {H} >= 450 AND {H} < 550 ORDER BY c.id",
            $"INSERT INTO consent_events ({Columns}) SELECT c.id, 'Email', 'Profiling', 'Withdrawn', 'LegitimateInterest', 'Preferences', 'preferences page', NULL, {later}, {later} FROM customers c WHERE {H2} >= 97 ORDER BY c.id",
            """
            INSERT INTO consent_state (customer_id, channel, purpose, status, legal_basis, since, event_id)
            SELECT e.customer_id, e.channel, e.purpose, e.status, e.legal_basis, e.occurred_at, e.id FROM consent_events e
            WHERE NOT EXISTS (SELECT 1 FROM consent_events n WHERE n.customer_id = e.customer_id AND n.channel = e.channel AND n.purpose = e.purpose
                AND (n.occurred_at > e.occurred_at OR (n.occurred_at = e.occurred_at AND n.id > e.id)))
            """,
        ];
        await using var connection = await database.OpenConnectionAsync(ct);
        // One transaction: a seeding that fails half-way leaves no events behind (the ledger refuses deletes).
        await using (var transaction = await connection.BeginTransactionAsync(ct))
        {
            foreach (var sql in statements)
            {
                var started = Stopwatch.StartNew();
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = sql;
                command.CommandTimeout = 3600;
                var rows = await command.ExecuteNonQueryAsync(ct);
                var label = sql.Trim().Split('\n')[0];
                Console.Error.WriteLine($"  {label[..Math.Min(90, label.Length)]}…: {rows:N0} rows, {started.Elapsed.TotalSeconds:F1} s");
            }

            await transaction.CommitAsync(ct);
        }

        await using var analyze = connection.CreateCommand();
        analyze.CommandText = postgres ? "VACUUM ANALYZE consent_state" : "ANALYZE";
        analyze.CommandTimeout = 3600;
        await analyze.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Suppresses the emails of <paramref name="count"/> customers spread over the ids, through the product's own use case.</summary>
    private static async Task SuppressAsync(IServiceProvider services, RapportDatabase database, int count, CancellationToken ct)
    {
        var emails = new List<string>();
        await using (var connection = await database.OpenConnectionAsync(ct))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT email FROM customers c WHERE email IS NOT NULL AND ((c.id * 2654435761) % 1000) BETWEEN 300 AND 309 ORDER BY id LIMIT {count}";
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                emails.Add(reader.GetString(0));
            }
        }

        foreach (var chunk in emails.Chunk(500))
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RapportDbContext>();
            var suppressions = scope.ServiceProvider.GetRequiredService<Suppressions>();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            foreach (var email in chunk)
            {
                await suppressions.SuppressAsync(db, email, null, "bench: asked never to be contacted", ct);
            }

            await transaction.CommitAsync(ct);
        }
    }
}
