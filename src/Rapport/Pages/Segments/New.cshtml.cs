using Microsoft.AspNetCore.Mvc;
using Rapport.Common;
using Rapport.Data;
using Rapport.Identity;
using Rapport.Segments;

namespace Rapport.Pages.Segments;

public sealed class NewModel(ListSegmentFields fields, RapportDbContext db, PreviewSegment preview, CreateSegment create)
    : SegmentFormPage(fields, db, preview)
{
    public override long? SegmentId => null;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!CanWrite)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        await LoadEditorAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!CanWrite)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var errors = new FieldErrors();
        var rules = SegmentForm.ParseRules(Form.Rules, errors);
        if (errors.Any)
        {
            return await RefusedAsync(errors.ToDictionary(), StatusCodes.Status422UnprocessableEntity, ct);
        }

        var result = await create.HandleAsync(Form.ToRequest(rules), User.GetUserId(), ct);
        if (result.IsOk)
        {
            TempData["Flash"] = $"The segment {result.Value!.Name} was saved with {Display.Plural(result.Value.MemberCount, "member")}.";
            return Redirect($"/segments/{result.Value.Id}");
        }

        return await RefusedAsync(ErrorsOf(result), result.Kind == ResultKind.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity, ct);
    }
}
