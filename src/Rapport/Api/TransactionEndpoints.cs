using Microsoft.AspNetCore.Http.HttpResults;
using Rapport.Common;
using Rapport.Identity;
using Rapport.Transactions;

namespace Rapport.Api;

public static class TransactionEndpoints
{
    /// <summary>
    /// Body of <c>POST /api/v1/transactions</c>. <c>total</c> defaults to the sum of the line amounts; when both are
    /// sent they may differ (tax, shipping, discounts). <c>externalId</c> is unique per customer.
    /// </summary>
    public sealed record RecordTransactionBody(
        long? CustomerId,
        string? ExternalId,
        DateTimeOffset? OccurredAt,
        string? Currency,
        decimal? Total,
        List<TransactionLineRequest?>? Lines,
        string? Source);

    public static RouteGroupBuilder MapTransactionEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/transactions").WithTags("Transactions").RequireAuthorization(Policies.CustomersView);

        group.MapGet("/", async Task<Results<Ok<Page<TransactionRow>>, ProblemHttpResult>> (
                long? customerId, int? limit, string? after, ListTransactions list, CancellationToken ct) =>
            {
                var result = await list.HandleAsync(new ListTransactionsQuery(customerId, limit, after), ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithSummary("List transactions, newest first (filter by customerId; keyset paging with limit and after)")
            .WithDescription("Sorted by occurredAt, then id, both descending; rows carry lineCount, GET /{id} has the lines. " + "limit: 1..200 (default 50). after: the 'next' cursor of the previous page, unchanged.");

        group.MapPost("/", async Task<Results<Created<TransactionDetail>, ProblemHttpResult>> (RecordTransactionBody body, RecordTransaction record, CancellationToken ct) =>
            {
                var errors = new FieldErrors();
                if (body.CustomerId is null)
                {
                    errors.Add("customerId", "Is required.");
                }

                var lines = new List<TransactionLineRequest>(body.Lines?.Count ?? 0);
                for (var i = 0; i < (body.Lines?.Count ?? 0); i++)
                {
                    if (body.Lines![i] is { } line)
                    {
                        lines.Add(line);
                    }
                    else
                    {
                        errors.Add($"lines[{i}]", "Must be a line object, not null.");
                    }
                }

                if (errors.Any)
                {
                    return ApiProblems.Validation(errors.ToDictionary());
                }

                var result = await record.HandleAsync(
                    new RecordTransactionRequest(body.CustomerId!.Value, body.ExternalId, body.OccurredAt, body.Currency, body.Total, lines, body.Source),
                    ct);
                return result.IsOk ? TypedResults.Created($"/api/v1/transactions/{result.Value!.Id}", result.Value) : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.CustomersEdit)
            .WithIdempotency()
            .WithSummary("Record a transaction (an order) with its line items; a repeated externalId for the customer is a 409")
            .WithDescription("total defaults to the sum of the line amounts (quantity × unitPrice); when both are sent they may differ " +
                "(tax, shipping, discounts) and total is what counts as revenue. currency: ISO 4217, defaults to the reporting currency. " +
                "A line names a product by productId or sku (a known SKU links the product) or only has a description.");

        group.MapGet("/{id:long}", async Task<Results<Ok<TransactionDetail>, ProblemHttpResult>> (long id, GetTransaction get, CancellationToken ct) =>
            {
                var result = await get.HandleAsync(id, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithSummary("Read a transaction with its lines");

        group.MapDelete("/{id:long}", async Task<Results<NoContent, ProblemHttpResult>> (long id, DeleteTransaction delete, CancellationToken ct) =>
            {
                var result = await delete.HandleAsync(id, ct);
                return result.IsOk ? TypedResults.NoContent() : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.CustomersDelete)
            .WithSummary("Delete a transaction and its lines");

        return api;
    }
}
