using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Identity;
using Rapport.Interactions;

namespace Rapport.Pages.Customers;

/// <summary>
/// The customer 360 page: profile with inline edit, key metrics, the timeline, and forms to add a note or log an
/// interaction. Every write goes through the same use cases as the API; an inline edit sends the version the page
/// was rendered with, so a change made by someone else in between is refused instead of overwritten.
/// </summary>
public sealed class DetailsModel(
    GetCustomer getCustomer,
    UpdateCustomer updateCustomer,
    DeleteCustomer deleteCustomer,
    GetTimeline getTimeline,
    LogInteraction logInteraction,
    ListCustomFields listCustomFields,
    ListUsers listUsers,
    Rapport.Companies.SearchCompanies searchCompanies,
    TimeProvider clock,
    IConfiguration configuration,
    Rapport.Audit.AuditLog audit) : PageModel
{
    public const int TimelinePageSize = 20;

    public CustomerDetail Customer { get; private set; } = null!;
    public Page<TimelineItem> Timeline { get; private set; } = new([], null);
    public IReadOnlyList<CustomFieldRow> CustomFields { get; private set; } = [];
    public DateTimeOffset Now => clock.GetUtcNow();
    public string Currency => Metrics.CustomerMetricsUpdater.ReportingCurrencyOf(configuration);
    public bool CanWrite => User.Can(Policies.CustomersEdit);
    public int HorizonMonths => Rapport.Analytics.AnalyticsSettings.FromConfiguration(configuration).HorizonMonths;

    /// <summary>The interaction form's values and errors when it is re-shown after a refused post.</summary>
    public InteractionForm Interaction { get; private set; } = new();
    public IReadOnlyDictionary<string, string[]> InteractionErrors { get; private set; } = FieldErrors.None;
    public string? NoteText { get; private set; }
    public IReadOnlyDictionary<string, string[]> NoteErrors { get; private set; } = FieldErrors.None;

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        var customer = await getCustomer.HandleAsync(id, ct);
        if (!customer.IsOk)
        {
            return await Duplicates.MergedAway.PageAsync(this, id, ct) ?? NotFound();
        }

        Customer = customer.Value!;
        CustomFields = await listCustomFields.HandleAsync(ct);
        Timeline = (await getTimeline.HandleAsync(id, TimelinePageSize, null, ct)).Value!;
        Interaction = InteractionForm.Default();
        await audit.ViewedAsync(Rapport.Audit.AuditActions.CustomerViewed, "customer", Rapport.Audit.AuditLog.Id(id), id, ct: ct);
        return Page();
    }

    // ---- Inline edit of one profile field ----

    public async Task<IActionResult> OnGetFieldAsync(long id, string field, bool edit, CancellationToken ct)
    {
        if (edit && !CanWrite)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var customer = await getCustomer.HandleAsync(id, ct);
        if (!customer.IsOk)
        {
            return NotFound();
        }

        var definition = await FindFieldAsync(field, ct);
        if (definition is null)
        {
            return NotFound();
        }

        Customer = customer.Value!;
        if (Customer.Company is { } company && definition.Key == "companyId" && definition.Choices is { } choices &&
            !choices.Any(c => c.Value == company.Id.ToString(CultureInfo.InvariantCulture)))
        {
            // The current company is always an option, so saving another field of the form never drops it.
            definition = definition with { Choices = [choices[0], (company.Id.ToString(CultureInfo.InvariantCulture), company.Name), .. choices.Skip(1)] };
        }

        return Partial("_ProfileField", new ProfileFieldView(this, definition, edit, definition.Read(Customer), null, false));
    }

    public async Task<IActionResult> OnPostFieldAsync(long id, string field, string? value, int? version, CancellationToken ct)
    {
        if (!CanWrite)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var definition = await FindFieldAsync(field, ct);
        if (definition is null)
        {
            return NotFound();
        }

        if (version is null)
        {
            return FieldProblem(definition, value, "This page is out of date. Reload it and edit again.", stale: true, id);
        }

        var errors = new FieldErrors();
        var request = definition.ToRequest(value, errors);
        if (errors.Any)
        {
            return FieldProblem(definition, value, FormValues.ErrorFor(errors.ToDictionary(), definition.ErrorKey), stale: false, id);
        }

        var result = await updateCustomer.HandleAsync(id, request, version, ct);
        switch (result.Kind)
        {
            case ResultKind.Ok:
                Customer = result.Value!;
                return Partial("_ProfileFieldSaved", new ProfileFieldView(this, definition, false, definition.Read(Customer), null, false));
            case ResultKind.NotFound:
                return NotFound();
            case ResultKind.PreconditionFailed:
                return FieldProblem(definition, value, "This customer was changed by someone else since you opened the page. Reload the page to see the latest details, then make your change again.", stale: true, id);
            default:
                var message = FormValues.ErrorFor(result.Errors, definition.ErrorKey)
                    ?? string.Join(" ", result.Errors.SelectMany(e => e.Value).DefaultIfEmpty(result.Message ?? "The change could not be saved."));
                return FieldProblem(definition, value, message, stale: false, id);
        }
    }

    private PartialViewResult FieldProblem(ProfileField definition, string? value, string? message, bool stale, long id)
    {
        Customer = Customer ?? EmptyCustomer(id);
        Response.StatusCode = stale ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity;
        return Partial("_ProfileField", new ProfileFieldView(this, definition, true, value, message, stale));
    }

    private async Task<ProfileField?> FindFieldAsync(string? key, CancellationToken ct)
    {
        if (ProfileField.Standard.FirstOrDefault(f => f.Key == key) is { } standard)
        {
            return key switch
            {
                "ownerId" => standard with { Choices = await OwnerChoicesAsync(ct) },
                "companyId" => standard with { Choices = await CompanyChoicesAsync(null, ct) },
                _ => standard,
            };
        }

        if (key is not null && key.StartsWith(ProfileField.CustomPrefix, StringComparison.Ordinal))
        {
            var fieldKey = key[ProfileField.CustomPrefix.Length..];
            var definition = (await listCustomFields.HandleAsync(ct)).FirstOrDefault(f => f.Key == fieldKey);
            return definition is null ? null : ProfileField.Custom(definition);
        }

        return null;
    }

    /// <summary>The first companies by name matching <paramref name="q"/> (the edit form narrows them as one types).</summary>
    private async Task<IReadOnlyList<(string Value, string Label)>> CompanyChoicesAsync(string? q, CancellationToken ct)
    {
        var page = await searchCompanies.HandleAsync(new Rapport.Companies.SearchCompaniesQuery(q, CompanyChoiceCount), ct);
        return
        [
            ("", "No company"),
            .. (page.IsOk ? page.Value!.Items : []).Select(c => (c.Id.ToString(CultureInfo.InvariantCulture), c.City is null ? c.Name : $"{c.Name} ({c.City})")),
        ];
    }

    public const int CompanyChoiceCount = 50;

    /// <summary>The company options for the text typed in the company edit form's search box.</summary>
    public async Task<IActionResult> OnGetCompanyChoicesAsync(long id, string? companyQ, CancellationToken ct)
    {
        if (!CanWrite)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var choices = await CompanyChoicesAsync(companyQ, ct);
        return Content(string.Concat(choices.Select(c =>
            $"<option value=\"{System.Net.WebUtility.HtmlEncode(c.Value)}\">{System.Net.WebUtility.HtmlEncode(c.Label)}</option>")), "text/html");
    }

    private async Task<IReadOnlyList<(string Value, string Label)>> OwnerChoicesAsync(CancellationToken ct) =>
    [
        ("", "Nobody"),
        .. (await listUsers.HandleAsync(ct)).Where(u => !u.Disabled).OrderBy(u => u.DisplayName, StringComparer.OrdinalIgnoreCase)
            .Select(u => (u.Id.ToString(CultureInfo.InvariantCulture), u.DisplayName)),
    ];

    private static CustomerDetail EmptyCustomer(long id) => new(
        id, "", null, null, null, null, null, null, null, null, null, null, null, null, null, [],
        new Dictionary<string, CustomFieldValueDetail>(), [], new CustomerMetricsDetail(null, null, 0, 0, 0, null), "", default, default, 0);

    // ---- Timeline ----

    public async Task<IActionResult> OnGetTimelineAsync(long id, string? after, CancellationToken ct)
    {
        var page = await getTimeline.HandleAsync(id, TimelinePageSize, after, ct);
        if (page.Kind == ResultKind.NotFound)
        {
            return NotFound();
        }

        if (!page.IsOk)
        {
            return BadRequest();
        }

        await audit.ViewedAsync(Rapport.Audit.AuditActions.TimelineViewed, "customer", Rapport.Audit.AuditLog.Id(id), id, ct: ct);
        Customer = EmptyCustomer(id);
        Timeline = page.Value!;
        return Partial("_TimelineItems", this);
    }

    // ---- Notes and interactions ----

    public async Task<IActionResult> OnPostNoteAsync(long id, string? notes, CancellationToken ct)
    {
        if (!CanWrite)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var result = await logInteraction.HandleAsync(LogInteractionRequest.Note(id, notes ?? "", User.GetUserId()), ct);
        if (result.IsOk)
        {
            return await AfterActivityAsync(id, ct);
        }

        if (result.Errors.ContainsKey("customerId"))
        {
            return NotFound();
        }

        Customer = EmptyCustomer(id);
        NoteText = notes;
        NoteErrors = result.Errors;
        return Retarget("#note-form", "_NoteForm");
    }

    public async Task<IActionResult> OnPostInteractionAsync(long id, InteractionForm form, CancellationToken ct)
    {
        if (!CanWrite)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var errors = new FieldErrors();
        var request = form.ToRequest(id, User.GetUserId(), errors);
        if (!errors.Any)
        {
            var result = await logInteraction.HandleAsync(request, ct);
            if (result.IsOk)
            {
                return await AfterActivityAsync(id, ct);
            }

            if (result.Errors.ContainsKey("customerId"))
            {
                return NotFound();
            }

            InteractionErrors = result.Errors;
        }
        else
        {
            InteractionErrors = errors.ToDictionary();
        }

        Customer = EmptyCustomer(id);
        Interaction = form;
        return Retarget("#interaction-form", "_InteractionForm");
    }

    /// <summary>A refused form is swapped back in place of itself, with its messages, instead of the timeline.</summary>
    private PartialViewResult Retarget(string target, string partial)
    {
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        Response.Headers["HX-Retarget"] = target;
        Response.Headers["HX-Reswap"] = "outerHTML";
        return Partial(partial, this);
    }

    /// <summary>After a note or interaction: the first page of the timeline, and the metrics (out of band).</summary>
    private async Task<IActionResult> AfterActivityAsync(long id, CancellationToken ct)
    {
        var customer = await getCustomer.HandleAsync(id, ct);
        if (!customer.IsOk)
        {
            return NotFound();
        }

        Customer = customer.Value!;
        Timeline = (await getTimeline.HandleAsync(id, TimelinePageSize, null, ct)).Value!;
        Interaction = InteractionForm.Default();
        return Partial("_ActivityAdded", this);
    }

    // ---- Delete ----

    public async Task<IActionResult> OnPostDeleteAsync(long id, int? version, CancellationToken ct)
    {
        if (!CanWrite)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var current = await getCustomer.HandleAsync(id, ct);
        if (!current.IsOk)
        {
            return NotFound();
        }

        var result = await deleteCustomer.HandleAsync(id, version, ct);
        if (result.Kind == ResultKind.PreconditionFailed)
        {
            TempData["FlashError"] = "This customer was changed by someone else since you opened the page, so it was not deleted. Check the latest details and delete again if you still want to.";
            return Redirect($"/customers/{id}");
        }

        if (!result.IsOk)
        {
            return NotFound();
        }

        TempData["Flash"] = $"{current.Value!.DisplayName} was deleted.";
        return Redirect("/customers");
    }

    // ---- Helpers for the views ----

    public string Handler(string handler, params (string Name, string? Value)[] values)
    {
        var query = QueryString.Create([new KeyValuePair<string, string?>("handler", handler), .. values.Select(v => new KeyValuePair<string, string?>(v.Name, v.Value))]);
        return $"/customers/{Customer.Id}{query.ToUriComponent()}";
    }

    public IEnumerable<ProfileField> CustomProfileFields => CustomFields.Select(ProfileField.Custom);

    public static IReadOnlyList<(string Value, string Label)> ChoicesOf<TEnum>() where TEnum : struct, Enum =>
        Enum.GetValues<TEnum>().Select(v => (JsonNamingPolicy.CamelCase.ConvertName(v.ToString()), Display.Label(v))).ToList();
}

/// <summary>What a profile field partial needs: the page, the field, whether it is being edited, and any message.</summary>
public sealed record ProfileFieldView(DetailsModel Page, ProfileField Field, bool Editing, string? Value, string? Error, bool Stale);

/// <summary>
/// A field of the profile that can be edited inline: how to read it from <see cref="CustomerDetail"/> as text and
/// how to turn the posted text into a partial <see cref="UpdateCustomerRequest"/> of just that field.
/// </summary>
public sealed record ProfileField(
    string Key,
    string Label,
    string InputType,
    Func<CustomerDetail, string?> Read,
    Func<string?, FieldErrors, UpdateCustomerRequest> ToRequest,
    string? Hint = null,
    IReadOnlyList<(string Value, string Label)>? Choices = null,
    Func<CustomerDetail, string?>? Show = null)
{
    public const string CustomPrefix = "cf.";

    /// <summary>The key use cases name this field by in their field errors.</summary>
    public string ErrorKey => Key.StartsWith(CustomPrefix, StringComparison.Ordinal) ? "customFields." + Key[CustomPrefix.Length..] : Key;

    /// <summary>An id-safe form of the key (custom field keys are lower case letters, digits and underscores).</summary>
    public string Slug => Key.Replace('.', '-');

    public string Text(CustomerDetail customer) => (Show ?? Read)(customer) ?? "";

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    public static readonly IReadOnlyList<ProfileField> Standard =
    [
        new("firstName", "First name", "text", c => c.FirstName, (v, _) => new() { FirstName = Clean(v) }),
        new("lastName", "Last name", "text", c => c.LastName, (v, _) => new() { LastName = Clean(v) }),
        new("email", "Email", "email", c => c.Email, (v, _) => new() { Email = Clean(v) }),
        new("phone", "Phone", "tel", c => c.Phone, (v, _) => new() { Phone = Clean(v) }),
        new("street", "Street", "text", c => c.Street, (v, _) => new() { Street = Clean(v) }),
        new("postalCode", "Postal code", "text", c => c.PostalCode, (v, _) => new() { PostalCode = Clean(v) }),
        new("city", "City", "text", c => c.City, (v, _) => new() { City = Clean(v) }),
        new("region", "Region", "text", c => c.Region, (v, _) => new() { Region = Clean(v) }),
        new("country", "Country", "text", c => c.Country, (v, _) => new() { Country = Clean(v) }, "Two-letter code, e.g. US, DE, FR."),
        new("birthDate", "Birth date", "date", c => c.BirthDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            (v, e) => new() { BirthDate = FormValues.Date(e, "birthDate", v) }, Show: c => c.BirthDate is null ? null : Display.Date(c.BirthDate)),
        new("language", "Language", "text", c => c.Language, (v, _) => new() { Language = Clean(v) }, "A language tag, e.g. en or fr-CA."),
        new("tags", "Tags", "text", c => string.Join(", ", c.Tags), (v, _) => new() { Tags = new Optional<IReadOnlyList<string?>?>(FormValues.Tags(v)) },
            "Separate tags with commas."),
        new("companyId", "Company", "company", c => c.Company?.Id.ToString(CultureInfo.InvariantCulture), (v, e) => new() { CompanyId = Id(v, e, "companyId") },
            Show: c => c.Company?.Name),
        new("ownerId", "Owner", "select", c => c.Owner?.Id.ToString(CultureInfo.InvariantCulture), (v, e) => new() { OwnerId = Id(v, e, "ownerId") },
            Show: c => c.Owner?.Name),
    ];

    /// <summary>The fields shown in the Account card rather than the Profile card.</summary>
    public static readonly IReadOnlySet<string> AccountKeys = new HashSet<string>(StringComparer.Ordinal) { "companyId", "ownerId" };

    private static long? Id(string? value, FieldErrors errors, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return id;
        }

        errors.Add(field, "Choose from the list.");
        return null;
    }

    /// <summary>A custom field, edited like the standard fields.</summary>
    public static ProfileField Custom(CustomFieldRow field)
    {
        var key = CustomPrefix + field.Key;
        string? Read(CustomerDetail c) => c.CustomFields.TryGetValue(field.Key, out var v) ? v.Value switch
        {
            null => null,
            bool b => b ? "true" : "false",
            decimal d => d.ToString("0.####", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            var other => other.ToString(),
        } : null;
        string? Show(CustomerDetail c) => field.Type switch
        {
            CustomFieldType.Boolean => Read(c) switch { "true" => "Yes", "false" => "No", _ => null },
            CustomFieldType.Date => Read(c) is { } d && DateOnly.TryParse(d, CultureInfo.InvariantCulture, out var date) ? Display.Date(date) : Read(c),
            _ => Read(c),
        };
        // The text becomes a JSON value of the field's type by the customers feature's own rule; UpdateCustomer judges it.
        UpdateCustomerRequest ToRequest(string? value, FieldErrors errors) => new()
        {
            CustomFields = new Optional<IReadOnlyDictionary<string, JsonElement>?>(
                new Dictionary<string, JsonElement> { [field.Key] = CustomFieldValues.FromText(field.Type, value) }),
        };

        var (inputType, choices) = field.Type switch
        {
            CustomFieldType.Number => ("number", (IReadOnlyList<(string, string)>?)null),
            CustomFieldType.Date => ("date", null),
            CustomFieldType.Boolean => ("select", [("", "Not set"), ("true", "Yes"), ("false", "No")]),
            CustomFieldType.Choice => ("select", [("", "Not set"), .. field.Options.Select(o => (o, o))]),
            _ => ("text", null),
        };
        return new ProfileField(key, field.Label, inputType, Read, ToRequest, null, choices, Show);
    }
}

/// <summary>The "log an interaction" form as posted; the enum names are the API's camelCase names.</summary>
public sealed class InteractionForm
{
    public string? Channel { get; set; }
    public string? Direction { get; set; }
    public string? Type { get; set; }
    public string? Subject { get; set; }
    public string? Notes { get; set; }
    public string? OccurredAt { get; set; }

    /// <summary>A call made just now; an empty time means "now" to the use case.</summary>
    public static InteractionForm Default() => new()
    {
        Channel = "phone",
        Direction = "outbound",
        Type = "call",
    };

    public LogInteractionRequest ToRequest(long customerId, long? userId, FieldErrors errors) => new(
        customerId,
        Parse<InteractionChannel>(errors, "channel", Channel),
        Parse<InteractionDirection>(errors, "direction", Direction),
        Parse<InteractionType>(errors, "type", Type),
        Subject,
        Notes,
        FormValues.Instant(errors, "occurredAt", OccurredAt),
        "ui",
        userId);

    private static TEnum? Parse<TEnum>(FieldErrors errors, string field, string? value) where TEnum : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (Enum.TryParse<TEnum>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(value, out _))
        {
            return parsed;
        }

        errors.Add(field, "Choose a value from the list.");
        return null;
    }
}
