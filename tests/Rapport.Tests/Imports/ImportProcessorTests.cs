using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Imports;
using Rapport.Metrics;

namespace Rapport.Tests.Imports;

public sealed class ImportProcessorTests(ImportAppFactory app) : IClassFixture<ImportAppFactory>
{
    private static string Customers(string domain, int count, Func<int, string?>? broken = null)
    {
        var csv = new StringBuilder("customer id,email,first name,last name,birthday,remarks\n");
        for (var i = 1; i <= count; i++)
        {
            csv.Append(broken?.Invoke(i) ?? $"C{i},person{i}@{domain},Ann{i},Lee,1980-01-{1 + (i % 28):00},").Append('\n');
        }

        return csv.ToString();
    }

    private Task<int> CountCustomersAsync(string domain) =>
        app.WithDbAsync(db => db.Customers.CountAsync(c => c.EmailNormalized!.EndsWith("@" + domain)));

    [Fact]
    public async Task Import_creates_customers_and_then_updates_them_on_a_second_run()
    {
        var domain = ImportKit.Unique("d") + ".example";
        var source = new ImportOptions { Source = ImportKit.Unique("s") };
        var first = await ImportKit.ImportAsync(app, ImportKind.Customers, Customers(domain, 7), source, batchSize: 3);
        first.Status.Should().Be(ImportStatus.Completed);
        first.ShouldAccountForEveryRow(7);
        first.Created.Should().Be(7);
        first.Percent.Should().Be(100);

        var second = await ImportKit.ImportAsync(app, ImportKind.Customers, Customers(domain, 7), source, batchSize: 3);
        second.ShouldAccountForEveryRow(7);
        second.Updated.Should().Be(7, "the same external ids in the same source match the stored customers");
        (await CountCustomersAsync(domain)).Should().Be(7);
    }

    [Fact]
    public async Task Import_rejects_row_with_bad_date_and_keeps_the_rest()
    {
        var domain = ImportKit.Unique("d") + ".example";
        var import = await ImportKit.ImportAsync(app, ImportKind.Customers,
            Customers(domain, 5, i => i == 3 ? $"C3,person3@{domain},Ann3,Lee,31-31-1980," : null), new ImportOptions { Source = ImportKit.Unique("s") });

        import.ShouldAccountForEveryRow(5);
        import.Created.Should().Be(4);
        import.Rejected.Should().Be(1);
        var reject = (await ImportKit.RejectsAsync(app, import.Id)).Should().ContainSingle().Subject;
        reject.Line.Should().Be(4, "line 1 is the header");
        reject.Reason.Should().Contain("birthday");
        reject.Raw.Should().Be($"C3,person3@{domain},Ann3,Lee,31-31-1980,");
        (await CountCustomersAsync(domain)).Should().Be(4);
    }

    [Theory]
    [InlineData(2, ImportProcessor.DefaultChunkSize)] // batches of two rows
    [InlineData(ImportProcessor.DefaultBatchSize, 2)] // one batch written in chunks of two rows
    public async Task Contiguous_rows_of_one_order_become_one_order_with_several_lines(int batchSize, int chunkSize)
    {
        var order = ImportKit.Unique("O");
        var email = $"{ImportKit.Unique("buyer")}@example.com";
        var csv = $"""
            order id,customer email,customer name,order date,currency,sku,quantity,unit price
            {order}-1,{email},Ada Lovelace,2024-03-01T10:00:00Z,EUR,S1,2,10.00
            {order}-1,{email},Ada Lovelace,2024-03-01T10:00:00Z,EUR,S2,1,5.50
            {order}-1,{email},Ada Lovelace,2024-03-01T10:00:00Z,EUR,S3,3,1.00
            {order}-2,{email},Ada Lovelace,2024-03-02T10:00:00Z,EUR,S1,1,10.00

            """;
        // Batches or chunks of two rows: the three rows of the first order still go together.
        var import = await ImportKit.ImportAsync(app, ImportKind.Transactions, csv, batchSize: batchSize, chunkSize: chunkSize);

        import.ShouldAccountForEveryRow(4);
        import.Rejected.Should().Be(0);
        var orders = await app.WithDbAsync(db => db.Transactions.AsNoTracking().Include(t => t.Lines)
            .Where(t => t.ExternalId!.StartsWith(order)).OrderBy(t => t.ExternalId).ToListAsync());
        orders.Should().HaveCount(2);
        orders[0].Lines.Should().HaveCount(3);
        orders[0].Total.Should().Be(28.50m, "the total is the sum of the lines when the file gives none");
        orders[1].Lines.Should().ContainSingle();
        orders.Select(o => o.CustomerId).Distinct().Should().ContainSingle("an unknown customer is created once, from the first row");
    }

    [Fact]
    public async Task Metrics_held_back_over_a_batch_equal_a_full_recompute()
    {
        var order = ImportKit.Unique("M");
        var emails = Enumerable.Range(1, 3).Select(_ => $"{ImportKit.Unique("m")}@example.com").ToArray();
        var rows = new StringBuilder("order id,customer email,customer name,order date,currency,sku,quantity,unit price\n");
        for (var i = 0; i < 12; i++)
        {
            rows.Append(CultureInfo.InvariantCulture, $"{order}-{i},{emails[i % 3]},Ann Lee,2024-03-{1 + i:00}T10:00:00Z,{(i % 4 == 3 ? "USD" : "EUR")},S{i},{1 + (i % 2)},{10 + i}.50\n");
        }

        // Order 1 again, later in the file and with another line: stored already, so it is updated (a recompute).
        rows.Append(CultureInfo.InvariantCulture, $"{order}-1,{emails[1]},Ann Lee,2024-02-01T10:00:00Z,EUR,S99,3,2.00\n");

        // Chunks of two rows, batches of five: the metrics of several chunks are applied at each commit.
        var import = await ImportKit.ImportAsync(app, ImportKind.Transactions, rows.ToString(), batchSize: 5, chunkSize: 2);
        import.ShouldAccountForEveryRow(13);
        import.Rejected.Should().Be(0);
        import.Updated.Should().Be(1);

        var ids = await app.WithDbAsync(db => db.Customers.Where(c => emails.Contains(c.EmailNormalized!)).Select(c => c.Id).ToListAsync());
        ids.Should().HaveCount(3);
        foreach (var id in ids)
        {
            var written = await app.WithDbAsync(db => db.CustomerMetrics.AsNoTracking().SingleAsync(m => m.CustomerId == id));
            written.PurchaseCount.Should().Be(4);
            await using var scope = app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<CustomerMetricsUpdater>().RefreshAsync(id, CancellationToken.None);
            var recomputed = await app.WithDbAsync(db => db.CustomerMetrics.AsNoTracking().SingleAsync(m => m.CustomerId == id));
            // The stage follows bulk writes through the change worker (not drained here); RefreshAsync places it at once.
            written.Should().BeEquivalentTo(recomputed, o => o.Excluding(m => m.UpdatedAt).Excluding(m => m.Stage).Excluding(m => m.StageSince));
        }
    }

    [Fact]
    public async Task A_bad_line_rejects_every_row_of_its_order_and_nothing_of_it_is_stored()
    {
        var order = ImportKit.Unique("O");
        var csv = $"""
            order id,customer email,order date,currency,sku,quantity,unit price
            {order},x@example.com,2024-03-01,EUR,S1,2,10.00
            {order},x@example.com,2024-03-01,EUR,S2,two,5.50

            """;
        var import = await ImportKit.ImportAsync(app, ImportKind.Transactions, csv);

        import.ShouldAccountForEveryRow(2);
        import.Rejected.Should().Be(2);
        var rejects = await ImportKit.RejectsAsync(app, import.Id);
        rejects.Select(r => r.Line).Should().Equal(2, 3);
        rejects[0].Reason.Should().Contain("line 3");
        rejects[1].Reason.Should().Contain("quantity");
        (await app.WithDbAsync(db => db.Transactions.CountAsync(t => t.ExternalId == order))).Should().Be(0);
    }

    [Fact]
    public async Task Duplicate_rows_within_one_file_store_one_customer_and_count_every_row()
    {
        var email = $"{ImportKit.Unique("twice")}@example.com";
        var csv = $"email,first name\n{email},Ann\n{email},Ann\n{email.ToUpperInvariant()},Ann\n";
        var import = await ImportKit.ImportAsync(app, ImportKind.Customers, csv);

        import.ShouldAccountForEveryRow(3);
        import.Created.Should().Be(1);
        (import.Updated + import.Merged).Should().Be(2);
        (await app.WithDbAsync(db => db.Customers.CountAsync(c => c.EmailNormalized == email))).Should().Be(1);
    }

    [Fact]
    public async Task Dry_run_writes_nothing_but_counts_and_rejects()
    {
        var domain = ImportKit.Unique("d") + ".example";
        var import = await ImportKit.ImportAsync(app, ImportKind.Customers,
            Customers(domain, 6, i => i == 2 ? $"C2,not-an-email,Ann2,Lee,," : null), new ImportOptions { Source = ImportKit.Unique("s") }, dryRun: true, batchSize: 4);

        import.Status.Should().Be(ImportStatus.Completed);
        import.DryRun.Should().BeTrue();
        import.ShouldAccountForEveryRow(6);
        import.Created.Should().Be(5);
        import.Rejected.Should().Be(1);
        (await ImportKit.RejectsAsync(app, import.Id)).Should().ContainSingle().Which.Line.Should().Be(3);
        (await CountCustomersAsync(domain)).Should().Be(0, "a dry run writes no customer");
    }

    [Fact]
    public async Task Killed_import_resumes_from_its_last_committed_batch_and_counts_no_row_twice()
    {
        var domain = ImportKit.Unique("d") + ".example";
        // A quoted multi-line cell and a bad row in the batches before the kill: line numbers and rejects must survive the resume.
        var content = Customers(domain, 20, i => i switch
        {
            4 => $"C4,person4@{domain},Ann4,Lee,1980-01-04,\"two\nlines\"",
            6 => $"C6,person6@{domain},Ann6,Lee,not a date,",
            15 => $"C15,person15@{domain},Ann15,Lee,also not a date,",
            _ => null,
        });
        var started = await ImportKit.StartAsync(app, ImportKind.Customers, ImportKit.WriteFile(content), new ImportOptions { Source = ImportKit.Unique("s") });
        var id = started.Value!.Id;

        // The process dies while batch 3 is being written: batches 1 and 2 (rows 1–8) are committed, batch 3 is not.
        using var kill = new CancellationTokenSource();
        var status = await ImportKit.RunAsync(app, id, batchSize: 4, beforeCommit: (batch, _) =>
        {
            if (batch.Number == 3)
            {
                kill.Cancel();
                kill.Token.ThrowIfCancellationRequested();
            }

            return Task.CompletedTask;
        }, ct: kill.Token);
        status.Should().Be(ImportStatus.Running, "a killed import is left running, to be resumed");
        var halfway = await ImportKit.GetAsync(app, id);
        halfway.ShouldAccountForEveryRow(8);
        halfway.Rejected.Should().Be(1);
        (await CountCustomersAsync(domain)).Should().Be(7);

        // Its heartbeat is stale: the runner's claim takes it over and the processor resumes after row 8.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var processor = scope.ServiceProvider.GetRequiredService<ImportProcessor>();
            (await processor.TryClaimAsync(id, app.Clock.GetUtcNow().AddSeconds(1), CancellationToken.None)).Should().BeTrue();
        }

        (await ImportKit.RunAsync(app, id, batchSize: 4)).Should().Be(ImportStatus.Completed);
        var done = await ImportKit.GetAsync(app, id);
        done.ShouldAccountForEveryRow(20);
        done.Created.Should().Be(18);
        done.Rejected.Should().Be(2);
        (await ImportKit.RejectsAsync(app, id)).Select(r => r.Line).Should().Equal(8, 17);
        (await CountCustomersAsync(domain)).Should().Be(18);
    }

    [Fact]
    public async Task A_batch_written_in_several_chunks_commits_or_rolls_back_as_one()
    {
        var domain = ImportKit.Unique("d") + ".example";
        var started = await ImportKit.StartAsync(app, ImportKind.Customers, ImportKit.WriteFile(Customers(domain, 20)), new ImportOptions { Source = ImportKit.Unique("s") });
        var id = started.Value!.Id;

        // Chunks of 3 rows, batches of at least 8: batch 1 is rows 1–9 (three chunks). The process dies as batch 2,
        // whose chunks are already written in its transaction, is about to commit.
        var batches = new List<ImportBatchInfo>();
        using var kill = new CancellationTokenSource();
        var status = await ImportKit.RunAsync(app, id, batchSize: 8, chunkSize: 3, beforeCommit: (batch, _) =>
        {
            batches.Add(batch);
            if (batch.Number == 2)
            {
                kill.Cancel();
                kill.Token.ThrowIfCancellationRequested();
            }

            return Task.CompletedTask;
        }, ct: kill.Token);

        status.Should().Be(ImportStatus.Running);
        batches[0].Should().Be(new ImportBatchInfo(id, 1, 2, 10, 9));
        batches[1].Should().Be(new ImportBatchInfo(id, 2, 11, 19, 9));
        (await ImportKit.GetAsync(app, id)).ShouldAccountForEveryRow(9);
        (await CountCustomersAsync(domain)).Should().Be(9, "nothing of the uncommitted batch stays, though its chunks were written");

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var processor = scope.ServiceProvider.GetRequiredService<ImportProcessor>();
            (await processor.TryClaimAsync(id, app.Clock.GetUtcNow().AddSeconds(1), CancellationToken.None)).Should().BeTrue();
        }

        (await ImportKit.RunAsync(app, id, batchSize: 8, chunkSize: 3)).Should().Be(ImportStatus.Completed);
        var done = await ImportKit.GetAsync(app, id);
        done.ShouldAccountForEveryRow(20);
        done.Created.Should().Be(20);
        (await CountCustomersAsync(domain)).Should().Be(20);
    }

    [Fact]
    public async Task A_failing_batch_is_rolled_back_whole_and_the_batches_before_it_stay()
    {
        var domain = ImportKit.Unique("d") + ".example";
        var started = await ImportKit.StartAsync(app, ImportKind.Customers,
            ImportKit.WriteFile(Customers(domain, 10, i => i == 6 ? $"C6,bad-email,Ann6,Lee,," : null)), new ImportOptions { Source = ImportKit.Unique("s") });
        var id = started.Value!.Id;

        var status = await ImportKit.RunAsync(app, id, batchSize: 4, beforeCommit: (batch, _) =>
            batch.Number == 2 ? throw new InvalidOperationException("disk full") : Task.CompletedTask);

        status.Should().Be(ImportStatus.Failed);
        var failed = await ImportKit.GetAsync(app, id);
        failed.ShouldAccountForEveryRow(4);
        failed.Error.Should().Contain("after line 5").And.NotContain("disk full", "the stored error never repeats an exception message");
        (await ImportKit.RejectsAsync(app, id)).Should().BeEmpty("the reject of row 6 was in the rolled-back batch");
        (await CountCustomersAsync(domain)).Should().Be(4);
    }

    [Fact]
    public async Task Cancelled_import_stops_before_its_next_batch()
    {
        var domain = ImportKit.Unique("d") + ".example";
        var started = await ImportKit.StartAsync(app, ImportKind.Customers, ImportKit.WriteFile(Customers(domain, 9)), new ImportOptions { Source = ImportKit.Unique("s") });
        var id = started.Value!.Id;

        // Someone cancels right after the first batch committed (the progress report comes after each commit).
        var cancelOnce = new CancelAfterFirstBatch(app, id);
        var status = await ImportKit.RunAsync(app, id, batchSize: 3, progress: cancelOnce);

        status.Should().Be(ImportStatus.Cancelled);
        var cancelled = await ImportKit.GetAsync(app, id);
        cancelled.Status.Should().Be(ImportStatus.Cancelled);
        cancelled.ShouldAccountForEveryRow(3);
        (await CountCustomersAsync(domain)).Should().Be(3);
    }

    [Fact]
    public async Task Rejects_file_has_the_original_header_then_line_and_reason()
    {
        var import = await ImportKit.ImportAsync(app, ImportKind.Customers,
            "Customer ID;E-mail;Notes\nA1;nobody;\"has; semicolon\"\nA2;ok@example.com;fine\nA3;\"broken\n", new ImportOptions { Source = ImportKit.Unique("s") });

        import.ShouldAccountForEveryRow(3);
        import.Rejected.Should().Be(2);
        var csv = await ImportKit.RejectsCsvAsync(app, import.Id);
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().Be("Customer ID;E-mail;Notes;line;reason");
        lines[1].Should().StartWith("A1;nobody;\"has; semicolon\";2;").And.Contain("email");
        lines[2].Should().StartWith("\"A3;\"\"broken\";;;4;");
    }

    [Fact]
    public async Task Customers_known_from_an_earlier_batch_are_looked_up_again_once_someone_else_has_written()
    {
        var source = ImportKit.Unique("s");
        string k1 = ImportKit.Unique("K"), k2 = ImportKit.Unique("K"), order = ImportKit.Unique("O");
        var csv = "external_id,customer_external_id,customer_email,occurred_at,currency,amount\n" +
                  $"{order}1,{k1},{k1}@example.com,2024-01-01,EUR,10\n{order}2,{k2},{k2}@example.com,2024-01-02,EUR,20\n" +
                  $"{order}3,{k1},{k1}@example.com,2024-01-03,EUR,30\n{order}4,{k2},{k2}@example.com,2024-01-04,EUR,40\n";
        var id = (await ImportKit.StartAsync(app, ImportKind.Transactions, ImportKit.WriteFile(csv), new ImportOptions { Source = source })).Value!.Id;

        // After the first batch (orders 1 and 2) another connection points k1's external id at k2's customer, as a
        // merge does: the second batch must see it, not what the first batch learnt about k1.
        var status = await ImportKit.RunAsync(app, id, batchSize: 2, progress: new AfterFirstBatch(() => app.WithDbAsync(async db =>
        {
            var ids = await db.CustomerExternalIds.Where(x => x.Source == source).ToDictionaryAsync(x => x.ExternalId, x => x.CustomerId);
            return await db.CustomerExternalIds.Where(x => x.Source == source && x.ExternalId == k1)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.CustomerId, ids[k2]));
        })));

        status.Should().Be(ImportStatus.Completed);
        var owners = await app.WithDbAsync(db => db.Transactions.Where(t => t.ExternalId!.StartsWith(order))
            .OrderBy(t => t.ExternalId).Select(t => t.CustomerId).ToListAsync());
        owners.Should().HaveCount(4);
        owners[2].Should().Be(owners[1], "order 3 names k1, whose external id now belongs to k2's customer");
        owners[0].Should().NotBe(owners[1]);
    }

    /// <summary>Runs a database change once, right after the first batch committed (the progress report comes after each commit).</summary>
    private sealed class AfterFirstBatch(Func<Task<int>> change) : IProgress<ImportProgress>
    {
        private bool _done;

        public void Report(ImportProgress value)
        {
            if (!_done)
            {
                _done = true;
                change().GetAwaiter().GetResult().Should().Be(1);
            }
        }
    }

    private sealed class CancelAfterFirstBatch(ImportAppFactory app, long id) : IProgress<ImportProgress>
    {
        private bool _done;

        public void Report(ImportProgress value)
        {
            if (_done)
            {
                return;
            }

            _done = true;
            using var scope = app.Services.CreateScope();
            scope.ServiceProvider.GetRequiredService<CancelImport>().HandleAsync(id, CancellationToken.None).GetAwaiter().GetResult().IsOk.Should().BeTrue();
        }
    }
}
