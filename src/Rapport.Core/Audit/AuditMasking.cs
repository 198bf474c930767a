using Microsoft.EntityFrameworkCore.Metadata;

namespace Rapport.Audit;

/// <summary>
/// Which values an audit entry may hold in clear. The rule is deny by default for text: field names are always kept;
/// a value is kept only when it cannot be personal data:
/// <list type="bullet">
/// <item>keys and foreign keys, numbers, booleans, enums and instants (record stamps such as <c>createdAt</c>);</item>
/// <item>the few text fields that hold codes, not people (<see cref="ClearText"/>: currency, status, kind, …).</item>
/// </list>
/// Everything else (names, email, phone, addresses, birth dates, notes, transcripts, custom field values, tags,
/// secrets and hashes) is replaced by <see cref="Mask"/>; a null stays null so "was cleared" remains visible.
/// </summary>
public static class AuditMasking
{
    public const string Mask = "***";

    /// <summary>Text properties that hold codes from a closed list, never free text about a person.</summary>
    public static readonly IReadOnlySet<string> ClearText = new HashSet<string>(StringComparer.Ordinal)
    {
        "Currency", "Status", "Kind", "Channel", "Direction", "Stage", "Role", "Prefix", "Format",
    };

    public static bool IsClear(IProperty property)
    {
        var type = Nullable.GetUnderlyingType(property.ClrType) ?? property.ClrType;
        if (type == typeof(string))
        {
            // A text key can be personal (a customer's tag is part of customer_tags' key); keys an admin defines (a custom
            // field's or a value's key) are kept.
            return ClearText.Contains(property.Name) || property.Name.EndsWith("Key", StringComparison.Ordinal);
        }

        if (property.IsKey() || property.IsForeignKey())
        {
            return true;
        }

        return type.IsEnum || type == typeof(bool) || type == typeof(int) || type == typeof(long) || type == typeof(short) ||
               type == typeof(decimal) || type == typeof(double) || type == typeof(float) || type == typeof(DateTimeOffset) ||
               type == typeof(Guid);
    }

    /// <summary>The value as it may appear in the log: itself when clear, the mask otherwise, null as null.</summary>
    public static object? Value(IProperty property, object? value) =>
        value is null ? null :
        !IsClear(property) ? Mask :
        value is Enum e ? e.ToString() :
        value;
}
