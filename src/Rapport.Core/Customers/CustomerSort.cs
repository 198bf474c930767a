using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using Rapport.Metrics;

namespace Rapport.Customers;

public enum CustomerSortField
{
    Name,
    CreatedAt,
    Revenue,
    LastPurchase,
}

/// <summary>
/// A customer list order: <c>name</c> (the default), <c>createdAt</c>, <c>revenue</c> or <c>lastPurchase</c>, with a
/// leading <c>-</c> for descending. Every order ends with the customer id, so ties are stable.
/// </summary>
public sealed record CustomerSort(CustomerSortField Field, bool Descending)
{
    public static readonly CustomerSort Default = new(CustomerSortField.Name, false);

    public static readonly IReadOnlyList<string> Accepted =
        ["name", "-name", "createdAt", "-createdAt", "revenue", "-revenue", "lastPurchase", "-lastPurchase"];

    public static bool TryParse(string? value, out CustomerSort sort)
    {
        sort = Default;
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        var text = value.Trim();
        var descending = text.StartsWith('-');
        CustomerSortField? field = (descending ? text[1..] : text) switch
        {
            "name" => CustomerSortField.Name,
            "createdAt" => CustomerSortField.CreatedAt,
            "revenue" => CustomerSortField.Revenue,
            "lastPurchase" => CustomerSortField.LastPurchase,
            _ => null,
        };
        if (field is null)
        {
            return false;
        }

        sort = new CustomerSort(field.Value, descending);
        return true;
    }

    public override string ToString() => (Descending ? "-" : "") + Field switch
    {
        CustomerSortField.CreatedAt => "createdAt",
        CustomerSortField.Revenue => "revenue",
        CustomerSortField.LastPurchase => "lastPurchase",
        _ => "name",
    };
}

/// <summary>A customer joined to their metrics row: what list filters and orders are written against.</summary>
internal sealed class SearchRow
{
    public Customer C { get; init; } = null!;
    public CustomerMetrics M { get; init; } = null!;
}

/// <summary>One list row as read from the database, with every column a sort key can come from.</summary>
internal sealed record SearchHit(
    long Id,
    string? FirstName,
    string? LastName,
    string? Email,
    string? EmailNormalized,
    string? Phone,
    string? City,
    string? Country,
    string? CompanyName,
    int PurchaseCount,
    decimal Revenue,
    DateTimeOffset? LastPurchaseAt,
    DateTimeOffset CreatedAt,
    long? OwnerId = null,
    string? OwnerName = null,
    Stages.Stage Stage = Stages.Stage.Prospecting,
    string? RfmSegment = null,
    decimal? Clv = null,
    double? PAlive = null);

/// <summary>
/// Keyset paging over customers that stays on indexes on SQLite and PostgreSQL alike.
/// <para>
/// The providers disagree on where NULLs sort (SQLite first, PostgreSQL last), and a NULL-aware ORDER BY would
/// defeat the indexes. So each order is a list of <em>segments</em>, each selecting rows whose key columns are all
/// non-null and ordered by those columns (last one the id): e.g. <c>name</c> is people with both names by
/// (last, first), then last name only, then first name only, then email only, then the rest by id. A page reads
/// segment after segment until it is full; descending walks the segments and keys in reverse.
/// The cursor holds the sort, the segment and the key values of the last row.
/// </para>
/// </summary>
internal static class CustomerKeyset
{
    internal sealed record KeyPart(LambdaExpression Selector, Type Type, Func<SearchHit, object?> FromHit);

    internal sealed record Segment(Expression<Func<SearchRow, bool>> Filter, KeyPart[] Keys);

    private static readonly KeyPart CustomerId = Key(r => r.C.Id, h => h.Id);
    private static readonly KeyPart MetricsCustomerId = Key(r => r.M.CustomerId, h => h.Id);

    private static readonly Segment[] NameSegments =
    [
        new(r => r.C.LastName != null && r.C.FirstName != null, [Key(r => r.C.LastName!, h => h.LastName), Key(r => r.C.FirstName!, h => h.FirstName), CustomerId]),
        new(r => r.C.LastName != null && r.C.FirstName == null, [Key(r => r.C.LastName!, h => h.LastName), CustomerId]),
        new(r => r.C.LastName == null && r.C.FirstName != null, [Key(r => r.C.FirstName!, h => h.FirstName), CustomerId]),
        new(r => r.C.LastName == null && r.C.FirstName == null && r.C.EmailNormalized != null, [Key(r => r.C.EmailNormalized!, h => h.EmailNormalized), CustomerId]),
        new(r => r.C.LastName == null && r.C.FirstName == null && r.C.EmailNormalized == null, [CustomerId]),
    ];

    private static readonly Segment[] CreatedAtSegments = [new(r => true, [Key(r => r.C.CreatedAt, h => h.CreatedAt), CustomerId])];

    // Ordered through customer_metrics so its (revenue) and (last_purchase_at) indexes drive the scan.
    private static readonly Segment[] RevenueSegments = [new(r => true, [Key(r => r.M.Revenue, h => h.Revenue), MetricsCustomerId])];

    private static readonly Segment[] LastPurchaseSegments =
    [
        new(r => r.M.LastPurchaseAt != null, [Key(r => r.M.LastPurchaseAt!.Value, h => h.LastPurchaseAt), MetricsCustomerId]),
        new(r => r.M.LastPurchaseAt == null, [MetricsCustomerId]),
    ];

    /// <summary>The index of the last-purchase order's segment of customers who never bought.</summary>
    public const int NeverPurchasedSegment = 1;

    public static IReadOnlyList<Segment> SegmentsFor(CustomerSortField field) => field switch
    {
        CustomerSortField.CreatedAt => CreatedAtSegments,
        CustomerSortField.Revenue => RevenueSegments,
        CustomerSortField.LastPurchase => LastPurchaseSegments,
        _ => NameSegments,
    };

    /// <summary>The segment a row belongs to under this order (segments are disjoint and cover every row).</summary>
    public static int SegmentOf(CustomerSortField field, SearchHit hit) => field switch
    {
        CustomerSortField.Name => (hit.LastName, hit.FirstName, hit.EmailNormalized) switch
        {
            (not null, not null, _) => 0,
            (not null, null, _) => 1,
            (null, not null, _) => 2,
            (null, null, not null) => 3,
            _ => 4,
        },
        CustomerSortField.LastPurchase => hit.LastPurchaseAt is null ? 1 : 0,
        _ => 0,
    };

    public static string Encode(CustomerSort sort, int segment, IReadOnlyList<object?> keys) =>
        Common.Cursor.Encode([sort.ToString(), segment, .. keys]);

    /// <summary>Reads a cursor made by <see cref="Encode"/> for the same sort; false when it is malformed or for another sort.</summary>
    public static bool TryDecode(string cursor, CustomerSort sort, out int segment, out object[] keys)
    {
        segment = 0;
        keys = [];
        if (!Common.Cursor.TryDecode(cursor, out var parts) || parts.Length < 3 ||
            parts[0].ValueKind != JsonValueKind.String || parts[0].GetString() != sort.ToString() ||
            parts[1].ValueKind != JsonValueKind.Number || !parts[1].TryGetInt32(out segment))
        {
            return false;
        }

        var segments = SegmentsFor(sort.Field);
        if (segment < 0 || segment >= segments.Count || parts.Length != 2 + segments[segment].Keys.Length)
        {
            return false;
        }

        var parts2 = segments[segment].Keys;
        keys = new object[parts2.Length];
        for (var i = 0; i < parts2.Length; i++)
        {
            if (Read(parts[2 + i], parts2[i].Type) is not { } value)
            {
                return false;
            }

            keys[i] = value;
        }

        return true;
    }

    /// <summary>Rows of the segment that come after the given key values: a leading range on the first key (for the index seek) and the lexicographic condition.</summary>
    public static Expression<Func<SearchRow, bool>> After(Segment segment, object[] values, bool descending)
    {
        var row = Expression.Parameter(typeof(SearchRow), "r");
        Expression? condition = null;
        for (var i = segment.Keys.Length - 1; i >= 0; i--)
        {
            var key = Body(segment.Keys[i], row);
            var value = Parameter(values[i], segment.Keys[i].Type);
            var beyond = Compare(key, value, descending ? ExpressionType.LessThan : ExpressionType.GreaterThan);
            condition = condition is null ? beyond : Expression.OrElse(beyond, Expression.AndAlso(Expression.Equal(key, value), condition));
        }

        var first = Compare(Body(segment.Keys[0], row), Parameter(values[0], segment.Keys[0].Type),
            descending ? ExpressionType.LessThanOrEqual : ExpressionType.GreaterThanOrEqual);
        return Expression.Lambda<Func<SearchRow, bool>>(Expression.AndAlso(first, condition!), row);
    }

    public static IQueryable<SearchRow> Order(IQueryable<SearchRow> rows, Segment segment, bool descending)
    {
        var expression = rows.Expression;
        for (var i = 0; i < segment.Keys.Length; i++)
        {
            var name = (i == 0 ? "OrderBy" : "ThenBy") + (descending ? "Descending" : "");
            var method = QueryableMethods[name].MakeGenericMethod(typeof(SearchRow), segment.Keys[i].Type);
            expression = Expression.Call(method, expression, Expression.Quote(segment.Keys[i].Selector));
        }

        return rows.Provider.CreateQuery<SearchRow>(expression);
    }

    private static readonly Dictionary<string, MethodInfo> QueryableMethods = typeof(Queryable).GetMethods()
        .Where(m => m.Name is "OrderBy" or "ThenBy" or "OrderByDescending" or "ThenByDescending" && m.GetParameters().Length == 2)
        .ToDictionary(m => m.Name);

    private static readonly MethodInfo StringCompare = typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!;

    private static KeyPart Key<T>(Expression<Func<SearchRow, T>> selector, Func<SearchHit, object?> fromHit) => new(selector, typeof(T), fromHit);

    private static Expression Body(KeyPart key, ParameterExpression row) => new Rebind(key.Selector.Parameters[0], row).Visit(key.Selector.Body);

    /// <summary>A value the query provider turns into a SQL parameter (a member of a captured object), not an inlined literal.</summary>
    private static MemberExpression Parameter(object value, Type type)
    {
        var box = Activator.CreateInstance(typeof(Box<>).MakeGenericType(type), value)!;
        return Expression.Property(Expression.Constant(box), "Value");
    }

    private static BinaryExpression Compare(Expression left, Expression right, ExpressionType op) => left.Type == typeof(string)
        ? Expression.MakeBinary(op, Expression.Call(StringCompare, left, right), Expression.Constant(0))
        : Expression.MakeBinary(op, left, right);

    private static object? Read(JsonElement json, Type type)
    {
        if (type == typeof(string))
        {
            return json.ValueKind == JsonValueKind.String ? json.GetString() : null;
        }

        if (type == typeof(long))
        {
            return json.ValueKind == JsonValueKind.Number && json.TryGetInt64(out var l) ? l : null;
        }

        if (type == typeof(decimal))
        {
            return json.ValueKind == JsonValueKind.Number && json.TryGetDecimal(out var d) ? d : null;
        }

        if (type == typeof(DateTimeOffset))
        {
            return json.ValueKind == JsonValueKind.String && json.TryGetDateTimeOffset(out var t) ? t : null;
        }

        return null;
    }

    private sealed class Box<T>(T value)
    {
        public T Value { get; } = value;
    }

    private sealed class Rebind(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}
