using System.Globalization;
using System.Text;
using Rapport.Data;
using Rapport.Stages;

namespace Rapport.Segments;

/// <summary>
/// Compiles rule trees to SQL predicates over <c>customers c JOIN customer_metrics m ON m.customer_id = c.id</c>, the
/// same text on SQLite and PostgreSQL. Column names come from the catalogue only; every value is a parameter
/// (<see cref="Parameters"/>); clock conditions become cut-off instants computed here from <c>now</c>.
/// Every predicate is two-valued (never SQL NULL), so <c>not</c> is exact: <c>neq</c> is <c>not eq</c> and matches
/// customers without a value.
/// </summary>
public sealed class SegmentSql(bool postgres, DateTimeOffset now, string reportingCurrency, Func<long, RuleNode?> dynamicRules, string prefix = "p")
{
    public const string From = "customers c JOIN customer_metrics m ON m.customer_id = c.id";

    private readonly List<KeyValuePair<string, object>> _parameters = [];
    private readonly Stack<long> _inlining = new();

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
                Scalar(sb, "m.stage", c with { Values = [.. c.Values.Select(v => (object)(decimal)(int)StageOf((string)v))] }, text: false);
                break;
            case FieldSource.Tag:
                sb.Append("EXISTS (SELECT 1 FROM customer_tags t WHERE t.customer_id = c.id");
                if (c.Op != RuleOp.Exists)
                {
                    sb.Append(" AND t.tag IN (").AppendJoin(", ", c.Values.Select(v => P(v))).Append(')');
                }

                sb.Append(')');
                break;
            case FieldSource.Company:
                Reference(sb, c, "c.company_id", "SELECT 1 FROM companies co WHERE co.id = c.company_id AND lower(co.name) = lower({0})");
                break;
            case FieldSource.Owner:
                Reference(sb, c, "c.owner_id", "SELECT 1 FROM users u WHERE u.id = c.owner_id AND lower(u.email) = lower({0})");
                break;
            case FieldSource.CustomField:
                sb.Append("EXISTS (SELECT 1 FROM customer_field_values v WHERE v.customer_id = c.id AND v.field_id = ").Append(P(f.RefId)).Append(" AND ");
                var column = "v." + f.Column;
                if (f.Type == FieldType.Date)
                {
                    CustomDate(sb, column, c);
                }
                else
                {
                    Compare(sb, column, c, text: f.Type is FieldType.String or FieldType.Enum);
                }

                sb.Append(')');
                break;
            case FieldSource.ValueScore:
                sb.Append("EXISTS (SELECT 1 FROM customer_value_scores s WHERE s.customer_id = c.id AND s.value_id = ").Append(P(f.RefId)).Append(" AND ");
                Compare(sb, "s.score", c, text: false);
                sb.Append(')');
                break;
            case FieldSource.Alignment:
                sb.Append("EXISTS (SELECT 1 FROM customer_value_profiles vp WHERE vp.customer_id = c.id AND ");
                Compare(sb, "vp.alignment", c, text: false);
                sb.Append(')');
                break;
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

    private static Stage StageOf(string key) => Stages.Stages.TryParse(key, out var stage) ? stage : throw new InvalidOperationException($"Unknown stage {key}.");

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
                sb.Append("EXISTS (SELECT 1 FROM segment_members sm WHERE sm.segment_id = ").Append(P(id)).Append(" AND sm.customer_id = c.id)");
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
        sb.Append("(EXISTS (SELECT 1 FROM customer_purchase_facts f WHERE f.customer_id = c.id AND f.kind = ").Append(P(kind))
            .Append(" AND f.key = ").Append(P(key));
        if (p.MinCount > 1)
        {
            sb.Append(" AND f.purchase_count >= ").Append(Number(p.MinCount));
        }

        if (p.MinAmount is { } minAmount)
        {
            sb.Append(" AND f.amount >= ").Append(Number(minAmount));
        }

        if (cut is not null)
        {
            sb.Append(" AND f.last_at >= ").Append(cut);
        }

        sb.Append(')');
        if (p.Sku is not null && p.Category is not null)
        {
            sb.Append(" AND EXISTS (SELECT 1 FROM products pc WHERE pc.sku = ").Append(P(p.Sku)).Append(" AND pc.category = ").Append(P(p.Category)).Append(')');
        }

        if (needsRaw)
        {
            // Exact check in the window over the lines, only for the customers the summary lets through.
            var match = p.Sku is not null ? $"COALESCE(pr.sku, l.sku) = {P(p.Sku)}" : $"pr.category = {P(p.Category!)}";
            var lines = $"FROM transaction_lines l JOIN transactions t ON t.id = l.transaction_id LEFT JOIN products pr ON pr.id = l.product_id " +
                        $"WHERE l.customer_id = c.id AND t.occurred_at >= {cut} AND {match}";
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

        if (i.MinCount == 1)
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
