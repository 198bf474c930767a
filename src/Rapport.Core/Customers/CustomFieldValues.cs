using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Customers;

/// <summary>
/// Custom field values as callers send them (<c>"customFields": {"shoe_size": 42, "vip_since": "2024-03-01"}</c>),
/// checked against the admin's definitions: the JSON type must match the field type, a choice must be one of the
/// options, an unknown key is an error on <c>customFields.&lt;key&gt;</c>. <c>null</c> clears a value.
/// </summary>
public static class CustomFieldValues
{
    /// <summary>Largest number a number field holds: the column is numeric(19,4).</summary>
    public const decimal MaxNumber = 999_999_999_999_999.9999m;

    /// <summary>One validated change: the definition and the value to store, or null to clear it.</summary>
    public sealed record Change(CustomFieldDefinition Field, CustomerFieldValue? Value);

    public static async Task<List<Change>> ReadAsync(
        RapportDbContext db, FieldErrors errors, IReadOnlyDictionary<string, JsonElement>? values, CancellationToken ct)
    {
        var changes = new List<Change>();
        if (values is null || values.Count == 0)
        {
            return changes;
        }

        var keys = values.Keys.ToList();
        var definitions = await db.CustomFields.AsNoTracking().Where(f => keys.Contains(f.Key)).ToDictionaryAsync(f => f.Key, StringComparer.Ordinal, ct);
        foreach (var (key, json) in values)
        {
            var field = $"customFields.{key}";
            if (!definitions.TryGetValue(key, out var definition))
            {
                errors.Add(field, "There is no custom field with this key.");
                continue;
            }

            if (TryConvert(definition, json, out var value, out var error))
            {
                changes.Add(new Change(definition, value));
            }
            else
            {
                errors.Add(field, error);
            }
        }

        return changes;
    }

    /// <summary>Converts one JSON value to the stored typed value; null or a blank text clears the field.</summary>
    public static bool TryConvert(CustomFieldDefinition definition, JsonElement json, out CustomerFieldValue? value, out string error)
    {
        value = null;
        error = "";
        if (json.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return true;
        }

        var stored = new CustomerFieldValue { FieldId = definition.Id };
        switch (definition.Type)
        {
            case CustomFieldType.Text:
                if (json.ValueKind != JsonValueKind.String)
                {
                    error = "Must be a string.";
                    return false;
                }

                var text = Validate.Clean(json.GetString());
                if (text is null)
                {
                    return true;
                }

                if (text.Length > CustomerLimits.CustomFieldText)
                {
                    error = $"Must be at most {CustomerLimits.CustomFieldText} characters (got {text.Length}).";
                    return false;
                }

                stored.TextValue = text;
                break;

            case CustomFieldType.Number:
                if (json.ValueKind != JsonValueKind.Number || !json.TryGetDecimal(out var number))
                {
                    error = "Must be a number.";
                    return false;
                }

                if (Math.Abs(number) > MaxNumber || number.Scale > 4 && decimal.Round(number, 4) != number)
                {
                    error = "Must be a number below 10^15 with at most 4 decimal places.";
                    return false;
                }

                stored.NumberValue = number;
                break;

            case CustomFieldType.Date:
                if (json.ValueKind != JsonValueKind.String ||
                    !DateOnly.TryParseExact(json.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                {
                    error = "Must be a date as yyyy-MM-dd.";
                    return false;
                }

                stored.DateValue = date;
                break;

            case CustomFieldType.Boolean:
                if (json.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    error = "Must be true or false.";
                    return false;
                }

                stored.BoolValue = json.GetBoolean();
                break;

            case CustomFieldType.Choice:
                if (json.ValueKind != JsonValueKind.String)
                {
                    error = "Must be a string, one of the field's options.";
                    return false;
                }

                var given = Validate.Clean(json.GetString());
                if (given is null)
                {
                    return true;
                }

                var option = definition.OptionList.FirstOrDefault(o => string.Equals(o, given, StringComparison.OrdinalIgnoreCase));
                if (option is null)
                {
                    error = $"Must be one of: {string.Join(", ", definition.OptionList)}.";
                    return false;
                }

                stored.TextValue = option;
                break;

            default:
                error = "This field's type is not supported.";
                return false;
        }

        value = stored;
        return true;
    }

    /// <summary>
    /// A value typed into a form (always text) as the JSON value the field's type expects, for callers such as the
    /// web UI that build a <see cref="CreateCustomerRequest"/> from form fields: "42.5" → 42.5 for a number, "on" →
    /// true for a boolean, blank → null (clears). Text that does not parse stays a string, so validation then reports
    /// it on the field as for any caller.
    /// </summary>
    public static JsonElement FromText(CustomFieldType type, string? text)
    {
        var clean = Validate.Clean(text);
        if (clean is null)
        {
            return JsonSerializer.SerializeToElement<string?>(null);
        }

        return type switch
        {
            CustomFieldType.Number when decimal.TryParse(clean, NumberStyles.Number, CultureInfo.InvariantCulture, out var number) =>
                JsonSerializer.SerializeToElement(number),
            CustomFieldType.Boolean when clean.ToLowerInvariant() is "true" or "on" or "yes" or "1" => JsonSerializer.SerializeToElement(true),
            CustomFieldType.Boolean when clean.ToLowerInvariant() is "false" or "off" or "no" or "0" => JsonSerializer.SerializeToElement(false),
            _ => JsonSerializer.SerializeToElement(clean),
        };
    }

    /// <summary>The stored value as the API shows it: string, number, yyyy-MM-dd date string or boolean.</summary>
    public static object? Typed(CustomFieldType type, string? text, decimal? number, DateOnly? date, bool? flag) => type switch
    {
        CustomFieldType.Number => number,
        CustomFieldType.Date => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        CustomFieldType.Boolean => flag,
        _ => text,
    };
}
