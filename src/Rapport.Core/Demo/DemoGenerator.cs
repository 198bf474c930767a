using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rapport.Data;
using Rapport.Identity;
using Rapport.Metrics;

namespace Rapport.Demo;

/// <param name="Customers">How many customers to add (1 to 10,000,000).</param>
/// <param name="Seed">The same seed on the same demo day gives the same business, row for row.</param>
public sealed record DemoOptions(int Customers, int Seed)
{
    public const int DefaultCustomers = 5_000;
    public const int DefaultSeed = 42;
    public const int MinCustomers = 1;
    public const int MaxCustomers = 10_000_000;

    /// <summary>Why these options cannot run, or null when they can.</summary>
    public string? Problem => Customers is < MinCustomers or > MaxCustomers
        ? $"The number of customers must be between {MinCustomers:N0} and {MaxCustomers:N0} (got {Customers:N0})."
        : null;
}

/// <summary>Progress of a run: <paramref name="Stage"/> is "Preparing", "Customers" or "Finishing"; Done/Total count customers written.</summary>
public sealed record DemoProgress(string Stage, long Done, long Total);

public sealed record DemoSummary(int Customers, int Companies, int Products, int Transactions, int TransactionLines, int Interactions, TimeSpan Elapsed)
{
    /// <summary>Every row written: the counts above plus tags, custom field values, external ids, metrics, users and fields.</summary>
    public long Rows { get; init; }

    public double RowsPerSecond => Elapsed.TotalSeconds > 0 ? Rows / Elapsed.TotalSeconds : 0;

    public string Describe() =>
        $"Demo business: {Customers:N0} customers, {Companies:N0} companies, {Products:N0} products, {Transactions:N0} transactions " +
        $"({TransactionLines:N0} lines), {Interactions:N0} interactions in {Elapsed.TotalSeconds:N1} s " +
        $"({Rows:N0} rows, {RowsPerSecond:N0} rows/s).";
}

/// <summary>The reference data a run uses, with the ids they have in the target database.</summary>
internal sealed class DemoReference
{
    public required IReadOnlyList<DemoProduct> Products { get; init; }
    public required IReadOnlyList<DemoStaff> Staff { get; init; }
    public required IReadOnlyList<DemoField> Fields { get; init; }
    public required IReadOnlyList<DemoCompany> Companies { get; init; }

    public DemoField? Field(string key) => Fields.FirstOrDefault(f => f.Key == key);
}

/// <summary>
/// Generates the demo business "Rapport Roasters" into the database, appending to whatever is there.
/// <para>
/// Determinism: every value comes from random sequences seeded by <see cref="DemoOptions.Seed"/>. The only input
/// from the clock is the demo day (today's UTC date): the three-year history ends at its midnight. The same seed on
/// the same day gives identical rows; on another day every instant moves by the same whole number of days.
/// </para>
/// <para>
/// Speed: customers are generated on one thread and written on another, in batches of <see cref="BatchSize"/>
/// customers with their histories, below EF (prepared INSERTs on SQLite, binary COPY on PostgreSQL), with ids assigned
/// here after the current maximum. Nothing but the current batches is held in memory. Each customer's
/// <c>customer_metrics</c> row is computed from the rows generated for them and written in the same batch: the same
/// values <see cref="CustomerMetricsUpdater"/> computes with SQL, without a second pass over the history.
/// </para>
/// <para>
/// Limits: ids are taken after the current maximum when the run starts, so nothing else should add customers,
/// transactions or interactions while it runs (<c>serve --demo</c> generates before the web app starts); a conflicting
/// insert makes the current batch fail and roll back. Cancelling keeps the batches already committed: whole customers
/// with their histories and metrics.
/// </para>
/// </summary>
public sealed class DemoGenerator(
    RapportDatabase database,
    RapportDbContext db,
    Passwords passwords,
    IConfiguration configuration,
    TimeProvider clock,
    IServiceProvider services,
    ILogger<DemoGenerator> logger)
{
    /// <summary>
    /// Customers per database transaction (about 35 rows each). On SQLite every commit writes the touched pages of the
    /// randomly growing indexes (occurred_at, names, emails) to the WAL and checkpoints them: 10,000 customers per commit
    /// took a third of the commit time of 2,000 at 100,000 customers (peak memory stayed under 1 GB).
    /// </summary>
    internal const int BatchSize = 10_000;

    public async Task<DemoSummary> GenerateAsync(DemoOptions options, IProgress<DemoProgress>? progress, CancellationToken ct)
    {
        if (options.Problem is { } problem)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Customers, problem);
        }

        var stopwatch = Stopwatch.StartNew();
        progress?.Report(new DemoProgress("Preparing", 0, options.Customers));
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var end = new DateTimeOffset(today.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var start = end.AddDays(-DemoPopulation.HistoryDays);
        var currency = CustomerMetricsUpdater.ReportingCurrencyOf(configuration);

        var (reference, referenceRows) = await PrepareReferenceAsync(options, start, currency, ct);
        var ids = await NextIdsAsync(ct);
        var emails = await TakenEmailsAsync(ct);
        var population = new DemoPopulation(options.Seed, start, today, reference, ids, emails);

        var counts = new Counts();
        await using (var writer = await OpenWriterAsync(currency, ct))
        {
            await WriteCustomersAsync(options, population, writer, counts, progress, ct);
            progress?.Report(new DemoProgress("Finishing", options.Customers, options.Customers));
            await writer.CompleteAsync(ct);
        }

        // The business's values and its products' value tags: a few dozen rows through EF after the bulk part.
        referenceRows += await DemoValues.WriteAsync(db, reference.Products, start.AddDays(-60), ct);
        // A closed survey with a few hundred responses (their evidence and mentions through the real code path) and an open one.
        referenceRows += await DemoSurveys.WriteAsync(db, end, options.Seed, options.Customers, ct);
        // Two interview sessions with coded excerpts, then the value mentions of all the demo's free text
        // (survey answers included) and the emergent themes proposed from it.
        referenceRows += await DemoResearch.WriteAsync(db, services, end, options.Customers, ct);
        // Consent recorded at sign-up, some withdrawals and objections, so the consent card and check have data.
        referenceRows += await DemoConsent.WriteAsync(db, end, ct);
        stopwatch.Stop();

        var summary = new DemoSummary(
            counts.Customers, reference.Companies.Count, reference.Products.Count, counts.Transactions, counts.Lines, counts.Interactions, stopwatch.Elapsed)
        {
            Rows = counts.Rows + referenceRows,
        };
        logger.LogInformation(
            "Demo business generated with seed {Seed}: {Customers} customers, {Transactions} transactions, {Lines} lines, {Interactions} interactions, {Rows} rows in {Seconds:F1} s",
            options.Seed, summary.Customers, summary.Transactions, summary.TransactionLines, summary.Interactions, summary.Rows, summary.Elapsed.TotalSeconds);
        return summary;
    }

    private sealed class Counts
    {
        public int Customers;
        public int Transactions;
        public int Lines;
        public int Interactions;
        public long Rows;
    }

    private static async Task WriteCustomersAsync(
        DemoOptions options, DemoPopulation population, IDemoWriter writer, Counts counts, IProgress<DemoProgress>? progress, CancellationToken ct)
    {
        // Generation (Bogus, random draws, formatting) overlaps with the database writes: one batch is generated while the previous one is written.
        var channel = Channel.CreateBounded<DemoBatch>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producer = Task.Run(
            async () =>
            {
                try
                {
                    for (var remaining = options.Customers; remaining > 0;)
                    {
                        var batch = new DemoBatch();
                        var size = Math.Min(BatchSize, remaining);
                        for (var i = 0; i < size; i++)
                        {
                            population.Next(batch);
                        }

                        remaining -= size;
                        await channel.Writer.WriteAsync(batch, stop.Token);
                    }

                    channel.Writer.Complete();
                }
                catch (Exception e)
                {
                    channel.Writer.Complete(e);
                }
            },
            stop.Token);

        try
        {
            await foreach (var batch in channel.Reader.ReadAllAsync(stop.Token))
            {
                await writer.WriteAsync(batch, stop.Token);
                counts.Customers += batch.Customers.Count;
                counts.Transactions += batch.Transactions.Count;
                counts.Lines += batch.Lines.Count;
                counts.Interactions += batch.Interactions.Count;
                counts.Rows += batch.RowCount;
                progress?.Report(new DemoProgress("Customers", counts.Customers, options.Customers));
            }
        }
        finally
        {
            await stop.CancelAsync();
            await producer;
        }
    }

    private async Task<IDemoWriter> OpenWriterAsync(string currency, CancellationToken ct) => database.IsPostgres
        ? await PostgresDemoWriter.OpenAsync(database, currency, clock.GetUtcNow(), ct)
        : await SqliteDemoWriter.OpenAsync(database, currency, clock.GetUtcNow(), ct);

    /// <summary>
    /// Products, custom fields and staff are matched by SKU, key and email and only added when missing, so that a
    /// second run reuses them; companies are always new. Written through EF: a few hundred rows at most.
    /// </summary>
    private async Task<(DemoReference Reference, long Rows)> PrepareReferenceAsync(DemoOptions options, DateTimeOffset start, string currency, CancellationToken ct)
    {
        var established = start.AddDays(-60);
        var rows = 0L;

        var products = DemoCatalog.Products();
        var skus = products.Select(p => p.Sku).ToList();
        var existingProducts = await db.Products.AsNoTracking().Where(p => skus.Contains(p.Sku)).ToDictionaryAsync(p => p.Sku, p => p.Id, ct);
        var newProducts = new List<(DemoProduct Demo, Products.Product Entity)>();
        foreach (var p in products)
        {
            if (existingProducts.TryGetValue(p.Sku, out var id))
            {
                p.Id = id;
                continue;
            }

            var entity = new Products.Product
            {
                Sku = p.Sku, Name = p.Name, Description = p.Description, Category = p.Category, Kind = p.Kind,
                Price = p.Price, Cost = p.Cost, Currency = currency, Active = true, CreatedAt = established,
            };
            db.Products.Add(entity);
            newProducts.Add((p, entity));
        }

        var fields = DemoCatalog.Fields();
        var keys = fields.Select(f => f.Key).ToList();
        var existingFields = await db.CustomFields.AsNoTracking().Where(f => keys.Contains(f.Key)).ToDictionaryAsync(f => f.Key, ct);
        var position = await db.CustomFields.AsNoTracking().MaxAsync(f => (int?)f.Position, ct) ?? 0;
        var newFields = new List<(DemoField Demo, Customers.CustomFieldDefinition Entity)>();
        foreach (var f in fields)
        {
            if (existingFields.TryGetValue(f.Key, out var existing))
            {
                f.Id = existing.Id;
                // A choice field whose options were edited still works as long as the demo's values are allowed.
                f.Usable = existing.Type == f.Type &&
                    (f.Type != Customers.CustomFieldType.Choice || f.Options!.Split('\n').All(o => existing.OptionList.Contains(o)));
                continue;
            }

            var entity = new Customers.CustomFieldDefinition
            {
                Key = f.Key, Label = f.Label, Type = f.Type, Options = f.Options, Position = ++position, CreatedAt = established,
            };
            db.CustomFields.Add(entity);
            newFields.Add((f, entity));
        }

        var staff = DemoCatalog.Staff();
        var emails = staff.Select(s => s.Email).ToList();
        var existingStaff = await db.Users.AsNoTracking().Where(u => emails.Contains(u.EmailNormalized)).ToDictionaryAsync(u => u.EmailNormalized, u => u.Id, ct);
        var missingStaff = staff.Where(s => !existingStaff.ContainsKey(s.Email)).ToList();
        // Staff own customers and log interactions; nobody signs in as them, so each gets a random password that is never shown.
        var hashes = await Task.WhenAll(missingStaff.Select(s => Task.Run(
            () =>
            {
                var user = new User { Email = s.Email };
                return (Staff: s, User: user, Hash: passwords.Hash(user, Passwords.Generate()));
            },
            ct)));
        var newStaff = new List<(DemoStaff Demo, User Entity)>();
        foreach (var s in staff)
        {
            if (existingStaff.TryGetValue(s.Email, out var id))
            {
                s.Id = id;
            }
        }

        foreach (var (s, user, hash) in hashes)
        {
            user.EmailNormalized = s.Email;
            user.DisplayName = s.DisplayName;
            user.Role = s.Role;
            user.PasswordHash = hash;
            user.SecurityStamp = AddUser.NewStamp();
            user.CreatedAt = established;
            db.Users.Add(user);
            newStaff.Add((s, user));
        }

        var takenDomains = (await db.Companies.AsNoTracking().Where(c => c.Domain != null).Select(c => c.Domain!).ToListAsync(ct)).ToHashSet();
        var drafts = DemoPopulation.CompanyDrafts(options.Seed, CompanyCount(options.Customers), takenDomains);
        var companies = drafts.Select(d => new Companies.Company
        {
            Name = d.Name, NameNormalized = Companies.CompanyNames.Normalize(d.Name), Domain = d.Domain, Industry = d.Industry,
            Website = $"https://www.{d.Domain}", Phone = DemoPopulation.Phone(d.Phone), City = d.City, Country = d.Country,
            CreatedAt = start.AddDays(d.CreatedDay),
        }).ToList();
        db.Companies.AddRange(companies);

        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        rows += newProducts.Count + newFields.Count + newStaff.Count + companies.Count;
        foreach (var (demo, entity) in newProducts)
        {
            demo.Id = entity.Id;
        }

        foreach (var (demo, entity) in newFields)
        {
            demo.Id = entity.Id;
        }

        foreach (var (demo, entity) in newStaff)
        {
            demo.Id = entity.Id;
        }

        var salesStaff = staff.Where(s => s.Role == Role.Sales).ToArray();
        var demoCompanies = companies.Select((c, i) => new DemoCompany(
            c.Id, c.Name, c.Domain!, c.City!, Array.FindIndex(DemoCatalog.Countries, x => x.Country == c.Country), drafts[i].IsCafe,
            salesStaff[drafts[i].OwnerIndex % salesStaff.Length], c.CreatedAt)).ToList();

        return (new DemoReference { Products = products, Staff = staff, Fields = fields, Companies = demoCompanies }, rows);
    }

    /// <summary>A few hundred B2B accounts at scale; a handful for small demos.</summary>
    internal static int CompanyCount(int customers) => Math.Clamp(customers / 200, 3, 400);

    private async Task<DemoIds> NextIdsAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        return new DemoIds
        {
            Customer = await MaxIdAsync(connection, "customers", ct),
            ExternalId = await MaxIdAsync(connection, "customer_external_ids", ct),
            Transaction = await MaxIdAsync(connection, "transactions", ct),
            Line = await MaxIdAsync(connection, "transaction_lines", ct),
            Interaction = await MaxIdAsync(connection, "interactions", ct),
        };
    }

    /// <summary>The largest id used or handed out: deleted rows' ids are not reused (SQLite AUTOINCREMENT, PostgreSQL identity).</summary>
    private async Task<long> MaxIdAsync(System.Data.Common.DbConnection connection, string table, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        // Table names are the fixed names above, never input.
        command.CommandText = database.IsPostgres
            ? $"SELECT GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {SequenceOf(table)}))"
            : $"SELECT MAX(COALESCE((SELECT MAX(id) FROM {table}), 0), COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '{table}'), 0))";
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string SequenceOf(string table) => $"{table}_id_seq";

    private async Task<EmailRegistry> TakenEmailsAsync(CancellationToken ct)
    {
        var registry = new EmailRegistry();
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT email_normalized FROM customers WHERE email_normalized IS NOT NULL";
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            registry.TryAdd(reader.GetString(0));
        }

        return registry;
    }
}

public static class DemoServices
{
    public static IServiceCollection AddDemo(this IServiceCollection services) => services.AddScoped<DemoGenerator>();
}
