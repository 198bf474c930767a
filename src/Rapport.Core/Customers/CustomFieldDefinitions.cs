using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Customers;

/// <summary>A custom field definition. <c>Options</c> lists a choice field's allowed values (empty for other types).</summary>
public sealed record CustomFieldRow(
    long Id,
    string Key,
    string Label,
    CustomFieldType Type,
    IReadOnlyList<string> Options,
    int Position,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    bool Sensitive = false);

/// <summary>
/// <c>Key</c>: lower case letters, digits and underscores, starting with a letter (e.g. <c>shoe_size</c>); it and
/// <c>Type</c> cannot change later. <c>Options</c> is required for choice fields and refused for the others.
/// <c>Position</c> orders fields on screens; when omitted the field goes last.
/// </summary>
/// <c>Sensitive</c>: values are hidden from roles without <c>customers.view-sensitive</c> (docs/security.md).
public sealed record CreateCustomFieldRequest(string? Key, string? Label, CustomFieldType? Type, IReadOnlyList<string?>? Options = null, int? Position = null, bool? Sensitive = null);

/// <summary>Only the fields given change. Options of a choice field can be added, reordered or removed while no customer uses them.</summary>
public sealed record UpdateCustomFieldRequest(string? Label = null, IReadOnlyList<string?>? Options = null, int? Position = null, bool? Sensitive = null);

internal static partial class CustomFieldRules
{
    public static List<string>? Options(FieldErrors errors, CustomFieldType type, IReadOnlyList<string?>? options)
    {
        if (type != CustomFieldType.Choice)
        {
            if (options is { Count: > 0 })
            {
                errors.Add("options", "Only choice fields have options.");
            }

            return null;
        }

        if (options is null || options.Count == 0)
        {
            errors.Add("options", "A choice field needs at least one option.");
            return null;
        }

        if (options.Count > CustomerLimits.MaxCustomFieldOptions)
        {
            errors.Add("options", $"At most {CustomerLimits.MaxCustomFieldOptions} options (got {options.Count}).");
            return null;
        }

        var result = new List<string>();
        for (var i = 0; i < options.Count; i++)
        {
            var option = CustomerRules.Text(errors, $"options[{i}]", options[i], CustomerLimits.CustomFieldOption);
            if (option is null)
            {
                errors.Add($"options[{i}]", "Must not be blank.");
            }
            else if (result.Contains(option, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"options[{i}]", "Is listed twice.");
            }
            else
            {
                result.Add(option);
            }
        }

        if (string.Join('\n', result).Length > CustomerLimits.CustomFieldOptionsTotal)
        {
            errors.Add("options", $"All options together must be at most {CustomerLimits.CustomFieldOptionsTotal} characters.");
        }

        return result;
    }

    public static void Position(FieldErrors errors, int? position)
    {
        if (position is < 0 or > 100_000)
        {
            errors.Add("position", "Must be between 0 and 100000.");
        }
    }

    public static CustomFieldRow ToRow(CustomFieldDefinition f) =>
        new(f.Id, f.Key, f.Label, f.Type, f.OptionList, f.Position, f.CreatedAt, f.UpdatedAt, f.Sensitive);

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    public static partial Regex KeyShape();
}

public sealed class ListCustomFields(RapportDbContext db)
{
    /// <summary>Every definition by position, then key.</summary>
    public async Task<IReadOnlyList<CustomFieldRow>> HandleAsync(CancellationToken ct)
    {
        var fields = await db.CustomFields.AsNoTracking().OrderBy(f => f.Position).ThenBy(f => f.Key).ToListAsync(ct);
        return fields.Select(CustomFieldRules.ToRow).ToList();
    }
}

public sealed class CreateCustomField(RapportDbContext db, ILogger<CreateCustomField> logger)
{
    public async Task<Result<CustomFieldRow>> HandleAsync(CreateCustomFieldRequest request, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var key = Validate.Clean(request.Key);
        Validate.Required(errors, "key", key);
        if (key is not null && (key.Length > CustomerLimits.CustomFieldKey || !CustomFieldRules.KeyShape().IsMatch(key)))
        {
            errors.Add("key", $"Must be 1 to {CustomerLimits.CustomFieldKey} lower case letters, digits or underscores, starting with a letter, e.g. shoe_size.");
        }

        var label = CustomerRules.Text(errors, "label", request.Label, CustomerLimits.CustomFieldLabel);
        Validate.Required(errors, "label", label);
        if (request.Type is not { } type || !Enum.IsDefined(type))
        {
            errors.Add("type", "Is required: one of text, number, date, boolean, choice.");
            return errors.ToResult<CustomFieldRow>();
        }

        var options = CustomFieldRules.Options(errors, type, request.Options);
        CustomFieldRules.Position(errors, request.Position);
        if (errors.Any)
        {
            return errors.ToResult<CustomFieldRow>();
        }

        if (await db.CustomFields.AnyAsync(f => f.Key == key, ct))
        {
            return Result<CustomFieldRow>.Conflict($"There is already a custom field with key '{key}'.", "key");
        }

        var position = request.Position ?? (await db.CustomFields.MaxAsync(f => (int?)f.Position, ct) ?? -1) + 1;
        var field = new CustomFieldDefinition
        {
            Key = key!,
            Label = label!,
            Type = type,
            Options = options is null ? null : string.Join('\n', options),
            Position = position,
            Sensitive = request.Sensitive ?? false,
        };
        db.CustomFields.Add(field);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            return Result<CustomFieldRow>.Conflict($"There is already a custom field with key '{key}'.", "key");
        }

        logger.LogInformation("Custom field {CustomFieldId} created", field.Id);
        return Result<CustomFieldRow>.Ok(CustomFieldRules.ToRow(field));
    }
}

public sealed class UpdateCustomField(RapportDbContext db)
{
    public async Task<Result<CustomFieldRow>> HandleAsync(long id, UpdateCustomFieldRequest request, CancellationToken ct)
    {
        var field = await db.CustomFields.SingleOrDefaultAsync(f => f.Id == id, ct);
        if (field is null)
        {
            return Result<CustomFieldRow>.NotFound($"There is no custom field {id}.");
        }

        var errors = new FieldErrors();
        string? label = null;
        if (request.Label is not null)
        {
            label = CustomerRules.Text(errors, "label", request.Label, CustomerLimits.CustomFieldLabel);
            Validate.Required(errors, "label", label);
        }

        var options = request.Options is null ? null : CustomFieldRules.Options(errors, field.Type, request.Options);
        CustomFieldRules.Position(errors, request.Position);
        if (errors.Any)
        {
            return errors.ToResult<CustomFieldRow>();
        }

        if (options is not null)
        {
            // An option still held by customers cannot disappear: their values would no longer be valid choices.
            var removed = field.OptionList.Where(o => !options.Contains(o, StringComparer.Ordinal)).ToList();
            var inUse = removed.Count == 0
                ? []
                : await db.CustomerFieldValues.Where(v => v.FieldId == id && removed.Contains(v.TextValue!)).Select(v => v.TextValue!).Distinct().ToListAsync(ct);
            if (inUse.Count > 0)
            {
                return Result<CustomFieldRow>.Conflict($"Customers still have these options: {string.Join(", ", inUse)}. Change their values first.", "options");
            }

            field.Options = string.Join('\n', options);
        }

        field.Label = label ?? field.Label;
        field.Position = request.Position ?? field.Position;
        field.Sensitive = request.Sensitive ?? field.Sensitive;
        await db.SaveChangesAsync(ct);
        return Result<CustomFieldRow>.Ok(CustomFieldRules.ToRow(field));
    }
}

/// <summary>Deletes a definition and, through the schema's cascade, every customer's value of it.</summary>
public sealed class DeleteCustomField(RapportDbContext db, ILogger<DeleteCustomField> logger)
{
    public async Task<Result<CustomFieldRow>> HandleAsync(long id, CancellationToken ct)
    {
        var field = await db.CustomFields.AsNoTracking().SingleOrDefaultAsync(f => f.Id == id, ct);
        if (field is null)
        {
            return Result<CustomFieldRow>.NotFound($"There is no custom field {id}.");
        }

        await db.CustomFields.Where(f => f.Id == id).ExecuteDeleteAsync(ct);
        logger.LogInformation("Custom field {CustomFieldId} deleted", id);
        return Result<CustomFieldRow>.Ok(CustomFieldRules.ToRow(field));
    }
}
