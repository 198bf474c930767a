using Microsoft.EntityFrameworkCore;
using Rapport.Cli;
using Rapport.Demo;
using Rapport.Interactions;

namespace Rapport.Tests.Demo;

/// <summary>One demo business of 300 customers shared by the read-only checks below.</summary>
public sealed class DemoBusinessFixture : IAsyncLifetime
{
    public const int Customers = 300;
    public const int Seed = 7;

    public DemoDatabase Db { get; private set; } = null!;
    public DemoSummary Summary { get; private set; } = null!;
    public List<DemoProgress> Progress { get; } = [];

    public async Task InitializeAsync()
    {
        Db = await DemoDatabase.CreateAsync();
        Summary = await Db.GenerateAsync(Customers, Seed, new SynchronousProgress(Progress));
    }

    public async Task DisposeAsync() => await Db.DisposeAsync();

    private sealed class SynchronousProgress(List<DemoProgress> into) : IProgress<DemoProgress>
    {
        public void Report(DemoProgress value) => into.Add(value);
    }
}

public sealed class DemoGeneratorTests(DemoBusinessFixture demo) : IClassFixture<DemoBusinessFixture>
{
    [Fact]
    public async Task Same_seed_gives_identical_data_in_fresh_databases_at_any_time_of_the_demo_day()
    {
        var morning = new DateTimeOffset(2026, 6, 15, 0, 5, 0, TimeSpan.Zero);
        var evening = new DateTimeOffset(2026, 6, 15, 23, 55, 0, TimeSpan.Zero);
        await using var first = await DemoDatabase.CreateAsync(morning);
        await using var second = await DemoDatabase.CreateAsync(evening);

        await first.GenerateAsync(DemoBusinessFixture.Customers, DemoBusinessFixture.Seed);
        await second.GenerateAsync(DemoBusinessFixture.Customers, DemoBusinessFixture.Seed);

        var digest = await first.DigestAsync();
        (await second.DigestAsync()).Should().Be(digest);
        (await demo.Db.DigestAsync()).Should().Be(digest, "the shared fixture used the same seed on the same day");
    }

    [Fact]
    public async Task The_demo_has_a_consent_ledger_whose_state_is_its_latest_event_per_channel_and_purpose()
    {
        var customers = await demo.Db.ScalarAsync("SELECT COUNT(*) FROM customers");
        var granted = await demo.Db.ScalarAsync("SELECT COUNT(*) FROM consent_state WHERE channel = 'Email' AND purpose = 'Marketing' AND status = 'Granted'");
        var withdrawn = await demo.Db.ScalarAsync("SELECT COUNT(*) FROM consent_state WHERE channel = 'Email' AND purpose = 'Marketing' AND status = 'Withdrawn'");
        granted.Should().BeInRange(customers / 2, customers * 3 / 4, "about 70 % signed up with email marketing, a tenth of them withdrew");
        withdrawn.Should().BeGreaterThan(0);
        (await demo.Db.ScalarAsync("""
            SELECT COUNT(*) FROM consent_state s JOIN consent_events e ON e.id = s.event_id
            WHERE e.customer_id <> s.customer_id OR e.status <> s.status OR EXISTS (SELECT 1 FROM consent_events n
                WHERE n.customer_id = s.customer_id AND n.channel = s.channel AND n.purpose = s.purpose AND n.occurred_at > e.occurred_at)
            """)).Should().Be(0, "each state row is the latest event of its customer, channel and purpose");
    }

    [Fact]
    public async Task A_different_seed_gives_different_data()
    {
        await using var other = await DemoDatabase.CreateAsync();
        await other.GenerateAsync(DemoBusinessFixture.Customers, DemoBusinessFixture.Seed + 1);

        (await other.DigestAsync()).Should().NotBe(await demo.Db.DigestAsync());
        var names = await demo.Db.RowsAsync("SELECT first_name, last_name FROM customers ORDER BY id");
        var otherNames = await other.RowsAsync("SELECT first_name, last_name FROM customers ORDER BY id");
        names.Zip(otherNames).Count(p => p.First == p.Second).Should().BeLessThan(names.Count / 10, "customers of another seed are other people");
    }

    [Fact]
    public async Task Another_demo_day_moves_every_instant_by_whole_days_and_changes_nothing_else()
    {
        await using var later = await DemoDatabase.CreateAsync(new DateTimeOffset(2026, 6, 25, 8, 0, 0, TimeSpan.Zero));
        await later.GenerateAsync(DemoBusinessFixture.Customers, DemoBusinessFixture.Seed);

        var here = await demo.Db.WithDbAsync(db => db.Transactions.AsNoTracking().OrderBy(t => t.Id).Select(t => new { t.OccurredAt, t.Total }).ToListAsync());
        var there = await later.WithDbAsync(db => db.Transactions.AsNoTracking().OrderBy(t => t.Id).Select(t => new { t.OccurredAt, t.Total }).ToListAsync());
        there.Should().HaveCount(here.Count);
        there.Select(t => t.Total).Should().Equal(here.Select(t => t.Total));
        there.Select((t, i) => t.OccurredAt - here[i].OccurredAt).Distinct().Should().Equal(TimeSpan.FromDays(10));
    }

    [Fact]
    public async Task Writes_the_counts_it_reports_with_about_ten_transactions_per_customer()
    {
        var s = demo.Summary;
        s.Customers.Should().Be(DemoBusinessFixture.Customers);
        (await demo.Db.ScalarAsync("SELECT COUNT(*) FROM customers")).Should().Be(s.Customers);
        (await demo.Db.ScalarAsync("SELECT COUNT(*) FROM transactions")).Should().Be(s.Transactions);
        (await demo.Db.ScalarAsync("SELECT COUNT(*) FROM transaction_lines")).Should().Be(s.TransactionLines);
        (await demo.Db.ScalarAsync("SELECT COUNT(*) FROM interactions")).Should().Be(s.Interactions);
        (await demo.Db.ScalarAsync("SELECT COUNT(*) FROM companies")).Should().Be(s.Companies);
        (await demo.Db.ScalarAsync("SELECT COUNT(*) FROM products")).Should().Be(s.Products);
        (await demo.Db.ScalarAsync("SELECT COUNT(*) FROM customer_metrics")).Should().Be(s.Customers);
        s.Products.Should().BeGreaterThan(40);
        ((double)s.Transactions / s.Customers).Should().BeInRange(5, 16);
        ((double)s.TransactionLines / s.Transactions).Should().BeInRange(1.3, 2.5);
        ((double)s.Interactions / s.Customers).Should().BeInRange(1, 4);
        s.Rows.Should().BeGreaterThan(s.Customers + s.Transactions + s.TransactionLines + s.Interactions);
    }

    [Fact]
    public void Reports_progress_up_to_every_customer()
    {
        demo.Progress.Should().NotBeEmpty();
        demo.Progress[0].Stage.Should().Be("Preparing");
        demo.Progress.Where(p => p.Stage == "Customers").Select(p => p.Done).Should().BeInAscendingOrder()
            .And.EndWith(DemoBusinessFixture.Customers);
        demo.Progress[^1].Should().Be(new DemoProgress("Finishing", DemoBusinessFixture.Customers, DemoBusinessFixture.Customers));
    }

    [Fact]
    public async Task Most_customers_buy_once_or_never_and_the_best_fifth_bring_most_revenue()
    {
        var metrics = await demo.Db.WithDbAsync(db => db.CustomerMetrics.AsNoTracking().Select(m => new { m.PurchaseCount, m.Revenue }).ToListAsync());
        var repeat = metrics.Count(m => m.PurchaseCount >= 2) / (double)metrics.Count;
        repeat.Should().BeInRange(0.20, 0.60);
        metrics.Count(m => m.PurchaseCount == 0).Should().BeGreaterThan(0, "some sign-ups never buy");
        metrics.Max(m => m.PurchaseCount).Should().BeGreaterThan(40, "a few customers buy very often");

        var byRevenue = metrics.Select(m => m.Revenue).OrderDescending().ToList();
        var top = byRevenue.Take(byRevenue.Count / 5).Sum();
        (top / byRevenue.Sum()).Should().BeGreaterThanOrEqualTo(0.5m);
    }

    [Fact]
    public async Task Every_transaction_total_is_the_sum_of_its_one_to_four_lines_of_real_products()
    {
        var transactions = await demo.Db.WithDbAsync(db => db.Transactions.AsNoTracking().Include(t => t.Lines).ToListAsync());
        var products = await demo.Db.WithDbAsync(db => db.Products.AsNoTracking().ToDictionaryAsync(p => p.Id));

        transactions.Should().NotBeEmpty();
        foreach (var t in transactions)
        {
            t.Lines.Should().HaveCountGreaterThanOrEqualTo(1).And.HaveCountLessThanOrEqualTo(4);
            t.Total.Should().Be(t.Lines.Sum(l => l.Amount), $"transaction {t.Id}");
            t.Lines.Select(l => l.LineNumber).Order().Should().Equal(Enumerable.Range(1, t.Lines.Count));
            t.Lines.Select(l => l.ProductId).Should().OnlyHaveUniqueItems();
            foreach (var line in t.Lines)
            {
                line.CustomerId.Should().Be(t.CustomerId);
                line.Amount.Should().Be(line.Quantity * line.UnitPrice);
                var product = products[line.ProductId!.Value];
                line.Sku.Should().Be(product.Sku);
                line.UnitPrice.Should().Be(product.Price!.Value);
            }
        }

        transactions.Should().OnlyContain(t => t.Currency == "USD" && t.Source == "demo" && t.ExternalId != null);
    }

    [Fact]
    public async Task Metrics_rows_match_a_recomputation_from_transactions_and_interactions()
    {
        var (metrics, transactions, interactions) = await demo.Db.WithDbAsync(async db => (
            await db.CustomerMetrics.AsNoTracking().ToDictionaryAsync(m => m.CustomerId),
            await db.Transactions.AsNoTracking().Select(t => new { t.CustomerId, t.OccurredAt, t.Total }).ToListAsync(),
            await db.Interactions.AsNoTracking().Select(i => new { i.CustomerId, i.OccurredAt }).ToListAsync()));
        var customerIds = await demo.Db.WithDbAsync(db => db.Customers.Select(c => c.Id).ToListAsync());

        metrics.Keys.Should().BeEquivalentTo(customerIds);
        foreach (var id in customerIds)
        {
            var theirs = transactions.Where(t => t.CustomerId == id).ToList();
            var touches = interactions.Where(i => i.CustomerId == id).ToList();
            var m = metrics[id];
            m.PurchaseCount.Should().Be(theirs.Count);
            m.Revenue.Should().Be(theirs.Sum(t => t.Total));
            m.FirstPurchaseAt.Should().Be(theirs.Count == 0 ? null : theirs.Min(t => t.OccurredAt));
            m.LastPurchaseAt.Should().Be(theirs.Count == 0 ? null : theirs.Max(t => t.OccurredAt));
            m.InteractionCount.Should().Be(touches.Count);
            m.LastInteractionAt.Should().Be(touches.Count == 0 ? null : touches.Max(i => i.OccurredAt));
        }
    }

    [Fact]
    public async Task Metrics_rows_are_the_ones_the_set_based_refresh_computes()
    {
        await using var db = await DemoDatabase.CreateAsync();
        await db.GenerateAsync(150, 11);
        var written = await db.WithDbAsync(ctx => ctx.CustomerMetrics.AsNoTracking().OrderBy(m => m.CustomerId).ToListAsync());

        db.Clock.Advance(TimeSpan.FromHours(1));
        await db.RefreshMetricsAsync();
        var refreshed = await db.WithDbAsync(ctx => ctx.CustomerMetrics.AsNoTracking().OrderBy(m => m.CustomerId).ToListAsync());

        refreshed.Should().HaveCount(150);
        refreshed.Should().BeEquivalentTo(written, o => o.Excluding(m => m.UpdatedAt).WithStrictOrdering());
        refreshed.Should().OnlyContain(m => m.UpdatedAt == db.Clock.GetUtcNow());
    }

    [Fact]
    public async Task Customers_read_through_EF_with_their_company_owner_tags_fields_and_history()
    {
        var customers = await demo.Db.WithDbAsync(db => db.Customers.AsNoTracking()
            .Include(c => c.Tags).Include(c => c.FieldValues).ThenInclude(v => v.Field).Include(c => c.ExternalIds)
            .Include(c => c.Company).Include(c => c.Owner)
            .ToListAsync());
        var end = new DateTimeOffset(demo.Db.Clock.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);

        customers.Should().HaveCount(DemoBusinessFixture.Customers);
        customers.Should().OnlyContain(c => c.Source == "demo" && c.Version == 1 && c.CreatedAt < end && c.CreatedAt >= end.AddDays(-3 * 365));
        customers.Select(c => c.EmailNormalized).Should().OnlyHaveUniqueItems();
        customers.Should().OnlyContain(c => c.Email == c.EmailNormalized && Common.Validate.IsEmail(c.Email!));
        customers.Should().OnlyContain(c =>
            c.Email!.EndsWith("@example.com", StringComparison.Ordinal) || c.Email.EndsWith("@example.org", StringComparison.Ordinal) ||
            c.Email.EndsWith("@example.net", StringComparison.Ordinal) || c.Email.EndsWith(".example", StringComparison.Ordinal));
        customers.Should().OnlyContain(c => c.SearchText == Rapport.Customers.CustomerRules.SearchText(c.FirstName, c.LastName, c.Email));
        customers.Should().OnlyContain(c => c.Country!.Length == 2 && c.Language != null && c.City != null && c.Street != null);
        customers.Count(c => c.BirthDate != null).Should().BeGreaterThan(customers.Count / 2);
        customers.Where(c => c.BirthDate != null).Should().OnlyContain(c => c.BirthDate!.Value.Year > 1930 && c.BirthDate.Value.Year < 2010);
        customers.Count(c => c.Company != null).Should().BeGreaterThan(0);
        customers.Where(c => c.Company != null).Should().OnlyContain(c => c.Email!.EndsWith("@" + c.Company!.Domain, StringComparison.Ordinal));
        customers.Where(c => c.Company != null).Should().OnlyContain(c => c.Company!.NameNormalized == Rapport.Companies.CompanyNames.Normalize(c.Company.Name));
        customers.Count(c => c.Owner != null).Should().BeGreaterThan(0);
        foreach (var c in customers)
        {
            // What the API would accept for this customer: the demo writes nothing a user could not have entered.
            var errors = new Common.FieldErrors();
            Rapport.Customers.CustomerRules.Text(errors, "firstName", c.FirstName, 100);
            Rapport.Customers.CustomerRules.Text(errors, "lastName", c.LastName, 100);
            Rapport.Customers.CustomerRules.Email(errors, c.Email);
            Rapport.Customers.CustomerRules.Phone(errors, c.Phone);
            Rapport.Customers.CustomerRules.Country(errors, c.Country);
            Rapport.Customers.CustomerRules.Language(errors, c.Language);
            Rapport.Customers.CustomerRules.BirthDate(errors, c.BirthDate, DateOnly.FromDateTime(end.UtcDateTime));
            Rapport.Customers.CustomerRules.Tags(errors, c.Tags.Select(t => (string?)t.Tag).ToList());
            errors.Any.Should().BeFalse($"customer {c.Id} should pass the API's rules");
        }

        customers.SelectMany(c => c.Tags).Select(t => t.Tag).Distinct().Should().Contain(["newsletter", "coffee-lover"]);
        customers.SelectMany(c => c.Tags).Should().OnlyContain(t => t.Tag.All(ch => !char.IsUpper(ch)));
        var values = customers.SelectMany(c => c.FieldValues).ToList();
        values.Select(v => v.Field!.Key).Distinct().Should().BeEquivalentTo(["preferred_roast", "brew_method", "loyalty_member", "cups_per_day"]);
        values.Where(v => v.Field!.Type == Rapport.Customers.CustomFieldType.Choice).Should().OnlyContain(v => v.Field!.OptionList.Contains(v.TextValue!));
        values.Where(v => v.Field!.Type == Rapport.Customers.CustomFieldType.Boolean).Should().OnlyContain(v => v.BoolValue != null && v.TextValue == null);
        values.Where(v => v.Field!.Type == Rapport.Customers.CustomFieldType.Number).Should().OnlyContain(v => v.NumberValue >= 1 && v.NumberValue <= 5);

        var buyer = (await demo.Db.WithDbAsync(db => db.CustomerMetrics.AsNoTracking().OrderByDescending(m => m.PurchaseCount).FirstAsync())).CustomerId;
        var history = await demo.Db.WithDbAsync(db => db.Transactions.AsNoTracking().Where(t => t.CustomerId == buyer).Include(t => t.Lines).ToListAsync());
        history.Should().NotBeEmpty();
        history.SelectMany(t => t.Lines).Should().OnlyContain(l => l.Description != null && l.Quantity > 0);
        customers.Single(c => c.Id == buyer).ExternalIds.Should().ContainSingle(e => e.Source == "shop");
    }

    [Fact]
    public async Task Interactions_span_channels_and_types_with_filled_in_texts()
    {
        var interactions = await demo.Db.WithDbAsync(db => db.Interactions.AsNoTracking().ToListAsync());
        var staff = await demo.Db.WithDbAsync(db => db.Users.AsNoTracking().Select(u => u.Id).ToListAsync());

        interactions.Select(i => i.Channel).Distinct().Should().Contain([InteractionChannel.Email, InteractionChannel.Phone, InteractionChannel.Web, InteractionChannel.InPerson, InteractionChannel.Chat]);
        interactions.Select(i => i.Type).Distinct().Should().Contain([InteractionType.Call, InteractionType.Meeting, InteractionType.Enquiry, InteractionType.Support, InteractionType.Complaint, InteractionType.Feedback, InteractionType.Note]);
        interactions.Should().OnlyContain(i => !string.IsNullOrWhiteSpace(i.Subject) && !string.IsNullOrWhiteSpace(i.Notes));
        interactions.Should().OnlyContain(i => !i.Subject!.Contains('{') && !i.Notes!.Contains('{'), "every placeholder is filled in");
        interactions.Where(i => i.CreatedByUserId != null).Should().OnlyContain(i => staff.Contains(i.CreatedByUserId!.Value));
        interactions.Should().OnlyContain(i => i.OccurredAt < demo.Db.Clock.GetUtcNow() && i.CreatedAt == i.OccurredAt);
    }

    [Fact]
    public async Task Nothing_happens_to_a_customer_before_their_record_was_created()
    {
        var created = await demo.Db.WithDbAsync(db => db.Customers.AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.CreatedAt));
        var transactions = await demo.Db.WithDbAsync(db => db.Transactions.AsNoTracking().Select(t => new { t.CustomerId, t.OccurredAt }).ToListAsync());
        var interactions = await demo.Db.WithDbAsync(db => db.Interactions.AsNoTracking().Select(i => new { i.CustomerId, i.OccurredAt }).ToListAsync());
        var companies = await demo.Db.WithDbAsync(db => db.Customers.AsNoTracking().Where(c => c.Company != null).Select(c => new { c.CreatedAt, Company = c.Company!.CreatedAt }).ToListAsync());

        transactions.Should().OnlyContain(t => t.OccurredAt > created[t.CustomerId]);
        interactions.Should().OnlyContain(i => i.OccurredAt > created[i.CustomerId]);
        companies.Should().OnlyContain(c => c.CreatedAt > c.Company, "people join companies that exist");
    }

    [Fact]
    public async Task A_second_run_appends_new_customers_after_the_existing_ids_and_reuses_the_catalogue()
    {
        await using var db = await DemoDatabase.CreateAsync();
        var first = await db.GenerateAsync(120, 3);
        var maxTransaction = await db.ScalarAsync("SELECT MAX(id) FROM transactions");
        var second = await db.GenerateAsync(80, 3);

        (await db.ScalarAsync("SELECT COUNT(*) FROM customers")).Should().Be(200);
        (await db.ScalarAsync("SELECT MIN(id) FROM customers WHERE id > 120")).Should().Be(121);
        (await db.ScalarAsync("SELECT COUNT(*) FROM transactions")).Should().Be(first.Transactions + second.Transactions);
        (await db.ScalarAsync($"SELECT MIN(id) FROM transactions WHERE id > {maxTransaction}")).Should().Be(maxTransaction + 1);
        (await db.ScalarAsync("SELECT COUNT(*) FROM products")).Should().Be(first.Products);
        (await db.ScalarAsync("SELECT COUNT(*) FROM users")).Should().Be(5);
        (await db.ScalarAsync("SELECT COUNT(*) FROM custom_fields")).Should().Be(4);
        (await db.ScalarAsync("SELECT COUNT(DISTINCT email_normalized) FROM customers")).Should().Be(200);
        (await db.ScalarAsync("SELECT COUNT(*) FROM customer_metrics")).Should().Be(200);

        // Rows added afterwards through EF get the next ids: identity sequences moved past the demo's ids.
        var added = await db.WithDbAsync(async ctx =>
        {
            var customer = new Rapport.Customers.Customer { FirstName = "Ada", Source = "api", SearchText = "ada" };
            ctx.Customers.Add(customer);
            await ctx.SaveChangesAsync();
            return customer.Id;
        });
        added.Should().Be(201);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(10_000_001)]
    public async Task Refuses_a_number_of_customers_out_of_range_and_writes_nothing(int customers)
    {
        await using var db = await DemoDatabase.CreateAsync();

        var act = () => db.GenerateAsync(customers, 1);

        (await act.Should().ThrowAsync<ArgumentOutOfRangeException>()).Which.Message.Should().Contain("between 1 and 10,000,000");
        (await db.ScalarAsync("SELECT COUNT(*) FROM products")).Should().Be(0);
        (await db.ScalarAsync("SELECT COUNT(*) FROM customers")).Should().Be(0);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("10000001")]
    public async Task Demo_command_fails_with_exit_code_1_for_customers_out_of_range(string customers)
    {
        (await CliApp.RunAsync(["demo", "--customers", customers])).Should().Be(1);
    }
}
