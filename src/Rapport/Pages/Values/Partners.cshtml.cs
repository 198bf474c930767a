using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Common;
using Rapport.Identity;
using Rapport.Values;

namespace Rapport.Pages.Values;

/// <summary>Partners and influencers with their fit with the business's values; adds one.</summary>
public sealed class PartnersModel(ListPartners list, CreatePartner create) : PageModel
{
    [BindProperty]
    public PartnerForm Form { get; set; } = new();

    public IReadOnlyList<PartnerDetail> Partners { get; private set; } = [];
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;

    public async Task OnGetAsync(CancellationToken ct) => Partners = await list.HandleAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!User.Can(Policies.CatalogEdit))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var errors = new FieldErrors();
        var kind = Form.ParseKind(errors);
        var result = errors.Any
            ? errors.ToResult<PartnerDetail>()
            : await create.HandleAsync(new CreatePartnerRequest(Form.Name, kind, Form.Audience, ValueForms.Lines(Form.Channels), Form.Contact), ct);
        if (result.IsOk)
        {
            TempData["Flash"] = $"{result.Value!.Name} was added; rate them on your values to see the fit.";
            return Redirect($"/partners/{result.Value.Id}");
        }

        Errors = result.Errors.Count > 0 ? result.Errors : new Dictionary<string, string[]> { [""] = [result.Message ?? "The partner could not be added."] };
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        Partners = await list.HandleAsync(ct);
        return Page();
    }
}

public sealed class PartnerForm
{
    public string? Name { get; set; }
    public string? Kind { get; set; }
    public string? Audience { get; set; }
    /// <summary>One channel per line.</summary>
    public string? Channels { get; set; }
    public string? Contact { get; set; }

    public static readonly IReadOnlyList<(string Value, string Label)> Kinds =
        [.. Enum.GetValues<PartnerKind>().Select(k => (k.ToString().ToLowerInvariant(), k.ToString()))];

    public PartnerKind? ParseKind(FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(Kind))
        {
            return null;
        }

        if (Enum.TryParse<PartnerKind>(Kind, ignoreCase: true, out var kind) && Enum.IsDefined(kind) && !char.IsAsciiDigit(Kind[0]))
        {
            return kind;
        }

        errors.Add("kind", "Choose one of the kinds offered.");
        return null;
    }

    public static PartnerForm From(PartnerDetail p) => new()
    {
        Name = p.Name, Kind = p.Kind.ToString().ToLowerInvariant(), Audience = p.Audience, Channels = string.Join('\n', p.Channels), Contact = p.Contact,
    };
}
