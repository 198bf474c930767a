using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Ingestion;
using Rapport.Ingestion.Batch;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Ingestion.Batch;

/// <summary>
/// Batches that wait for the gate together are written in one transaction (group commit); one that fails must fail
/// alone, and every other batch of its group must still be stored and answered.
/// </summary>
public sealed class BatchWriteGateTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private Task<bool> StoredAsync(string sku) => app.WithDbAsync(db => db.Products.AnyAsync(p => p.Sku == sku));

    private static Func<IngestionContext, Task<IngestResult[]>> Product(IngestionWriter writer, string sku) =>
        context => writer.ProductsAsync(context, [new IncomingProduct { Sku = sku, Name = "Gate test " + sku, Price = 9.5m }], CancellationToken.None);

    /// <summary>Starts a batch that keeps the gate (as a batch being written does) until <c>release</c> is set.</summary>
    private static async Task<(Task<IngestResult[]> Holder, TaskCompletionSource Release)> HoldAsync(BatchWriteGate gate, Func<IngestionContext, Task<IngestResult[]>> write)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holder = gate.WriteAsync("gate-test", async context =>
        {
            entered.SetResult();
            await release.Task;
            return await write(context);
        }, CancellationToken.None);
        await entered.Task;
        return (holder, release);
    }

    [Fact]
    public async Task Waiting_batches_are_written_together_and_a_failing_one_fails_alone()
    {
        var gate = app.Services.GetRequiredService<BatchWriteGate>();
        await using var scope = app.Services.CreateAsyncScope();
        var writer = scope.ServiceProvider.GetRequiredService<IngestionWriter>();
        string first = Unique.Id("G1"), ok1 = Unique.Id("G2"), bad = Unique.Id("G3"), ok2 = Unique.Id("G4");

        // The first batch holds the gate until the others are queued behind it, so they form one group.
        var (holder, release) = await HoldAsync(gate, Product(writer, first));

        var a = gate.WriteAsync("gate-test", Product(writer, ok1), CancellationToken.None);
        var b = gate.WriteAsync<IngestResult[]>("gate-test", async context =>
        {
            await Product(writer, bad)(context);
            throw new InvalidOperationException("this batch breaks after writing");
        }, CancellationToken.None);
        var c = gate.WriteAsync("gate-test", Product(writer, ok2), CancellationToken.None);
        release.SetResult();

        (await holder).Should().ContainSingle().Which.Outcome.Should().Be(IngestOutcome.Created);
        (await a).Should().ContainSingle().Which.Outcome.Should().Be(IngestOutcome.Created);
        (await c).Should().ContainSingle().Which.Outcome.Should().Be(IngestOutcome.Created);
        await FluentActions.Awaiting(() => b).Should().ThrowAsync<InvalidOperationException>().WithMessage("this batch breaks after writing");

        (await StoredAsync(first)).Should().BeTrue();
        (await StoredAsync(ok1)).Should().BeTrue();
        (await StoredAsync(ok2)).Should().BeTrue();
        (await StoredAsync(bad)).Should().BeFalse("the failing batch's writes are rolled back, though its group shared a transaction");
    }

    [Fact]
    public async Task A_batch_whose_caller_gave_up_while_waiting_is_not_written()
    {
        var gate = app.Services.GetRequiredService<BatchWriteGate>();
        await using var scope = app.Services.CreateAsyncScope();
        var writer = scope.ServiceProvider.GetRequiredService<IngestionWriter>();
        string first = Unique.Id("G5"), abandoned = Unique.Id("G6");

        var (holder, release) = await HoldAsync(gate, Product(writer, first));

        using var cancel = new CancellationTokenSource();
        var waiting = gate.WriteAsync("gate-test", Product(writer, abandoned), cancel.Token);
        await cancel.CancelAsync();
        await FluentActions.Awaiting(() => waiting).Should().ThrowAsync<OperationCanceledException>();
        release.SetResult();
        await holder;

        (await StoredAsync(first)).Should().BeTrue();
        (await StoredAsync(abandoned)).Should().BeFalse();
    }
}
