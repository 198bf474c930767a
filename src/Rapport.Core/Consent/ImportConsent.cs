using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Data;

namespace Rapport.Consent;

/// <summary>
/// Appends the consent columns of an import's customer rows to the ledger, inside the import's batch transaction (a
/// cancelled batch or a dry run keeps none of them). Source import, reference <c>import {id}</c> (plus the row's
/// <c>consent_source_ref</c>). Idempotent: an event that would not change the state is left out, so the same file
/// imported twice adds nothing the second time; "no" is a withdrawal when the current state is a grant.
/// </summary>
public static class ImportConsent
{
    public static async Task AppendAsync(IServiceScopeFactory scopes, DbConnection connection, DbTransaction transaction, long importId, long? userId,
        IReadOnlyList<(long CustomerId, IReadOnlyList<ConsentInput> Inputs)> rows, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RapportDbContext>();
        db.Database.SetDbConnection(connection, contextOwnsConnection: false);
        await db.Database.UseTransactionAsync(transaction, ct);
        var record = scope.ServiceProvider.GetRequiredService<RecordConsent>();
        var reference = "import " + importId.ToString(CultureInfo.InvariantCulture);
        var context = new ConsentContext(ConsentSource.Import, reference, userId, SourceReference: reference);
        foreach (var (customerId, inputs) in rows)
        {
            var own = inputs.Select(i => i with { SourceReference = i.SourceReference is null ? reference : $"{reference}: {i.SourceReference}" }).ToList();
            await record.RecordAsync(customerId, own, context, skipUnchanged: true, ct);
            db.ChangeTracker.Clear();
        }
    }
}
