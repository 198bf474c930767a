using Rapport.Common;
using Rapport.Customers;
using Rapport.Customers.Changes;

namespace Rapport.Ingestion;

/// <summary>One customer as a call sees it: loaded from the database or new in this call, with the values to store.</summary>
internal sealed class CustomerRecord
{
    public long Id { get; set; }
    public bool IsNew { get; init; }
    /// <summary>An existing customer whose row must be written back (its version goes up once per call).</summary>
    public bool Dirty { get; set; }
    /// <summary>Only the id was read (a customer a transaction or interaction refers to): its row is never rewritten, only touched.</summary>
    public bool Partial { get; init; }
    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string? Email { get; set; }
    public string? Phone { get; set; }
    public string? Street { get; set; }
    public string? City { get; set; }
    public string? PostalCode { get; set; }
    public string? Region { get; set; }
    public string? Country { get; set; }
    public DateOnly? BirthDate { get; set; }
    public string? Language { get; set; }
    public long? CompanyId { get; set; }
    public long? OwnerId { get; set; }
    /// <summary>The company this call creates for the customer (its id is known once written).</summary>
    public NewCompany? NewCompany { get; set; }
    public string Source { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public int Version { get; set; }
    /// <summary>Tags stored before this call (loaded only when an item adds tags).</summary>
    public HashSet<string>? StoredTags { get; set; }

    public CustomerRecord Copy() => (CustomerRecord)MemberwiseClone();

    public void CopyFrom(CustomerRecord other)
    {
        (FirstName, LastName, Email, Phone, Street, City, PostalCode, Region, Country, BirthDate, Language, CompanyId, OwnerId, NewCompany, Dirty) =
            (other.FirstName, other.LastName, other.Email, other.Phone, other.Street, other.City, other.PostalCode, other.Region, other.Country,
             other.BirthDate, other.Language, other.CompanyId, other.OwnerId, other.NewCompany, other.Dirty);
    }

    public bool SameValues(CustomerRecord other) =>
        FirstName == other.FirstName && LastName == other.LastName && Email == other.Email && Phone == other.Phone &&
        Street == other.Street && City == other.City && PostalCode == other.PostalCode && Region == other.Region &&
        Country == other.Country && BirthDate == other.BirthDate && Language == other.Language && CompanyId == other.CompanyId &&
        OwnerId == other.OwnerId;
}

/// <summary>
/// The customers one call refers to, by external id (within the call's source) and by normalised email: those found
/// in the database (looked up once per call with one statement per key kind) and those the call creates, so that two
/// items naming the same new customer create it once. Collects the customer rows, external ids, tags and field values
/// to write, and writes them.
/// </summary>
internal sealed class CustomerBook(IngestStore store, IngestionContext context, string source)
{
    private static readonly TableSpec CustomersTable = new("customers",
        ("id", ColumnType.Long), ("first_name", ColumnType.Text), ("last_name", ColumnType.Text), ("email", ColumnType.Text),
        ("email_normalized", ColumnType.Text), ("phone", ColumnType.Text), ("street", ColumnType.Text), ("city", ColumnType.Text),
        ("postal_code", ColumnType.Text), ("region", ColumnType.Text), ("country", ColumnType.Text), ("birth_date", ColumnType.Date),
        ("language", ColumnType.Text), ("company_id", ColumnType.Long), ("owner_id", ColumnType.Long), ("search_text", ColumnType.Text),
        ("updated_at", ColumnType.Instant), ("version", ColumnType.Int), ("source", ColumnType.Text), ("created_at", ColumnType.Instant));

    // The same columns less the three that never change after creation: an UPDATE by id sets all of them.
    private static readonly TableSpec CustomerUpdates = new("customers", CustomersTable.Columns[..^2]);

    private static readonly TableSpec ExternalIdsTable = new("customer_external_ids",
        ("id", ColumnType.Long), ("customer_id", ColumnType.Long), ("source", ColumnType.Text), ("external_id", ColumnType.Text), ("created_at", ColumnType.Instant));

    private static readonly TableSpec TagsTable = new("customer_tags", ("customer_id", ColumnType.Long), ("tag", ColumnType.Text));

    private static readonly TableSpec FieldValuesTable = new("customer_field_values",
        ("customer_id", ColumnType.Long), ("field_id", ColumnType.Long), ("text_value", ColumnType.Text), ("number_value", ColumnType.Decimal),
        ("date_value", ColumnType.Date), ("bool_value", ColumnType.Bool));

    private static readonly TableSpec MetricsTable = new("customer_metrics",
        ("customer_id", ColumnType.Long), ("purchase_count", ColumnType.Int), ("revenue", ColumnType.Decimal), ("interaction_count", ColumnType.Int),
        ("updated_at", ColumnType.Instant));

    private readonly Dictionary<string, CustomerRecord> _byExternalId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CustomerRecord> _byEmail = new(StringComparer.Ordinal);
    private readonly List<CustomerRecord> _created = [];
    private readonly List<(CustomerRecord Customer, string ExternalId)> _newExternalIds = [];
    private readonly List<(CustomerRecord Customer, string Tag)> _newTags = [];
    private readonly List<(CustomerRecord Customer, CustomerFieldValue Value)> _fieldValues = [];

    public string Source => source;
    public IReadOnlyList<CustomerRecord> Created => _created;

    /// <summary>Customers whose row changed (existing ones) in this call.</summary>
    public IEnumerable<CustomerRecord> Updated => _byId.Values.Where(c => !c.IsNew && c.Dirty);

    private readonly Dictionary<long, CustomerRecord> _byId = [];
    private KnownRecords? _known;

    /// <summary>
    /// Finds the stored customers items name by external id (within the source), else by normalised email. With
    /// <paramref name="full"/> their whole rows are read, so that the call can update them.
    /// </summary>
    public async Task LoadAsync(IEnumerable<(string? ExternalId, string? EmailNormalized)> keys, bool full, CancellationToken ct)
    {
        var list = keys.ToList();
        // Calls that only refer to customers answer from what earlier calls of the same run learnt first; calls that
        // may change customers (their emails above all) neither use nor feed it.
        _known = full ? null : context.Known;
        var externalToId = new Dictionary<string, long>(StringComparer.Ordinal);
        var emailToId = new Dictionary<string, long>(StringComparer.Ordinal);
        var externalIds = new List<string>();
        foreach (var key in list.Select(k => k.ExternalId).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            if (_known is not null && _known.TryCustomerByExternalId(key, out var id))
            {
                externalToId[key] = id;
            }
            else
            {
                externalIds.Add(key);
            }
        }

        await store.QueryAsync(
            "SELECT external_id, customer_id FROM customer_external_ids WHERE source = @p1 AND external_id IN {keys}", externalIds, [source], r =>
            {
                var (key, id) = (r.GetString(0), r.GetInt64(1));
                externalToId[key] = id;
                _known?.CustomerExternalId(key, id);
            }, ct);
        // Only items not found by external id are looked up by email: in a steady import most are found by their id.
        var emails = new List<string>();
        foreach (var email in list.Where(k => k.ExternalId is null || !externalToId.ContainsKey(k.ExternalId))
                     .Select(k => k.EmailNormalized).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            if (_known is not null && _known.TryCustomerByEmail(email, out var id))
            {
                emailToId[email] = id;
            }
            else
            {
                emails.Add(email);
            }
        }

        // Emails are not unique: the oldest customer with the address is the one a new row merges into.
        await store.QueryAsync(
            "SELECT email_normalized, MIN(id) FROM customers WHERE email_normalized IN {keys} GROUP BY email_normalized", emails, [], r =>
            {
                var (email, id) = (r.GetString(0), r.GetInt64(1));
                emailToId[email] = id;
                _known?.CustomerEmail(email, id);
            }, ct);

        var ids = externalToId.Values.Concat(emailToId.Values).Distinct().ToList();
        if (full)
        {
            await store.QueryAsync(
                """
                SELECT id, first_name, last_name, email, phone, street, city, postal_code, region, country, birth_date, language,
                       company_id, owner_id, source, created_at, version
                FROM customers WHERE id IN {keys}
                """,
                ids, [], r =>
                {
                    var id = r.GetInt64(0);
                    _byId[id] = new CustomerRecord
                    {
                        Id = id,
                        FirstName = IngestStore.ReadText(r, 1),
                        LastName = IngestStore.ReadText(r, 2),
                        Email = IngestStore.ReadText(r, 3),
                        Phone = IngestStore.ReadText(r, 4),
                        Street = IngestStore.ReadText(r, 5),
                        City = IngestStore.ReadText(r, 6),
                        PostalCode = IngestStore.ReadText(r, 7),
                        Region = IngestStore.ReadText(r, 8),
                        Country = IngestStore.ReadText(r, 9),
                        BirthDate = IngestStore.ReadDate(r, 10),
                        Language = IngestStore.ReadText(r, 11),
                        CompanyId = IngestStore.ReadLong(r, 12),
                        OwnerId = IngestStore.ReadLong(r, 13),
                        Source = r.GetString(14),
                        CreatedAt = IngestStore.ReadInstant(r, 15),
                        Version = r.GetInt32(16),
                    };
                }, ct);
        }
        else
        {
            foreach (var id in ids)
            {
                _byId[id] = new CustomerRecord { Id = id, Partial = true };
            }
        }

        foreach (var (externalId, id) in externalToId)
        {
            if (_byId.TryGetValue(id, out var customer))
            {
                _byExternalId[externalId] = customer;
            }
        }

        foreach (var (email, id) in emailToId)
        {
            if (_byId.TryGetValue(id, out var customer))
            {
                _byEmail[email] = customer;
            }
        }
    }

    /// <summary>Reads the stored tags of the customers found so far (before items add tags to them).</summary>
    public async Task LoadTagsAsync(CancellationToken ct)
    {
        var ids = _byId.Keys.ToList();
        foreach (var customer in _byId.Values)
        {
            customer.StoredTags = new HashSet<string>(StringComparer.Ordinal);
        }

        await store.QueryAsync("SELECT customer_id, tag FROM customer_tags WHERE customer_id IN {keys}", ids, [],
            r => _byId[r.GetInt64(0)].StoredTags!.Add(r.GetString(1)), ct);
    }

    /// <summary>The customer an item names: by external id first, then by normalised email; null when neither is known.</summary>
    public CustomerRecord? Find(string? externalId, string? emailNormalized, out bool byExternalId)
    {
        byExternalId = false;
        if (externalId is not null && _byExternalId.TryGetValue(externalId, out var found))
        {
            byExternalId = true;
            return found;
        }

        return emailNormalized is not null && _byEmail.TryGetValue(emailNormalized, out found) ? found : null;
    }

    /// <summary>Adds a customer created by this call; its id is assigned when the book is written.</summary>
    public CustomerRecord Create(CustomerRecord values)
    {
        var customer = new CustomerRecord { IsNew = true, Source = context.Source, CreatedAt = context.Now, Version = 1, StoredTags = [] };
        customer.CopyFrom(values);
        _created.Add(customer);
        return customer;
    }

    /// <summary>Makes the customer findable by this external id and email for the rest of the call; a new external id is stored.</summary>
    public void Remember(CustomerRecord customer, string? externalId, string? emailNormalized)
    {
        if (externalId is not null && _byExternalId.TryAdd(externalId, customer))
        {
            _newExternalIds.Add((customer, externalId));
            if (!customer.IsNew)
            {
                customer.Dirty = true;
            }
        }

        if (emailNormalized is not null)
        {
            _byEmail.TryAdd(emailNormalized, customer);
        }
    }

    public void AddTag(CustomerRecord customer, string tag)
    {
        if (customer.StoredTags!.Add(tag))
        {
            _newTags.Add((customer, tag));
            if (!customer.IsNew)
            {
                customer.Dirty = true;
            }
        }
    }

    public void SetField(CustomerRecord customer, CustomerFieldValue value)
    {
        _fieldValues.Add((customer, value));
        if (!customer.IsNew)
        {
            customer.Dirty = true;
        }
    }

    /// <summary>Writes new and changed customers with their external ids, tags, field values and (for new ones) an empty metrics row.</summary>
    public async Task WriteAsync(CancellationToken ct)
    {
        var ids = await store.ReserveIdsAsync("customers", _created.Count, ct);
        for (var i = 0; i < _created.Count; i++)
        {
            _created[i].Id = ids[i];
        }

        await store.InsertAsync(CustomersTable, _created, (r, c) => Write(r, c, c.Version).Text(c.Source).Instant(c.CreatedAt), ct);
        await store.UpdateAsync(CustomerUpdates, [.. Updated.Where(c => !c.Partial)], (r, c) => Write(r, c, c.Version + 1), ct);
        // A customer that only gained an external id: a new version, as when the external ids are changed one by one.
        await store.QueryAsync("UPDATE customers SET version = version + 1, updated_at = @p1 WHERE id IN {keys}",
            Updated.Where(c => c.Partial).Select(c => c.Id).ToList(), [context.Now], _ => { }, ct);

        var externalIds = await store.ReserveIdsAsync("customer_external_ids", _newExternalIds.Count, ct);
        await store.InsertAsync(ExternalIdsTable, [.. _newExternalIds.Select((x, i) => (Id: externalIds[i], x.Customer, x.ExternalId))],
            (r, x) => r.Long(x.Id).Long(x.Customer.Id).Text(source).Text(x.ExternalId).Instant(context.Now), ct);
        await store.InsertAsync(TagsTable, [.. _newTags.Select(t => new object?[] { t.Customer.Id, t.Tag })], ct, "ON CONFLICT DO NOTHING");

        // The last value an item gave for a field wins.
        var values = new Dictionary<(long, long), CustomerFieldValue>();
        foreach (var (customer, value) in _fieldValues)
        {
            values[(customer.Id, value.FieldId)] = value;
        }

        await store.InsertAsync(FieldValuesTable,
            [.. values.Select(v => new object?[] { v.Key.Item1, v.Key.Item2, v.Value.TextValue, v.Value.NumberValue, v.Value.DateValue, v.Value.BoolValue })],
            ct,
            """
            ON CONFLICT (customer_id, field_id) DO UPDATE SET text_value = excluded.text_value, number_value = excluded.number_value,
                date_value = excluded.date_value, bool_value = excluded.bool_value
            """);

        // A new customer has no history yet: the row the metrics updater computes for it is all zeros.
        await store.InsertAsync(MetricsTable, _created, (r, c) => r.Long(c.Id).Int(0).Decimal(0m).Int(0).Instant(context.Now), ct);

        // Their stages and segment memberships follow in the background (CustomerChangeWorker).
        await CustomerChangeQueue.AddAsync(context.Connection, context.Transaction,
            [.. _created.Select(c => c.Id), .. Updated.Select(c => c.Id), .. _newTags.Select(t => t.Customer.Id), .. _fieldValues.Select(v => v.Customer.Id)],
            context.Now, ct);

        if (_known is not null)
        {
            foreach (var (customer, externalId) in _newExternalIds)
            {
                _known.CustomerExternalId(externalId, customer.Id);
            }

            // A customer is created only when no stored customer had its email, so it is now the oldest with it.
            foreach (var customer in _created)
            {
                if (Validate.NormalizeEmail(customer.Email) is { } email)
                {
                    _known.CustomerEmail(email, customer.Id);
                }
            }
        }
    }

    /// <summary>The columns of <see cref="CustomerUpdates"/> (all but the two set only on creation).</summary>
    private RowValues Write(RowValues r, CustomerRecord c, int version) =>
        r.Long(c.Id).Text(c.FirstName).Text(c.LastName).Text(c.Email).Text(Validate.NormalizeEmail(c.Email)).Text(c.Phone).Text(c.Street).Text(c.City)
            .Text(c.PostalCode).Text(c.Region).Text(c.Country).Date(c.BirthDate).Text(c.Language).Long(c.CompanyId).Long(c.OwnerId)
            .Text(CustomerRules.SearchText(c.FirstName, c.LastName, c.Email)).Instant(context.Now).Int(version);
}
