using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Common;
using Rapport.Identity;
using Rapport.Privacy;

namespace Rapport.Pages.Privacy;

/// <summary>
/// /privacy/requests/{id}: one request; change its status and notes, link the customer, download their export (JSON or
/// zip of CSVs), and erase them after typing the confirmation phrase.
/// </summary>
[Authorize(Policy = Policies.PrivacyExport)]
public sealed class RequestModel(PrivacyRequests requests, CustomerExport export, EraseCustomer erase) : PageModel
{
    public PrivacyRequestDetail Item { get; private set; } = null!;
    public ErasurePreview? Preview { get; private set; }
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;
    public IReadOnlyDictionary<string, string[]> EraseErrors { get; private set; } = FieldErrors.None;

    public static string ConfirmationFor(long customerId) => string.Create(CultureInfo.InvariantCulture, $"erase customer {customerId}");

    public static IReadOnlyList<(string Value, string Label)> StatusChoices { get; } =
        Enum.GetValues<PrivacyRequestStatus>().Select(s => (s.ToString(), Display.Label(s))).ToList();

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostUpdateAsync(long id, string? status, string? notes, string? customerId, CancellationToken ct)
    {
        PrivacyRequestStatus? parsed = null;
        var errors = new FieldErrors();
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (Enum.TryParse<PrivacyRequestStatus>(status, ignoreCase: true, out var s) && Enum.IsDefined(s) && !int.TryParse(status, out _))
            {
                parsed = s;
            }
            else
            {
                errors.Add("status", "Choose from the list.");
            }
        }

        long? customer = null;
        if (!string.IsNullOrWhiteSpace(customerId))
        {
            if (long.TryParse(customerId.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var c))
            {
                customer = c;
            }
            else
            {
                errors.Add("customerId", "A customer number, or empty.");
            }
        }

        if (!errors.Any)
        {
            var result = await requests.UpdateAsync(id, new UpdatePrivacyRequest(parsed, customer, notes ?? "", null), User.GetUserId(), ct);
            if (result.Kind == ResultKind.NotFound)
            {
                return NotFound();
            }

            if (result.IsOk)
            {
                TempData["Flash"] = "Saved.";
                return Redirect($"/privacy/requests/{id}");
            }

            Errors = result.Errors;
        }
        else
        {
            Errors = errors.ToDictionary();
        }

        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    /// <summary>The customer's export as a download (format json or zip).</summary>
    public async Task<IActionResult> OnGetExportAsync(long id, string? format, CancellationToken ct)
    {
        var found = await requests.GetAsync(id, ct);
        if (!found.IsOk || found.Value!.CustomerId is not { } customerId)
        {
            return NotFound();
        }

        var zip = string.Equals(format, "zip", StringComparison.OrdinalIgnoreCase);
        var document = await export.HandleAsync(customerId, ct);
        if (!document.IsOk)
        {
            return NotFound();
        }

        var buffer = new MemoryStream();
        if (zip)
        {
            await CustomerExport.WriteZipAsync(document.Value!, buffer, ct);
        }
        else
        {
            await CustomerExport.WriteJsonAsync(document.Value!, buffer, ct);
        }

        buffer.Position = 0;
        return File(buffer, zip ? "application/zip" : "application/json", string.Create(CultureInfo.InvariantCulture, $"customer-{customerId}.{(zip ? "zip" : "json")}"));
    }

    public async Task<IActionResult> OnPostEraseAsync(long id, string? confirmation, CancellationToken ct)
    {
        if (!User.Can(Policies.PrivacyDelete))
        {
            return Forbid();
        }

        var found = await requests.GetAsync(id, ct);
        if (!found.IsOk)
        {
            return NotFound();
        }

        if (found.Value!.CustomerId is not { } customerId)
        {
            EraseErrors = new Dictionary<string, string[]> { ["confirmation"] = ["Link the request to a customer first."] };
        }
        else if (!string.Equals(confirmation?.Trim(), ConfirmationFor(customerId), StringComparison.OrdinalIgnoreCase))
        {
            EraseErrors = new Dictionary<string, string[]> { ["confirmation"] = [$"Type \"{ConfirmationFor(customerId)}\" to confirm."] };
        }
        else
        {
            var result = await erase.HandleAsync(customerId, new EraseCustomer.Options(id, User.GetUserId()), ct);
            if (result.IsOk)
            {
                TempData["Flash"] = string.Create(CultureInfo.InvariantCulture,
                    $"Customer {customerId} erased: {result.Value!.RowsDeleted} rows deleted, {result.Value.RowsScrubbed} scrubbed; {result.Value.TransactionsKept} transactions kept without personal data.");
                return Redirect($"/privacy/requests/{id}");
            }

            EraseErrors = new Dictionary<string, string[]> { ["confirmation"] = [result.Message ?? "The customer could not be erased."] };
        }

        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(long id, CancellationToken ct)
    {
        var found = await requests.GetAsync(id, ct);
        if (!found.IsOk)
        {
            return false;
        }

        Item = found.Value!;
        if (Item.CustomerId is { } customerId && (await erase.PreviewAsync(customerId, ct)) is { IsOk: true } preview)
        {
            Preview = preview.Value;
        }

        return true;
    }
}
