using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Rapport.Data;
using Rapport.Stages;

namespace Rapport.Segments;

/// <summary>
/// Compiles rule trees to SQL predicates over <c>customers c JOIN customer_metrics m ON m.customer_id = c.id</c>, the
/// same text on SQLite and PostgreSQL. Column names come from the catalogue only; every value is a parameter
/// (<see cref="Parameters"/>); clock conditions become cut-off instants computed here from <c>now</c>.
/// Every predicate is two-valued (never SQL NULL), so <c>not</c> is exact: <c>neq</c> is <c>not eq</c> and matches
/// customers without a value.
/// <para>
/// Two shapes for the same meaning: over everyone (counts, builds) a fact in another table is
/// <c>c.id IN (SELECT customer_id FROM … WHERE …)</c>, which the databases run once as a set (SQLite can even start from
/// it); for a few customers (<c>perCustomer</c>, the incremental follow-up) it is a correlated <c>EXISTS</c>, a few
/// index probes for each of them, instead of reading a whole set per customer.
/// </para>
/// </summary>
public sealed class SegmentSql(bool postgres, DateTimeOffset now, string reportingCurrency, Func<long, RuleNode?> dynamicRules, string prefix = "p", bool perCustomer = false)
{
    public const string From = "customers c JOIN customer_metrics m ON m.customer_id = c.id";

    private readonly List<KeyValuePair<string, object>> _parameters = [];
    private readonly Stack<long> _inlining = new();
    private readonly Dictionary<string, CustomerSet> _sets = new(StringComparer.Ordinal);
    private int _aliases;

    public IReadOnlyList<KeyValuePair<string, object>> Parameters => _parameters;

    public string Where(RuleNode node)
    {
        var sb = new StringBuilder();
        Node(sb, node);
        return sb.ToString();
    }

    private void Node(StringBuilder sb, RuleNode node)
    {
        switch (node)
        {
            case AllNode all when !perCustomer:
                AllOverEveryone(sb, all.Children);
                break;
            case AllNode all:
                Group(sb, all.Children, " AND ", "1=1");
                break;
            case AnyNode any:
                Group(sb, any.Children, " OR ", "1=0");
                break;
            case NotNode not:
                sb.Append("NOT (");
                Node(sb, not.Child);
                sb.Append(')');
                break;
            case ConditionNode condition:
                Condition(sb, condition);
                break;
            case PurchasedNode purchased:
                Purchased(sb, purchased);
                break;
            case InteractedNode interacted:
                Interacted(sb, interacted);
                break;
            default:
                throw new InvalidOperationException($"Unknown rule node {node.GetType().Name}.");
        }
    }

    private void Group(StringBuilder sb, IReadOnlyList<RuleNode> children, string joiner, string empty)
    {
        if (children.Count == 0)
        {
            sb.Append(empty);
            return;
        }

        sb.Append('(');
        for (var i = 0; i < children.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(joiner);
            }

            Node(sb, children[i]);
        }

        sb.Append(')');
    }

    /// <summary>
    /// "All of" over everyone: the conditions that are sets of customers (tags, purchases, custom fields…) become one
    /// <c>c.id IN (…)</c> driven by the likely smallest set, each other set a correlated EXISTS on its customer id (index
    /// probes, cheaper than intersecting two materialised lists), so that only the customers of the intersection have
    /// their customers and metrics rows read; the other conditions filter those rows.
    /// </summary>
    private void AllOverEveryone(StringBuilder sb, IReadOnlyList<RuleNode> children)
    {
        if (children.Count == 0)
        {
            sb.Append("1=1");
            return;
        }

        var sets = new List<CustomerSet>();
        var others = new List<string>();
        foreach (var child in children)
        {
            var part = new StringBuilder();
            Node(part, child);
            var text = part.ToString();
            if (_sets.TryGetValue(text, out var set))
            {
                sets.Add(set);
            }
            else
            {
                others.Add(text);
            }
        }

        var terms = new List<string>();
        if (sets.Count > 0)
        {
            var ordered = sets.OrderBy(x => x.Rank).ToList();
            var driver = ordered[0];
            var set = new StringBuilder($"c.id IN (SELECT {driver.Alias}.customer_id FROM {driver.Table} {driver.Alias} WHERE {driver.Where}");
            foreach (var other in ordered.Skip(1))
            {
                set.Append($" AND EXISTS (SELECT 1 FROM {other.Table} {other.Alias} WHERE {other.Alias}.customer_id = {driver.Alias}.customer_id AND {other.Where})");
            }

            terms.Add(set.Append(')').ToString());
        }

        terms.AddRange(others);
        sb.Append('(').AppendJoin(" AND ", terms).Append(')');
    }

    private string P(object value)
    {
        var name = $"@{prefix}{_parameters.Count.ToString(CultureInfo.InvariantCulture)}";
        _parameters.Add(new(name, value));
        return name;
    }

    private string Number(decimal value) => P(postgres ? value : (double)value);

    private string Instant(DateTimeOffset value) => P(postgres ? value.ToUniversalTime() : SqliteFormats.Instant(value));

    // Dapper does not bind DateOnly; a timestamp without time zone at midnight compares with a date column exactly.
    private string Date(DateOnly value) => P(postgres ? value.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified) : value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    private static DateTimeOffset StartOf(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    private DateTimeOffset DaysAgo(decimal days) => now.AddDays((double)days);

    private void Condition(StringBuilder sb, ConditionNode c)
    {
        if (c.Op == RuleOp.Neq)
        {
            sb.Append("NOT (");
            Condition(sb, c with { Op = RuleOp.Eq });
            sb.Append(')');
            return;
        }

        var f = c.Field;
        switch (f.Source)
        {
            case FieldSource.Column:
                Scalar(sb, f.Column!, c, f.Type == FieldType.Enum || f.Type == FieldType.String);
                break;
            case FieldSource.InstantDate:
                InstantDay(sb, f.Column!, c);
                break;
            case FieldSource.DaysSince:
                DaysSince(sb, f.Column!, c);
                break;
            case FieldSource.Stage:
                Scalar(sb, "m.stage", c with { Values = StageNumbers(c.Values) }, text: false);
                break;
            case FieldSource.Tag:
                sb.Append(Has("customer_tags", "t", c.Op == RuleOp.Exists ? "1=1" : $"t.tag IN ({string.Join(", ", c.Values.Select(v => P(v)))})"));
                break;
            case FieldSource.Company:
                Reference(sb, c, "c.company_id", "SELECT 1 FROM companies co WHERE co.id = c.company_id AND lower(co.name) = lower({0})");
                break;
            case FieldSource.Owner:
                Reference(sb, c, "c.owner_id", "SELECT 1 FROM users u WHERE u.id = c.owner_id AND lower(u.email) = lower({0})");
                break;
            case FieldSource.CustomField:
            {
                var where = new StringBuilder("v.field_id = ").Append(P(f.RefId)).Append(" AND ");
                var column = "v." + f.Column;
                if (f.Type == FieldType.Date)
                {
                    CustomDate(where, column, c);
                }
                else
                {
                    Compare(where, column, c, text: f.Type is FieldType.String or FieldType.Enum);
                }

                sb.Append(Has("customer_field_values", "v", where.ToString()));
                break;
            }

            case FieldSource.ValueScore:
            {
                var where = new StringBuilder("s.value_id = ").Append(P(f.RefId)).Append(" AND ");
                Compare(where, "s.score", c, text: false);
                sb.Append(Has("customer_value_scores", "s", where.ToString()));
                break;
            }

            case FieldSource.Alignment:
            {
                var where = new StringBuilder();
                Compare(where, "vp.alignment", c, text: false);
                sb.Append(Has("customer_value_profiles", "vp", where.ToString()));
                break;
            }
            case FieldSource.SurveyNumber:
                Scalar(sb, LatestAnswer("a.number_value", "a.question_id = " + P(f.RefId)), c, text: false);
                break;
            case FieldSource.SurveyChoice:
                SurveyChoice(sb, f, c);
                break;
            case FieldSource.NpsScore:
                Scalar(sb, LatestNps(), c, text: false);
                break;
            case FieldSource.NpsGroup:
                NpsGroup(sb, c);
                break;
            case FieldSource.Segment:
                Segment(sb, c);
                break;
            default:
                throw new InvalidOperationException($"Unknown field source {f.Source}.");
        }
    }

    /// <summary>
    /// "The customer has a row in <paramref name="table"/> (aliased <paramref name="alias"/>) with <paramref name="where"/>":
    /// a set (IN) over everyone, a correlated EXISTS per customer.
    /// </summary>
    private string Has(string table, string alias, string where)
    {
        // A fresh alias per subquery, so that sets nested into one another (AllOverEveryone) never shadow each other.
        var unique = alias + (++_aliases).ToString(CultureInfo.InvariantCulture);
        where = Regex.Replace(where, $@"\b{alias}\.", unique + ".");
        if (perCustomer)
        {
            return $"EXISTS (SELECT 1 FROM {table} {unique} WHERE {unique}.customer_id = c.id AND {where})";
        }

        var text = $"c.id IN (SELECT {unique}.customer_id FROM {table} {unique} WHERE {where})";
        _sets[text] = new CustomerSet(table, unique, where, Rank(table, where));
        return text;
    }

    /// <summary>Which set drives an intersection: usually the smallest first (a purchase in a window, then a purchase, …, a tag last).</summary>
    private static int Rank(string table, string where) => table switch
    {
        "customer_purchase_facts" => where.Contains(".last_at", StringComparison.Ordinal) ? 0 : 1,
        "customer_field_values" => 2,
        "customer_value_scores" => 3,
        "segment_members" => 4,
        "customer_value_profiles" => 5,
        _ => 6,
    };

    private sealed record CustomerSet(string Table, string Alias, string Where, int Rank);

    /// <summary>Stage keys (<c>purchase</c>) as the numbers <c>customer_metrics.stage</c> holds, for comparing (SQL, the matcher, the index).</summary>
    internal static List<object> StageNumbers(IReadOnlyList<object> keys) =>
        [.. keys.Select(v => (object)(decimal)(int)(Stages.Stages.TryParse((string)v, out var stage) ? stage : throw new InvalidOperationException($"Unknown stage {v}.")))];

    /// <summary>A nullable scalar: <c>(x IS NOT NULL AND x op value)</c>.</summary>
    private void Scalar(StringBuilder sb, string expression, ConditionNode c, bool text)
    {
        sb.Append('(').Append(expression).Append(" IS NOT NULL");
        if (c.Op != RuleOp.Exists)
        {
            sb.Append(" AND ");
            Compare(sb, expression, c, text);
        }
        else if (text)
        {
            sb.Append(" AND ").Append(expression).Append(" <> ''");
        }

        sb.Append(')');
    }

    /// <summary>The comparison itself, for a value known not to be null (or inside an EXISTS where null fails anyway).</summary>
    private void Compare(StringBuilder sb, string x, ConditionNode c, bool text)
    {
        string V(object v) => v switch
        {
            decimal d => Number(d),
            string s => text ? $"lower({P(s)})" : P(s),
            bool b => P(b),
            _ => P(v),
        };
        var column = text ? $"lower({x})" : x;
        switch (c.Op)
        {
            case RuleOp.Exists:
                sb.Append(x).Append(" IS NOT NULL");
                break;
            case RuleOp.Eq:
                sb.Append(column).Append(" = ").Append(V(c.Values[0]));
                break;
            case RuleOp.In:
                sb.Append(column).Append(" IN (").AppendJoin(", ", c.Values.Select(V)).Append(')');
                break;
            case RuleOp.Gt:
                sb.Append(x).Append(" > ").Append(V(c.Values[0]));
                break;
            case RuleOp.Gte:
                sb.Append(x).Append(" >= ").Append(V(c.Values[0]));
                break;
            case RuleOp.Lt:
                sb.Append(x).Append(" < ").Append(V(c.Values[0]));
                break;
            case RuleOp.Lte:
                sb.Append(x).Append(" <= ").Append(V(c.Values[0]));
                break;
            case RuleOp.Between:
                sb.Append(x).Append(" >= ").Append(V(c.Values[0])).Append(" AND ").Append(x).Append(" <= ").Append(V(c.Values[1]));
                break;
            case RuleOp.Contains:
                sb.Append("lower(").Append(x).Append(") LIKE lower(").Append(P("%" + EscapeLike((string)c.Values[0]) + "%")).Append(") ESCAPE '\\'");
                break;
            default:
                throw new InvalidOperationException($"Unexpected op {c.Op}.");
        }
    }

    /// <summary>Escapes LIKE wildcards so that <c>contains</c> matches the text literally.</summary>
    public static string EscapeLike(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    /// <summary>An instant column compared by UTC calendar day.</summary>
    private void InstantDay(StringBuilder sb, string x, ConditionNode c)
    {
        sb.Append('(').Append(x).Append(" IS NOT NULL");
        DateOnly D(int i) => (DateOnly)c.Values[i];
        switch (c.Op)
        {
            case RuleOp.Exists:
                break;
            case RuleOp.Eq:
                sb.Append(" AND ").Append(x).Append(" >= ").Append(Instant(StartOf(D(0)))).Append(" AND ").Append(x).Append(" < ").Append(Instant(StartOf(D(0).AddDays(1))));
                break;
            case RuleOp.Gt:
                sb.Append(" AND ").Append(x).Append(" >= ").Append(Instant(StartOf(D(0).AddDays(1))));
                break;
            case RuleOp.Gte:
                sb.Append(" AND ").Append(x).Append(" >= ").Append(Instant(StartOf(D(0))));
                break;
            case RuleOp.Lt:
                sb.Append(" AND ").Append(x).Append(" < ").Append(Instant(StartOf(D(0))));
                break;
            case RuleOp.Lte:
                sb.Append(" AND ").Append(x).Append(" < ").Append(Instant(StartOf(D(0).AddDays(1))));
                break;
            case RuleOp.Between:
                sb.Append(" AND ").Append(x).Append(" >= ").Append(Instant(StartOf(D(0)))).Append(" AND ").Append(x).Append(" < ").Append(Instant(StartOf(D(1).AddDays(1))));
                break;
            default:
                throw new InvalidOperationException($"Unexpected op {c.Op}.");
        }

        sb.Append(')');
    }

    private void CustomDate(StringBuilder sb, string x, ConditionNode c)
    {
        var values = c.Values.Select(v => Date((DateOnly)v)).ToList();
        sb.Append(x).Append(" IS NOT NULL");
        switch (c.Op)
        {
            case RuleOp.Exists:
                break;
            case RuleOp.Eq:
                sb.Append(" AND ").Append(x).Append(" = ").Append(values[0]);
                break;
            case RuleOp.Gt:
                sb.Append(" AND ").Append(x).Append(" > ").Append(values[0]);
                break;
            case RuleOp.Gte:
                sb.Append(" AND ").Append(x).Append(" >= ").Append(values[0]);
                break;
            case RuleOp.Lt:
                sb.Append(" AND ").Append(x).Append(" < ").Append(values[0]);
                break;
            case RuleOp.Lte:
                sb.Append(" AND ").Append(x).Append(" <= ").Append(values[0]);
                break;
            case RuleOp.Between:
                sb.Append(" AND ").Append(x).Append(" >= ").Append(values[0]).Append(" AND ").Append(x).Append(" <= ").Append(values[1]);
                break;
            default:
                throw new InvalidOperationException($"Unexpected op {c.Op}.");
        }
    }

    /// <summary>
    /// Whole days since an instant: days = floor((now − x) / 1 day), so "days ≥ N" is "x ≤ now − N days" and so on;
    /// the cut-offs are parameters, so an index on x serves.
    /// </summary>
    private void DaysSince(StringBuilder sb, string x, ConditionNode c)
    {
        decimal N(int i) => (decimal)c.Values[i];
        // days >= n  <=>  x <= now - n;   days <= n  <=>  x > now - (n + 1).
        string AtLeast(decimal n) => $"{x} <= {Instant(DaysAgo(-n))}";
        string AtMost(decimal n) => $"{x} > {Instant(DaysAgo(-(n + 1)))}";
        sb.Append('(').Append(x).Append(" IS NOT NULL");
        switch (c.Op)
        {
            case RuleOp.Exists:
                break;
            case RuleOp.Eq:
                sb.Append(" AND ").Append(AtLeast(N(0))).Append(" AND ").Append(AtMost(N(0)));
                break;
            case RuleOp.Gt:
                sb.Append(" AND ").Append(AtLeast(N(0) + 1));
                break;
            case RuleOp.Gte:
                sb.Append(" AND ").Append(AtLeast(N(0)));
                break;
            case RuleOp.Lt:
                sb.Append(" AND ").Append(N(0) == 0 ? "1=0" : AtMost(N(0) - 1));
                break;
            case RuleOp.Lte:
                sb.Append(" AND ").Append(AtMost(N(0)));
                break;
            case RuleOp.Between:
                sb.Append(" AND ").Append(AtLeast(N(0))).Append(" AND ").Append(AtMost(N(1)));
                break;
            default:
                throw new InvalidOperationException($"Unexpected op {c.Op}.");
        }

        sb.Append(')');
    }

    private void Reference(StringBuilder sb, ConditionNode c, string idColumn, string byName)
    {
        if (c.Op == RuleOp.Exists)
        {
            sb.Append('(').Append(idColumn).Append(" IS NOT NULL)");
            return;
        }

        sb.Append('(');
        for (var i = 0; i < c.Values.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(" OR ");
            }

            if (c.Values[i] is long id)
            {
                sb.Append('(').Append(idColumn).Append(" IS NOT NULL AND ").Append(idColumn).Append(" = ").Append(P(id)).Append(')');
            }
            else
            {
                sb.Append("EXISTS (").Append(string.Format(CultureInfo.InvariantCulture, byName, P(c.Values[i]))).Append(')');
            }
        }

        sb.Append(')');
    }

    private string LatestAnswer(string column, string questionFilter) =>
        $"(SELECT {column} FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id " +
        $"WHERE a.customer_id = c.id AND {questionFilter} AND {column} IS NOT NULL ORDER BY r.submitted_at DESC, r.id DESC LIMIT 1)";

    private string LatestNps() =>
        LatestAnswer("a.number_value", $"a.question_id IN (SELECT q.id FROM survey_questions q WHERE q.kind = {P("Nps")})");

    private void SurveyChoice(StringBuilder sb, SegmentField f, ConditionNode c)
    {
        var latest = LatestAnswer("a.choice_values", "a.question_id = " + P(f.RefId));
        if (c.Op == RuleOp.Exists)
        {
            sb.Append('(').Append(latest).Append(" IS NOT NULL)");
            return;
        }

        // Choices are stored one per line: match a whole line.
        var newline = P("\n");
        sb.Append("EXISTS (SELECT 1 FROM (SELECT ").Append(latest).Append(" AS choices) z WHERE z.choices IS NOT NULL AND (");
        for (var i = 0; i < c.Values.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(" OR ");
            }

            sb.Append("lower(").Append(newline).Append(" || z.choices || ").Append(newline).Append(") LIKE lower(")
                .Append(P("%\n" + EscapeLike((string)c.Values[i]) + "\n%")).Append(") ESCAPE '\\'");
        }

        sb.Append("))");
    }

    private void NpsGroup(StringBuilder sb, ConditionNode c)
    {
        var score = LatestNps();
        if (c.Op == RuleOp.Exists)
        {
            sb.Append('(').Append(score).Append(" IS NOT NULL)");
            return;
        }

        sb.Append("EXISTS (SELECT 1 FROM (SELECT ").Append(score).Append(" AS score) z WHERE z.score IS NOT NULL AND (");
        for (var i = 0; i < c.Values.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(" OR ");
            }

            sb.Append((string)c.Values[i] switch
            {
                "promoter" => $"z.score >= {Number(9)}",
                "passive" => $"(z.score >= {Number(7)} AND z.score <= {Number(8)})",
                _ => $"z.score <= {Number(6)}",
            });
        }

        sb.Append("))");
    }

    private void Segment(StringBuilder sb, ConditionNode c)
    {
        sb.Append('(');
        for (var i = 0; i < c.Values.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(" OR ");
            }

            var id = (long)c.Values[i];
            if (_inlining.Contains(id))
            {
                // A cycle in stored rules (refused when saved; kept safe here): it matches nobody.
                sb.Append("1=0");
                continue;
            }

            if (dynamicRules(id) is { } rules)
            {
                // A dynamic segment is its rules: inline them, so a segment of segments is as current as its parts.
                _inlining.Push(id);
                Node(sb, rules);
                _inlining.Pop();
            }
            else
            {
                sb.Append(Has("segment_members", "sm", $"sm.segment_id = {P(id)}"));
            }
        }

        sb.Append(')');
    }

    private void Purchased(StringBuilder sb, PurchasedNode p)
    {
        var cut = p.WithinDays is { } days ? Instant(now.AddDays(-days)) : null;
        // The summary is exact unless a window is combined with a count above one or an amount.
        var needsRaw = cut is not null && (p.MinCount > 1 || p.MinAmount is not null);
        if (p.Category is null && p.Sku is null)
        {
            sb.Append("(m.purchase_count >= ").Append(Number(p.MinCount));
            if (p.MinAmount is { } amount)
            {
                sb.Append(" AND m.revenue >= ").Append(Number(amount));
            }

            if (cut is not null)
            {
                sb.Append(" AND m.last_purchase_at IS NOT NULL AND m.last_purchase_at >= ").Append(cut);
            }

            if (needsRaw)
            {
                if (p.MinCount > 1)
                {
                    sb.Append(" AND (SELECT COUNT(*) FROM transactions t WHERE t.customer_id = c.id AND t.occurred_at >= ").Append(cut)
                        .Append(") >= ").Append(Number(p.MinCount));
                }

                if (p.MinAmount is { } windowAmount)
                {
                    sb.Append(" AND (SELECT COALESCE(SUM(t.total), 0) FROM transactions t WHERE t.customer_id = c.id AND t.currency = ").Append(P(reportingCurrency))
                        .Append(" AND t.occurred_at >= ").Append(cut).Append(") >= ").Append(Number(windowAmount));
                }
            }

            sb.Append(')');
            return;
        }

        var kind = p.Sku is not null ? nameof(PurchaseFactKind.Product) : nameof(PurchaseFactKind.Category);
        var key = p.Sku ?? p.Category!;
        var facts = new StringBuilder("f.kind = ").Append(P(kind)).Append(" AND f.key = ").Append(P(key));
        if (p.MinCount > 1)
        {
            facts.Append(" AND f.purchase_count >= ").Append(Number(p.MinCount));
        }

        if (p.MinAmount is { } minAmount)
        {
            facts.Append(" AND f.amount >= ").Append(Number(minAmount));
        }

        if (cut is not null)
        {
            facts.Append(" AND f.last_at >= ").Append(cut);
        }

        if (!needsRaw && (p.Sku is null || p.Category is null))
        {
            sb.Append(Has("customer_purchase_facts", "f", facts.ToString()));
            return;
        }

        sb.Append('(').Append(Has("customer_purchase_facts", "f", facts.ToString()));
        if (p.Sku is not null && p.Category is not null)
        {
            sb.Append(" AND EXISTS (SELECT 1 FROM products pc WHERE pc.sku = ").Append(P(p.Sku)).Append(" AND pc.category = ").Append(P(p.Category)).Append(')');
        }

        if (needsRaw)
        {
            // Exact check in the window over the lines, only for the customers the summary lets through.
            var match = p.Sku is not null ? $"COALESCE(pr.sku, l.sku) = {P(p.Sku)}" : $"pr.category = {P(p.Category!)}";
            // Through the customer's transactions in the window (lines have no index by customer).
            var lines = $"FROM transactions t JOIN transaction_lines l ON l.transaction_id = t.id LEFT JOIN products pr ON pr.id = +l.product_id " +
                        $"WHERE t.customer_id = c.id AND t.occurred_at >= {cut} AND {match}";
            if (p.MinCount > 1)
            {
                sb.Append(" AND (SELECT COUNT(DISTINCT l.transaction_id) ").Append(lines).Append(") >= ").Append(Number(p.MinCount));
            }

            if (p.MinAmount is { } windowAmount)
            {
                sb.Append(" AND (SELECT COALESCE(SUM(l.amount), 0) ").Append(lines).Append(" AND t.currency = ").Append(P(reportingCurrency))
                    .Append(") >= ").Append(Number(windowAmount));
            }
        }

        sb.Append(')');
    }

    private void Interacted(StringBuilder sb, InteractedNode i)
    {
        var cut = i.WithinDays is { } days ? Instant(now.AddDays(-days)) : null;
        if (i.Channel is null && i.Type is null && i.Direction is null && (cut is null || i.MinCount == 1))
        {
            sb.Append("(m.interaction_count >= ").Append(Number(i.MinCount));
            if (cut is not null)
            {
                sb.Append(" AND m.last_interaction_at IS NOT NULL AND m.last_interaction_at >= ").Append(cut);
            }

            sb.Append(')');
            return;
        }

        var filter = new StringBuilder("FROM interactions i WHERE i.customer_id = c.id");
        if (i.Channel is { } channel)
        {
            filter.Append(" AND i.channel = ").Append(P(channel.ToString()));
        }

        if (i.Type is { } type)
        {
            filter.Append(" AND i.type = ").Append(P(type.ToString()));
        }

        if (i.Direction is { } direction)
        {
            filter.Append(" AND i.direction = ").Append(P(direction.ToString()));
        }

        if (cut is not null)
        {
            filter.Append(" AND i.occurred_at >= ").Append(cut);
        }

        if (i.MinCount == 1 && !perCustomer)
        {
            sb.Append("c.id IN (SELECT i.customer_id ").Append(filter.ToString().Replace(" WHERE i.customer_id = c.id", " WHERE 1=1", StringComparison.Ordinal)).Append(')');
        }
        else if (i.MinCount == 1)
        {
            sb.Append("EXISTS (SELECT 1 ").Append(filter).Append(')');
        }
        else
        {
            sb.Append("((SELECT COUNT(*) ").Append(filter).Append(") >= ").Append(Number(i.MinCount)).Append(')');
        }
    }

    /// <summary>What a tree reads (inlining the dynamic segments it refers to).</summary>
    public static RuleReads Reads(RuleNode node, Func<long, RuleNode?> dynamicRules, HashSet<long>? seen = null)
    {
        seen ??= [];
        var reads = RuleReads.None;
        foreach (var n in RuleTrees.Descendants(node))
        {
            switch (n)
            {
                case ConditionNode c:
                    reads |= c.Field.Reads;
                    if (c.Field.Type == FieldType.Segment)
                    {
                        foreach (var id in c.Values.Cast<long>())
                        {
                            if (seen.Add(id) && dynamicRules(id) is { } inner)
                            {
                                reads |= Reads(inner, dynamicRules, seen);
                            }
                        }
                    }

                    break;
                case PurchasedNode { WithinDays: not null }:
                case InteractedNode { WithinDays: not null }:
                    reads |= RuleReads.Clock;
                    break;
            }
        }

        return reads;
    }
}
