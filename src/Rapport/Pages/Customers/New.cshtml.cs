using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Customers;
using Rapport.Identity;

namespace Rapport.Pages.Customers;

public sealed class NewModel(CreateCustomer create, ListUsers users, Rapport.Companies.GetCompany getCompany) : PageModel
{
    [BindProperty]
    public CustomerForm Form { get; set; } = new();

    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = Common.FieldErrors.None;
    public IReadOnlyList<UserRow> Owners { get; private set; } = [];

    /// <summary>The company the new person joins, when the form was opened from a company's page.</summary>
    public string? CompanyName { get; private set; }

    public async Task<IActionResult> OnGetAsync(long? companyId, CancellationToken ct)
    {
        if (!User.Can(Policies.CustomersEdit))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        Form.OwnerId = User.GetUserId();
        Form.CompanyId = companyId;
        await LoadChoicesAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!User.Can(Policies.CustomersEdit))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var errors = new Common.FieldErrors();
        var request = Form.ToCreateRequest(errors);
        if (!errors.Any)
        {
            var result = await create.HandleAsync(request, CustomerSources.Ui, ct);
            if (result.IsOk)
            {
                TempData["Flash"] = $"{result.Value!.DisplayName} was added.";
                return Redirect($"/customers/{result.Value.Id}");
            }

            Errors = result.Errors.Count > 0 ? result.Errors : new Dictionary<string, string[]> { [""] = [result.Message ?? "The customer could not be saved."] };
        }
        else
        {
            Errors = errors.ToDictionary();
        }

        await LoadChoicesAsync(ct);
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    private async Task LoadChoicesAsync(CancellationToken ct)
    {
        Owners = (await users.HandleAsync(ct)).Where(u => !u.Disabled).OrderBy(u => u.DisplayName, StringComparer.OrdinalIgnoreCase).ToList();
        if (Form.CompanyId is { } id)
        {
            var company = await getCompany.HandleAsync(id, ct);
            CompanyName = company.IsOk ? company.Value!.Name : null;
            Form.CompanyId = company.IsOk ? id : null;
        }
    }
}

/// <summary>The create form's fields as the browser posts them: text, with the date and tags parsed here.</summary>
public sealed class CustomerForm
{
    public string? FirstName { get; set; }
    public string? LastName { get; set; }
    public string? Email { get; set; }
    public string? Phone { get; set; }
    public string? Street { get; set; }
    public string? City { get; set; }
    public string? PostalCode { get; set; }
    public string? Region { get; set; }
    public string? Country { get; set; }
    public string? BirthDate { get; set; }
    public string? Language { get; set; }
    public string? Tags { get; set; }
    public long? OwnerId { get; set; }
    public long? CompanyId { get; set; }

    public CreateCustomerRequest ToCreateRequest(Common.FieldErrors errors) => new()
    {
        FirstName = FirstName,
        LastName = LastName,
        Email = Email,
        Phone = Phone,
        Street = Street,
        City = City,
        PostalCode = PostalCode,
        Region = Region,
        Country = Country,
        BirthDate = FormValues.Date(errors, "birthDate", BirthDate),
        Language = Language,
        Tags = FormValues.Tags(Tags),
        OwnerId = OwnerId,
        CompanyId = CompanyId,
    };
}
