using Microsoft.AspNetCore.Mvc;
using Rapport.Common;
using Rapport.Identity;

namespace Rapport.Pages.Admin;

public sealed class ApiKeysModel(ListApiKeys list, CreateApiKey create, RevokeApiKey revoke, TimeProvider clock) : AdminPageModel
{
    public IReadOnlyList<ApiKeyRow> Keys { get; private set; } = [];
    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>The key just created: its secret is in this response and nowhere else.</summary>
    public CreatedApiKey? Created { get; private set; }

    public string? NewName { get; private set; }
    public string NewRole { get; private set; } = "sales";
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;

    public async Task OnGetAsync(CancellationToken ct) => Keys = await list.HandleAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(string? name, string? role, string[]? scopes, CancellationToken ct)
    {
        (NewName, NewRole) = (name, role ?? "");
        if (ParseRole(role) is not { } parsed)
        {
            Errors = new Dictionary<string, string[]> { ["role"] = ["Choose a role."] };
        }
        else
        {
            var result = await create.HandleAsync(new CreateApiKeyRequest(name ?? "", parsed, User.GetUserId(), scopes), ct);
            if (result.IsOk)
            {
                Created = result.Value;
                (NewName, NewRole) = (null, "sales");
            }
            else
            {
                Errors = result.Errors;
            }
        }

        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        }

        Keys = await list.HandleAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(long id, CancellationToken ct)
    {
        var result = await revoke.HandleAsync(id, ct);
        if (!result.IsOk)
        {
            return NotFound();
        }

        TempData["Flash"] = $"The key \"{result.Value!.Name}\" is revoked; requests with it are refused from now on.";
        return Redirect("/admin/api-keys");
    }
}
