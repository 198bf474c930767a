namespace Rapport.Customers;

public enum CustomFieldType
{
    Text,
    Number,
    Date,
    Boolean,
    Choice,
}

/// <summary>An admin-defined typed field on customers, addressed by its stable <c>Key</c>.</summary>
public sealed class CustomFieldDefinition : Common.IStamped
{
    public long Id { get; set; }
    /// <summary>Stable identifier used in the API and in segments, e.g. <c>shoe_size</c>.</summary>
    public string Key { get; set; } = "";
    public string Label { get; set; } = "";
    public CustomFieldType Type { get; set; }
    /// <summary>Allowed values of a Choice field, newline separated.</summary>
    public string? Options { get; set; }
    public int Position { get; set; }
    /// <summary>Values are hidden from roles without <c>customers.view-sensitive</c> (pages, API, exports, segments).</summary>
    public bool Sensitive { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public IReadOnlyList<string> OptionList =>
        string.IsNullOrEmpty(Options) ? [] : Options.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>One typed value of a custom field for one customer; exactly one of the value columns is set, by the field's type.</summary>
public sealed class CustomerFieldValue
{
    public long CustomerId { get; set; }
    public long FieldId { get; set; }
    public CustomFieldDefinition? Field { get; set; }
    public string? TextValue { get; set; }
    public decimal? NumberValue { get; set; }
    public DateOnly? DateValue { get; set; }
    public bool? BoolValue { get; set; }
}
