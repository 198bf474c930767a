using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Ingestion.Batch;

/// <summary>The customers of one batch request as read (see <see cref="BatchJson"/>); <c>Customers</c> is null when the body had none.</summary>
public sealed record UpsertCustomersRequest(string? Source, IReadOnlyList<BatchItem<IncomingCustomer>>? Customers);

/// <summary>
/// Creates or updates up to 1,000 customers in one database transaction through <see cref="IngestionWriter"/>
/// (matched by external id within the source, else by email) and reports each one in request order.
/// </summary>
public sealed class UpsertCustomers(RapportDatabase database, BatchWriteGate gate, IngestionWriter writer, TimeProvider clock, ILogger<UpsertCustomers> logger)
{
    public async Task<Result<CustomerBatchReport>> HandleAsync(UpsertCustomersRequest request, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var source = BatchRules.Source(request.Source, errors);
        BatchRules.Count(errors, "customers", request.Customers?.Count);
        if (errors.Any)
        {
            return errors.ToResult<CustomerBatchReport>();
        }

        var customers = request.Customers!;
        var reports = new CustomerItemReport?[customers.Count];
        var incoming = new List<IncomingCustomer>(customers.Count);
        var indexes = new List<int>(customers.Count);
        for (var i = 0; i < customers.Count; i++)
        {
            var item = customers[i];
            var reason = item.Error ?? Check(item.Value!);
            if (reason is not null)
            {
                reports[i] = new CustomerItemReport(i, item.Label, CustomerItemStatus.Rejected, null, reason);
                continue;
            }

            incoming.Add(WithoutNullFields(item.Value!));
            indexes.Add(i);
        }

        if (incoming.Count > 0)
        {
            var results = await BatchTransaction.RunAsync(database, gate, source, clock, logger, context => writer.CustomersAsync(context, incoming, ct), ct);
            if (results.Length != incoming.Count)
            {
                throw new InvalidOperationException($"The writer answered {results.Length} results for {incoming.Count} customers.");
            }

            for (var j = 0; j < results.Length; j++)
            {
                var index = indexes[j];
                var result = results[j];
                var status = result.Outcome switch
                {
                    IngestOutcome.Created => CustomerItemStatus.Created,
                    IngestOutcome.Updated => CustomerItemStatus.Updated,
                    IngestOutcome.Merged => CustomerItemStatus.Merged,
                    _ => CustomerItemStatus.Rejected,
                };
                reports[index] = new CustomerItemReport(index, customers[index].Label, status,
                    status == CustomerItemStatus.Rejected ? null : result.EntityId, BatchRules.ApiReason(result.Reason));
            }
        }

        var items = reports.Select(r => r!).ToArray();
        var report = new CustomerBatchReport(
            items.Length,
            items.Count(r => r.Status == CustomerItemStatus.Created),
            items.Count(r => r.Status == CustomerItemStatus.Updated),
            items.Count(r => r.Status == CustomerItemStatus.Merged),
            items.Count(r => r.Status == CustomerItemStatus.Rejected),
            items);
        logger.LogInformation("Customer batch for source {Source}: {Received} received, {Created} created, {Updated} updated, {Merged} merged, {Rejected} rejected",
            source, report.Received, report.Created, report.Updated, report.Merged, report.Rejected);
        return Result<CustomerBatchReport>.Ok(report);
    }

    private static string? Check(IncomingCustomer c) =>
        c.Tags is not null && c.Tags.Any(t => t is null) ? "tags: must be strings, not null." : null;

    /// <summary>A custom field sent as null is "not given", like any other null field (JSON lets a string map hold nulls).</summary>
    private static IncomingCustomer WithoutNullFields(IncomingCustomer c) =>
        c.CustomFields is { } fields && fields.Values.Any(v => v is null)
            ? c with { CustomFields = fields.Where(f => f.Value is not null).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal) }
            : c;
}
