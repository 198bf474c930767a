using System.Text.Json;
using System.Text.RegularExpressions;
using Rapport.Common;

namespace Rapport.Ingestion.Batch;

/// <summary>
/// Reads a batch body in two steps: the envelope (<c>{"source": ..., "events": [...]}</c>) strictly, where any fault
/// is a 400 on the request; then each item on its own, where a fault (unknown field, wrong type, bad enum value)
/// only rejects that item with a reason naming the field.
/// </summary>
public static partial class BatchJson
{
    public sealed record Envelope(string? Source, IReadOnlyList<JsonElement>? Items);

    /// <summary>
    /// The envelope of <paramref name="document"/>: an object with an optional string <c>source</c> and an array
    /// named <paramref name="itemsName"/>. Missing items are null (the use case says what is required).
    /// </summary>
    public static Result<Envelope> ReadEnvelope(JsonDocument document, string itemsName)
    {
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Result<Envelope>.Invalid(itemsName, $"The body must be a JSON object with an '{itemsName}' array.");
        }

        var errors = new FieldErrors();
        string? source = null;
        List<JsonElement>? items = null;
        foreach (var property in root.EnumerateObject())
        {
            if (property.NameEquals("source"))
            {
                if (property.Value.ValueKind == JsonValueKind.String)
                {
                    source = property.Value.GetString();
                }
                else if (property.Value.ValueKind != JsonValueKind.Null)
                {
                    errors.Add("source", "Must be a string.");
                }
            }
            else if (property.NameEquals(itemsName))
            {
                if (property.Value.ValueKind == JsonValueKind.Array)
                {
                    items = [.. property.Value.EnumerateArray()];
                }
                else
                {
                    errors.Add(itemsName, "Must be an array.");
                }
            }
            else
            {
                errors.Add(property.Name, $"The field '{property.Name}' is not accepted by this action.");
            }
        }

        return errors.Any ? errors.ToResult<Envelope>() : Result<Envelope>.Ok(new Envelope(source, items));
    }

    /// <summary>One event: <c>type</c> is checked first so that a wrong one gets a clear reason, then the fields of that type.</summary>
    public static BatchItem<BatchEvent> ParseEvent(JsonElement element, JsonSerializerOptions options)
    {
        var label = StringProperty(element, "messageId");
        if (element.ValueKind != JsonValueKind.Object)
        {
            return new(null, "An event must be a JSON object.", null);
        }

        if (!element.TryGetProperty("type", out var type) || type.ValueKind == JsonValueKind.Null)
        {
            return new(null, "type: is required ('transaction' or 'interaction').", label);
        }

        if (type.ValueKind != JsonValueKind.String || type.GetString() is not ("transaction" or "interaction"))
        {
            return new(null, "type: must be 'transaction' or 'interaction'.", label);
        }

        return Parse<BatchEvent>(element, options, label);
    }

    public static BatchItem<IncomingCustomer> ParseCustomer(JsonElement element, JsonSerializerOptions options)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return new(null, "A customer must be a JSON object.", null);
        }

        return Parse<IncomingCustomer>(element, options, StringProperty(element, "externalId"));
    }

    private static BatchItem<T> Parse<T>(JsonElement element, JsonSerializerOptions options, string? label) where T : class
    {
        try
        {
            var value = element.Deserialize<T>(options);
            return value is null ? new(null, "Must be a JSON object.", label) : new(value, null, label);
        }
        catch (JsonException e)
        {
            return new(null, Describe(e), label);
        }
    }

    /// <summary>The reason for an item that could not be read, naming the field as the API does (<c>lines[0].quantity</c>).</summary>
    private static string Describe(JsonException e)
    {
        var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? null : e.Path.StartsWith("$.", StringComparison.Ordinal) ? e.Path[2..] : e.Path.TrimStart('$');
        var unmapped = UnmappedProperty().Match(e.Message);
        if (unmapped.Success)
        {
            return $"{field ?? unmapped.Groups[1].Value}: the field '{unmapped.Groups[1].Value}' is not accepted here.";
        }

        return field is null ? "Could not be read." : $"{field}: the value has the wrong type or format.";
    }

    private static string? StringProperty(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    [GeneratedRegex("The JSON property '([^']+)' could not be mapped")]
    private static partial Regex UnmappedProperty();
}
