using Rapport.Analytics;
using Rapport.Common;

namespace Rapport.Customers.Views;

/// <summary>A column the customer list can show.</summary>
public sealed record CustomerColumn(string Key, string Label);

/// <summary>Limits of saved views and the column catalogue of the customer list (docs/customer-views.md).</summary>
public static class CustomerViewRules
{
    public const int MaxName = 100;
    public const int MaxDefinition = 8000;

    /// <summary>Every column the list can show, in the order it shows them (the name always comes first).</summary>
    public static readonly IReadOnlyList<CustomerColumn> Columns =
    [
        new("email", "Email"),
        new("phone", "Phone"),
        new("location", "Location"),
        new("company", "Company"),
        new("owner", "Owner"),
        new("tags", "Tags"),
        new("stage", "Stage"),
        new("revenue", "Revenue"),
        new("orders", "Orders"),
        new("lastPurchase", "Last purchase"),
        new("clv", "CLV"),
        new("pAlive", "P(alive)"),
        new("rfmSegment", "RFM segment"),
        new("alignment", "Alignment"),
        new("created", "Created"),
    ];

    /// <summary>The columns of a list without a chosen set (the list as it always was).</summary>
    public static readonly IReadOnlyList<string> DefaultColumns = ["location", "tags", "revenue", "orders", "lastPurchase", "alignment"];

    public static CustomerColumn? Column(string? key) => Columns.FirstOrDefault(c => c.Key == key);

    /// <summary>The chosen columns in catalogue order; the default set when none; errors for unknown or repeated keys.</summary>
    public static IReadOnlyList<string> ReadColumns(IReadOnlyList<string>? columns, string field, FieldErrors errors)
    {
        if (columns is null || columns.Count == 0)
        {
            return DefaultColumns;
        }

        var chosen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < columns.Count; i++)
        {
            var key = columns[i]?.Trim();
            if (Column(key) is null)
            {
                errors.Add($"{field}[{i}]", $"Is not a column. Known: {string.Join(", ", Columns.Select(c => c.Key))}.");
            }
            else if (!chosen.Add(key!))
            {
                errors.Add($"{field}[{i}]", "Is listed twice.");
            }
        }

        return [.. Columns.Select(c => c.Key).Where(chosen.Contains)];
    }

    public static bool IsRfmSegment(string? key) => key is not null && RfmSegments.Find(key) is not null;
}

/// <summary>
/// What a saved view holds: the list's search, filters, sort (one of <see cref="CustomerSort.Accepted"/>) and columns
/// (keys of <see cref="CustomerViewRules.Columns"/>; none = the default set).
/// </summary>
public sealed record CustomerViewDefinition(
    string? Q = null,
    string? Tag = null,
    long? CompanyId = null,
    long? OwnerId = null,
    string? Stage = null,
    long? SegmentId = null,
    string? RfmSegment = null,
    string? Sort = null,
    IReadOnlyList<string>? Columns = null);
