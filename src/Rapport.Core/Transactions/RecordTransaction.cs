using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Data;
using Rapport.Interactions;
using Rapport.Metrics;
using Rapport.Webhooks;

namespace Rapport.Transactions;

/// <summary>
/// A purchase to record.
/// <list type="bullet">
/// <item><c>ExternalId</c>: the order id in the sending system, unique per customer (optional).</item>
/// <item><c>OccurredAt</c>: when it happened; defaults to now, at most one day in the future.</item>
/// <item><c>Currency</c>: ISO 4217, any case; defaults to the reporting currency (<c>Rapport:Currency</c>, USD).</item>
/// <item><c>Total</c>: what the customer paid, ≥ 0. When absent it is the sum of the line amounts. When both are given
/// they may differ: the total includes tax, shipping and discounts that lines do not carry.</item>
/// <item><c>Lines</c>: optional; each names a product by <c>ProductId</c> or <c>Sku</c>, or only describes itself.</item>
/// </list>
/// </summary>
public sealed record RecordTransactionRequest(
    long CustomerId,
    string? ExternalId = null,
    DateTimeOffset? OccurredAt = null,
    string? Currency = null,
    decimal? Total = null,
    IReadOnlyList<TransactionLineRequest>? Lines = null,
    string? Source = null)
{
    public const int ExternalIdMaxLength = 100;
    public const int MaxLines = 1000;
}

/// <summary>
/// A line: <c>Quantity</c> &gt; 0 (default 1), <c>UnitPrice</c> ≥ 0 (required). A <c>Sku</c> that matches a product
/// links it; an unknown SKU is kept as text. An unknown <c>ProductId</c> is an error. <c>Description</c> defaults to the
/// product's name at the time of sale.
/// </summary>
public sealed record TransactionLineRequest(
    long? ProductId = null,
    string? Sku = null,
    string? Description = null,
    decimal? Quantity = null,
    decimal? UnitPrice = null)
{
    public const int SkuMaxLength = 64;
    public const int DescriptionMaxLength = 200;
}

/// <summary>
/// Records a transaction with its lines and refreshes the customer's metrics (first/last purchase, count, revenue in
/// the reporting currency) in the same database transaction. A second transaction with the same external id for the
/// same customer is a conflict on <c>externalId</c>; nothing is stored.
/// </summary>
public sealed class RecordTransaction(
    RapportDbContext db,
    Access.CustomerOwnership ownership,
    CustomerMetricsUpdater metrics,
    WebhookOutbox outbox,
    TimeProvider clock,
    ILogger<RecordTransaction> logger)
{
    public async Task<Result<TransactionDetail>> HandleAsync(RecordTransactionRequest request, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var now = clock.GetUtcNow();

        var externalId = Validate.Clean(request.ExternalId);
        TextRules.SingleLine(errors, "externalId", externalId, RecordTransactionRequest.ExternalIdMaxLength);
        var occurredAt = TextRules.ToStoredPrecision(request.OccurredAt ?? now);
        TextRules.EventTime(errors, "occurredAt", occurredAt, now);
        var currency = Money.Currency(errors, "currency", request.Currency, metrics.ReportingCurrency);
        Money.NonNegativeAmount(errors, "total", request.Total);
        var source = TextRules.Source(errors, request.Source, "api");

        var lineRequests = request.Lines ?? [];
        if (lineRequests.Count > RecordTransactionRequest.MaxLines)
        {
            errors.Add("lines", $"Must have at most {RecordTransactionRequest.MaxLines} lines.");
            return errors.ToResult<TransactionDetail>();
        }

        if (lineRequests.Count == 0 && request.Total is null)
        {
            errors.Add("total", "Is required when the transaction has no lines.");
        }

        var lines = new List<TransactionLine>(lineRequests.Count);
        for (var i = 0; i < lineRequests.Count; i++)
        {
            lines.Add(ValidateLine(errors, $"lines[{i}]", lineRequests[i], i + 1));
        }

        if (errors.Any)
        {
            return errors.ToResult<TransactionDetail>();
        }

        var total = request.Total ?? lines.Sum(l => l.Amount);
        if (total > Money.MaxAmount)
        {
            return Result<TransactionDetail>.Invalid("total", $"The sum of the line amounts must be at most {Money.MaxAmount:0}.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (!await ownership.Visible(db.Customers).AnyAsync(c => c.Id == request.CustomerId, ct))
        {
            return Result<TransactionDetail>.Invalid("customerId", $"Customer {request.CustomerId} does not exist.");
        }

        if (externalId is not null && await ExistingAsync(request.CustomerId, externalId, ct) is { } existing)
        {
            return Duplicate(request.CustomerId, externalId, existing);
        }

        await LinkProductsAsync(errors, lines, ct);
        if (errors.Any)
        {
            return errors.ToResult<TransactionDetail>();
        }

        foreach (var line in lines)
        {
            line.CustomerId = request.CustomerId;
        }

        var row = new Transaction
        {
            CustomerId = request.CustomerId,
            ExternalId = externalId,
            OccurredAt = occurredAt,
            Currency = currency!,
            Total = total,
            Source = source,
            Lines = lines,
        };
        db.Transactions.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e) && externalId is not null)
        {
            // Another request stored the same order between our check and our insert.
            db.ChangeTracker.Clear();
            await transaction.RollbackAsync(ct);
            return Duplicate(request.CustomerId, externalId, await ExistingAsync(request.CustomerId, externalId, ct));
        }
        catch (DbUpdateException e) when (DbErrors.IsForeignKeyViolation(e))
        {
            // The customer or a product was deleted between our checks and our insert.
            db.ChangeTracker.Clear();
            await transaction.RollbackAsync(ct);
            return Result<TransactionDetail>.Conflict("The customer or a product of this transaction was deleted while it was being recorded; retry.");
        }

        await metrics.RefreshAsync(request.CustomerId, ct);
        if (outbox.Wants(WebhookEvents.TransactionCreated))
        {
            await outbox.EnqueueAsync(db, WebhookEvents.TransactionCreated, [row.Id], ct);
        }

        await transaction.CommitAsync(ct);
        logger.LogInformation("Recorded transaction {TransactionId} with {LineCount} lines for customer {CustomerId}", row.Id, lines.Count, request.CustomerId);

        return Result<TransactionDetail>.Ok(new TransactionDetail(
            row.Id, row.CustomerId, row.ExternalId, row.OccurredAt, row.Currency, row.Total, row.Source, row.CreatedAt,
            [.. lines.Select(l => new TransactionLineDetail(l.LineNumber, l.ProductId, l.Sku, l.Description, l.Quantity, l.UnitPrice, l.Amount))]));
    }

    private static TransactionLine ValidateLine(FieldErrors errors, string prefix, TransactionLineRequest? line, int number)
    {
        if (line is null)
        {
            errors.Add(prefix, "Must be a line object, not null.");
            return new TransactionLine { LineNumber = number };
        }

        var sku = Validate.Clean(line.Sku);
        TextRules.SingleLine(errors, $"{prefix}.sku", sku, TransactionLineRequest.SkuMaxLength);
        var description = Validate.Clean(line.Description);
        TextRules.SingleLine(errors, $"{prefix}.description", description, TransactionLineRequest.DescriptionMaxLength);
        if (line.ProductId is null && sku is null && description is null)
        {
            errors.Add($"{prefix}.productId", "A line needs a productId, a sku or a description.");
        }

        var quantity = line.Quantity ?? 1m;
        Money.PositiveQuantity(errors, $"{prefix}.quantity", quantity);
        if (line.UnitPrice is null)
        {
            errors.Add($"{prefix}.unitPrice", "Is required (0 for a free item).");
        }

        Money.NonNegativeAmount(errors, $"{prefix}.unitPrice", line.UnitPrice);
        var unitPrice = line.UnitPrice ?? 0m;
        var amount = Money.LineAmount(quantity, unitPrice);
        if (amount > Money.MaxAmount)
        {
            errors.Add($"{prefix}.unitPrice", $"Quantity × unit price must be at most {Money.MaxAmount:0}.");
        }

        return new TransactionLine
        {
            LineNumber = number,
            ProductId = line.ProductId,
            Sku = sku,
            Description = description,
            Quantity = quantity,
            UnitPrice = unitPrice,
            Amount = amount,
        };
    }

    /// <summary>Links lines to catalogue products: by id (must exist; the SKU, when also sent, must match) or by SKU (when known).</summary>
    private async Task LinkProductsAsync(FieldErrors errors, List<TransactionLine> lines, CancellationToken ct)
    {
        var ids = lines.Where(l => l.ProductId is not null).Select(l => l.ProductId!.Value).Distinct().ToList();
        var skus = lines.Where(l => l.ProductId is null && l.Sku is not null).Select(l => l.Sku!).Distinct().ToList();
        if (ids.Count == 0 && skus.Count == 0)
        {
            return;
        }

        var products = await db.Products.AsNoTracking()
            .Where(p => ids.Contains(p.Id) || skus.Contains(p.Sku))
            .Select(p => new { p.Id, p.Sku, p.Name })
            .ToListAsync(ct);
        var byId = products.ToDictionary(p => p.Id);
        var bySku = products.ToDictionary(p => p.Sku, StringComparer.Ordinal);

        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.ProductId is { } id)
            {
                if (!byId.TryGetValue(id, out var product))
                {
                    errors.Add($"lines[{i}].productId", $"Product {id} does not exist.");
                    continue;
                }

                if (line.Sku is not null && !string.Equals(line.Sku, product.Sku, StringComparison.Ordinal))
                {
                    errors.Add($"lines[{i}].sku", $"Does not match product {id}, whose SKU is '{product.Sku}'.");
                    continue;
                }

                line.Sku = product.Sku;
                line.Description ??= Truncate(product.Name);
            }
            else if (line.Sku is not null && bySku.TryGetValue(line.Sku, out var product))
            {
                line.ProductId = product.Id;
                line.Description ??= Truncate(product.Name);
            }
        }
    }

    private static string Truncate(string name) =>
        name.Length <= TransactionLineRequest.DescriptionMaxLength ? name : name[..TransactionLineRequest.DescriptionMaxLength];

    private Task<long?> ExistingAsync(long customerId, string externalId, CancellationToken ct) =>
        db.Transactions.AsNoTracking()
            .Where(t => t.CustomerId == customerId && t.ExternalId == externalId)
            .Select(t => (long?)t.Id)
            .FirstOrDefaultAsync(ct);

    private static Result<TransactionDetail> Duplicate(long customerId, string externalId, long? existingId) =>
        Result<TransactionDetail>.Conflict(
            $"Customer {customerId} already has a transaction with externalId '{externalId}'" +
            (existingId is null ? "." : $" (transaction {existingId}).") +
            " Each order is recorded once; delete the stored one first to replace it.",
            "externalId");
}
