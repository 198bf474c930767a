using System.Globalization;
using Rapport.Imports.Csv;
using Rapport.Ingestion;

namespace Rapport.Imports;

/// <summary>A CSV record mapped: the order id (transactions), the incoming item, or why the row is rejected.</summary>
public readonly record struct MappedRow(string? GroupKey, object? Item, string? Error, IReadOnlyList<int> ProblemColumns);

/// <summary>Interim: a date format by name, until the CSV value parsers land.</summary>
public sealed record DateFormat(string Name)
{
    public static bool TryParse(string text, out DateFormat format, out string? problem)
    {
        format = new DateFormat(text);
        problem = null;
        return true;
    }
}

/// <summary>Interim mapping (customers and transactions, canonical headers) until the CSV field definitions land.</summary>
public sealed class CsvRowMapper
{
    public const int SampleRows = 200;
    private readonly Dictionary<string, int> _columns;
    private readonly ImportKind _kind;

    private CsvRowMapper(ImportKind kind, Dictionary<string, int> columns, DateFormat dates, bool detected)
    {
        _kind = kind;
        _columns = columns;
        Dates = dates;
        DatesDetected = detected;
    }

    public DateFormat Dates { get; }
    public bool DatesDetected { get; }

    public static IReadOnlyList<ImportFieldChoice> Choices(ImportKind kind) => kind switch
    {
        ImportKind.Customers => [new("external_id", "External id", false), new("email", "Email", false), new("first_name", "First name", false), new("last_name", "Last name", false)],
        ImportKind.Transactions => [new("external_id", "Order id", true), new("customer_external_id", "Customer id", false), new("customer_email", "Customer email", false),
            new("occurred_at", "Date", false), new("currency", "Currency", false), new("amount", "Total", false), new("sku", "SKU", false), new("quantity", "Quantity", false), new("unit_price", "Unit price", false)],
        _ => [new("external_id", "External id", false), new("name", "Name", false)],
    };

    public static CsvRowMapper? Create(ImportKind kind, IReadOnlyList<string> header, IReadOnlyDictionary<string, string>? map, DateFormat? dates, IReadOnlyList<CsvRecord> sample, out List<ImportFileProblem> problems)
    {
        problems = [];
        var columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var known = Choices(kind).Select(c => c.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < header.Count; i++)
        {
            var name = header[i].Trim().ToLowerInvariant().Replace(' ', '_').Replace("e-mail", "email", StringComparison.Ordinal);
            if (map is not null && map.TryGetValue(header[i], out var over))
            {
                name = over;
            }

            if (known.Contains(name))
            {
                columns.TryAdd(name, i);
            }
        }

        foreach (var required in Choices(kind).Where(c => c.Required && !columns.ContainsKey(c.Name)))
        {
            problems.Add(new ImportFileProblem("columns", $"No column maps to {required.Label}."));
        }

        return problems.Count > 0 ? null : new CsvRowMapper(kind, columns, dates ?? new DateFormat("iso"), dates is null);
    }

    public string? FieldOf(int column) => _columns.FirstOrDefault(c => c.Value == column).Key;

    private string? Cell(CsvRecord r, string field) =>
        _columns.TryGetValue(field, out var i) && i < r.Cells.Count && r.Cells[i].Trim() is { Length: > 0 } v ? v : null;

    public MappedRow Map(CsvRecord record)
    {
        if (record.Error is not null)
        {
            return new MappedRow(null, null, record.Error, []);
        }

        switch (_kind)
        {
            case ImportKind.Customers:
                return new MappedRow(null, new IncomingCustomer { ExternalId = Cell(record, "external_id"), Email = Cell(record, "email"), FirstName = Cell(record, "first_name"), LastName = Cell(record, "last_name") }, null, []);
            case ImportKind.Transactions:
                var id = Cell(record, "external_id");
                decimal? amount = null;
                if (Cell(record, "amount") is { } a)
                {
                    if (!decimal.TryParse(a, NumberStyles.Number, CultureInfo.InvariantCulture, out var parsed))
                    {
                        return new MappedRow(id, null, $"amount \"{a}\" is not a number", [_columns["amount"]]);
                    }

                    amount = parsed;
                }

                DateTimeOffset? at = Cell(record, "occurred_at") is { } d && DateTimeOffset.TryParse(d, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var dt) ? dt : null;
                var lines = new List<IncomingLine>();
                if (Cell(record, "sku") is { } sku)
                {
                    lines.Add(new IncomingLine(sku, null, decimal.Parse(Cell(record, "quantity") ?? "1", CultureInfo.InvariantCulture), decimal.Parse(Cell(record, "unit_price") ?? "0", CultureInfo.InvariantCulture)));
                }

                return new MappedRow(id, new IncomingTransaction
                {
                    ExternalId = id,
                    Customer = new CustomerRef(Cell(record, "customer_external_id"), Cell(record, "customer_email"), null, null),
                    OccurredAt = at,
                    Currency = Cell(record, "currency"),
                    Total = amount,
                    Lines = lines,
                }, null, []);
            default:
                return new MappedRow(null, null, "not yet", []);
        }
    }
}
