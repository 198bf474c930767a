using Rapport.Consent;
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
    private readonly (int Index, ConsentChannel Channel, ConsentPurpose Purpose)[] _consent;

    public CsvRowMapper(ColumnMapping mapping, ImportValues values, IReadOnlyList<string> header)
    {
        _mapping = mapping;
        _values = values;
        _header = header;
        _mapped = [.. mapping.Mapped.Select(c => (c.Index, c.Field!))];
        _consent = mapping.Kind != ImportKind.Customers ? [] :
        [
            .. from channel in Enum.GetValues<ConsentChannel>()
               from purpose in Enum.GetValues<ConsentPurpose>()
               let index = mapping.IndexOf(ConsentFields.Key(channel, purpose))
               where index >= 0
               select (index, channel, purpose),
        ];
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
        IReadOnlyList<ConsentInput>? consent = null;
        if (_consent.Length > 0)
        {
            var (inputs, error, columns) = Consent(row);
            if (error is not null)
            {
                return new MappedRow(groupKey, null, error, columns);
            }

            consent = inputs;
        }

        object item = _mapping.Kind switch
        {
            ImportKind.Customers => Customer(row) with { Consent = consent },
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

    /// <summary>
    /// The row's consent columns as ledger events (docs/privacy.md, "Consent columns in imports"); an unreadable value, an
    /// unknown basis or a grant on the consent basis without <c>consent_notice_version</c> rejects the row.
    /// </summary>
    private (IReadOnlyList<ConsentInput>? Inputs, string? Error, IReadOnlyList<int> Columns) Consent(Row row)
    {
        List<ConsentInput>? inputs = null;
        var basis = LegalBasis.Consent;
        var basisIndex = _mapping.IndexOf(ConsentFields.Basis);
        if (row.Text(ConsentFields.Basis) is { } basisText && !ConsentWords.TryParse(basisText, out basis))
        {
            return (null, $"{Describe(basisIndex)} ({ConsentFields.Basis}): \"{Csv.CsvText.Clip(basisText)}\" is not one of {ConsentWords.List<LegalBasis>()}", [basisIndex]);
        }

        var notice = row.Text(ConsentFields.NoticeVersion);
        var reference = row.Text(ConsentFields.SourceRef);
        var at = row.Value<DateTimeOffset>(ConsentFields.At);
        if (notice is { Length: > RecordConsent.NoticeVersionMaxLength })
        {
            return (null, $"{Describe(_mapping.IndexOf(ConsentFields.NoticeVersion))} ({ConsentFields.NoticeVersion}): at most {RecordConsent.NoticeVersionMaxLength} characters", [_mapping.IndexOf(ConsentFields.NoticeVersion)]);
        }

        foreach (var (index, channel, purpose) in _consent)
        {
            if (row.At(index) is not string text)
            {
                continue;
            }

            if (!ConsentFields.TryStatus(text, out var status))
            {
                return (null, $"{Describe(index)} ({ConsentFields.Key(channel, purpose)}): \"{Csv.CsvText.Clip(text)}\" is not granted, denied, withdrawn, yes or no", [index]);
            }

            if (status == ConsentStatus.Granted && basis == LegalBasis.Consent && notice is null)
            {
                return (null, $"{Describe(index)} ({ConsentFields.Key(channel, purpose)}): a grant on the consent basis needs the notice version (map a {ConsentFields.NoticeVersion} column)", [index]);
            }

            (inputs ??= []).Add(new ConsentInput(channel, purpose, status, basis, notice, at, ConsentSource.Import, reference));
        }

        return (inputs, null, NoColumns);
    }

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
