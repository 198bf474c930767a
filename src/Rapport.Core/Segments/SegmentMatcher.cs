using System.Data.Common;
using System.Globalization;
using Dapper;
using Rapport.Data;

namespace Rapport.Segments;

/// <summary>Three-valued truth: a rule the in-memory matcher cannot decide exactly is <see cref="Unknown"/>, and SQL decides it.</summary>
public enum Truth
{
    False,
    True,
    Unknown,
}

/// <summary>
/// One customer's facts as the database holds them (raw values: ISO text instants and doubles on SQLite, DateTime and
/// decimal on PostgreSQL), loaded once so that every dynamic segment is evaluated for them in memory.
/// </summary>
public sealed class CustomerFacts(long id)
{
    public long Id => id;

    /// <summary>Columns of <c>customers c</c> and <c>customer_metrics m</c>, keyed by the catalogue's expression (<c>m.revenue</c>).</summary>
    public Dictionary<string, object?> Columns { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Tags { get; } = new(StringComparer.Ordinal);

    public HashSet<long> Memberships { get; } = [];

    public Dictionary<long, CustomFieldFacts> CustomFields { get; } = [];

    public Dictionary<long, object> ValueScores { get; } = [];

    /// <summary>Null when the customer has no value profile row; the row's alignment (maybe null) otherwise.</summary>
    public AlignmentFact? Alignment { get; set; }

    public List<PurchaseFact> Purchases { get; } = [];
}

public sealed record CustomFieldFacts(object? Text, object? Number, object? Date, object? Bool);

public sealed record AlignmentFact(object? Value);

/// <summary>How a stored instant must compare with a cut-off.</summary>
public enum InstantTest
{
    AtOrAfter,
    Before,
    AtOrBefore,
    After,
}

public readonly record struct InstantCutoff(DateTimeOffset Cut, InstantTest Test);

public static class InstantTests
{
    /// <summary>Whether the sign of (value − cut-off) satisfies the test.</summary>
    public static bool Holds(this InstantTest test, int sign) => test switch
    {
        InstantTest.AtOrAfter => sign >= 0,
        InstantTest.Before => sign < 0,
        InstantTest.AtOrBefore => sign <= 0,
        _ => sign > 0,
    };
}

public sealed record PurchaseFact(string Kind, string Key, object LastAt, long Count, object Amount);

/// <summary>Which of a customer's related rows the dynamic segments read, so that only those are loaded.</summary>
[Flags]
public enum FactNeeds
{
    None = 0,
    Tags = 1,
    CustomFields = 2,
    ValueScores = 4,
    Alignment = 8,
    Purchases = 16,
}

/// <summary>
/// Evaluates a rule tree for one customer in memory, with exactly the meaning <see cref="SegmentSql"/> gives it on the
/// same database (the equivalence is tested over random trees and customers on both providers). What it cannot decide
/// exactly it answers <see cref="Truth.Unknown"/> (survey answers, filtered interactions, windowed purchase counts or
/// amounts, companies and owners by name, custom dates, and text comparisons with non-ASCII letters, whose lower case
/// the databases define differently), and the caller asks SQL for those few.
/// </summary>
public sealed class SegmentMatcher(bool postgres, DateTimeOffset now, Func<long, RuleNode?> dynamicRules)
{
    private readonly Stack<long> _inlining = new();

    /// <summary>The columns every tree may read from <c>customers c</c> and <c>customer_metrics m</c>.</summary>
    public static readonly IReadOnlyList<string> Columns =
    [
        .. SegmentFieldCatalogue.Fixed.Where(f => f.Source is FieldSource.Column or FieldSource.DaysSince or FieldSource.InstantDate).Select(f => f.Column!)
            .Concat(["m.stage", "m.purchase_count", "m.revenue", "m.last_purchase_at", "m.interaction_count", "m.last_interaction_at", "c.company_id", "c.owner_id"])
            .Distinct(StringComparer.Ordinal),
    ];

    public static FactNeeds Needs(RuleNode node, Func<long, RuleNode?> dynamicRules, HashSet<long>? seen = null)
    {
        seen ??= [];
        var needs = FactNeeds.None;
        foreach (var n in RuleTrees.Descendants(node))
        {
            switch (n)
            {
                case PurchasedNode { Category: not null } or PurchasedNode { Sku: not null }:
                    needs |= FactNeeds.Purchases;
                    break;
                case ConditionNode c:
                    needs |= c.Field.Source switch
                    {
                        FieldSource.Tag => FactNeeds.Tags,
                        FieldSource.CustomField => FactNeeds.CustomFields,
                        FieldSource.ValueScore => FactNeeds.ValueScores,
                        FieldSource.Alignment => FactNeeds.Alignment,
                        _ => FactNeeds.None,
                    };
                    if (c.Field.Source == FieldSource.Segment)
                    {
                        foreach (var id in c.Values.Cast<long>())
                        {
                            if (seen.Add(id) && dynamicRules(id) is { } inner)
                            {
                                needs |= Needs(inner, dynamicRules, seen);
                            }
                        }
                    }

                    break;
            }
        }

        return needs;
    }

    public Truth Evaluate(RuleNode node, CustomerFacts f) => node switch
    {
        AllNode all => All(all.Children, f),
        AnyNode any => Any(any.Children, f),
        NotNode not => Not(Evaluate(not.Child, f)),
        ConditionNode c => Condition(c, f),
        PurchasedNode p => Purchased(p, f),
        InteractedNode i => Interacted(i, f),
        _ => Truth.Unknown,
    };

    private static Truth Not(Truth t) => t switch { Truth.True => Truth.False, Truth.False => Truth.True, _ => Truth.Unknown };

    private static Truth Of(bool b) => b ? Truth.True : Truth.False;

    private static Truth And(Truth a, Truth b) => a == Truth.False || b == Truth.False ? Truth.False : a == Truth.Unknown || b == Truth.Unknown ? Truth.Unknown : Truth.True;

    private static Truth Or(Truth a, Truth b) => a == Truth.True || b == Truth.True ? Truth.True : a == Truth.Unknown || b == Truth.Unknown ? Truth.Unknown : Truth.False;

    private Truth All(IReadOnlyList<RuleNode> children, CustomerFacts f)
    {
        var result = Truth.True;
        foreach (var child in children)
        {
            result = And(result, Evaluate(child, f));
            if (result == Truth.False)
            {
                return result;
            }
        }

        return result;
    }

    private Truth Any(IReadOnlyList<RuleNode> children, CustomerFacts f)
    {
        var result = Truth.False;
        foreach (var child in children)
        {
            result = Or(result, Evaluate(child, f));
            if (result == Truth.True)
            {
                return result;
            }
        }

        return result;
    }

    private Truth Condition(ConditionNode c, CustomerFacts f)
    {
        if (c.Op == RuleOp.Neq)
        {
            return Not(Condition(c with { Op = RuleOp.Eq }, f));
        }

        var field = c.Field;
        switch (field.Source)
        {
            case FieldSource.Column:
                return Scalar(f.Columns.GetValueOrDefault(field.Column!), c, field.Type is FieldType.Enum or FieldType.String);
            case FieldSource.InstantDate:
                return InstantDay(f.Columns.GetValueOrDefault(field.Column!), c);
            case FieldSource.DaysSince:
                return DaysSince(f.Columns.GetValueOrDefault(field.Column!), c);
            case FieldSource.Stage:
                return Scalar(f.Columns.GetValueOrDefault("m.stage"),
                    c with { Values = SegmentSql.StageNumbers(c.Values) }, text: false);
            case FieldSource.Tag:
                return Of(c.Op == RuleOp.Exists ? f.Tags.Count > 0 : c.Values.Any(v => f.Tags.Contains((string)v)));
            case FieldSource.Company:
                return Reference(f.Columns.GetValueOrDefault("c.company_id"), c);
            case FieldSource.Owner:
                return Reference(f.Columns.GetValueOrDefault("c.owner_id"), c);
            case FieldSource.CustomField:
            {
                if (!f.CustomFields.TryGetValue(field.RefId, out var row))
                {
                    return Truth.False;
                }

                if (field.Type == FieldType.Date)
                {
                    return Truth.Unknown;
                }

                var value = field.Column switch
                {
                    "text_value" => row.Text,
                    "number_value" => row.Number,
                    "date_value" => row.Date,
                    _ => row.Bool,
                };
                return value is null ? Truth.False : Compare(value, c, text: field.Type is FieldType.String or FieldType.Enum);
            }

            case FieldSource.ValueScore:
                return f.ValueScores.TryGetValue(field.RefId, out var score) ? Compare(score, c, text: false) : Truth.False;
            case FieldSource.Alignment:
                return f.Alignment is { Value: { } alignment } ? Compare(alignment, c, text: false) : Truth.False;
            case FieldSource.Segment:
                return Segment(c, f);
            default:
                // Survey answers and NPS: SQL decides.
                return Truth.Unknown;
        }
    }

    private Truth Scalar(object? x, ConditionNode c, bool text)
    {
        if (x is null)
        {
            return Truth.False;
        }

        if (c.Op == RuleOp.Exists)
        {
            return Of(!text || x is not string s || s.Length > 0);
        }

        return Compare(x, c, text);
    }

    /// <summary>The comparison for a value known not to be null.</summary>
    private Truth Compare(object x, ConditionNode c, bool text)
    {
        if (c.Op == RuleOp.Exists)
        {
            return Truth.True;
        }

        if (text)
        {
            if (x is not string s || !Ascii(s) || c.Values.Any(v => v is not string t || !Ascii(t)))
            {
                return Truth.Unknown;
            }

            var lower = AsciiLower(s);
            return c.Op switch
            {
                RuleOp.Eq => Of(string.Equals(lower, AsciiLower((string)c.Values[0]), StringComparison.Ordinal)),
                RuleOp.In => Of(c.Values.Any(v => string.Equals(lower, AsciiLower((string)v), StringComparison.Ordinal))),
                RuleOp.Contains => Of(lower.Contains(AsciiLower((string)c.Values[0]), StringComparison.Ordinal)),
                _ => Truth.Unknown,
            };
        }

        if (c.Op == RuleOp.Contains)
        {
            return Truth.Unknown;
        }

        int? Cmp(object v) => v switch
        {
            decimal d => CompareNumber(x, d),
            bool b => CompareBool(x, b),
            _ => null,
        };
        Truth Test(object v, Func<int, bool> holds) => Cmp(v) is { } r ? Of(holds(r)) : Truth.Unknown;
        return c.Op switch
        {
            RuleOp.Eq => Test(c.Values[0], r => r == 0),
            RuleOp.In => c.Values.Aggregate(Truth.False, (acc, v) => Or(acc, Test(v, r => r == 0))),
            RuleOp.Gt => Test(c.Values[0], r => r > 0),
            RuleOp.Gte => Test(c.Values[0], r => r >= 0),
            RuleOp.Lt => Test(c.Values[0], r => r < 0),
            RuleOp.Lte => Test(c.Values[0], r => r <= 0),
            RuleOp.Between => And(Test(c.Values[0], r => r >= 0), Test(c.Values[1], r => r <= 0)),
            _ => Truth.Unknown,
        };
    }

    private static bool Ascii(string s)
    {
        foreach (var ch in s)
        {
            if (ch > 0x7F)
            {
                return false;
            }
        }

        return true;
    }

    private static string AsciiLower(string s) => string.Create(s.Length, s, static (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            var ch = source[i];
            span[i] = ch is >= 'A' and <= 'Z' ? (char)(ch + 32) : ch;
        }
    });

    /// <summary>
    /// A stored number against a rule's decimal, as the database compares them: SQLite gets the parameter as a double;
    /// PostgreSQL compares integers and numerics exactly and double precision columns as doubles. Null when unsure.
    /// </summary>
    private int? CompareNumber(object x, decimal value)
    {
        switch (x)
        {
            case decimal d:
                return d.CompareTo(value);
            case double dx when double.IsNaN(dx):
                return null;
            case double dx:
                return dx.CompareTo(postgres ? double.Parse(value.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : (double)value);
            case float fx:
                return postgres ? null : ((double)fx).CompareTo((double)value);
            case long or int or short:
            {
                var l = Convert.ToInt64(x, CultureInfo.InvariantCulture);
                return postgres ? ((decimal)l).CompareTo(value) : ((double)l).CompareTo((double)value);
            }

            default:
                return null;
        }
    }

    private static int? CompareBool(object x, bool value) => x switch
    {
        bool b => b.CompareTo(value),
        long l => l.CompareTo(value ? 1L : 0L),
        int i => i.CompareTo(value ? 1 : 0),
        _ => null,
    };

    /// <summary>Orders a stored instant against a cut-off as the database does (ISO text on SQLite; microseconds on PostgreSQL).</summary>
    private int? CompareInstant(object x, DateTimeOffset cut) => x switch
    {
        string s when !postgres => Math.Sign(string.CompareOrdinal(s, SqliteFormats.Instant(cut))),
        DateTime d when postgres => d.Ticks.CompareTo(cut.UtcTicks - (cut.UtcTicks % 10)),
        DateTimeOffset d when postgres => d.UtcTicks.CompareTo(cut.UtcTicks - (cut.UtcTicks % 10)),
        _ => null,
    };

    private Truth Instant(object x, DateTimeOffset cut, Func<int, bool> holds) => CompareInstant(x, cut) is { } r ? Of(holds(r)) : Truth.Unknown;

    private static DateTimeOffset StartOf(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    private Truth InstantDay(object? x, ConditionNode c) => Instants(x, InstantCutoffs(c, now));

    private Truth DaysSince(object? x, ConditionNode c) => Instants(x, InstantCutoffs(c, now));

    private Truth Instants(object? x, List<InstantCutoff>? cutoffs)
    {
        if (x is null || cutoffs is null)
        {
            return Truth.False;
        }

        var result = Truth.True;
        foreach (var (cut, test) in cutoffs)
        {
            result = And(result, Instant(x, cut, r => test.Holds(r)));
        }

        return result;
    }

    /// <summary>
    /// What a condition on an instant asks of a non-null value: every cut-off must hold (none for <c>exists</c>); null
    /// when nothing can match. Dates compare by UTC day; whole days since an instant use the cut-offs of
    /// <see cref="SegmentSql"/>: days ≥ n ⇔ x ≤ now − n days; days ≤ n ⇔ x &gt; now − (n + 1) days.
    /// </summary>
    public static List<InstantCutoff>? InstantCutoffs(ConditionNode c, DateTimeOffset now)
    {
        if (c.Op == RuleOp.Exists)
        {
            return [];
        }

        if (c.Field.Source == FieldSource.InstantDate)
        {
            DateOnly D(int i) => (DateOnly)c.Values[i];
            InstantCutoff AtLeast(DateOnly day) => new(StartOf(day), InstantTest.AtOrAfter);
            InstantCutoff Before(DateOnly day) => new(StartOf(day), InstantTest.Before);
            return c.Op switch
            {
                RuleOp.Eq => [AtLeast(D(0)), Before(D(0).AddDays(1))],
                RuleOp.Gt => [AtLeast(D(0).AddDays(1))],
                RuleOp.Gte => [AtLeast(D(0))],
                RuleOp.Lt => [Before(D(0))],
                RuleOp.Lte => [Before(D(0).AddDays(1))],
                RuleOp.Between => [AtLeast(D(0)), Before(D(1).AddDays(1))],
                _ => throw new InvalidOperationException($"Unexpected op {c.Op}."),
            };
        }

        decimal N(int i) => (decimal)c.Values[i];
        InstantCutoff DaysAtLeast(decimal n) => new(now.AddDays((double)-n), InstantTest.AtOrBefore);
        InstantCutoff DaysAtMost(decimal n) => new(now.AddDays((double)-(n + 1)), InstantTest.After);
        return c.Op switch
        {
            RuleOp.Eq => [DaysAtLeast(N(0)), DaysAtMost(N(0))],
            RuleOp.Gt => [DaysAtLeast(N(0) + 1)],
            RuleOp.Gte => [DaysAtLeast(N(0))],
            RuleOp.Lt => N(0) == 0 ? null : [DaysAtMost(N(0) - 1)],
            RuleOp.Lte => [DaysAtMost(N(0))],
            RuleOp.Between => [DaysAtLeast(N(0)), DaysAtMost(N(1))],
            _ => throw new InvalidOperationException($"Unexpected op {c.Op}."),
        };
    }

    private static Truth Reference(object? id, ConditionNode c)
    {
        if (c.Op == RuleOp.Exists)
        {
            return Of(id is not null);
        }

        var result = Truth.False;
        foreach (var v in c.Values)
        {
            // By name or e-mail: SQL looks it up.
            result = Or(result, v is long wanted ? Of(id is not null && Convert.ToInt64(id, CultureInfo.InvariantCulture) == wanted) : Truth.Unknown);
        }

        return result;
    }

    private Truth Segment(ConditionNode c, CustomerFacts f)
    {
        var result = Truth.False;
        foreach (var id in c.Values.Cast<long>())
        {
            Truth one;
            if (_inlining.Contains(id))
            {
                one = Truth.False;
            }
            else if (dynamicRules(id) is { } rules)
            {
                _inlining.Push(id);
                one = Evaluate(rules, f);
                _inlining.Pop();
            }
            else
            {
                one = Of(f.Memberships.Contains(id));
            }

            result = Or(result, one);
        }

        return result;
    }

    private Truth Purchased(PurchasedNode p, CustomerFacts f)
    {
        DateTimeOffset? cut = p.WithinDays is { } days ? now.AddDays(-days) : null;
        var needsRaw = cut is not null && (p.MinCount > 1 || p.MinAmount is not null);
        if (p.Category is null && p.Sku is null)
        {
            var result = CompareNumber(f.Columns.GetValueOrDefault("m.purchase_count") ?? 0L, p.MinCount) is { } count ? Of(count >= 0) : Truth.Unknown;
            if (p.MinAmount is { } amount)
            {
                result = And(result, f.Columns.GetValueOrDefault("m.revenue") is { } revenue && CompareNumber(revenue, amount) is { } r ? Of(r >= 0) : Truth.Unknown);
            }

            if (cut is { } c)
            {
                result = And(result, f.Columns.GetValueOrDefault("m.last_purchase_at") is { } last ? Instant(last, c, r => r >= 0) : Truth.False);
            }

            return needsRaw ? And(result, Truth.Unknown) : result;
        }

        var kind = p.Sku is not null ? nameof(PurchaseFactKind.Product) : nameof(PurchaseFactKind.Category);
        var key = p.Sku ?? p.Category!;
        var has = Truth.False;
        foreach (var fact in f.Purchases)
        {
            if (!string.Equals(fact.Kind, kind, StringComparison.Ordinal) || !string.Equals(fact.Key, key, StringComparison.Ordinal))
            {
                continue;
            }

            var row = Truth.True;
            if (p.MinCount > 1)
            {
                row = And(row, Of(fact.Count >= p.MinCount));
            }

            if (p.MinAmount is { } minAmount)
            {
                row = And(row, CompareNumber(fact.Amount, minAmount) is { } r ? Of(r >= 0) : Truth.Unknown);
            }

            if (cut is { } c)
            {
                row = And(row, Instant(fact.LastAt, c, r => r >= 0));
            }

            has = Or(has, row);
        }

        // Both a SKU and a category (a product lookup) or a window with a count or amount (the lines): SQL decides.
        return needsRaw || (p.Sku is not null && p.Category is not null) ? And(has, Truth.Unknown) : has;
    }

    private Truth Interacted(InteractedNode i, CustomerFacts f)
    {
        if (i.Channel is not null || i.Type is not null || i.Direction is not null || (i.WithinDays is not null && i.MinCount != 1))
        {
            return Truth.Unknown;
        }

        var result = CompareNumber(f.Columns.GetValueOrDefault("m.interaction_count") ?? 0L, i.MinCount) is { } count ? Of(count >= 0) : Truth.Unknown;
        if (i.WithinDays is { } days)
        {
            result = And(result, f.Columns.GetValueOrDefault("m.last_interaction_at") is { } last ? Instant(last, now.AddDays(-days), r => r >= 0) : Truth.False);
        }

        return result;
    }
}

/// <summary>
/// Loads <see cref="CustomerFacts"/> for a few customers: one indexed query per kind of fact the segments read, sent
/// together as one command (one round trip to a database server).
/// </summary>
public static class CustomerFactsLoader
{
    public static async Task<Dictionary<long, CustomerFacts>> LoadAsync(DbConnection connection, DbTransaction? transaction, bool postgres,
        IReadOnlyCollection<long> customerIds, FactNeeds needs, CancellationToken ct)
    {
        var single = customerIds.Count == 1;
        object ids = single ? customerIds.First() : SqlIds.Value(postgres, customerIds);
        var where = single ? "= @ids" : SqlIds.In(postgres, "@ids");
        var columns = SegmentMatcher.Columns;
        var statements = new List<(FactNeeds Kind, string Sql)>
        {
            (FactNeeds.None, $"SELECT c.id, {string.Join(", ", columns)} FROM {SegmentSql.From} WHERE c.id {where}"),
            (FactNeeds.None, $"SELECT customer_id, segment_id FROM segment_members WHERE customer_id {where}"),
        };
        if (needs.HasFlag(FactNeeds.Tags))
        {
            statements.Add((FactNeeds.Tags, $"SELECT customer_id, tag FROM customer_tags WHERE customer_id {where}"));
        }

        if (needs.HasFlag(FactNeeds.CustomFields))
        {
            statements.Add((FactNeeds.CustomFields, $"SELECT customer_id, field_id, text_value, number_value, date_value, bool_value FROM customer_field_values WHERE customer_id {where}"));
        }

        if (needs.HasFlag(FactNeeds.ValueScores))
        {
            statements.Add((FactNeeds.ValueScores, $"SELECT customer_id, value_id, score FROM customer_value_scores WHERE customer_id {where}"));
        }

        if (needs.HasFlag(FactNeeds.Alignment))
        {
            statements.Add((FactNeeds.Alignment, $"SELECT customer_id, alignment FROM customer_value_profiles WHERE customer_id {where}"));
        }

        if (needs.HasFlag(FactNeeds.Purchases))
        {
            statements.Add((FactNeeds.Purchases, $"SELECT customer_id, kind, key, last_at, purchase_count, amount FROM customer_purchase_facts WHERE customer_id {where}"));
        }

        var result = new Dictionary<long, CustomerFacts>();
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
            string.Join(";\n", statements.Select(x => x.Sql)), new { ids }, transaction, cancellationToken: ct));
        for (var n = 0; n < statements.Count; n++)
        {
            if (n > 0 && !await reader.NextResultAsync(ct))
            {
                throw new InvalidOperationException("A customer's facts came back with fewer result sets than asked.");
            }

            object? Raw(int i) => reader.IsDBNull(i) ? null : reader.GetValue(i);
            while (await reader.ReadAsync(ct))
            {
                if (n == 0)
                {
                    var created = new CustomerFacts(reader.GetInt64(0));
                    for (var i = 0; i < columns.Count; i++)
                    {
                        created.Columns[columns[i]] = Raw(i + 1);
                    }

                    result[created.Id] = created;
                    continue;
                }

                if (result.GetValueOrDefault(reader.GetInt64(0)) is not { } facts)
                {
                    continue;
                }

                if (n == 1)
                {
                    facts.Memberships.Add(reader.GetInt64(1));
                    continue;
                }

                switch (statements[n].Kind)
                {
                    case FactNeeds.Tags:
                        facts.Tags.Add(reader.GetString(1));
                        break;
                    case FactNeeds.CustomFields:
                        facts.CustomFields[reader.GetInt64(1)] = new CustomFieldFacts(Raw(2), Raw(3), Raw(4), Raw(5));
                        break;
                    case FactNeeds.ValueScores:
                        facts.ValueScores[reader.GetInt64(1)] = reader.GetValue(2);
                        break;
                    case FactNeeds.Alignment:
                        facts.Alignment = new AlignmentFact(Raw(1));
                        break;
                    case FactNeeds.Purchases:
                        facts.Purchases.Add(new PurchaseFact(reader.GetString(1), reader.GetString(2), reader.GetValue(3),
                            Convert.ToInt64(reader.GetValue(4), CultureInfo.InvariantCulture), reader.GetValue(5)));
                        break;
                }
            }
        }

        return result;
    }
}
