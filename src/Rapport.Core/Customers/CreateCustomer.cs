using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Data;
using Rapport.Metrics;
using Rapport.Webhooks;

namespace Rapport.Customers;

/// <summary>
/// A new customer. At least one of first name, last name or email is required. <c>Tags</c> are stored trimmed and
/// lower case; <c>CustomFields</c> maps field keys to JSON values of the field's type; external ids are unique per source.
/// </summary>
public sealed record CreateCustomerRequest
{
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
    public string? Street { get; init; }
    public string? City { get; init; }
    public string? PostalCode { get; init; }
    public string? Region { get; init; }
    /// <summary>ISO 3166-1 alpha-2, e.g. <c>US</c>.</summary>
    public string? Country { get; init; }
    public DateOnly? BirthDate { get; init; }
    /// <summary>BCP 47 language tag, e.g. <c>en</c> or <c>fr-CA</c>.</summary>
    public string? Language { get; init; }
    public long? CompanyId { get; init; }
    public long? OwnerId { get; init; }
    public IReadOnlyList<string?>? Tags { get; init; }
    public IReadOnlyDictionary<string, JsonElement>? CustomFields { get; init; }
    public IReadOnlyList<ExternalIdInput?>? ExternalIds { get; init; }
}

/// <summary>Where a write came from, stored on the customer: the API, the web UI, an import or the demo generator.</summary>
public static class CustomerSources
{
    public const string Api = "api";
    public const string Ui = "ui";
    public const string Import = "import";
    public const string Demo = "demo";
}

public sealed class CreateCustomer(
    RapportDbContext db,
    CustomerMetricsUpdater metrics,
    GetCustomer get,
    WebhookOutbox outbox,
    TimeProvider clock,
    ILogger<CreateCustomer> logger)
{
    public async Task<Result<CustomerDetail>> HandleAsync(CreateCustomerRequest request, string source, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var customer = new Customer
        {
            FirstName = CustomerRules.Text(errors, "firstName", request.FirstName, CustomerLimits.FirstName),
            LastName = CustomerRules.Text(errors, "lastName", request.LastName, CustomerLimits.LastName),
            Email = CustomerRules.Email(errors, request.Email),
            Phone = CustomerRules.Phone(errors, request.Phone),
            Street = CustomerRules.Text(errors, "street", request.Street, CustomerLimits.Street),
            City = CustomerRules.Text(errors, "city", request.City, CustomerLimits.City),
            PostalCode = CustomerRules.Text(errors, "postalCode", request.PostalCode, CustomerLimits.PostalCode),
            Region = CustomerRules.Text(errors, "region", request.Region, CustomerLimits.Region),
            Country = CustomerRules.Country(errors, request.Country),
            BirthDate = CustomerRules.BirthDate(errors, request.BirthDate, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)),
            Language = CustomerRules.Language(errors, request.Language),
            CompanyId = request.CompanyId,
            OwnerId = request.OwnerId,
            Source = source,
        };
        if (customer.FirstName is null && customer.LastName is null && customer.Email is null)
        {
            errors.Add("firstName", CustomerRules.NameOrEmailRequired);
            errors.Add("lastName", CustomerRules.NameOrEmailRequired);
            errors.Add("email", CustomerRules.NameOrEmailRequired);
        }

        var tags = CustomerRules.Tags(errors, request.Tags);
        var externalIds = CustomerRules.ExternalIds(errors, request.ExternalIds);
        await CustomerRules.ReferencesAsync(db, errors, customer.CompanyId, customer.OwnerId, ct);
        var fields = await CustomFieldValues.ReadAsync(db, errors, request.CustomFields, ct);
        if (errors.Any)
        {
            return errors.ToResult<CustomerDetail>();
        }

        if (await CustomerRules.TakenExternalIdAsync(db, externalIds, null, ct) is { } taken)
        {
            return ExternalIdConflict(taken);
        }

        customer.EmailNormalized = Validate.NormalizeEmail(customer.Email);
        customer.SearchText = CustomerRules.SearchText(customer.FirstName, customer.LastName, customer.Email);
        customer.Tags = [.. tags.Select(t => new CustomerTag { Tag = t })];
        customer.ExternalIds = [.. externalIds.Select(x => new CustomerExternalId { Source = x.Source, ExternalId = x.ExternalId })];
        customer.FieldValues = [.. fields.Where(f => f.Value is not null).Select(f => f.Value!)];

        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            db.Customers.Add(customer);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
            {
                // Another request took one of the external ids between the check and the insert.
                db.ChangeTracker.Clear();
                return Result<CustomerDetail>.Conflict("One of the external ids already belongs to another customer.", "externalIds");
            }

            await metrics.RefreshAsync(customer.Id, ct);
            if (outbox.Wants(WebhookEvents.CustomerCreated))
            {
                await outbox.EnqueueAsync(db, WebhookEvents.CustomerCreated, [customer.Id], ct);
            }

            await transaction.CommitAsync(ct);
        }

        logger.LogInformation("Customer {CustomerId} created from {Source}", customer.Id, source);
        db.ChangeTracker.Clear();
        return await get.HandleAsync(customer.Id, ct);
    }

    internal static Result<CustomerDetail> ExternalIdConflict((string Source, string ExternalId) taken) =>
        Result<CustomerDetail>.Conflict(
            $"The external id '{taken.ExternalId}' of source '{taken.Source}' already belongs to another customer.", "externalIds");
}
