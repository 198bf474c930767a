using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Rapport.Ingestion;

/// <summary>
/// What a long run of writer calls (an import) has learnt about stored records, kept from one call and batch to the
/// next so that a customer named by many rows is looked up once rather than once per chunk: which customer an external
/// id (in the run's source) or a normalised email names, and which product (or none) a SKU names. Only answers the
/// database gave or rows the run stored are kept, so an entry is exactly what a lookup would return.
/// <para>
/// Entries learnt inside the open transaction are pending until <see cref="Commit"/> and dropped by
/// <see cref="Rollback"/>. Everything is forgotten as soon as any other connection has committed a write (SQLite's
/// <c>PRAGMA data_version</c>, checked by <see cref="ValidateAsync"/> once the run's transaction holds the write lock):
/// a merge, a deletion or a new product elsewhere may have changed the answers. SQLite only, where a transaction
/// holds the database's one write lock; on PostgreSQL others write concurrently, so a run looks everything up.
/// Each map holds at most <see cref="MaxEntries"/> keys and starts again when full, so memory does not grow with the file.
/// </para>
/// </summary>
public sealed class KnownRecords
{
    /// <summary>Keys per map (about 100 bytes each).</summary>
    public const int MaxEntries = 200_000;

    private readonly Map<long> _customersByExternalId = new();
    private readonly Map<long> _customersByEmail = new();
    private readonly Map<(long Id, string Name)?> _productsBySku = new();
    private long? _dataVersion;

    /// <summary>
    /// Forgets everything when another connection has written since the last check. Call it inside the run's
    /// transaction once it holds the write lock (SQLite's BEGIN IMMEDIATE), so that nobody writes until it ends.
    /// </summary>
    public async Task ValidateAsync(DbConnection connection, DbTransaction transaction, CancellationToken ct)
    {
        if (connection is not SqliteConnection)
        {
            Clear();
            return;
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA data_version";
        var version = Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        if (_dataVersion != version)
        {
            Clear();
            _dataVersion = version;
        }
    }

    /// <summary>The open transaction committed: what it learnt stays.</summary>
    public void Commit()
    {
        _customersByExternalId.Commit();
        _customersByEmail.Commit();
        _productsBySku.Commit();
    }

    /// <summary>The open transaction rolled back: what it learnt (customers it created, above all) goes.</summary>
    public void Rollback()
    {
        _customersByExternalId.Rollback();
        _customersByEmail.Rollback();
        _productsBySku.Rollback();
    }

    private void Clear()
    {
        _customersByExternalId.Clear();
        _customersByEmail.Clear();
        _productsBySku.Clear();
    }

    internal bool TryCustomerByExternalId(string externalId, out long id) => _customersByExternalId.TryGet(externalId, out id);

    internal bool TryCustomerByEmail(string emailNormalized, out long id) => _customersByEmail.TryGet(emailNormalized, out id);

    /// <summary>The customer stores this external id (found by it, or the external id was written for it).</summary>
    internal void CustomerExternalId(string externalId, long id) => _customersByExternalId.Learn(externalId, id);

    /// <summary>The oldest customer with this normalised email (found by it, or created with it when none had it).</summary>
    internal void CustomerEmail(string emailNormalized, long id) => _customersByEmail.Learn(emailNormalized, id);

    /// <summary>The product with this SKU, or null when there is none (also remembered).</summary>
    internal bool TryProduct(string sku, out (long Id, string Name)? product) => _productsBySku.TryGet(sku, out product);

    internal void Product(string sku, (long Id, string Name)? product) => _productsBySku.Learn(sku, product);

    /// <summary>Committed entries and those of the open transaction.</summary>
    private sealed class Map<T>
    {
        private readonly Dictionary<string, T> _committed = new(StringComparer.Ordinal);
        private readonly Dictionary<string, T> _pending = new(StringComparer.Ordinal);

        public bool TryGet(string key, out T value) => _pending.TryGetValue(key, out value!) || _committed.TryGetValue(key, out value!);

        public void Learn(string key, T value)
        {
            if (_committed.Count + _pending.Count >= MaxEntries)
            {
                // Full: start again rather than grow with the file (the pending entries of the open transaction stay).
                _committed.Clear();
            }

            _pending[key] = value;
        }

        public void Commit()
        {
            foreach (var (key, value) in _pending)
            {
                _committed[key] = value;
            }

            _pending.Clear();
        }

        public void Rollback() => _pending.Clear();

        public void Clear()
        {
            _committed.Clear();
            _pending.Clear();
        }
    }
}
