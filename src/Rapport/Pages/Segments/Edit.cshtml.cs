using Microsoft.AspNetCore.Mvc;
using Rapport.Common;
using Rapport.Data;
using Rapport.Segments;

namespace Rapport.Pages.Segments;

/// <summary>Edits a segment with the version it was read at; a change by someone else in between is refused (409).</summary>
public sealed class EditModel(ListSegmentFields fields, RapportDbContext db, PreviewSegment preview, GetSegment get, UpdateSegment update)
    : SegmentFormPage(fields, db, preview)
{
    private long _id;

    public override long? SegmentId => _id;

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        if (!CanWrite)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var segment = await get.HandleAsync(id, ct);
        if (!segment.IsOk)
        {
            return NotFound();
        }

        _id = id;
        Form = SegmentForm.From(segment.Value!);
        await LoadEditorAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(long id, CancellationToken ct)
    {
        if (!CanWrite)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        _id = id;
        var errors = new FieldErrors();
        var rules = SegmentForm.ParseRules(Form.Rules, errors);
        if (errors.Any)
        {
            return await RefusedAsync(errors.ToDictionary(), StatusCodes.Status422UnprocessableEntity, ct);
        }

        var result = await update.HandleAsync(id, Form.Version, Form.ToRequest(rules), ct);
        switch (result.Kind)
        {
            case ResultKind.Ok:
                TempData["Flash"] = $"The segment {result.Value!.Name} was saved; it has {Display.Plural(result.Value.MemberCount, "member")}.";
                return Redirect($"/segments/{id}");
            case ResultKind.NotFound:
                return NotFound();
            case ResultKind.PreconditionFailed:
                return await RefusedAsync(
                    new Dictionary<string, string[]> { [""] = ["This segment was changed by someone else since you opened this form. Open it again to see the latest rules, then make your change."] },
                    StatusCodes.Status409Conflict, ct);
            default:
                return await RefusedAsync(ErrorsOf(result), result.Kind == ResultKind.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity, ct);
        }
    }
}
