using System.Text.Json;
using Rapport.Customers;
using Rapport.Imports.Csv;
using Rapport.VCards;

namespace Rapport.Exports;

/// <summary>
/// The columns and objects of each export. CSV columns carry the import's canonical names (<see cref="ImportFields"/>)
/// so that an exported file maps itself automatically when imported; custom fields are columns named by their key.
/// JSON objects use the API's camelCase names and also carry the Rapport ids and timestamps.
/// </summary>
internal static class ExportFormats
{
    public static IReadOnlyList<string> CustomerHeader(IReadOnlyList<ExportCustomField> fields) =>
    [
        ImportFields.ExternalId, ImportFields.Email, ImportFields.FirstName, ImportFields.LastName, ImportFields.Phone,
        ImportFields.Street, ImportFields.City, ImportFields.PostalCode, ImportFields.Region, ImportFields.Country,
        ImportFields.BirthDate, ImportFields.Language, ImportFields.Company, ImportFields.OwnerEmail, ImportFields.Tags,
        .. CustomColumns(fields).Select(f => f.Key),
    ];

    /// <summary>Custom fields whose key is not already a canonical column (such a key could not be told apart on import).</summary>
    public static IReadOnlyList<ExportCustomField> CustomColumns(IReadOnlyList<ExportCustomField> fields) =>
        [.. fields.Where(f => ImportFields.Find(Imports.ImportKind.Customers, f.Key) is null)];

    public static int CustomerCsv(CustomerExportRow c, IReadOnlyList<ExportCustomField> custom, CsvWriter csv)
    {
        var cells = new List<string?>(15 + custom.Count)
        {
            ExportText.Text(c.ExternalId), ExportText.Text(c.Email), ExportText.Text(c.FirstName), ExportText.Text(c.LastName), ExportText.Text(c.Phone),
            ExportText.Text(c.Street), ExportText.Text(c.City), ExportText.Text(c.PostalCode), ExportText.Text(c.Region), c.Country,
            c.BirthDate is { } birth ? ExportText.Date(birth) : null, c.Language, ExportText.Text(c.Company), ExportText.Text(c.OwnerEmail),
            // The import splits tags on ';', '|' and ','.
            ExportText.Text(string.Join("; ", c.Tags)),
        };
        foreach (var field in custom)
        {
            cells.Add(ExportText.Text(c.CustomFields.GetValueOrDefault(field.Key)));
        }

        csv.WriteRow(cells);
        return 1;
    }

    public static IReadOnlyList<string> TransactionHeader(bool lines) =>
    [
        ImportFields.ExternalId, ImportFields.CustomerExternalId, ImportFields.CustomerEmail, ImportFields.CustomerFirstName, ImportFields.CustomerLastName,
        ImportFields.OccurredAt, ImportFields.Currency, ImportFields.Amount,
        .. lines ? new[] { ImportFields.Sku, ImportFields.Description, ImportFields.Quantity, ImportFields.UnitPrice } : [],
    ];

    /// <summary>One row per order, or with <paramref name="lines"/> one per line (the order's columns repeated; an order without lines still gets one row).</summary>
    public static int TransactionCsv(TransactionExportRow t, bool lines, CsvWriter csv)
    {
        string?[] order =
        [
            ExportText.Text(t.ExternalId), ExportText.Text(t.Customer.ExternalId), ExportText.Text(t.Customer.Email),
            ExportText.Text(t.Customer.FirstName), ExportText.Text(t.Customer.LastName),
            ExportText.Instant(t.OccurredAt), t.Currency, ExportText.Number(t.Total),
        ];
        if (!lines)
        {
            csv.WriteRow(order);
            return 1;
        }

        if (t.Lines.Count == 0)
        {
            csv.WriteRow([.. order, null, null, null, null]);
            return 1;
        }

        foreach (var line in t.Lines)
        {
            csv.WriteRow([.. order, ExportText.Text(line.Sku), ExportText.Text(line.Description), ExportText.Number(line.Quantity), ExportText.Number(line.UnitPrice)]);
        }

        return t.Lines.Count;
    }

    public static readonly IReadOnlyList<string> InteractionHeader =
    [
        ImportFields.ExternalId, ImportFields.CustomerExternalId, ImportFields.CustomerEmail, ImportFields.CustomerFirstName, ImportFields.CustomerLastName,
        ImportFields.Channel, ImportFields.Direction, ImportFields.InteractionTypeField, ImportFields.Subject, ImportFields.Notes, ImportFields.OccurredAt,
    ];

    public static int InteractionCsv(InteractionExportRow i, CsvWriter csv)
    {
        csv.WriteRow(
            ExportText.Text(i.ExternalId), ExportText.Text(i.Customer.ExternalId), ExportText.Text(i.Customer.Email),
            ExportText.Text(i.Customer.FirstName), ExportText.Text(i.Customer.LastName),
            ExportText.Enum(i.Channel), ExportText.Enum(i.Direction), ExportText.Enum(i.Type),
            ExportText.Text(i.Subject), ExportText.Text(i.Notes), ExportText.Instant(i.OccurredAt));
        return 1;
    }

    public static void CustomerJson(Utf8JsonWriter json, CustomerExportRow c)
    {
        json.WriteStartObject();
        json.WriteNumber("id", c.Id);
        Text(json, "externalId", c.ExternalId);
        json.WriteStartArray("externalIds");
        foreach (var e in c.ExternalIds)
        {
            json.WriteStartObject();
            json.WriteString("source", e.Source);
            json.WriteString("externalId", e.ExternalId);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        Text(json, "email", c.Email);
        Text(json, "firstName", c.FirstName);
        Text(json, "lastName", c.LastName);
        Text(json, "phone", c.Phone);
        Text(json, "street", c.Street);
        Text(json, "city", c.City);
        Text(json, "postalCode", c.PostalCode);
        Text(json, "region", c.Region);
        Text(json, "country", c.Country);
        Text(json, "birthDate", c.BirthDate is { } birth ? ExportText.Date(birth) : null);
        Text(json, "language", c.Language);
        Text(json, "company", c.Company);
        Text(json, "ownerEmail", c.OwnerEmail);
        json.WriteStartArray("tags");
        foreach (var tag in c.Tags)
        {
            json.WriteStringValue(tag);
        }

        json.WriteEndArray();
        json.WriteStartObject("customFields");
        foreach (var (key, value) in c.CustomFields.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            json.WriteString(key, value);
        }

        json.WriteEndObject();
        json.WriteString("createdAt", ExportText.Instant(c.CreatedAt));
        json.WriteString("updatedAt", ExportText.Instant(c.UpdatedAt));
        json.WriteEndObject();
    }

    public static void TransactionJson(Utf8JsonWriter json, TransactionExportRow t, bool lines)
    {
        json.WriteStartObject();
        json.WriteNumber("id", t.Id);
        json.WriteString("externalId", t.ExternalId);
        Customer(json, t.Customer);
        json.WriteString("occurredAt", ExportText.Instant(t.OccurredAt));
        json.WriteString("currency", t.Currency);
        json.WriteNumber("total", t.Total);
        json.WriteNumber("lineCount", t.LineCount);
        if (lines)
        {
            json.WriteStartArray("lines");
            foreach (var line in t.Lines)
            {
                json.WriteStartObject();
                json.WriteNumber("lineNumber", line.LineNumber);
                Text(json, "sku", line.Sku);
                Text(json, "description", line.Description);
                json.WriteNumber("quantity", line.Quantity);
                json.WriteNumber("unitPrice", line.UnitPrice);
                json.WriteNumber("amount", line.Amount);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    public static void InteractionJson(Utf8JsonWriter json, InteractionExportRow i)
    {
        json.WriteStartObject();
        json.WriteNumber("id", i.Id);
        json.WriteString("externalId", i.ExternalId);
        Customer(json, i.Customer);
        json.WriteString("channel", ExportText.Enum(i.Channel));
        json.WriteString("direction", ExportText.Enum(i.Direction));
        json.WriteString("type", ExportText.Enum(i.Type));
        Text(json, "subject", i.Subject);
        Text(json, "notes", i.Notes);
        json.WriteString("occurredAt", ExportText.Instant(i.OccurredAt));
        json.WriteString("source", i.Source);
        json.WriteEndObject();
    }

    /// <summary>The card of one customer: UID is the external id the import matches on.</summary>
    public static VCardContact Contact(CustomerExportRow c) => new()
    {
        Uid = c.ExternalId,
        FirstName = c.FirstName,
        LastName = c.LastName,
        DisplayName = CustomerNames.Display(c.FirstName, c.LastName, c.Email, c.Id),
        Email = c.Email,
        Phone = c.Phone,
        Street = c.Street,
        City = c.City,
        Region = c.Region,
        PostalCode = c.PostalCode,
        Country = c.Country,
        BirthDate = c.BirthDate,
        Language = c.Language,
        Company = c.Company,
        Tags = c.Tags,
        Revision = c.UpdatedAt,
    };

    private static void Customer(Utf8JsonWriter json, ExportCustomerRef c)
    {
        json.WriteStartObject("customer");
        json.WriteNumber("id", c.Id);
        Text(json, "externalId", c.ExternalId);
        Text(json, "email", c.Email);
        Text(json, "firstName", c.FirstName);
        Text(json, "lastName", c.LastName);
        json.WriteEndObject();
    }

    private static void Text(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}
