using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Api;
using Rapport.Common;
using Rapport.Exports;

namespace Rapport.Pages.Exports;

/// <summary>
/// <c>/exports</c>: one form per kind (customers, transactions, interactions) with the filters of its list and a
/// format; <c>?handler=download</c> streams the file through the same <see cref="ExportData"/> as the API and CLI.
/// </summary>
public sealed class IndexModel(ExportData export) : PageModel
{
    public static readonly IReadOnlyList<(string Value, string Label)> Kinds =
        [("customers", "Customers"), ("transactions", "Transactions"), ("interactions", "Interactions")];

    [BindProperty(SupportsGet = true)]
    public string? Kind { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Format { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Tag { get; set; }

    /// <summary>The customer list's other filters, carried from its Export link (hidden fields of the customers form).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Stage { get; set; }

    [BindProperty(SupportsGet = true)]
    public long? Segment { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Rfm { get; set; }

    [BindProperty(SupportsGet = true)]
    public long? Owner { get; set; }

    [BindProperty(SupportsGet = true)]
    public long? Company { get; set; }

    /// <summary>An order of the customer list, by its page value (name, newest, revenue, last-purchase).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Sort { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? CustomerId { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? To { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Channel { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Type { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Lines { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Version { get; set; }

    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;

    /// <summary>The kind whose form is shown first and receives the errors.</summary>
    public string Selected => Kinds.Any(k => k.Value == Kind) ? Kind! : "customers";

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnGetDownloadAsync(CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (!ExportData.TryParseKind(Kind, out var kind))
        {
            errors.Add("kind", "Choose customers, transactions or interactions.");
        }

        long? customerId = null;
        if (Validate.Clean(CustomerId) is { } idText)
        {
            if (long.TryParse(idText, out var id) && id > 0)
            {
                customerId = id;
            }
            else
            {
                errors.Add("customerId", "Must be a customer number, as shown in the customer's address (/customers/42).");
            }
        }

        if (!errors.Any)
        {
            // Only the filters of the chosen kind are sent: the other forms' fields are not part of this export.
            var request = kind switch
            {
                ExportKind.Customers => new ExportRequest
                {
                    Kind = kind, Format = Format, Q = Q, Tag = Tag, Version = Format == "vcf" ? Version : null,
                    Stage = Stage, SegmentId = Segment, RfmSegment = Rfm, OwnerId = Owner, CompanyId = Company,
                    Sort = Customers.IndexModel.Orders.FirstOrDefault(o => o.Value == Sort).Sort ?? Sort,
                },
                ExportKind.Transactions => new ExportRequest
                {
                    Kind = kind, Format = Format, CustomerId = customerId, From = From, To = To, Lines = Lines ? true : null,
                },
                _ => new ExportRequest
                {
                    Kind = kind, Format = Format, CustomerId = customerId, From = From, To = To, Channel = Channel, Type = Type,
                },
            };
            var result = await export.HandleAsync(request, ct);
            if (result.IsOk)
            {
                return new DownloadResult(result.Value!);
            }

            Errors = result.Errors.Count > 0 ? result.Errors : new Dictionary<string, string[]> { ["kind"] = [result.Message ?? "The export could not start."] };
        }
        else
        {
            Errors = errors.ToDictionary();
        }

        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    public string? ErrorFor(string kind, string field) => kind == Selected ? FormValues.ErrorFor(Errors, field) : null;

    /// <summary>Streams the export into the response (the API's download headers: attachment, file name, no-store).</summary>
    private sealed class DownloadResult(ExportFile file) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context) => new ExportEndpoints.ExportDownload(file).ExecuteAsync(context.HttpContext);
    }
}
