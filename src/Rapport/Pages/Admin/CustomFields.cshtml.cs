using Microsoft.AspNetCore.Mvc;
using Rapport.Common;
using Rapport.Customers;

namespace Rapport.Pages.Admin;

public sealed class CustomFieldsModel(ListCustomFields list, CreateCustomField create, UpdateCustomField update, DeleteCustomField delete) : AdminPageModel
{
    public static IReadOnlyList<(string Value, string Label)> TypeChoices { get; } =
        Enum.GetValues<CustomFieldType>().Select(t => (System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(t.ToString()), Display.Label(t))).ToList();

    public IReadOnlyList<CustomFieldRow> Fields { get; private set; } = [];
    public NewFieldForm New { get; private set; } = new();
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;

    /// <summary>The field whose edit form was refused, with its messages.</summary>
    public long? EditingId { get; private set; }
    public IReadOnlyDictionary<string, string[]> EditErrors { get; private set; } = FieldErrors.None;
    public string? EditLabel { get; private set; }
    public string? EditOptions { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => Fields = await list.HandleAsync(ct);

    public async Task<IActionResult> OnPostAddAsync(NewFieldForm form, CancellationToken ct)
    {
        New = form;
        CustomFieldType? type = Enum.TryParse<CustomFieldType>(form.Type, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed : null;
        var result = await create.HandleAsync(new CreateCustomFieldRequest(form.Key, form.Label, type, Lines(form.Options), Sensitive: form.Sensitive), ct);
        if (result.IsOk)
        {
            TempData["Flash"] = $"The field \"{result.Value!.Label}\" was added; it shows on every customer's page.";
            return Redirect("/admin/custom-fields");
        }

        Errors = result.Errors;
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        Fields = await list.HandleAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostEditAsync(long id, string? label, string? options, bool sensitive, CancellationToken ct)
    {
        var fields = await list.HandleAsync(ct);
        var field = fields.FirstOrDefault(f => f.Id == id);
        if (field is null)
        {
            return NotFound();
        }

        var result = await update.HandleAsync(id, new UpdateCustomFieldRequest(label ?? "", field.Type == CustomFieldType.Choice ? Lines(options) : null, Sensitive: sensitive), ct);
        if (result.IsOk)
        {
            TempData["Flash"] = $"The field \"{result.Value!.Label}\" was saved.";
            return Redirect("/admin/custom-fields");
        }

        (EditingId, EditErrors, EditLabel, EditOptions) = (id, result.Errors.Count > 0 ? result.Errors : new Dictionary<string, string[]> { [""] = [result.Message ?? ""] }, label, options);
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        Fields = fields;
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(long id, CancellationToken ct)
    {
        var result = await delete.HandleAsync(id, ct);
        if (!result.IsOk)
        {
            return NotFound();
        }

        TempData["Flash"] = $"The field \"{result.Value!.Label}\" and every customer's value of it were deleted.";
        return Redirect("/admin/custom-fields");
    }

    /// <summary>One option per line; blank lines are dropped.</summary>
    private static List<string?> Lines(string? text) =>
        [.. (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    public sealed class NewFieldForm
    {
        public string? Key { get; set; }
        public string? Label { get; set; }
        public string? Type { get; set; } = "text";
        public string? Options { get; set; }
        public bool Sensitive { get; set; }
    }
}
