using System.Data.Common;
using Rapport.Data;

namespace Rapport.Ingestion;

/// <summary>
/// Where and as whom a batch of incoming items is written: an open connection and the caller's transaction (the
/// caller commits or rolls back), the provider, the source that scopes external ids (e.g. <c>csv</c>, <c>api</c>),
/// the instant stamped on new and changed rows, and the acting user when there is one.
/// </summary>
public sealed record IngestionContext(DbConnection Connection, DbTransaction Transaction, DatabaseProvider Provider, string Source, DateTimeOffset Now, long? UserId);

/// <summary>
/// Validates and stores incoming items in bulk, with the same rules as the single-record use cases. Results come
/// back in input order; every write happens inside the caller's transaction; the metrics of the customers touched
/// are refreshed and webhooks are queued before returning.
/// </summary>
public sealed class IngestionWriter
{
    public Task<IngestResult[]> CustomersAsync(IngestionContext c, IReadOnlyList<IncomingCustomer> items, CancellationToken ct) =>
        throw new NotSupportedException("IngestionWriter.CustomersAsync is being written.");

    public Task<IngestResult[]> CompaniesAsync(IngestionContext c, IReadOnlyList<IncomingCompany> items, CancellationToken ct) =>
        throw new NotSupportedException("IngestionWriter.CompaniesAsync is being written.");

    public Task<IngestResult[]> ProductsAsync(IngestionContext c, IReadOnlyList<IncomingProduct> items, CancellationToken ct) =>
        throw new NotSupportedException("IngestionWriter.ProductsAsync is being written.");

    public Task<IngestResult[]> TransactionsAsync(IngestionContext c, IReadOnlyList<IncomingTransaction> items, CancellationToken ct) =>
        throw new NotSupportedException("IngestionWriter.TransactionsAsync is being written.");

    public Task<IngestResult[]> InteractionsAsync(IngestionContext c, IReadOnlyList<IncomingInteraction> items, CancellationToken ct) =>
        throw new NotSupportedException("IngestionWriter.InteractionsAsync is being written.");
}
