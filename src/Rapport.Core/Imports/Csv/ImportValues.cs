using System.Collections.Frozen;
using Rapport.Interactions;
using Rapport.Products;

namespace Rapport.Imports.Csv;

/// <summary>A cell read as its field's type: the value (string, DateOnly, DateTimeOffset, decimal, long, bool, enum, string list) or why not.</summary>
public readonly record struct ParsedCell(object? Value, string? Error)
{
    public bool Ok => Error is null;
}

/// <summary>
/// Reads import cells as typed values with a file's date and number formats. The typed <c>TryX</c> methods are for
/// the hot path (no allocation beyond the result); <see cref="Parse"/> serves previews; <see cref="Reason"/> gives
/// the message for a value that does not parse, naming the column and quoting at most
/// <see cref="CsvText.MaxEcho"/> characters of the value.
/// </summary>
public sealed class ImportValues(DateFormat dateFormat, NumberFormat numberFormat)
{
    public static ImportValues Default { get; } = new(DateFormat.Iso, NumberFormat.Dot);

    public DateFormat DateFormat { get; } = dateFormat;

    public NumberFormat NumberFormat { get; } = numberFormat;

    public bool TryDate(string text, out DateOnly value)
    {
        value = default;
        if (!DateFormats.TryParse(text, DateFormat.Order, out var local, out _))
        {
            return false;
        }

        value = DateOnly.FromDateTime(local);
        return true;
    }

    /// <summary>A point in time; a value without an offset is UTC. The result is in UTC.</summary>
    public bool TryInstant(string text, out DateTimeOffset value)
    {
        value = default;
        if (!DateFormats.TryParse(text, DateFormat.Order, out var local, out var offset))
        {
            return false;
        }

        try
        {
            value = new DateTimeOffset(local, offset ?? TimeSpan.Zero).ToUniversalTime();
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            // An offset that moves 0001-01-01 or 9999-12-31 out of range.
            return false;
        }
    }

    public bool TryDecimal(string text, out decimal value) => NumberFormats.TryParse(text, NumberFormat, out value);

    public bool TryInteger(string text, out long value)
    {
        value = 0;
        if (!TryDecimal(text, out var number) || number != decimal.Truncate(number) || number is < long.MinValue or > long.MaxValue)
        {
            return false;
        }

        value = (long)number;
        return true;
    }

    private static readonly FrozenDictionary<string, bool> Booleans = new Dictionary<string, bool>
    {
        ["true"] = true, ["false"] = false, ["yes"] = true, ["no"] = false, ["y"] = true, ["n"] = false, ["1"] = true, ["0"] = false,
        ["t"] = true, ["f"] = false, ["on"] = true, ["off"] = false, ["x"] = true, ["active"] = true, ["inactive"] = false,
        ["enabled"] = true, ["disabled"] = false, ["published"] = true, ["unpublished"] = false, ["draft"] = false, ["archived"] = false,
        ["ja"] = true, ["nein"] = false, ["oui"] = true, ["non"] = false, ["si"] = true, ["sí"] = true, ["wahr"] = true, ["falsch"] = false,
        ["vrai"] = true, ["faux"] = false,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>true/false, yes/no, y/n, 1/0, on/off (and active/inactive, draft/archived, published) case-insensitively.</summary>
    public static bool TryBool(string text, out bool value) => Booleans.TryGetValue(text.Trim(), out value);

    private static readonly FrozenDictionary<Type, FrozenDictionary<string, object>> EnumNames = BuildEnums();

    /// <summary>An enum value by name (case, spaces, dashes and underscores ignored) or a common variant ("e-mail", "in person", "incoming").</summary>
    public static bool TryEnum<TEnum>(string text, out TEnum value) where TEnum : struct, Enum
    {
        if (TryEnum(typeof(TEnum), text, out var boxed))
        {
            value = (TEnum)boxed;
            return true;
        }

        value = default;
        return false;
    }

    public static bool TryEnum(Type enumType, string text, out object value)
    {
        value = null!;
        return EnumNames.TryGetValue(enumType, out var names) && names.TryGetValue(ImportFields.Normalize(text), out value!);
    }

    /// <summary>The accepted names of an enum, for messages.</summary>
    public static string EnumChoices(Type enumType) =>
        string.Join(", ", Enum.GetNames(enumType).Select(n => string.Concat(n.Select((c, i) => i > 0 && char.IsUpper(c) ? " " + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()))));

    /// <summary>Several values in one cell, separated by <c>;</c>, <c>|</c> or <c>,</c>; trimmed, blanks and repeats (case-insensitive) dropped.</summary>
    public static IReadOnlyList<string> List(string text)
    {
        var parts = text.Split([';', '|', ','], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return parts.Length <= 1 ? parts : [.. parts.Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>An email address, also written as <c>Name &lt;address&gt;</c>; trimmed, case kept.</summary>
    public static bool TryEmail(string text, out string email)
    {
        email = text.Trim();
        var open = email.LastIndexOf('<');
        if (open >= 0 && email.EndsWith('>'))
        {
            email = email[(open + 1)..^1].Trim();
        }

        if (email.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase))
        {
            email = email[7..];
        }

        return Common.Validate.IsEmail(email);
    }

    /// <summary>
    /// Splits a full name: "Lovelace, Ada" → (Ada, Lovelace); "Ada King Lovelace" → (Ada King, Lovelace); a single word
    /// is the first name.
    /// </summary>
    public static (string? First, string? Last) SplitName(string text)
    {
        var name = text.Trim();
        if (name.Length == 0)
        {
            return (null, null);
        }

        var comma = name.IndexOf(',', StringComparison.Ordinal);
        if (comma >= 0)
        {
            var last = name[..comma].Trim();
            var first = name[(comma + 1)..].Trim();
            return (first.Length == 0 ? null : first, last.Length == 0 ? null : last);
        }

        var space = name.LastIndexOf(' ');
        return space < 0 ? (name, null) : (name[..space].TrimEnd(), name[(space + 1)..]);
    }

    /// <summary>Reads a cell as <paramref name="field"/>'s type; <paramref name="column"/> names the column in the error.</summary>
    public ParsedCell Parse(ImportField field, string column, string text)
    {
        var value = text.Trim();
        if (value.Length == 0)
        {
            return new ParsedCell(null, null);
        }

        object? parsed = field.Type switch
        {
            ImportFieldType.Text => value,
            ImportFieldType.Email => TryEmail(value, out var email) ? email : null,
            ImportFieldType.Date => TryDate(value, out var date) ? date : null,
            ImportFieldType.Instant => TryInstant(value, out var instant) ? instant : null,
            ImportFieldType.Decimal => TryDecimal(value, out var number) ? number : null,
            ImportFieldType.Integer => TryInteger(value, out var integer) ? integer : null,
            ImportFieldType.Bool => TryBool(value, out var flag) ? flag : null,
            ImportFieldType.Enum => field.EnumType is { } type && TryEnum(type, value, out var member) ? member : null,
            ImportFieldType.List => List(value),
            _ => null,
        };
        return parsed is null ? new ParsedCell(null, Reason(field, column, value)) : new ParsedCell(parsed, null);
    }

    /// <summary>Why <paramref name="text"/> is not a value of <paramref name="field"/>: names the column, quotes at most 40 characters.</summary>
    public string Reason(ImportField field, string column, string text)
    {
        var shown = $"\"{CsvText.Clip(text.Trim())}\"";
        var expected = field.Type switch
        {
            ImportFieldType.Email => "is not an email address",
            ImportFieldType.Date => $"is not a date in the format {DateFormat.Name}",
            ImportFieldType.Instant => $"is not a date and time in the format {DateFormat.Name} [HH:mm[:ss]] [offset]",
            ImportFieldType.Decimal => $"is not a number written as {NumberFormat.Name}",
            ImportFieldType.Integer => "is not a whole number",
            ImportFieldType.Bool => "is not yes/no (true/false, yes/no, 1/0, y/n)",
            ImportFieldType.Enum when field.EnumType is { } type => $"is not one of {EnumChoices(type)}",
            _ => "cannot be read",
        };
        return $"{column} ({field.Key}): {shown} {expected}";
    }

    private static FrozenDictionary<Type, FrozenDictionary<string, object>> BuildEnums()
    {
        var variants = new Dictionary<Type, (string Variant, object Value)[]>
        {
            [typeof(InteractionChannel)] =
            [
                ("mail", InteractionChannel.Email), ("newsletter", InteractionChannel.Email), ("telephone", InteractionChannel.Phone),
                ("call", InteractionChannel.Phone), ("phonecall", InteractionChannel.Phone), ("text", InteractionChannel.Sms),
                ("textmessage", InteractionChannel.Sms), ("website", InteractionChannel.Web), ("online", InteractionChannel.Web),
                ("internet", InteractionChannel.Web), ("facetoface", InteractionChannel.InPerson), ("store", InteractionChannel.InPerson),
                ("shop", InteractionChannel.InPerson), ("visit", InteractionChannel.InPerson), ("socialmedia", InteractionChannel.Social),
                ("livechat", InteractionChannel.Chat), ("whatsapp", InteractionChannel.Chat), ("letter", InteractionChannel.Post),
                ("postal", InteractionChannel.Post), ("postalmail", InteractionChannel.Post),
            ],
            [typeof(InteractionDirection)] =
            [
                ("in", InteractionDirection.Inbound), ("incoming", InteractionDirection.Inbound), ("received", InteractionDirection.Inbound),
                ("out", InteractionDirection.Outbound), ("outgoing", InteractionDirection.Outbound), ("sent", InteractionDirection.Outbound),
                ("note", InteractionDirection.Internal),
            ],
            [typeof(InteractionType)] =
            [
                ("phonecall", InteractionType.Call), ("callback", InteractionType.Call), ("appointment", InteractionType.Meeting),
                ("mail", InteractionType.Email), ("sms", InteractionType.Message), ("chat", InteractionType.Message),
                ("inquiry", InteractionType.Enquiry), ("question", InteractionType.Enquiry), ("ticket", InteractionType.Support),
                ("supportticket", InteractionType.Support), ("review", InteractionType.Feedback),
            ],
            [typeof(ProductKind)] =
            [
                ("goods", ProductKind.Product), ("physical", ProductKind.Product), ("item", ProductKind.Product), ("services", ProductKind.Service),
            ],
        };

        var result = new Dictionary<Type, FrozenDictionary<string, object>>();
        foreach (var (type, extra) in variants)
        {
            var names = new Dictionary<string, object>(StringComparer.Ordinal);
            foreach (var value in Enum.GetValues(type))
            {
                names[ImportFields.Normalize(value.ToString()!)] = value;
            }

            foreach (var (variant, value) in extra)
            {
                names.TryAdd(variant, value);
            }

            result[type] = names.ToFrozenDictionary(StringComparer.Ordinal);
        }

        return result.ToFrozenDictionary();
    }
}
