using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Data;
using Rapport.Imports.Csv;
using Rapport.Interactions;
using Rapport.VCards;

namespace Rapport.Exports;

/// <summary>
/// Checks an export's format and filters (a field error for anything wrong, before a byte is written) and returns
/// the <see cref="ExportFile"/> that streams it. Shared by the API, the export page and <c>rapport export</c>.
/// </summary>
public sealed class ExportData(RapportDbContext db, SearchCustomers search, Audit.AuditLog audit, Access.CustomerOwnership ownership, TimeProvider clock)
{
    public async Task<Result<ExportFile>> HandleAsync(ExportRequest request, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var format = ParseFormat(request, errors);
        NotFor(errors, request.Kind != ExportKind.Customers, "q", request.Q, "customers");
        NotFor(errors, request.Kind != ExportKind.Customers, "tag", request.Tag, "customers");
        NotFor(errors, request.Kind != ExportKind.Customers, "companyId", request.CompanyId, "customers");
        NotFor(errors, request.Kind != ExportKind.Customers, "ownerId", request.OwnerId, "customers");
        NotFor(errors, request.Kind != ExportKind.Customers, "sort", request.Sort, "customers");
        NotFor(errors, request.Kind != ExportKind.Customers, "stage", request.Stage, "customers");
        NotFor(errors, request.Kind != ExportKind.Customers, "segmentId", request.SegmentId, "customers");
        NotFor(errors, request.Kind != ExportKind.Customers, "rfmSegment", request.RfmSegment, "customers");
        NotFor(errors, request.Kind == ExportKind.Customers, "customerId", request.CustomerId, "transactions and interactions");
        NotFor(errors, request.Kind == ExportKind.Customers, "from", request.From, "transactions and interactions");
        NotFor(errors, request.Kind == ExportKind.Customers, "to", request.To, "transactions and interactions");
        NotFor(errors, request.Kind != ExportKind.Interactions, "channel", request.Channel, "interactions");
        NotFor(errors, request.Kind != ExportKind.Interactions, "type", request.Type, "interactions");
        NotFor(errors, request.Kind != ExportKind.Transactions, "lines", request.Lines, "transactions");
        NotFor(errors, format != ExportFormat.Vcf, "version", request.Version, "the vcf format");
        if (!VCardWriter.TryParseVersion(request.Version, out var version))
        {
            errors.Add("version", "Must be 4.0 or 3.0.");
        }

        var result = request.Kind switch
        {
            ExportKind.Customers => await CustomersAsync(request, format, version, errors, ct),
            ExportKind.Transactions or ExportKind.Interactions => await TimelineAsync(request, format, errors, ct),
            _ => Result<ExportFile>.Invalid("kind", "Must be customers, transactions or interactions."),
        };
        if (result.IsOk)
        {
            // Which data left, not the data: the filters' ids and codes; a search text or tag only as "present".
            await audit.ViewedAsync(Audit.AuditActions.Export, "export", null, request.CustomerId, new
            {
                kind = request.Kind.ToString().ToLowerInvariant(),
                format = format.ToString().ToLowerInvariant(),
                request.CustomerId,
                request.CompanyId,
                request.OwnerId,
                request.SegmentId,
                request.Stage,
                request.RfmSegment,
                request.From,
                request.To,
                query = request.Q is null ? null : Audit.AuditMasking.Mask,
                tag = request.Tag is null ? null : Audit.AuditMasking.Mask,
            }, ct);
        }

        return result;
    }

    private async Task<Result<ExportFile>> CustomersAsync(ExportRequest request, ExportFormat format, VCardVersion version, FieldErrors errors, CancellationToken ct)
    {
        if (errors.Any)
        {
            return errors.ToResult<ExportFile>();
        }

        // The first page runs now: the list's own validation answers for q, tag and sort before anything is sent.
        var filter = new SearchCustomersRequest(request.Q, request.Tag, request.CompanyId, request.OwnerId, request.Sort, Cursor.MaxLimit,
            Stage: request.Stage, SegmentId: request.SegmentId, RfmSegment: request.RfmSegment);
        var first = await search.HandleAsync(filter, ct);
        if (!first.IsOk)
        {
            return first.As<ExportFile>();
        }

        var reader = new ExportReader(db, search, ownership);
        var fields = await reader.CustomFieldsAsync(ct);
        var pages = (CancellationToken token) => reader.CustomerPagesAsync(filter, first.Value!, fields, token);
        var custom = ExportFormats.CustomColumns(fields);
        return Result<ExportFile>.Ok(format switch
        {
            ExportFormat.Csv => File(ExportKind.Customers, format, (output, token) =>
                ExportWriters.CsvAsync(output, ExportFormats.CustomerHeader(fields), pages(token), (row, csv) => ExportFormats.CustomerCsv(row, custom, csv), token)),
            ExportFormat.Vcf => File(ExportKind.Customers, format, (output, token) => ExportWriters.VCardAsync(output, pages(token), version, token)),
            _ => File(ExportKind.Customers, format, (output, token) =>
                ExportWriters.JsonAsync(output, pages(token), ExportFormats.CustomerJson, format == ExportFormat.Ndjson, token)),
        });
    }

    private async Task<Result<ExportFile>> TimelineAsync(ExportRequest request, ExportFormat format, FieldErrors errors, CancellationToken ct)
    {
        if (format == ExportFormat.Vcf)
        {
            errors.Add("format", "vcf exports customers only; use csv, json or ndjson.");
        }

        var from = ParseBound(errors, "from", request.From, end: false);
        var to = ParseBound(errors, "to", request.To, end: true);
        if (from is not null && to is not null && from >= to)
        {
            errors.Add("to", "Must be after from.");
        }

        InteractionChannel? channel = null;
        InteractionType? type = null;
        if (Validate.Clean(request.Channel) is { } channelText)
        {
            if (ImportValues.TryEnum<InteractionChannel>(channelText, out var c))
            {
                channel = c;
            }
            else
            {
                errors.Add("channel", $"Must be one of {ImportValues.EnumChoices(typeof(InteractionChannel))}.");
            }
        }

        if (Validate.Clean(request.Type) is { } typeText)
        {
            if (ImportValues.TryEnum<InteractionType>(typeText, out var t))
            {
                type = t;
            }
            else
            {
                errors.Add("type", $"Must be one of {ImportValues.EnumChoices(typeof(InteractionType))}.");
            }
        }

        if (errors.Any)
        {
            return errors.ToResult<ExportFile>();
        }

        if (request.CustomerId is { } customerId && !await ownership.Visible(db.Customers).AnyAsync(c => c.Id == customerId, ct))
        {
            return Result<ExportFile>.Invalid("customerId", $"Customer {customerId} does not exist.");
        }

        var reader = new ExportReader(db, search, ownership);
        var filter = new TimelineFilter(request.CustomerId, from, to, channel, type);
        if (request.Kind == ExportKind.Transactions)
        {
            var lines = request.Lines ?? false;
            return Result<ExportFile>.Ok(format == ExportFormat.Csv
                ? File(ExportKind.Transactions, format, (output, token) => ExportWriters.CsvAsync(
                    output, ExportFormats.TransactionHeader(lines), reader.TransactionPagesAsync(filter, lines, token), (row, csv) => ExportFormats.TransactionCsv(row, lines, csv), token))
                : File(ExportKind.Transactions, format, (output, token) => ExportWriters.JsonAsync(
                    output, reader.TransactionPagesAsync(filter, lines, token), (json, row) => ExportFormats.TransactionJson(json, row, lines), format == ExportFormat.Ndjson, token)));
        }

        return Result<ExportFile>.Ok(format == ExportFormat.Csv
            ? File(ExportKind.Interactions, format, (output, token) => ExportWriters.CsvAsync(
                output, ExportFormats.InteractionHeader, reader.InteractionPagesAsync(filter, token), ExportFormats.InteractionCsv, token))
            : File(ExportKind.Interactions, format, (output, token) => ExportWriters.JsonAsync(
                output, reader.InteractionPagesAsync(filter, token), ExportFormats.InteractionJson, format == ExportFormat.Ndjson, token)));
    }

    private ExportFile File(ExportKind kind, ExportFormat format, Func<Stream, CancellationToken, Task<long>> write)
    {
        var stamp = clock.GetUtcNow().UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var (extension, contentType) = format switch
        {
            ExportFormat.Csv => ("csv", "text/csv; charset=utf-8"),
            ExportFormat.Ndjson => ("ndjson", "application/x-ndjson"),
            ExportFormat.Vcf => ("vcf", VCardWriter.MediaType + "; charset=utf-8"),
            _ => ("json", "application/json; charset=utf-8"),
        };
        return new ExportFile($"rapport-{KindName(kind)}-{stamp}.{extension}", contentType, write);
    }

    public static string KindName(ExportKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>Parses an export kind as written in URLs and on the command line (customers, transactions, interactions).</summary>
    public static bool TryParseKind(string? text, out ExportKind kind)
    {
        kind = default;
        return Validate.Clean(text)?.ToLowerInvariant() switch
        {
            "customers" => Set(ExportKind.Customers, out kind),
            "transactions" => Set(ExportKind.Transactions, out kind),
            "interactions" => Set(ExportKind.Interactions, out kind),
            _ => false,
        };

        static bool Set(ExportKind value, out ExportKind kind)
        {
            kind = value;
            return true;
        }
    }

    private static ExportFormat ParseFormat(ExportRequest request, FieldErrors errors)
    {
        switch (Validate.Clean(request.Format)?.ToLowerInvariant())
        {
            case null or "csv":
                return ExportFormat.Csv;
            case "json":
                return ExportFormat.Json;
            case "ndjson" or "jsonl":
                return ExportFormat.Ndjson;
            case "vcf" or "vcard":
                return ExportFormat.Vcf;
            default:
                errors.Add("format", request.Kind == ExportKind.Customers ? "Must be csv, json, ndjson or vcf." : "Must be csv, json or ndjson.");
                return ExportFormat.Csv;
        }
    }

    private static void NotFor<T>(FieldErrors errors, bool notApplicable, string field, T? value, string appliesTo)
    {
        if (notApplicable && value is not null && (value is not string text || !string.IsNullOrWhiteSpace(text)))
        {
            errors.Add(field, $"Applies to {appliesTo} only.");
        }
    }

    /// <summary>
    /// A bound of the occurred-at range: a date (<c>2024-03-31</c>) means that day in UTC, so as <c>to</c> it includes
    /// the whole day; a date and time with an offset (or <c>Z</c>) is used as given (<c>from</c> inclusive, <c>to</c> exclusive).
    /// </summary>
    internal static DateTimeOffset? ParseBound(FieldErrors errors, string field, string? text, bool end)
    {
        var value = Validate.Clean(text);
        if (value is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            var start = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return end ? start.AddDays(1) : start;
        }

        if (value.Contains('T', StringComparison.OrdinalIgnoreCase) &&
            DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
        {
            return instant;
        }

        errors.Add(field, "Must be a date (2024-03-31) or a date and time (2024-03-31T18:00:00Z).");
        return null;
    }
}
