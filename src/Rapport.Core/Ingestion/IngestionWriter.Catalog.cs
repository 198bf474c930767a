using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Companies;
using Rapport.Products;

namespace Rapport.Ingestion;

public sealed partial class IngestionWriter
{
    // Declared before the specs derived from it: static fields initialise in textual order within one file.
    private static readonly TableSpec CompaniesTable = new("companies",
        ("id", ColumnType.Long), ("name", ColumnType.Text), ("name_normalized", ColumnType.Text), ("external_id", ColumnType.Text),
        ("domain", ColumnType.Text), ("industry", ColumnType.Text), ("website", ColumnType.Text), ("phone", ColumnType.Text),
        ("city", ColumnType.Text), ("country", ColumnType.Text), ("updated_at", ColumnType.Instant), ("version", ColumnType.Int),
        ("created_at", ColumnType.Instant));

    private static readonly TableSpec CompanyUpdates = new("companies", CompaniesTable.Columns[..^1]);

    private static readonly TableSpec ProductsTable = new("products",
        ("id", ColumnType.Long), ("name", ColumnType.Text), ("name_normalized", ColumnType.Text), ("description", ColumnType.Text),
        ("category", ColumnType.Text), ("kind", ColumnType.Text), ("price", ColumnType.Decimal), ("cost", ColumnType.Decimal),
        ("currency", ColumnType.Text), ("active", ColumnType.Bool), ("updated_at", ColumnType.Instant), ("version", ColumnType.Int),
        ("sku", ColumnType.Text), ("created_at", ColumnType.Instant));

    private static readonly TableSpec ProductUpdates = new("products", ProductsTable.Columns[..^2]);

    private sealed class CompanyRecord
    {
        public long Id { get; set; }
        public bool IsNew { get; init; }
        public bool Dirty { get; set; }
        public int Version { get; init; }
        public string Name { get; set; } = "";
        public string? ExternalId { get; set; }
        public string? Domain { get; set; }
        public string? Industry { get; set; }
        public string? Website { get; set; }
        public string? Phone { get; set; }
        public string? City { get; set; }
        public string? Country { get; set; }

        public CompanyRecord Copy() => (CompanyRecord)MemberwiseClone();

        public object?[] Row(IngestionContext c) =>
            [Id, Name, CompanyNames.Normalize(Name), ExternalId, Domain, Industry, Website, Phone, City, Country, c.Now, IsNew ? 1 : Version + 1, c.Now];
    }

    /// <summary>
    /// Creates or updates companies, matched by external id, else by domain, else by normalised name (case and
    /// accents ignored); a match is Updated with the values given. A new company needs a name; a rename may not take
    /// another company's name.
    /// </summary>
    public async Task<IngestResult[]> CompaniesAsync(IngestionContext c, IReadOnlyList<IncomingCompany> items, CancellationToken ct)
    {
        c = Normalize(c);
        var results = Results(items.Count);
        await using var store = await IngestStore.OpenAsync(c, items.Count, ct);
        var given = new CompanyRecord?[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var e = new FieldErrors();
            var item = items[i];
            var externalId = Validate.Clean(item.ExternalId);
            TextRules.SingleLine(e, "externalId", externalId, ExternalIdMaxLength);
            var values = new CompanyRecord
            {
                ExternalId = externalId,
                Name = CompanyRules.Line(e, "name", item.Name, CompanyLimits.Name) ?? "",
                Domain = CompanyRules.Domain(e, item.Domain),
                Industry = CompanyRules.Line(e, "industry", item.Industry, CompanyLimits.Industry),
                Website = CompanyRules.Website(e, item.Website),
                Phone = CompanyRules.Phone(e, item.Phone),
                City = CompanyRules.Line(e, "city", item.City, CompanyLimits.City),
                Country = Countries.Check(e, "country", CountryNames.ToCode(item.Country)),
            };
            if (e.Any)
            {
                results[i] = IngestResult.Reject(IngestReasons.From(e));
                continue;
            }

            given[i] = values;
        }

        var valid = given.OfType<CompanyRecord>().ToList();
        var byExternalId = await IdsByKeyAsync(store, "SELECT external_id, id FROM companies WHERE external_id IN {keys}",
            Distinct(valid.Select(v => v.ExternalId)), ct);
        var byDomain = await IdsByKeyAsync(store, "SELECT domain, MIN(id) FROM companies WHERE domain IN {keys} GROUP BY domain",
            Distinct(valid.Select(v => v.Domain)), ct);
        var byName = await IdsByKeyAsync(store, "SELECT name_normalized, MIN(id) FROM companies WHERE name_normalized IN {keys} GROUP BY name_normalized",
            Distinct(valid.Select(v => v.Name.Length == 0 ? null : CompanyNames.Normalize(v.Name))), ct);
        var rows = new Dictionary<long, CompanyRecord>();
        await store.QueryAsync(
            "SELECT id, name, external_id, domain, industry, website, phone, city, country, version FROM companies WHERE id IN {keys}",
            byExternalId.Values.Concat(byDomain.Values).Concat(byName.Values).Distinct().ToList(), [], r => rows[r.GetInt64(0)] = new CompanyRecord
            {
                Id = r.GetInt64(0), Name = r.GetString(1), ExternalId = IngestStore.ReadText(r, 2), Domain = IngestStore.ReadText(r, 3),
                Industry = IngestStore.ReadText(r, 4), Website = IngestStore.ReadText(r, 5), Phone = IngestStore.ReadText(r, 6),
                City = IngestStore.ReadText(r, 7), Country = IngestStore.ReadText(r, 8), Version = r.GetInt32(9),
            }, ct);

        var externalMap = byExternalId.ToDictionary(x => x.Key, x => rows[x.Value], StringComparer.Ordinal);
        var domainMap = byDomain.ToDictionary(x => x.Key, x => rows[x.Value], StringComparer.Ordinal);
        var nameMap = byName.ToDictionary(x => x.Key, x => rows[x.Value], StringComparer.Ordinal);
        var touched = new CompanyRecord?[items.Count];
        var all = new List<CompanyRecord>();
        for (var i = 0; i < items.Count; i++)
        {
            if (given[i] is not { } v)
            {
                continue;
            }

            var target = v.ExternalId is not null && externalMap.TryGetValue(v.ExternalId, out var found) ? found
                : v.Domain is not null && domainMap.TryGetValue(v.Domain, out found) ? found
                : v.Name.Length > 0 && nameMap.TryGetValue(CompanyNames.Normalize(v.Name), out found) ? found
                : null;
            var next = target?.Copy() ?? new CompanyRecord { IsNew = true };
            if (target is not null && v.ExternalId is not null && target.ExternalId is { } held && held != v.ExternalId)
            {
                results[i] = IngestResult.Reject($"external_id: the company with this domain or name ({target.Id}) already has the external id {held}");
                continue;
            }

            next.ExternalId = v.ExternalId ?? next.ExternalId;
            next.Name = v.Name.Length > 0 ? v.Name : next.Name;
            (next.Domain, next.Industry, next.Website, next.Phone, next.City, next.Country) =
                (v.Domain ?? next.Domain, v.Industry ?? next.Industry, v.Website ?? next.Website, v.Phone ?? next.Phone, v.City ?? next.City, v.Country ?? next.Country);
            if (next.Name.Length == 0)
            {
                results[i] = IngestResult.Reject("name: is required");
                continue;
            }

            var normalized = CompanyNames.Normalize(next.Name);
            if (nameMap.TryGetValue(normalized, out var namesake) && !ReferenceEquals(namesake, target))
            {
                results[i] = IngestResult.Reject($"name: company {(namesake.IsNew ? "in an earlier row" : namesake.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))} is already called '{next.Name}' (ignoring case and accents)");
                continue;
            }

            CompanyRecord company;
            if (target is null)
            {
                company = next;
                all.Add(company);
                results[i] = new IngestResult(IngestOutcome.Created, null, null);
            }
            else
            {
                var changed = next.Name != target.Name || next.ExternalId != target.ExternalId || next.Domain != target.Domain ||
                    next.Industry != target.Industry || next.Website != target.Website || next.Phone != target.Phone ||
                    next.City != target.City || next.Country != target.Country;
                if (changed && !target.IsNew && !target.Dirty)
                {
                    target.Dirty = true;
                    all.Add(target);
                }

                if (CompanyNames.Normalize(target.Name) != normalized)
                {
                    nameMap.Remove(CompanyNames.Normalize(target.Name));
                }

                (target.Name, target.ExternalId, target.Domain, target.Industry, target.Website, target.Phone, target.City, target.Country) =
                    (next.Name, next.ExternalId, next.Domain, next.Industry, next.Website, next.Phone, next.City, next.Country);
                company = target;
                results[i] = new IngestResult(IngestOutcome.Updated, null, null);
            }

            nameMap[normalized] = company;
            if (company.ExternalId is not null)
            {
                externalMap[company.ExternalId] = company;
            }

            if (company.Domain is not null)
            {
                domainMap.TryAdd(company.Domain, company);
            }

            touched[i] = company;
        }

        var created = all.Where(x => x.IsNew).ToList();
        var ids = await store.ReserveIdsAsync("companies", created.Count, ct);
        for (var i = 0; i < created.Count; i++)
        {
            created[i].Id = ids[i];
        }

        await store.InsertAsync(CompaniesTable, [.. created.Select(x => x.Row(c))], ct);
        await store.UpdateAsync(CompanyUpdates, [.. all.Where(x => !x.IsNew).Select(x => x.Row(c)[..^1])], ct);
        for (var i = 0; i < items.Count; i++)
        {
            if (touched[i] is { } company)
            {
                results[i] = results[i] with { EntityId = company.Id };
            }
        }

        logger.LogInformation("Ingested {Count} companies from {Source}: {Created} created", items.Count, c.Source, created.Count);
        return results;
    }

    private sealed class ProductRecord
    {
        public long Id { get; set; }
        public bool IsNew { get; init; }
        public bool Dirty { get; set; }
        public int Version { get; init; }
        public string Sku { get; init; } = "";
        public string Name { get; set; } = "";
        public string? Description { get; set; }
        public string? Category { get; set; }
        public ProductKind Kind { get; set; }
        public decimal? Price { get; set; }
        public decimal? Cost { get; set; }
        public string Currency { get; set; } = "";
        public bool Active { get; set; }

        public object?[] Row(IngestionContext c) =>
        [
            Id, Name, new Product { Name = Name }.NameNormalized, Description, Category, Kind.ToString(), Price, Cost, Currency, Active, c.Now,
            IsNew ? 1 : Version + 1, Sku, c.Now,
        ];
    }

    /// <summary>
    /// Creates or updates products by SKU (exact spelling): a stored SKU is Updated with the values given; a new one
    /// needs a name. Kind defaults to product, currency to the reporting currency, active to true; a category that
    /// differs from an existing one only in letter case takes the existing spelling.
    /// </summary>
    public async Task<IngestResult[]> ProductsAsync(IngestionContext c, IReadOnlyList<IncomingProduct> items, CancellationToken ct)
    {
        c = Normalize(c);
        var results = Results(items.Count);
        await using var store = await IngestStore.OpenAsync(c, items.Count, ct);
        var given = new IncomingProduct?[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var e = new FieldErrors();
            var item = items[i];
            var cleaned = item with
            {
                Sku = ProductRules.Sku(e, item.Sku),
                Name = CompanyRules.Line(e, "name", item.Name, ProductLimits.Name),
                Description = ProductRules.Description(e, item.Description),
                Category = ProductRules.Category(e, item.Category),
                Currency = Validate.Clean(item.Currency) is null ? null : Money.Currency(e, "currency", item.Currency, null),
            };
            if (item.Kind is { } kind)
            {
                ProductRules.Kind(e, kind);
            }

            ProductRules.Price(e, "price", item.Price);
            ProductRules.Price(e, "cost", item.Cost);
            if (e.Any)
            {
                results[i] = IngestResult.Reject(IngestReasons.From(e));
                continue;
            }

            given[i] = cleaned;
        }

        var valid = given.OfType<IncomingProduct>().ToList();
        var bySku = new Dictionary<string, ProductRecord>(StringComparer.Ordinal);
        await store.QueryAsync(
            "SELECT id, sku, name, description, category, kind, price, cost, currency, active, version FROM products WHERE sku IN {keys}",
            Distinct(valid.Select(v => v.Sku)), [], r => bySku[r.GetString(1)] = new ProductRecord
            {
                Id = r.GetInt64(0), Sku = r.GetString(1), Name = r.GetString(2), Description = IngestStore.ReadText(r, 3),
                Category = IngestStore.ReadText(r, 4), Kind = Enum.Parse<ProductKind>(r.GetString(5)),
                Price = r.IsDBNull(6) ? null : IngestStore.ReadDecimal(r, 6), Cost = r.IsDBNull(7) ? null : IngestStore.ReadDecimal(r, 7),
                Currency = r.GetString(8), Active = r.GetFieldType(9) == typeof(bool) ? r.GetBoolean(9) : r.GetInt64(9) != 0, Version = r.GetInt32(10),
            }, ct);
        var categories = new Dictionary<string, string>(StringComparer.Ordinal);
        if (valid.Any(v => v.Category is not null))
        {
            // The oldest spelling of each category, as CreateProduct picks it.
            await store.QueryRowsAsync("SELECT category, MIN(id) AS first FROM products WHERE category IS NOT NULL GROUP BY category ORDER BY first", [],
                r => categories.TryAdd(r.GetString(0).ToLowerInvariant(), r.GetString(0)), ct);
        }

        var touched = new ProductRecord?[items.Count];
        var all = new List<ProductRecord>();
        for (var i = 0; i < items.Count; i++)
        {
            if (given[i] is not { } v)
            {
                continue;
            }

            var category = v.Category is null ? null : categories.TryGetValue(v.Category.ToLowerInvariant(), out var spelled) ? spelled : v.Category;
            if (category is not null)
            {
                categories.TryAdd(category.ToLowerInvariant(), category);
            }

            if (!bySku.TryGetValue(v.Sku!, out var product))
            {
                if (v.Name is null)
                {
                    results[i] = IngestResult.Reject("name: is required");
                    continue;
                }

                product = new ProductRecord
                {
                    IsNew = true, Sku = v.Sku!, Name = v.Name, Description = v.Description, Category = category, Kind = v.Kind ?? ProductKind.Product,
                    Price = v.Price, Cost = v.Cost, Currency = v.Currency ?? metrics.ReportingCurrency, Active = v.Active ?? true,
                };
                bySku[product.Sku] = product;
                all.Add(product);
                results[i] = new IngestResult(IngestOutcome.Created, null, null);
            }
            else
            {
                var before = (product.Name, product.Description, product.Category, product.Kind, product.Price, product.Cost, product.Currency, product.Active);
                (product.Name, product.Description, product.Category, product.Kind, product.Price, product.Cost, product.Currency, product.Active) =
                    (v.Name ?? product.Name, v.Description ?? product.Description, category ?? product.Category, v.Kind ?? product.Kind,
                     v.Price ?? product.Price, v.Cost ?? product.Cost, v.Currency ?? product.Currency, v.Active ?? product.Active);
                if (!product.IsNew && !product.Dirty &&
                    before != (product.Name, product.Description, product.Category, product.Kind, product.Price, product.Cost, product.Currency, product.Active))
                {
                    product.Dirty = true;
                    all.Add(product);
                }

                results[i] = new IngestResult(IngestOutcome.Updated, null, null);
            }

            touched[i] = product;
        }

        var created = all.Where(x => x.IsNew).ToList();
        var ids = await store.ReserveIdsAsync("products", created.Count, ct);
        for (var i = 0; i < created.Count; i++)
        {
            created[i].Id = ids[i];
        }

        await store.InsertAsync(ProductsTable, [.. created.Select(x => x.Row(c))], ct);
        await store.UpdateAsync(ProductUpdates, [.. all.Where(x => !x.IsNew).Select(x => x.Row(c)[..^2])], ct);
        for (var i = 0; i < items.Count; i++)
        {
            if (touched[i] is { } product)
            {
                results[i] = results[i] with { EntityId = product.Id };
            }
        }

        logger.LogInformation("Ingested {Count} products from {Source}: {Created} created", items.Count, c.Source, created.Count);
        return results;
    }
}
