using Npgsql;
using NpgsqlTypes;
using Rapport.Data;

namespace Rapport.Demo;

/// <summary>
/// Writes demo rows to PostgreSQL with binary COPY, one database transaction per batch. Ids are written explicitly,
/// so <see cref="CompleteAsync"/> moves each identity sequence past the largest id.
/// </summary>
internal sealed class PostgresDemoWriter(NpgsqlConnection connection, string currency, DateTimeOffset now) : IDemoWriter
{
    private static readonly string[] IdentityTables = ["customers", "customer_external_ids", "transactions", "transaction_lines", "interactions"];

    public static async Task<PostgresDemoWriter> OpenAsync(RapportDatabase database, string currency, DateTimeOffset now, CancellationToken ct) =>
        new((NpgsqlConnection)await database.OpenConnectionAsync(ct), currency, now.ToUniversalTime());

    public async Task WriteAsync(DemoBatch batch, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);

        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY customers (id, first_name, last_name, email, email_normalized, phone, street, city, postal_code, region, country, birth_date, language, company_id, owner_id, source, search_text, created_at, updated_at, version) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var c in batch.Customers)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(c.Id, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(c.FirstName, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(c.LastName, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(c.Email, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(c.Email.ToLowerInvariant(), NpgsqlDbType.Varchar, ct);
                await WriteNullableAsync(copy, c.Phone, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(c.Street, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(c.City, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(c.PostalCode, NpgsqlDbType.Varchar, ct);
                await WriteNullableAsync(copy, c.Region, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(c.Country, NpgsqlDbType.Varchar, ct);
                if (c.BirthDate is { } birth)
                {
                    await copy.WriteAsync(birth, NpgsqlDbType.Date, ct);
                }
                else
                {
                    await copy.WriteNullAsync(ct);
                }

                await copy.WriteAsync(c.Language, NpgsqlDbType.Varchar, ct);
                await WriteNullableAsync(copy, c.CompanyId, NpgsqlDbType.Bigint, ct);
                await WriteNullableAsync(copy, c.OwnerId, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(DemoCatalog.Source, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(c.SearchText, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(c.CreatedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(c.CreatedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(1, NpgsqlDbType.Integer, ct);
            }

            await copy.CompleteAsync(ct);
        }

        await using (var copy = await connection.BeginBinaryImportAsync("COPY customer_tags (customer_id, tag) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var t in batch.Tags)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(t.CustomerId, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(t.Tag, NpgsqlDbType.Varchar, ct);
            }

            await copy.CompleteAsync(ct);
        }

        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY customer_field_values (customer_id, field_id, text_value, number_value, date_value, bool_value) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var v in batch.FieldValues)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(v.CustomerId, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(v.FieldId, NpgsqlDbType.Bigint, ct);
                await WriteNullableAsync(copy, v.Text, NpgsqlDbType.Varchar, ct);
                await WriteNullableAsync(copy, v.Number, NpgsqlDbType.Numeric, ct);
                await copy.WriteNullAsync(ct);
                await WriteNullableAsync(copy, v.Bool, NpgsqlDbType.Boolean, ct);
            }

            await copy.CompleteAsync(ct);
        }

        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY customer_external_ids (id, customer_id, source, external_id, created_at) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var e in batch.ExternalIds)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(e.Id, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(e.CustomerId, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(e.Source, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(e.ExternalId, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(e.CreatedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct);
            }

            await copy.CompleteAsync(ct);
        }

        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY transactions (id, customer_id, external_id, occurred_at, currency, total, source, created_at) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var t in batch.Transactions)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(t.Id, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(t.CustomerId, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(t.ExternalId, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(t.OccurredAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(currency, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(t.Total, NpgsqlDbType.Numeric, ct);
                await copy.WriteAsync(DemoCatalog.Source, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(t.OccurredAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct);
            }

            await copy.CompleteAsync(ct);
        }

        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY transaction_lines (id, transaction_id, customer_id, line_number, product_id, sku, description, quantity, unit_price, amount) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var l in batch.Lines)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(l.Id, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(l.TransactionId, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(l.CustomerId, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(l.LineNumber, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(l.ProductId, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(l.Sku, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(l.Description, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(l.Quantity, NpgsqlDbType.Numeric, ct);
                await copy.WriteAsync(l.UnitPrice, NpgsqlDbType.Numeric, ct);
                await copy.WriteAsync(l.Amount, NpgsqlDbType.Numeric, ct);
            }

            await copy.CompleteAsync(ct);
        }

        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY interactions (id, customer_id, channel, direction, type, subject, notes, occurred_at, source, created_by_user_id, created_at) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var i in batch.Interactions)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(i.Id, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(i.CustomerId, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(DemoEnums.Name(i.Channel), NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(DemoEnums.Name(i.Direction), NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(DemoEnums.Name(i.Type), NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(i.Subject, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(i.Notes, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(i.OccurredAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(DemoCatalog.Source, NpgsqlDbType.Varchar, ct);
                await WriteNullableAsync(copy, i.CreatedByUserId, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(i.OccurredAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct);
            }

            await copy.CompleteAsync(ct);
        }

        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY customer_metrics (customer_id, first_purchase_at, last_purchase_at, purchase_count, revenue, interaction_count, last_interaction_at, updated_at) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var m in batch.Metrics)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(m.CustomerId, NpgsqlDbType.Bigint, ct);
                await WriteNullableAsync(copy, m.FirstPurchaseAt?.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct);
                await WriteNullableAsync(copy, m.LastPurchaseAt?.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(m.PurchaseCount, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(m.Revenue, NpgsqlDbType.Numeric, ct);
                await copy.WriteAsync(m.InteractionCount, NpgsqlDbType.Integer, ct);
                await WriteNullableAsync(copy, m.LastInteractionAt?.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
            }

            await copy.CompleteAsync(ct);
        }

        await tx.CommitAsync(ct);
    }

    public async Task CompleteAsync(CancellationToken ct)
    {
        foreach (var table in IdentityTables)
        {
            // setval(.., max, true): the next generated id is max + 1. Tables are fixed names, not input.
            await using var command = new NpgsqlCommand(
                $"SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), 1), (SELECT COUNT(*) > 0 FROM {table}))",
                connection);
            await command.ExecuteScalarAsync(ct);
        }
    }

    public ValueTask DisposeAsync() => connection.DisposeAsync();

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type, CancellationToken ct)
        where T : class =>
        value is null ? copy.WriteNullAsync(ct) : copy.WriteAsync(value, type, ct);

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type, CancellationToken ct)
        where T : struct =>
        value is { } v ? copy.WriteAsync(v, type, ct) : copy.WriteNullAsync(ct);
}
