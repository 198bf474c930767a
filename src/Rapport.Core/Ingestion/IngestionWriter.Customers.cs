using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Companies;
using Rapport.Customers;
using Rapport.Webhooks;

namespace Rapport.Ingestion;

public sealed partial class IngestionWriter
{
    /// <summary>A customer item after validation: the values given (null = not given) and what they refer to.</summary>
    private sealed record CustomerDraft(
        string? ExternalId,
        string? EmailNormalized,
        CustomerRecord Values,
        string? CompanyName,
        string? OwnerEmail,
        List<string> Tags,
        List<CustomerFieldValue> Fields);

    /// <summary>
    /// Creates or updates customers: matched by external id within the source (Updated), else by normalised email
    /// (Merged, and the external id is added to that customer), else created. Given values replace stored ones; tags
    /// are added; the company is found by name or created; the owner is a user's email.
    /// </summary>
    public async Task<IngestResult[]> CustomersAsync(IngestionContext c, IReadOnlyList<IncomingCustomer> items, CancellationToken ct)
    {
        c = Normalize(c);
        var results = Results(items.Count);
        await using var store = await IngestStore.OpenAsync(c, items.Count, ct);
        var today = DateOnly.FromDateTime(c.Now.UtcDateTime);
        var definitions = await CustomFieldDefinitionsAsync(store, items.Any(i => i.CustomFields is { Count: > 0 }), ct);

        var drafts = new CustomerDraft?[items.Count];
        var errors = new FieldErrors?[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var e = new FieldErrors();
            drafts[i] = Draft(e, items[i], today, definitions);
            errors[i] = e;
        }

        var book = new CustomerBook(store, c, c.Source);
        var valid = drafts.Where((d, i) => d is not null && !errors[i]!.Any).Select(d => d!).ToList();
        await book.LoadAsync(valid.Select(d => (d.ExternalId, d.EmailNormalized)), full: true, ct);
        if (valid.Any(d => d.Tags.Count > 0))
        {
            await book.LoadTagsAsync(ct);
        }

        var owners = await IdsByKeyAsync(store, "SELECT email_normalized, id FROM users WHERE email_normalized IN {keys}",
            Distinct(valid.Select(d => d.OwnerEmail)), ct);
        var companies = new CompanyBook(store, c);
        await companies.LoadAsync(Distinct(valid.Select(d => d.CompanyName is null ? null : CompanyNames.Normalize(d.CompanyName))), ct);

        var touched = new CustomerRecord?[items.Count];
        var reasons = new string?[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var e = errors[i]!;
            if (drafts[i] is not { } draft || e.Any)
            {
                reasons[i] = IngestReasons.From(e);
                continue;
            }

            long? ownerId = null;
            if (draft.OwnerEmail is not null)
            {
                if (owners.TryGetValue(draft.OwnerEmail, out var owner))
                {
                    ownerId = owner;
                }
                else
                {
                    reasons[i] = "owner_email: there is no user with this email";
                    continue;
                }
            }

            var target = book.Find(draft.ExternalId, draft.EmailNormalized, out var byExternalId);
            var values = target is null ? draft.Values.Copy() : target.Copy();
            if (target is not null)
            {
                Apply(values, draft.Values);
            }

            if (ownerId is not null)
            {
                values.OwnerId = ownerId;
            }

            if (draft.CompanyName is not null)
            {
                values.CompanyId = companies.Resolve(draft.CompanyName, out var pending);
                values.NewCompany = pending;
            }

            if (values.FirstName is null && values.LastName is null && values.Email is null)
            {
                reasons[i] = "email: " + IngestReasons.Message(CustomerRules.NameOrEmailRequired);
                continue;
            }

            CustomerRecord customer;
            if (target is null)
            {
                customer = book.Create(values);
                results[i] = new IngestResult(IngestOutcome.Created, null, null);
            }
            else
            {
                if (!target.IsNew && (!values.SameValues(target) || values.NewCompany is not null))
                {
                    values.Dirty = true;
                }

                target.CopyFrom(values);
                customer = target;
                results[i] = new IngestResult(byExternalId ? IngestOutcome.Updated : IngestOutcome.Merged, null, null);
            }

            companies.Use(values.NewCompany);
            book.Remember(customer, draft.ExternalId, draft.EmailNormalized);
            foreach (var tag in draft.Tags)
            {
                book.AddTag(customer, tag);
            }

            foreach (var field in draft.Fields)
            {
                book.SetField(customer, field);
            }

            touched[i] = customer;
        }

        await companies.WriteAsync(ct);
        foreach (var customer in touched)
        {
            if (customer?.NewCompany is { } company)
            {
                customer.CompanyId = company.Id;
            }
        }

        await book.WriteAsync(ct);
        for (var i = 0; i < items.Count; i++)
        {
            results[i] = touched[i] is { } customer ? results[i] with { EntityId = customer.Id } : IngestResult.Reject(reasons[i]!);
        }

        await EnqueueAsync(c, WebhookEvents.CustomerCreated, book.Created.Select(x => x.Id), ct);
        await EnqueueAsync(c, WebhookEvents.CustomerUpdated, book.Updated.Select(x => x.Id), ct);
        logger.LogInformation("Ingested {Count} customers from {Source}: {Created} created, {Updated} changed", items.Count, c.Source, book.Created.Count, book.Updated.Count());
        return results;
    }

    private static CustomerDraft? Draft(FieldErrors e, IncomingCustomer item, DateOnly today, Dictionary<string, CustomFieldDefinition> definitions)
    {
        var externalId = CustomerRules.Text(e, "externalId", item.ExternalId, CustomerLimits.ExternalId);
        var values = new CustomerRecord
        {
            FirstName = CustomerRules.Text(e, "firstName", item.FirstName, CustomerLimits.FirstName),
            LastName = CustomerRules.Text(e, "lastName", item.LastName, CustomerLimits.LastName),
            Email = CustomerRules.Email(e, item.Email),
            Phone = CustomerRules.Phone(e, item.Phone),
            Street = CustomerRules.Text(e, "street", item.Street, CustomerLimits.Street),
            City = CustomerRules.Text(e, "city", item.City, CustomerLimits.City),
            PostalCode = CustomerRules.Text(e, "postalCode", item.PostalCode, CustomerLimits.PostalCode),
            Region = CustomerRules.Text(e, "region", item.Region, CustomerLimits.Region),
            Country = CustomerRules.Country(e, CountryNames.ToCode(item.Country)),
            BirthDate = CustomerRules.BirthDate(e, item.BirthDate, today),
            Language = CustomerRules.Language(e, item.Language),
        };
        var companyName = Validate.Clean(item.CompanyName);
        TextRules.SingleLine(e, "companyName", companyName, CompanyLimits.Name);
        var ownerEmail = Validate.NormalizeEmail(Validate.Clean(item.OwnerEmail));
        var tags = item.Tags is null ? [] : CustomerRules.Tags(e, item.Tags);
        var fields = new List<CustomerFieldValue>();
        foreach (var (key, text) in item.CustomFields ?? new Dictionary<string, string>())
        {
            var field = $"customFields.{key}";
            if (!definitions.TryGetValue(key, out var definition))
            {
                e.Add(field, "There is no custom field with this key.");
                continue;
            }

            // The text is read as a form field is (FromText), then checked by the same rules as JSON input; blank is "not given".
            if (!CustomFieldValues.TryConvert(definition, CustomFieldValues.FromText(definition.Type, text), out var value, out var error))
            {
                e.Add(field, error);
            }
            else if (value is not null)
            {
                fields.Add(value);
            }
        }

        return e.Any ? null : new CustomerDraft(externalId, Validate.NormalizeEmail(values.Email), values, companyName, ownerEmail, tags, fields);
    }

    /// <summary>Given values replace stored ones; values not given (null) leave them.</summary>
    private static void Apply(CustomerRecord target, CustomerRecord given)
    {
        target.FirstName = given.FirstName ?? target.FirstName;
        target.LastName = given.LastName ?? target.LastName;
        target.Email = given.Email ?? target.Email;
        target.Phone = given.Phone ?? target.Phone;
        target.Street = given.Street ?? target.Street;
        target.City = given.City ?? target.City;
        target.PostalCode = given.PostalCode ?? target.PostalCode;
        target.Region = given.Region ?? target.Region;
        target.Country = given.Country ?? target.Country;
        target.BirthDate = given.BirthDate ?? target.BirthDate;
        target.Language = given.Language ?? target.Language;
    }

    private static async Task<Dictionary<string, CustomFieldDefinition>> CustomFieldDefinitionsAsync(IngestStore store, bool needed, CancellationToken ct)
    {
        var definitions = new Dictionary<string, CustomFieldDefinition>(StringComparer.Ordinal);
        if (!needed)
        {
            return definitions;
        }

        await store.QueryRowsAsync("SELECT id, key, type, options FROM custom_fields", [], r =>
        {
            var definition = new CustomFieldDefinition
            {
                Id = r.GetInt64(0),
                Key = r.GetString(1),
                Type = Enum.Parse<CustomFieldType>(r.GetString(2)),
                Options = IngestStore.ReadText(r, 3),
            };
            definitions[definition.Key] = definition;
        }, CancellationToken.None);
        ct.ThrowIfCancellationRequested();
        return definitions;
    }

    private static List<string> Distinct(IEnumerable<string?> keys) => [.. keys.OfType<string>().Distinct(StringComparer.Ordinal)];

    private static async Task<Dictionary<string, long>> IdsByKeyAsync(IngestStore store, string sql, IReadOnlyCollection<string> keys, CancellationToken ct)
    {
        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        await store.QueryAsync(sql, keys, [], r => ids.TryAdd(r.GetString(0), r.GetInt64(1)), ct);
        return ids;
    }

    /// <summary>Companies that customers name: found by normalised name, or created once per call for accepted items.</summary>
    private sealed class CompanyBook(IngestStore store, IngestionContext context)
    {
        private readonly Dictionary<string, long> _stored = new(StringComparer.Ordinal);
        private readonly Dictionary<string, NewCompany> _pending = new(StringComparer.Ordinal);
        private readonly List<NewCompany> _used = [];

        public async Task LoadAsync(IReadOnlyCollection<string> normalized, CancellationToken ct) =>
            await store.QueryAsync("SELECT name_normalized, MIN(id) FROM companies WHERE name_normalized IN {keys} GROUP BY name_normalized",
                normalized, [], r => _stored[r.GetString(0)] = r.GetInt64(1), ct);

        /// <summary>The stored company's id, or null with the company this call will create.</summary>
        public long? Resolve(string name, out NewCompany? pending)
        {
            var key = CompanyNames.Normalize(name);
            if (_stored.TryGetValue(key, out var id))
            {
                pending = null;
                return id;
            }

            if (!_pending.TryGetValue(key, out pending))
            {
                _pending[key] = pending = new NewCompany(name, key);
            }

            return null;
        }

        /// <summary>Marks a company to create because an accepted item refers to it.</summary>
        public void Use(NewCompany? company)
        {
            if (company is { Used: false })
            {
                company.Used = true;
                _used.Add(company);
            }
        }

        public async Task WriteAsync(CancellationToken ct)
        {
            var ids = await store.ReserveIdsAsync("companies", _used.Count, ct);
            for (var i = 0; i < _used.Count; i++)
            {
                _used[i].Id = ids[i];
            }

            await store.InsertAsync(CompaniesTable,
                [.. _used.Select(x => new object?[] { x.Id, x.Name, x.NameNormalized, null, null, null, null, null, null, null, context.Now, 1, context.Now })], ct);
        }
    }
}

/// <summary>A company a customer item names that does not exist yet; its id is set when it is written.</summary>
internal sealed class NewCompany(string name, string nameNormalized)
{
    public string Name { get; } = name;
    public string NameNormalized { get; } = nameNormalized;
    public long Id { get; set; }
    public bool Used { get; set; }
}
