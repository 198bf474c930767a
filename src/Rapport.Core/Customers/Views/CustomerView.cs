namespace Rapport.Customers.Views;

/// <summary>
/// A saved customer-list view (docs/customer-views.md): a name, a definition (search, filters, sort, columns) as
/// JSON, personal (visible to its owner only) or shared (visible to everyone).
/// </summary>
public sealed class CustomerView : Common.IStamped, Common.IVersioned
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    /// <summary>The user who made it (in the UI); null when an API key made it.</summary>
    public long? OwnerUserId { get; set; }
    /// <summary>The API key that made it (through the API, where callers are keys, not users); null when a user did.</summary>
    public long? OwnerApiKeyId { get; set; }
    public bool Shared { get; set; }
    /// <summary><see cref="CustomerViewDefinition"/> as JSON (camelCase), as validated when saved.</summary>
    public string Definition { get; set; } = "{}";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; }
}
