using Rapport.Imports.Csv;
using Rapport.Ingestion;
using Rapport.Interactions;
using Rapport.Products;

namespace Rapport.Imports;

/// <summary>
/// A CSV record mapped for its kind: the order id (transactions, also when the rest of the row is invalid), the
/// incoming item, or why the row is rejected with the indexes of the cells concerned.
/// </summary>
public readonly record struct MappedRow(string? GroupKey, object? Item, string? Error, IReadOnlyList<int> ProblemColumns);

/// <summary>
/// Turns CSV records into the incoming items of an import kind through the CSV engine's <see cref="ColumnMapping"/>
/// and <see cref="ImportValues"/> (so a row fails here only when a cell cannot be read as its field's type; the
/// rules about what an item needs are the writer's). Every cell that does not parse is named in the reason.
/// </summary>
public sealed class CsvRowMapper
{
    private static readonly IReadOnlyList<int> NoColumns = [];

    private readonly ColumnMapping _mapping;
    private readonly ImportValues _values;
    private readonly IReadOnlyList<string> _header;
    private readonly (int Index, ImportField Field)[] _mapped;

    public CsvRowMapper(ColumnMapping mapping, ImportValues values, IReadOnlyList<string> header)
    {
        _mapping = mapping;
        _values = values;
        _header = header;
        _mapped = [.. mapping.Mapped.Select(c => (c.Index, c.Field!))];
    }

    public MappedRow Map(CsvRecord record)
    {
        var groupKey = _mapping.Kind == ImportKind.Transactions ? _mapping.Cell(record.Cells, ImportFields.ExternalId) : null;
        if (record.Error is not null)
        {
            return new MappedRow(groupKey, null, record.Error, NoColumns);
        }

        // Parse every mapped cell once; collect every problem so the reason names them all.
        var parsed = new object?[_header.Count];
        List<int>? bad = null;
        List<string>? reasons = null;
        foreach (var (index, field) in _mapped)
        {
            if (index >= record.Cells.Count)
            {
                continue;
            }

            var text = ColumnMapping.WithoutFormulaQuote(record.Cells[index]);
            if (text.Length == 0)
            {
                continue;
            }

            if (field.Type == ImportFieldType.Text && !field.IsCustom)
            {
                parsed[index] = text.Trim() is { Length: > 0 } trimmed ? trimmed : null;
                continue;
            }

            var cell = field.IsCustom ? new ParsedCell(text.Trim(), null) : _values.Parse(field, Describe(index), text);
            if (cell.Error is not null)
            {
                (bad ??= []).Add(index);
                (reasons ??= []).Add(cell.Error);
            }
            else
            {
                parsed[index] = cell.Value;
            }
        }

        if (reasons is not null)
        {
            return new MappedRow(groupKey, null, string.Join("; ", reasons), bad!);
        }

        var row = new Row(_mapping, parsed);
        object item = _mapping.Kind switch
        {
            ImportKind.Customers => Customer(row),
            ImportKind.Companies => new IncomingCompany
            {
                ExternalId = row.Text(ImportFields.ExternalId),
                Name = row.Text(ImportFields.Name),
                Domain = row.Text(ImportFields.Domain),
                Industry = row.Text(ImportFields.Industry),
                Website = row.Text(ImportFields.Website),
                Phone = row.Text(ImportFields.Phone),
                City = row.Text(ImportFields.City),
                Country = row.Text(ImportFields.Country),
            },
            ImportKind.Products => new IncomingProduct
            {
                Sku = row.Text(ImportFields.Sku),
                Name = row.Text(ImportFields.Name),
                Description = row.Text(ImportFields.Description),
                Category = row.Text(ImportFields.Category),
                Kind = row.Value<ProductKind>(ImportFields.ProductKindField),
                Price = row.Value<decimal>(ImportFields.Price),
                Cost = row.Value<decimal>(ImportFields.Cost),
                Currency = row.Text(ImportFields.Currency),
                Active = row.Value<bool>(ImportFields.Active),
            },
            ImportKind.Transactions => Transaction(row, _mapping.Has(ImportFields.UnitPrice)),
            ImportKind.Interactions => new IncomingInteraction
            {
                ExternalId = row.Text(ImportFields.ExternalId),
                Customer = CustomerRef(row),
                Channel = row.Value<InteractionChannel>(ImportFields.Channel),
                Direction = row.Value<InteractionDirection>(ImportFields.Direction),
                Type = row.Value<InteractionType>(ImportFields.InteractionTypeField),
                Subject = row.Text(ImportFields.Subject),
                Notes = row.Text(ImportFields.Notes),
                OccurredAt = row.Value<DateTimeOffset>(ImportFields.OccurredAt),
            },
            _ => throw new InvalidOperationException($"Unknown import kind {_mapping.Kind}."),
        };
        if (item is LineProblem)
        {
            var column = _mapping.IndexOf(ImportFields.UnitPrice);
            return new MappedRow(groupKey, null, $"{Describe(column)} (unit_price): a line needs its unit price; leave sku, quantity and description empty to import the order total alone", [column]);
        }

        return new MappedRow(groupKey, item, null, NoColumns);
    }

    private sealed record LineProblem;

    private string Describe(int index) => index < _header.Count && _header[index].Length > 0 ? _header[index] : $"column {index + 1}";

    private IncomingCustomer Customer(Row row)
    {
        var first = row.Text(ImportFields.FirstName);
        var last = row.Text(ImportFields.LastName);
        if (first is null && last is null && row.Text(ImportFields.Name) is { } name)
        {
            (first, last) = ImportValues.SplitName(name);
        }

        Dictionary<string, string>? custom = null;
        foreach (var (index, field) in _mapped)
        {
            if (field.IsCustom && row.At(index) is string value)
            {
                (custom ??= new Dictionary<string, string>(StringComparer.Ordinal))[field.Key] = value;
            }
        }

        return new IncomingCustomer
        {
            ExternalId = row.Text(ImportFields.ExternalId),
            Email = row.Text(ImportFields.Email),
            FirstName = first,
            LastName = last,
            Phone = row.Text(ImportFields.Phone),
            Street = row.Text(ImportFields.Street),
            City = row.Text(ImportFields.City),
            PostalCode = row.Text(ImportFields.PostalCode),
            Region = row.Text(ImportFields.Region),
            Country = row.Text(ImportFields.Country),
            BirthDate = row.Value<DateOnly>(ImportFields.BirthDate),
            Language = row.Text(ImportFields.Language),
            CompanyName = row.Text(ImportFields.Company),
            OwnerEmail = row.Text(ImportFields.OwnerEmail),
            Tags = row.At(_mapping.IndexOf(ImportFields.Tags)) as IReadOnlyList<string>,
            CustomFields = custom,
        };
    }

    private static CustomerRef CustomerRef(Row row)
    {
        var first = row.Text(ImportFields.CustomerFirstName);
        var last = row.Text(ImportFields.CustomerLastName);
        if (first is null && last is null && row.Text(ImportFields.CustomerName) is { } name)
        {
            (first, last) = ImportValues.SplitName(name);
        }

        return new CustomerRef(row.Text(ImportFields.CustomerExternalId), row.Text(ImportFields.CustomerEmail), first, last);
    }

    /// <summary>One row of an order: the order's fields and, when the row has line columns, one line.</summary>
    private static object Transaction(Row row, bool hasUnitPrices)
    {
        var sku = row.Text(ImportFields.Sku);
        var description = row.Text(ImportFields.Description);
        var quantity = row.Value<decimal>(ImportFields.Quantity);
        var unitPrice = row.Value<decimal>(ImportFields.UnitPrice);
        var hasLine = sku is not null || description is not null || quantity is not null || unitPrice is not null;
        if (hasLine && unitPrice is null && hasUnitPrices)
        {
            return new LineProblem();
        }

        // Without a unit price column the order total carries the money and the lines record what was bought.
        IReadOnlyList<IncomingLine> lines = hasLine ? [new IncomingLine(sku, description, quantity ?? 1m, unitPrice ?? 0m)] : [];
        return new IncomingTransaction
        {
            ExternalId = row.Text(ImportFields.ExternalId),
            Customer = CustomerRef(row),
            OccurredAt = row.Value<DateTimeOffset>(ImportFields.OccurredAt),
            Currency = row.Text(ImportFields.Currency),
            Total = row.Value<decimal>(ImportFields.Amount),
            Lines = lines,
        };
    }

    private readonly struct Row(ColumnMapping mapping, object?[] parsed)
    {
        public object? At(int index) => index >= 0 && index < parsed.Length ? parsed[index] : null;

        public string? Text(string field) => At(mapping.IndexOf(field)) as string;

        public T? Value<T>(string field) where T : struct => At(mapping.IndexOf(field)) is T value ? value : null;
    }
}
