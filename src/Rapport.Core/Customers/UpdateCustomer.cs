using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Customers.Changes;
using Rapport.Data;
using Rapport.Webhooks;

namespace Rapport.Customers;

/// <summary>
/// A partial update: only fields that are set change, and a field set to null is cleared. <c>Tags</c> and
/// <c>ExternalIds</c> replace the whole list (null clears it); <c>CustomFields</c> is merged key by key as in
/// JSON Merge Patch (a key with a value sets it, a key with null clears it, keys not named stay).
/// </summary>
public sealed record UpdateCustomerRequest
{
    public Optional<string?> FirstName { get; init; }
    public Optional<string?> LastName { get; init; }
    public Optional<string?> Email { get; init; }
    public Optional<string?> Phone { get; init; }
    public Optional<string?> Street { get; init; }
    public Optional<string?> City { get; init; }
    public Optional<string?> PostalCode { get; init; }
    public Optional<string?> Region { get; init; }
    public Optional<string?> Country { get; init; }
    public Optional<DateOnly?> BirthDate { get; init; }
    public Optional<string?> Language { get; init; }
    public Optional<long?> CompanyId { get; init; }
    public Optional<long?> OwnerId { get; init; }
    public Optional<IReadOnlyList<string?>?> Tags { get; init; }
    public Optional<IReadOnlyDictionary<string, JsonElement>?> CustomFields { get; init; }
    public Optional<IReadOnlyList<ExternalIdInput?>?> ExternalIds { get; init; }
}

public sealed class UpdateCustomer(RapportDbContext db, GetCustomer get, WebhookOutbox outbox, CustomerChanges changes, TimeProvider clock, ILogger<UpdateCustomer> logger)
{
    /// <param name="expectedVersion">The version the caller read (the ETag); null skips the check (If-Match: *).</param>
    public async Task<Result<CustomerDetail>> HandleAsync(long id, UpdateCustomerRequest request, int? expectedVersion, CancellationToken ct)
    {
        var customer = await db.Customers
            .Include(c => c.Tags)
            .Include(c => c.FieldValues)
            .Include(c => c.ExternalIds)
            .AsSplitQuery()
            .SingleOrDefaultAsync(c => c.Id == id, ct);
        if (customer is null)
        {
            return Result<CustomerDetail>.NotFound($"There is no customer {id}.");
        }

        if (expectedVersion is { } expected && customer.Version != expected)
        {
            return Stale(customer.Version);
        }

        var errors = new FieldErrors();
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        Apply(request.FirstName, v => customer.FirstName = CustomerRules.Text(errors, "firstName", v, CustomerLimits.FirstName));
        Apply(request.LastName, v => customer.LastName = CustomerRules.Text(errors, "lastName", v, CustomerLimits.LastName));
        Apply(request.Email, v => customer.Email = CustomerRules.Email(errors, v));
        Apply(request.Phone, v => customer.Phone = CustomerRules.Phone(errors, v));
        Apply(request.Street, v => customer.Street = CustomerRules.Text(errors, "street", v, CustomerLimits.Street));
        Apply(request.City, v => customer.City = CustomerRules.Text(errors, "city", v, CustomerLimits.City));
        Apply(request.PostalCode, v => customer.PostalCode = CustomerRules.Text(errors, "postalCode", v, CustomerLimits.PostalCode));
        Apply(request.Region, v => customer.Region = CustomerRules.Text(errors, "region", v, CustomerLimits.Region));
        Apply(request.Country, v => customer.Country = CustomerRules.Country(errors, v));
        Apply(request.BirthDate, v => customer.BirthDate = CustomerRules.BirthDate(errors, v, today));
        Apply(request.Language, v => customer.Language = CustomerRules.Language(errors, v));
        Apply(request.CompanyId, v => customer.CompanyId = v);
        Apply(request.OwnerId, v => customer.OwnerId = v);
        if (customer.FirstName is null && customer.LastName is null && customer.Email is null)
        {
            errors.Add("firstName", CustomerRules.NameOrEmailRequired);
            errors.Add("lastName", CustomerRules.NameOrEmailRequired);
            errors.Add("email", CustomerRules.NameOrEmailRequired);
        }

        var tags = request.Tags.IsSet ? CustomerRules.Tags(errors, request.Tags.Value) : null;
        var externalIds = request.ExternalIds.IsSet ? CustomerRules.ExternalIds(errors, request.ExternalIds.Value) : null;
        await CustomerRules.ReferencesAsync(db, errors,
            request.CompanyId.IsSet ? customer.CompanyId : null,
            request.OwnerId.IsSet ? customer.OwnerId : null, ct);
        var fields = request.CustomFields.IsSet ? await CustomFieldValues.ReadAsync(db, errors, request.CustomFields.Value, ct) : [];
        if (errors.Any)
        {
            db.ChangeTracker.Clear();
            return errors.ToResult<CustomerDetail>();
        }

        if (externalIds is not null && await CustomerRules.TakenExternalIdAsync(db, externalIds, id, ct) is { } taken)
        {
            db.ChangeTracker.Clear();
            return CreateCustomer.ExternalIdConflict(taken);
        }

        customer.EmailNormalized = Validate.NormalizeEmail(customer.Email);
        customer.SearchText = CustomerRules.SearchText(customer.FirstName, customer.LastName, customer.Email);
        var listsChanged = ReplaceTags(customer, tags) | ReplaceExternalIds(customer, externalIds) | MergeFields(customer, fields);
        if (db.Entry(customer).State == EntityState.Unchanged && !listsChanged)
        {
            // Nothing differs from what is stored: no new version, the caller's ETag stays valid.
            db.ChangeTracker.Clear();
            return await get.HandleAsync(id, ct);
        }

        // Tags, custom fields and external ids live in other tables; touching the customer row makes the
        // stamping interceptor bump Version and UpdatedAt for those changes too.
        customer.UpdatedAt = clock.GetUtcNow();
        db.Entry(customer).Property(c => c.UpdatedAt).IsModified = true;
        // The change, its webhook event (when subscribed) and what derives from it (stage, segments) commit together.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            var current = await db.Customers.AsNoTracking().Where(c => c.Id == id).Select(c => (int?)c.Version).SingleOrDefaultAsync(ct);
            return current is null ? Result<CustomerDetail>.NotFound($"There is no customer {id}.") : Stale(current.Value);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            return Result<CustomerDetail>.Conflict("One of the external ids already belongs to another customer.", "externalIds");
        }

        if (outbox.Wants(WebhookEvents.CustomerUpdated))
        {
            await outbox.EnqueueAsync(db, WebhookEvents.CustomerUpdated, [id], ct);
        }

        await changes.ChangedAsync(id, ct);
        await transaction.CommitAsync(ct);

        logger.LogInformation("Customer {CustomerId} updated to version {Version}", id, customer.Version);
        db.ChangeTracker.Clear();
        return await get.HandleAsync(id, ct);
    }

    private static Result<CustomerDetail> Stale(int current) =>
        Result<CustomerDetail>.PreconditionFailed($"The customer changed since you read it (now version {current}); read it again and retry with the new ETag.");

    private static void Apply<T>(Optional<T> field, Action<T> set)
    {
        if (field.IsSet)
        {
            set(field.Value);
        }
    }

    private static bool ReplaceTags(Customer customer, List<string>? tags)
    {
        if (tags is null)
        {
            return false;
        }

        var removed = customer.Tags.Where(t => !tags.Contains(t.Tag, StringComparer.Ordinal)).ToList();
        var added = tags.Where(t => customer.Tags.All(x => x.Tag != t)).ToList();
        foreach (var tag in removed)
        {
            customer.Tags.Remove(tag);
        }

        customer.Tags.AddRange(added.Select(t => new CustomerTag { CustomerId = customer.Id, Tag = t }));
        return removed.Count + added.Count > 0;
    }

    private static bool ReplaceExternalIds(Customer customer, List<(string Source, string ExternalId)>? ids)
    {
        if (ids is null)
        {
            return false;
        }

        var removed = customer.ExternalIds.Where(x => !ids.Contains((x.Source, x.ExternalId))).ToList();
        var added = ids.Where(i => !customer.ExternalIds.Any(x => x.Source == i.Source && x.ExternalId == i.ExternalId)).ToList();
        foreach (var id in removed)
        {
            customer.ExternalIds.Remove(id);
        }

        customer.ExternalIds.AddRange(added.Select(i => new CustomerExternalId { CustomerId = customer.Id, Source = i.Source, ExternalId = i.ExternalId }));
        return removed.Count + added.Count > 0;
    }

    private static bool MergeFields(Customer customer, List<CustomFieldValues.Change> changes)
    {
        var changed = false;
        foreach (var change in changes)
        {
            var existing = customer.FieldValues.FirstOrDefault(v => v.FieldId == change.Field.Id);
            if (change.Value is null)
            {
                if (existing is not null)
                {
                    customer.FieldValues.Remove(existing);
                    changed = true;
                }
            }
            else if (existing is null)
            {
                change.Value.CustomerId = customer.Id;
                customer.FieldValues.Add(change.Value);
                changed = true;
            }
            else if (existing.TextValue != change.Value.TextValue || existing.NumberValue != change.Value.NumberValue ||
                     existing.DateValue != change.Value.DateValue || existing.BoolValue != change.Value.BoolValue)
            {
                (existing.TextValue, existing.NumberValue, existing.DateValue, existing.BoolValue) =
                    (change.Value.TextValue, change.Value.NumberValue, change.Value.DateValue, change.Value.BoolValue);
                changed = true;
            }
        }

        return changed;
    }
}
