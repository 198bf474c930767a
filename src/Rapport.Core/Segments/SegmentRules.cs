using System.Globalization;
using System.Text.Json;
using Rapport.Common;
using Rapport.Interactions;

namespace Rapport.Segments;

public enum RuleOp
{
    Eq,
    Neq,
    In,
    Gt,
    Gte,
    Lt,
    Lte,
    Between,
    Contains,
    Exists,
}

/// <summary>A node of a segment's rule tree (docs/segments.md), validated against the field catalogue.</summary>
public abstract record RuleNode;

public sealed record AllNode(IReadOnlyList<RuleNode> Children) : RuleNode;

public sealed record AnyNode(IReadOnlyList<RuleNode> Children) : RuleNode;

public sealed record NotNode(RuleNode Child) : RuleNode;

/// <summary>
/// A condition on one field. <see cref="Values"/> are typed for the field: string, decimal, DateOnly (dates),
/// bool, long (segment ids, company or owner ids), or string (company names, owner e-mails, enum option keys).
/// Empty for <c>exists</c>; two for <c>between</c>.
/// </summary>
public sealed record ConditionNode(SegmentField Field, RuleOp Op, IReadOnlyList<object> Values) : RuleNode;

/// <summary>Bought (a category, a product, or anything) within some days, at least some times or for some amount.</summary>
public sealed record PurchasedNode(string? Category, string? Sku, int? WithinDays, int MinCount, decimal? MinAmount) : RuleNode;

/// <summary>Had interactions (of a channel, type, direction) within some days, at least some times.</summary>
public sealed record InteractedNode(InteractionChannel? Channel, InteractionType? Type, InteractionDirection? Direction, int? WithinDays, int MinCount) : RuleNode;

/// <summary>Limits on rule trees: a tree over them is refused, never evaluated.</summary>
public static class RuleLimits
{
    public const int MaxDepth = 10;
    public const int MaxConditions = 100;
    public const int MaxString = 200;
    public const int MaxListValues = 500;
    public const int MaxDays = 36_500;
}

public static class RuleOps
{
    public static string Key(this RuleOp op) => op.ToString().ToLowerInvariant();

    public static bool TryParse(string? key, out RuleOp op)
    {
        foreach (var candidate in Enum.GetValues<RuleOp>())
        {
            if (string.Equals(candidate.Key(), key, StringComparison.Ordinal))
            {
                op = candidate;
                return true;
            }
        }

        op = default;
        return false;
    }
}

/// <summary>
/// Reads a rule tree from JSON and validates it against <see cref="SegmentFieldCatalogue"/>: every problem is a field
/// error with its path (<c>rules.all[2].value</c>), never an exception. Nothing of the input reaches SQL except through
/// the catalogue (column names) and parameters (values).
/// </summary>
public sealed class RuleParser(SegmentFieldCatalogue catalogue, FieldErrors errors)
{
    private int _conditions;

    /// <summary>Segment ids the tree refers to (field <c>segment</c>), with the path of the first reference.</summary>
    public Dictionary<long, string> References { get; } = [];

    public static RuleNode? Parse(JsonElement root, SegmentFieldCatalogue catalogue, FieldErrors errors, string path = "rules")
    {
        var parser = new RuleParser(catalogue, errors);
        return parser.Node(root, path, 1);
    }

    public RuleNode? Node(JsonElement e, string path, int depth)
    {
        if (depth > RuleLimits.MaxDepth)
        {
            errors.Add(path, $"The rule tree is nested too deep: at most {RuleLimits.MaxDepth} levels.");
            return null;
        }

        if (e.ValueKind != JsonValueKind.Object)
        {
            errors.Add(path, "Must be an object: {\"all\":[…]}, {\"any\":[…]}, {\"not\":…}, {\"field\":…,\"op\":…,\"value\":…}, {\"purchased\":{…}} or {\"interacted\":{…}}.");
            return null;
        }

        var names = e.EnumerateObject().Select(p => p.Name).ToList();
        if (names.Count == 1 && names[0] is "all" or "any")
        {
            var list = e.GetProperty(names[0]);
            var childPath = $"{path}.{names[0]}";
            if (list.ValueKind != JsonValueKind.Array)
            {
                errors.Add(childPath, "Must be a list of rules.");
                return null;
            }

            var children = new List<RuleNode>();
            var i = 0;
            foreach (var child in list.EnumerateArray())
            {
                if (_conditions > RuleLimits.MaxConditions)
                {
                    break;
                }

                if (Node(child, $"{childPath}[{i}]", depth + 1) is { } node)
                {
                    children.Add(node);
                }

                i++;
            }

            return names[0] == "all" ? new AllNode(children) : new AnyNode(children);
        }

        if (names.Count == 1 && names[0] == "not")
        {
            return Node(e.GetProperty("not"), $"{path}.not", depth + 1) is { } child ? new NotNode(child) : null;
        }

        if (names.Count == 1 && names[0] == "purchased")
        {
            return Count(path) ? Purchased(e.GetProperty("purchased"), $"{path}.purchased") : null;
        }

        if (names.Count == 1 && names[0] == "interacted")
        {
            return Count(path) ? Interacted(e.GetProperty("interacted"), $"{path}.interacted") : null;
        }

        if (names.Contains("field"))
        {
            return Count(path) ? Condition(e, path) : null;
        }

        errors.Add(path, names.Count == 0
            ? "Is empty: write {\"all\":[…]}, {\"any\":[…]}, {\"not\":…}, a condition {\"field\":…,\"op\":…,\"value\":…}, {\"purchased\":{…}} or {\"interacted\":{…}}."
            : $"Unknown rule '{Short(string.Join(", ", names))}': expected exactly one of all, any, not, purchased, interacted, or a condition with field, op and value.");
        return null;
    }

    private bool Count(string path)
    {
        _conditions++;
        if (_conditions == RuleLimits.MaxConditions + 1)
        {
            errors.Add(path, $"Too many conditions: at most {RuleLimits.MaxConditions} in one segment.");
        }

        return _conditions <= RuleLimits.MaxConditions;
    }

    private ConditionNode? Condition(JsonElement e, string path)
    {
        foreach (var p in e.EnumerateObject())
        {
            if (p.Name is not ("field" or "op" or "value"))
            {
                errors.Add($"{path}.{Short(p.Name)}", "Unknown property: a condition has field, op and value.");
                return null;
            }
        }

        var fieldElement = e.GetProperty("field");
        if (fieldElement.ValueKind != JsonValueKind.String)
        {
            errors.Add($"{path}.field", "Must be a field key from GET /api/v1/segments/fields.");
            return null;
        }

        var key = fieldElement.GetString()!;
        if (catalogue.Find(key) is not { } field)
        {
            errors.Add($"{path}.field", $"Unknown field '{Short(key)}'; GET /api/v1/segments/fields lists them.");
            return null;
        }

        if (!e.TryGetProperty("op", out var opElement) || opElement.ValueKind != JsonValueKind.String || !RuleOps.TryParse(opElement.GetString(), out var op))
        {
            errors.Add($"{path}.op", "Must be one of eq, neq, in, gt, gte, lt, lte, between, contains, exists.");
            return null;
        }

        if (!field.Ops.Contains(op))
        {
            errors.Add($"{path}.op", $"'{op.Key()}' is not allowed for {field.Key} ({field.Type.Key()}); allowed: {string.Join(", ", field.Ops.Select(o => o.Key()))}.");
            return null;
        }

        var hasValue = e.TryGetProperty("value", out var value) && value.ValueKind != JsonValueKind.Null;
        var valuePath = $"{path}.value";
        if (op == RuleOp.Exists)
        {
            if (hasValue)
            {
                errors.Add(valuePath, "'exists' takes no value.");
                return null;
            }

            return new ConditionNode(field, op, []);
        }

        if (!hasValue)
        {
            errors.Add(valuePath, op == RuleOp.Between ? "'between' needs two values: [low, high]." : "Required.");
            return null;
        }

        if (op is RuleOp.In or RuleOp.Between)
        {
            if (value.ValueKind != JsonValueKind.Array)
            {
                errors.Add(valuePath, op == RuleOp.In ? "'in' needs a non-empty list of values." : "'between' needs two values: [low, high].");
                return null;
            }

            var count = value.GetArrayLength();
            if (op == RuleOp.Between && count != 2)
            {
                errors.Add(valuePath, "'between' needs two values: [low, high].");
                return null;
            }

            if (op == RuleOp.In && (count == 0 || count > RuleLimits.MaxListValues))
            {
                errors.Add(valuePath, count == 0 ? "'in' needs a non-empty list of values." : $"At most {RuleLimits.MaxListValues} values.");
                return null;
            }

            var values = new List<object>();
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (Value(field, item, $"{valuePath}[{i}]") is not { } parsed)
                {
                    return null;
                }

                values.Add(parsed);
                i++;
            }

            if (op == RuleOp.Between && Comparer<object>.Create(CompareValues).Compare(values[0], values[1]) > 0)
            {
                errors.Add(valuePath, "The low value is above the high value.");
                return null;
            }

            return new ConditionNode(field, op, values);
        }

        if (value.ValueKind == JsonValueKind.Array)
        {
            errors.Add(valuePath, $"'{op.Key()}' takes one value, not a list (use 'in' for a list).");
            return null;
        }

        if (op == RuleOp.Contains)
        {
            if (value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 } text)
            {
                errors.Add(valuePath, "Must be a non-empty text.");
                return null;
            }

            if (text.Length > RuleLimits.MaxString)
            {
                errors.Add(valuePath, $"At most {RuleLimits.MaxString} characters.");
                return null;
            }

            return new ConditionNode(field, op, [text]);
        }

        return Value(field, value, valuePath) is { } one ? new ConditionNode(field, op, [one]) : null;
    }

    private static int CompareValues(object a, object b) => (a, b) switch
    {
        (decimal x, decimal y) => x.CompareTo(y),
        (DateOnly x, DateOnly y) => x.CompareTo(y),
        (long x, long y) => x.CompareTo(y),
        _ => 0,
    };

    private object? Value(SegmentField field, JsonElement v, string path)
    {
        switch (field.Type)
        {
            case FieldType.Number:
                if (v.ValueKind != JsonValueKind.Number || !v.TryGetDecimal(out var number))
                {
                    errors.Add(path, $"Must be a number for {field.Key}.");
                    return null;
                }

                if (field.WholeNumber && (number != decimal.Truncate(number) || number < 0 || number > RuleLimits.MaxDays))
                {
                    errors.Add(path, $"Must be a whole number from 0 to {RuleLimits.MaxDays} for {field.Key}.");
                    return null;
                }

                return number;
            case FieldType.Date:
                if (v.ValueKind != JsonValueKind.String ||
                    !DateOnly.TryParseExact(v.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                {
                    errors.Add(path, $"Must be a date as yyyy-MM-dd for {field.Key}.");
                    return null;
                }

                return date;
            case FieldType.Boolean:
                if (v.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    errors.Add(path, $"Must be true or false for {field.Key}.");
                    return null;
                }

                return v.GetBoolean();
            case FieldType.Segment:
                if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out var segmentId))
                {
                    errors.Add(path, "Must be a segment id (a whole number).");
                    return null;
                }

                if (!catalogue.SegmentExists(segmentId))
                {
                    errors.Add(path, $"There is no segment {segmentId}.");
                    return null;
                }

                References.TryAdd(segmentId, path);
                return segmentId;
            case FieldType.Enum:
            {
                if (v.ValueKind != JsonValueKind.String)
                {
                    errors.Add(path, $"Must be one of: {string.Join(", ", field.Options!.Select(o => o.Key))}.");
                    return null;
                }

                var key = v.GetString()!;
                var option = field.Options!.FirstOrDefault(o => string.Equals(o.Key, key, StringComparison.OrdinalIgnoreCase));
                if (option is null)
                {
                    errors.Add(path, $"'{Short(key)}' is not an option of {field.Key}; one of: {string.Join(", ", field.Options!.Select(o => o.Key))}.");
                    return null;
                }

                return option.Key;
            }

            case FieldType.Reference when v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var id):
                // Company or owner: an id, or a name / e-mail.
                return id;
            default:
                if (v.ValueKind != JsonValueKind.String)
                {
                    errors.Add(path, field.Type == FieldType.Reference ? $"Must be an id or a text for {field.Key}." : $"Must be a text for {field.Key}.");
                    return null;
                }

                var text = v.GetString()!;
                if (text.Length > RuleLimits.MaxString)
                {
                    errors.Add(path, $"At most {RuleLimits.MaxString} characters.");
                    return null;
                }

                if (field.Type == FieldType.Tags)
                {
                    text = text.Trim().ToLowerInvariant();
                }

                return text;
        }
    }

    private PurchasedNode? Purchased(JsonElement e, string path)
    {
        if (!Object(e, path, ["category", "sku", "withinDays", "minCount", "minAmount"]))
        {
            return null;
        }

        var category = Text(e, "category", path);
        var sku = Text(e, "sku", path);
        var within = Whole(e, "withinDays", path, 1, RuleLimits.MaxDays);
        var minCount = Whole(e, "minCount", path, 1, 1_000_000);
        decimal? minAmount = null;
        if (e.TryGetProperty("minAmount", out var amount) && amount.ValueKind != JsonValueKind.Null)
        {
            if (amount.ValueKind != JsonValueKind.Number || !amount.TryGetDecimal(out var a) || a < 0)
            {
                errors.Add($"{path}.minAmount", "Must be a number ≥ 0.");
                return null;
            }

            minAmount = a;
        }

        return errors.Any ? null : new PurchasedNode(category, sku, within, minCount ?? 1, minAmount);
    }

    private InteractedNode? Interacted(JsonElement e, string path)
    {
        if (!Object(e, path, ["channel", "type", "direction", "withinDays", "minCount"]))
        {
            return null;
        }

        var channel = EnumValue<InteractionChannel>(e, "channel", path);
        var type = EnumValue<InteractionType>(e, "type", path);
        var direction = EnumValue<InteractionDirection>(e, "direction", path);
        var within = Whole(e, "withinDays", path, 1, RuleLimits.MaxDays);
        var minCount = Whole(e, "minCount", path, 1, 1_000_000);
        return errors.Any ? null : new InteractedNode(channel, type, direction, within, minCount ?? 1);
    }

    private bool Object(JsonElement e, string path, string[] allowed)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            errors.Add(path, $"Must be an object with any of: {string.Join(", ", allowed)}.");
            return false;
        }

        foreach (var p in e.EnumerateObject())
        {
            if (!allowed.Contains(p.Name))
            {
                errors.Add($"{path}.{Short(p.Name)}", $"Unknown property; allowed: {string.Join(", ", allowed)}.");
                return false;
            }
        }

        return true;
    }

    private string? Text(JsonElement e, string name, string path)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.String || v.GetString() is not { Length: > 0 and <= RuleLimits.MaxString } text || string.IsNullOrWhiteSpace(text))
        {
            errors.Add($"{path}.{name}", $"Must be a non-empty text of at most {RuleLimits.MaxString} characters.");
            return null;
        }

        return text.Trim();
    }

    private int? Whole(JsonElement e, string name, string path, int min, int max)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var n) || n < min || n > max)
        {
            errors.Add($"{path}.{name}", $"Must be a whole number from {min} to {max}.");
            return null;
        }

        return n;
    }

    private T? EnumValue<T>(JsonElement e, string name, string path) where T : struct, Enum
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var options = Enum.GetValues<T>().Select(EnumKeys.Key).ToList();
        if (v.ValueKind == JsonValueKind.String)
        {
            foreach (var option in Enum.GetValues<T>())
            {
                if (string.Equals(EnumKeys.Key(option), v.GetString(), StringComparison.OrdinalIgnoreCase))
                {
                    return option;
                }
            }
        }

        errors.Add($"{path}.{name}", $"Must be one of: {string.Join(", ", options)}.");
        return null;
    }

    /// <summary>Echoes a caller's text in a message, cut short (messages stay readable whatever was sent).</summary>
    public static string Short(string text) => text.Length <= 60 ? text : text[..60] + "…";
}

/// <summary>API keys of enums: camelCase names (<c>inPerson</c>), as the JSON API writes them.</summary>
public static class EnumKeys
{
    public static string Key<T>(T value) where T : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());
}

/// <summary>Walks a tree.</summary>
public static class RuleTrees
{
    public static IEnumerable<RuleNode> Descendants(RuleNode node)
    {
        yield return node;
        var children = node switch
        {
            AllNode a => a.Children,
            AnyNode a => a.Children,
            NotNode n => [n.Child],
            _ => (IReadOnlyList<RuleNode>)[],
        };
        foreach (var child in children)
        {
            foreach (var d in Descendants(child))
            {
                yield return d;
            }
        }
    }

    /// <summary>Segment ids a tree refers to.</summary>
    public static IEnumerable<long> References(RuleNode node) =>
        Descendants(node).OfType<ConditionNode>().Where(c => c.Field.Type == FieldType.Segment).SelectMany(c => c.Values.Cast<long>()).Distinct();
}
