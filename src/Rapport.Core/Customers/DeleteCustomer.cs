using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Customers;

/// <summary>Deletes a customer with everything they own (tags, field values, interactions, transactions, metrics: cascaded by the schema).</summary>
public sealed class DeleteCustomer(RapportDbContext db, Audit.AuditLog audit, ILogger<DeleteCustomer> logger)
{
    public sealed record Deleted(long Id);

    /// <param name="expectedVersion">When given, the delete happens only if the customer is still at this version.</param>
    public async Task<Result<Deleted>> HandleAsync(long id, int? expectedVersion, CancellationToken ct)
    {
        var deleted = await db.Customers
            .Where(c => c.Id == id && (expectedVersion == null || c.Version == expectedVersion))
            .ExecuteDeleteAsync(ct);
        if (deleted == 0)
        {
            var current = await db.Customers.AsNoTracking().Where(c => c.Id == id).Select(c => (int?)c.Version).SingleOrDefaultAsync(ct);
            return current is null
                ? Result<Deleted>.NotFound($"There is no customer {id}.")
                : Result<Deleted>.PreconditionFailed($"The customer changed since you read it (now version {current}); read it again before deleting.");
        }

        // ExecuteDelete bypasses the change tracker, so the audit entry is written here (autocommit, like the delete).
        await audit.RecordAsync(Audit.AuditActions.CustomerDeleted, "customer", Audit.AuditLog.Id(id), id, ct: ct);
        logger.LogInformation("Customer {CustomerId} deleted", id);
        return Result<Deleted>.Ok(new Deleted(id));
    }
}
