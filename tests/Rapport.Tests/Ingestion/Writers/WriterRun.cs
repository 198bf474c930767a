using Microsoft.Extensions.DependencyInjection;
using Rapport.Data;
using Rapport.Ingestion;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Ingestion.Writers;

/// <summary>Runs the app's <see cref="IngestionWriter"/> on a raw connection in a transaction of the test's own, as an import or the batch API does.</summary>
internal static class WriterRun
{
    public static async Task<IngestResult[]> RunAsync(
        this RapportAppFactory app, Func<IngestionWriter, IngestionContext, Task<IngestResult[]>> call, bool commit = true, string source = "import", long? userId = null)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<RapportDatabase>();
        await using var connection = await database.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var writer = scope.ServiceProvider.GetRequiredService<IngestionWriter>();
        var results = await call(writer, new IngestionContext(connection, transaction, database.Provider, source, app.Clock.GetUtcNow(), userId));
        if (commit)
        {
            await transaction.CommitAsync();
        }
        else
        {
            await transaction.RollbackAsync();
        }

        return results;
    }

    public static Task<IngestResult[]> CustomersAsync(this RapportAppFactory app, params IncomingCustomer[] items) =>
        app.RunAsync((w, c) => w.CustomersAsync(c, items, CancellationToken.None));

    public static Task<IngestResult[]> TransactionsAsync(this RapportAppFactory app, params IncomingTransaction[] items) =>
        app.RunAsync((w, c) => w.TransactionsAsync(c, items, CancellationToken.None));

    public static Task<IngestResult[]> InteractionsAsync(this RapportAppFactory app, params IncomingInteraction[] items) =>
        app.RunAsync((w, c) => w.InteractionsAsync(c, items, CancellationToken.None));

    public static Task<IngestResult[]> CompaniesAsync(this RapportAppFactory app, params IncomingCompany[] items) =>
        app.RunAsync((w, c) => w.CompaniesAsync(c, items, CancellationToken.None));

    public static Task<IngestResult[]> ProductsAsync(this RapportAppFactory app, params IncomingProduct[] items) =>
        app.RunAsync((w, c) => w.ProductsAsync(c, items, CancellationToken.None));

    /// <summary>A unique token so tests in one class (one database) never collide.</summary>
    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];
}
