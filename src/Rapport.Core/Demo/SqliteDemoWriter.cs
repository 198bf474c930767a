using System.Globalization;
using Microsoft.Data.Sqlite;
using Rapport.Data;

namespace Rapport.Demo;

/// <summary>
/// Writes demo rows to SQLite with prepared, parameterised INSERT commands that are reused for every row, one
/// database transaction per batch. Values are formatted exactly as EF stores them (see <see cref="RapportDbContext"/>):
/// instants as <see cref="SqliteFormats.Instant"/> text, decimals as REAL, enums by name, dates as <c>yyyy-MM-dd</c>.
/// </summary>
internal sealed class SqliteDemoWriter : IDemoWriter
{
    private readonly SqliteConnection _connection;
    private readonly string _currency;
    private readonly Insert _customers;
    private readonly Insert _tags;
    private readonly Insert _fieldValues;
    private readonly Insert _externalIds;
    private readonly Insert _transactions;
    private readonly Insert _lines;
    private readonly Insert _interactions;
    private readonly Insert _metrics;
    private readonly string _now;

    private SqliteDemoWriter(SqliteConnection connection, string currency, DateTimeOffset now)
    {
        _connection = connection;
        _currency = currency;
        _now = SqliteFormats.Instant(now);
        _customers = new Insert(connection, "customers",
            "id, first_name, last_name, email, email_normalized, phone, street, city, postal_code, region, country, birth_date, language, company_id, owner_id, source, search_text, created_at, updated_at, version");
        _tags = new Insert(connection, "customer_tags", "customer_id, tag");
        _fieldValues = new Insert(connection, "customer_field_values", "customer_id, field_id, text_value, number_value, date_value, bool_value");
        _externalIds = new Insert(connection, "customer_external_ids", "id, customer_id, source, external_id, created_at");
        _transactions = new Insert(connection, "transactions", "id, customer_id, external_id, occurred_at, currency, total, source, created_at");
        _lines = new Insert(connection, "transaction_lines", "id, transaction_id, customer_id, line_number, product_id, sku, description, quantity, unit_price, amount");
        _interactions = new Insert(connection, "interactions", "id, customer_id, channel, direction, type, subject, notes, occurred_at, source, created_by_user_id, created_at");
        _metrics = new Insert(connection, "customer_metrics", "customer_id, first_purchase_at, last_purchase_at, purchase_count, revenue, interaction_count, last_interaction_at, updated_at");
    }

    public static async Task<SqliteDemoWriter> OpenAsync(RapportDatabase database, string currency, DateTimeOffset now, CancellationToken ct)
    {
        var connection = (SqliteConnection)await database.OpenConnectionAsync(ct);
        // A large page cache keeps the indexes that grow in random order (occurred_at) in memory during the load.
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY;";
            await pragma.ExecuteNonQueryAsync(ct);
        }

        return new SqliteDemoWriter(connection, currency, now);
    }

    public async Task WriteAsync(DemoBatch batch, CancellationToken ct)
    {
        await using var tx = (SqliteTransaction)await _connection.BeginTransactionAsync(ct);
        Insert.Use(tx, _customers, _tags, _fieldValues, _externalIds, _transactions, _lines, _interactions, _metrics);

        foreach (var c in batch.Customers)
        {
            var created = SqliteFormats.Instant(c.CreatedAt);
            _customers.Run(c.Id, c.FirstName, c.LastName, c.Email, c.Email.ToLowerInvariant(), c.Phone, c.Street, c.City, c.PostalCode, c.Region,
                c.Country, c.BirthDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), c.Language, c.CompanyId, c.OwnerId, DemoCatalog.Source,
                c.SearchText, created, created, 1);
        }

        foreach (var t in batch.Tags)
        {
            _tags.Run(t.CustomerId, t.Tag);
        }

        foreach (var v in batch.FieldValues)
        {
            _fieldValues.Run(v.CustomerId, v.FieldId, v.Text, v.Number is { } n ? (double)n : null, null, v.Bool is { } b ? (b ? 1 : 0) : null);
        }

        foreach (var e in batch.ExternalIds)
        {
            _externalIds.Run(e.Id, e.CustomerId, e.Source, e.ExternalId, SqliteFormats.Instant(e.CreatedAt));
        }

        foreach (var t in batch.Transactions)
        {
            var at = SqliteFormats.Instant(t.OccurredAt);
            _transactions.Run(t.Id, t.CustomerId, t.ExternalId, at, _currency, (double)t.Total, DemoCatalog.Source, at);
        }

        foreach (var l in batch.Lines)
        {
            _lines.Run(l.Id, l.TransactionId, l.CustomerId, l.LineNumber, l.ProductId, l.Sku, l.Description, (double)l.Quantity, (double)l.UnitPrice, (double)l.Amount);
        }

        foreach (var i in batch.Interactions)
        {
            var at = SqliteFormats.Instant(i.OccurredAt);
            _interactions.Run(i.Id, i.CustomerId, DemoEnums.Name(i.Channel), DemoEnums.Name(i.Direction), DemoEnums.Name(i.Type), i.Subject, i.Notes, at,
                DemoCatalog.Source, i.CreatedByUserId, at);
        }

        foreach (var m in batch.Metrics)
        {
            _metrics.Run(m.CustomerId, Instant(m.FirstPurchaseAt), Instant(m.LastPurchaseAt), m.PurchaseCount, (double)m.Revenue, m.InteractionCount,
                Instant(m.LastInteractionAt), _now);
        }

        await tx.CommitAsync(ct);
    }

    private static string? Instant(DateTimeOffset? value) => value is { } v ? SqliteFormats.Instant(v) : null;

    public Task CompleteAsync(CancellationToken ct) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var insert in new[] { _customers, _tags, _fieldValues, _externalIds, _transactions, _lines, _interactions, _metrics })
        {
            insert.Dispose();
        }

        await _connection.DisposeAsync();
    }

    /// <summary>One prepared INSERT; its parameters are set positionally and the statement is stepped again.</summary>
    private sealed class Insert : IDisposable
    {
        private readonly SqliteCommand _command;
        private readonly SqliteParameter[] _parameters;

        public Insert(SqliteConnection connection, string table, string columns)
        {
            var count = columns.Split(',').Length;
            _command = connection.CreateCommand();
            _command.CommandText = $"INSERT INTO {table} ({columns}) VALUES ({string.Join(", ", Enumerable.Range(1, count).Select(i => $"${i}"))})";
            _parameters = new SqliteParameter[count];
            for (var i = 0; i < count; i++)
            {
                _parameters[i] = _command.Parameters.Add(new SqliteParameter($"${i + 1}", null));
            }
        }

        public static void Use(SqliteTransaction tx, params Insert[] inserts)
        {
            foreach (var insert in inserts)
            {
                insert._command.Transaction = tx;
                insert._command.Prepare();
            }
        }

        public void Run(params object?[] values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                _parameters[i].Value = values[i] ?? DBNull.Value;
            }

            _command.ExecuteNonQuery();
        }

        public void Dispose() => _command.Dispose();
    }
}

/// <summary>Enum names as EF stores them (<c>HaveConversion&lt;string&gt;()</c>), computed once.</summary>
internal static class DemoEnums
{
    private static readonly string[] Channels = Enum.GetNames<Interactions.InteractionChannel>();
    private static readonly string[] Directions = Enum.GetNames<Interactions.InteractionDirection>();
    private static readonly string[] Types = Enum.GetNames<Interactions.InteractionType>();

    public static string Name(Interactions.InteractionChannel value) => Channels[(int)value];
    public static string Name(Interactions.InteractionDirection value) => Directions[(int)value];
    public static string Name(Interactions.InteractionType value) => Types[(int)value];
}
