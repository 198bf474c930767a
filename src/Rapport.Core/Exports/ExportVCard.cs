using Rapport.Common;
using Rapport.Customers;
using Rapport.Data;
using Rapport.VCards;

namespace Rapport.Exports;

/// <summary>One customer's vCard, named after the customer (e.g. <c>jose-muller-lukasiewicz.vcf</c>).</summary>
public sealed record CustomerVCard(string FileName, string Text);

/// <summary>The vCard of one customer (4.0 unless <c>version</c> is 3.0), the same card the bulk vcf export writes.</summary>
public sealed class ExportVCard(RapportDbContext db, SearchCustomers search, Audit.AuditLog audit, Access.CustomerOwnership ownership)
{
    public async Task<Result<CustomerVCard>> HandleAsync(long customerId, string? version, CancellationToken ct)
    {
        if (!VCardWriter.TryParseVersion(version, out var v))
        {
            return Result<CustomerVCard>.Invalid("version", "Must be 4.0 or 3.0.");
        }

        var reader = new ExportReader(db, search, ownership);
        var rows = await reader.CustomersAsync([customerId], [], ct);
        if (rows.Count == 0)
        {
            return Result<CustomerVCard>.NotFound($"Customer {customerId} does not exist.");
        }

        var row = rows[0];
        await audit.ViewedAsync(Audit.AuditActions.CustomerExported, "customer", Audit.AuditLog.Id(customerId), customerId, new { format = "vcf" }, ct);
        var name = Validate.Fold(CustomerNames.Display(row.FirstName, row.LastName, null, row.Id));
        var slug = string.Join('-', name.Split(name.Where(c => !char.IsAsciiLetterOrDigit(c)).Distinct().ToArray(), StringSplitOptions.RemoveEmptyEntries));
        return Result<CustomerVCard>.Ok(new CustomerVCard($"{(slug.Length > 0 ? slug : $"customer-{row.Id}")}.vcf", VCardWriter.ToText(ExportFormats.Contact(row), v)));
    }
}
