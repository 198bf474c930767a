using System.Globalization;
using System.Text;
using System.Text.Json;
using Rapport.Segments;

namespace Rapport.Pages.Segments;

/// <summary>
/// A rule tree as a sentence for people: <c>all of: Country (ISO code) is one of US, CA; Revenue ≥ 100; purchased Tea
/// within 365 days</c>. Field and option labels come from the catalogue; anything it does not know is shown as stored.
/// </summary>
public sealed class RuleText(IReadOnlyList<SegmentFieldInfo> fields, IReadOnlyDictionary<long, string> segments)
{
    private readonly Dictionary<string, SegmentFieldInfo> _fields = fields.ToDictionary(f => f.Key, StringComparer.Ordinal);

    public string Of(JsonElement root) => Node(root, top: true);

    private string Node(JsonElement e, bool top)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            return e.GetRawText();
        }

        var names = e.EnumerateObject().Select(p => p.Name).ToList();
        if (names.Count == 1 && names[0] is "all" or "any" && e.GetProperty(names[0]) is { ValueKind: JsonValueKind.Array } list)
        {
            var children = list.EnumerateArray().Select(c => Node(c, top: false)).ToList();
            if (children.Count == 0)
            {
                return names[0] == "all" ? "everyone" : "no one";
            }

            var word = names[0] == "all" ? "all of" : "any of";
            return top ? $"{word}: {string.Join("; ", children)}" : $"{word} ({string.Join("; ", children)})";
        }

        if (names.Count == 1 && names[0] == "not")
        {
            var inner = e.GetProperty("not");
            if (inner.ValueKind == JsonValueKind.Object && inner.EnumerateObject().ToList() is [{ Name: "any", Value.ValueKind: JsonValueKind.Array } any])
            {
                var children = any.Value.EnumerateArray().Select(c => Node(c, top: false)).ToList();
                return children.Count == 0 ? "everyone" : top ? $"none of: {string.Join("; ", children)}" : $"none of ({string.Join("; ", children)})";
            }

            return $"not ({Node(inner, top: false)})";
        }

        if (names.Count == 1 && names[0] == "purchased" && e.GetProperty("purchased") is { ValueKind: JsonValueKind.Object } p)
        {
            var what = (Text(p, "category"), Text(p, "sku")) switch
            {
                ({ } c, { } s) => $"{c} (SKU {s})",
                ({ } c, null) => c,
                (null, { } s) => $"SKU {s}",
                _ => "anything",
            };
            return "purchased " + what + Extras(p);
        }

        if (names.Count == 1 && names[0] == "interacted" && e.GetProperty("interacted") is { ValueKind: JsonValueKind.Object } i)
        {
            var parts = new[] { Text(i, "direction"), Text(i, "type"), Text(i, "channel") is { } ch ? "by " + ch : null }.Where(x => x is not null);
            var what = string.Join(" ", parts);
            return "interacted" + (what.Length > 0 ? " (" + what + ")" : "") + Extras(i);
        }

        if (e.TryGetProperty("field", out var fieldElement) && fieldElement.ValueKind == JsonValueKind.String)
        {
            return Condition(e, fieldElement.GetString()!);
        }

        return e.GetRawText();
    }

    private string Condition(JsonElement e, string key)
    {
        var field = _fields.GetValueOrDefault(key);
        var label = field?.Label ?? key;
        var op = e.TryGetProperty("op", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString()! : "?";
        e.TryGetProperty("value", out var value);
        string One(JsonElement v) => Value(field, v);
        string List() => value.ValueKind == JsonValueKind.Array ? string.Join(", ", value.EnumerateArray().Select(One)) : One(value);
        return op switch
        {
            "exists" => $"{label} has a value",
            "eq" when field?.Type == "segment" => $"member of {One(value)}",
            "neq" when field?.Type == "segment" => $"not a member of {One(value)}",
            "in" when field?.Type == "segment" => $"member of one of {List()}",
            "eq" when field?.Type == "tags" => $"tagged {One(value)}",
            "neq" when field?.Type == "tags" => $"not tagged {One(value)}",
            "in" when field?.Type == "tags" => $"tagged one of {List()}",
            "eq" => $"{label} is {One(value)}",
            "neq" => $"{label} is not {One(value)}",
            "in" => $"{label} is one of {List()}",
            "gt" => $"{label} > {One(value)}",
            "gte" => $"{label} ≥ {One(value)}",
            "lt" => $"{label} < {One(value)}",
            "lte" => $"{label} ≤ {One(value)}",
            "between" when value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 2 => $"{label} between {One(value[0])} and {One(value[1])}",
            "contains" => $"{label} contains {One(value)}",
            _ => $"{label} {op} {List()}",
        };
    }

    private string Value(SegmentFieldInfo? field, JsonElement v)
    {
        switch (v.ValueKind)
        {
            case JsonValueKind.String:
                var text = v.GetString()!;
                var option = field?.Options?.FirstOrDefault(x => string.Equals(x.Key, text, StringComparison.OrdinalIgnoreCase));
                return option?.Label ?? $"“{text}”";
            case JsonValueKind.Number when field?.Type == "segment" && v.TryGetInt64(out var id):
                return segments.TryGetValue(id, out var name) ? $"“{name}”" : $"segment {id}";
            case JsonValueKind.Number:
                return v.TryGetDecimal(out var d) ? d.ToString(CultureInfo.InvariantCulture) : v.GetRawText();
            case JsonValueKind.True:
                return "yes";
            case JsonValueKind.False:
                return "no";
            case JsonValueKind.Undefined:
                return "?";
            default:
                return v.GetRawText();
        }
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string? Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetRawText() : null;

    private static string Extras(JsonElement e)
    {
        var sb = new StringBuilder();
        if (Number(e, "minCount") is { } count && count != "1")
        {
            sb.Append(CultureInfo.InvariantCulture, $" at least {count} times");
        }

        if (Number(e, "minAmount") is { } amount)
        {
            sb.Append(CultureInfo.InvariantCulture, $" for at least {amount}");
        }

        if (Number(e, "withinDays") is { } days)
        {
            sb.Append(CultureInfo.InvariantCulture, $" within {days} days");
        }

        return sb.ToString();
    }
}
