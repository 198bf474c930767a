using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using Dapper;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rapport.Data;

namespace Rapport.Segments;

/// <summary>
/// An in-memory, column-wise copy of the facts most segment rules read (profile codes, metrics, stage, analytics,
/// tags, the purchase summary), so that a preview counts a million customers in milliseconds instead of joining
/// tables row by row. It answers only what it can answer exactly as <see cref="SegmentSql"/> would (the equivalence is
/// tested); any rule it does not hold (names, e-mails, custom fields, values, surveys, static segments, filtered
/// interactions, windowed purchase counts) sends the preview to SQL, as does a snapshot not built yet.
/// <para>
/// Current: customers changed in this process since the snapshot was built are re-read from the database at every
/// query and evaluated by <see cref="SegmentMatcher"/> over the snapshot; an analytics run or value recompute, more
/// than <see cref="MaxChanged"/> changed customers, or a snapshot older than <see cref="MaxAge"/> (changes made by
/// another process, such as the CLI) start a rebuild in the background, served by SQL until it is ready.
/// </para>
/// </summary>
public sealed partial class SegmentIndex(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration configuration, ILogger<SegmentIndex> logger)
{
    public const int MaxChanged = 5_000;
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(15);

    private readonly Lock _gate = new();
    /// <summary>Changed customers, with when they were marked (a stopwatch timestamp).</summary>
    private readonly ConcurrentDictionary<long, long> _changed = new();
    private SegmentSnapshot? _snapshot;
    private Task? _building;
    private bool _stale = true;

    public bool Enabled => configuration.GetValue("Rapport:Segments:Index", true);

    /// <summary>Customers whose data changed (their stage, tags, purchases…): re-read at every query until the next rebuild.</summary>
    public void Changed(IEnumerable<long> customerIds)
    {
        var now = Stopwatch.GetTimestamp();
        foreach (var id in customerIds)
        {
            _changed[id] = now;
        }
    }

    /// <summary>Everyone changed (an analytics run, a value recompute): the snapshot is rebuilt before it is used again.</summary>
    public void Invalidate()
    {
        lock (_gate)
        {
            _stale = true;
            _snapshot = null;
        }
    }

    /// <summary>Builds the snapshot now (tests, the benchmark, a background rebuild).</summary>
    public async Task BuildAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            _stale = false;
        }

        var started = Stopwatch.GetTimestamp();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RapportDbContext>();
        var snapshot = await SegmentSnapshot.LoadAsync(db, clock.GetUtcNow(), ct);
        lock (_gate)
        {
            if (!_stale)
            {
                _snapshot = snapshot;
            }
        }

        // Marks made well before the read began are in the snapshot; later ones (a writer may not have committed when
        // the read began) stay and are re-read at every query until the next rebuild.
        var settled = started - (long)(30 * Stopwatch.Frequency);
        foreach (var (id, marked) in _changed)
        {
            if (marked < settled)
            {
                _changed.TryRemove(new KeyValuePair<long, long>(id, marked));
            }
        }

        LogBuilt(snapshot.Count, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private SegmentSnapshot? Current()
    {
        lock (_gate)
        {
            var expired = _snapshot is not null && clock.GetUtcNow() - _snapshot.BuiltAt > MaxAge;
            if ((_stale || expired || _changed.Count > MaxChanged) && _building is not { IsCompleted: false })
            {
                _building = Task.Run(async () =>
                {
                    try
                    {
                        await BuildAsync(CancellationToken.None);
                    }
                    catch (Exception e) when (e is DbException or InvalidOperationException or OperationCanceledException or ObjectDisposedException)
                    {
                        LogBuildFailed(e);
                        lock (_gate)
                        {
                            _stale = true;
                        }
                    }
                });
            }

            return _stale || _changed.Count > MaxChanged ? null : _snapshot;
        }
    }

    /// <summary>
    /// The count and the first <paramref name="sampleSize"/> matching ids, or null when the index cannot answer exactly
    /// (then SQL does).
    /// </summary>
    public async Task<(long Count, List<long> Sample)?> TryCountAsync(RuleNode rules, SegmentDefinitions definitions, DbConnection connection, DbTransaction? transaction,
        bool postgres, DateTimeOffset now, int sampleSize, CancellationToken ct)
    {
        if (!Enabled || Current() is not { } snapshot || snapshot.Postgres != postgres)
        {
            return null;
        }

        var evaluator = new SnapshotEvaluator(snapshot, now, definitions.DynamicRules);
        if (evaluator.Evaluate(rules) is not { } result)
        {
            return null;
        }

        // Customers changed since the snapshot: their current facts, evaluated one by one.
        var changed = _changed.Keys.ToList();
        var overlay = new Dictionary<long, bool>();
        if (changed.Count > 0)
        {
            var facts = await CustomerFactsLoader.LoadAsync(connection, transaction, postgres, changed, FactNeeds.Tags | FactNeeds.Purchases, ct);
            var matcher = new SegmentMatcher(postgres, now, definitions.DynamicRules);
            foreach (var id in changed)
            {
                var truth = facts.TryGetValue(id, out var f) ? matcher.Evaluate(rules, f) : Truth.False;
                if (truth == Truth.Unknown)
                {
                    return null;
                }

                overlay[id] = truth == Truth.True;
            }
        }

        var (yes, unknown) = result;
        long count = 0;
        for (var w = 0; w < yes.Length; w++)
        {
            count += BitOperations.PopCount(yes[w]);
        }

        foreach (var (id, matches) in overlay)
        {
            var position = snapshot.PositionOf(id);
            if (position >= 0)
            {
                var bit = 1UL << (position & 63);
                unknown[position >> 6] &= ~bit;
                if ((yes[position >> 6] & bit) != 0)
                {
                    count--;
                }
            }

            if (matches)
            {
                count++;
            }
        }

        if (unknown.Any(w => w != 0))
        {
            return null;
        }

        // The smallest matching ids: from the snapshot (ids ascend with positions) and the overlay.
        var sample = new List<long>();
        for (var p = 0; p < snapshot.Count && sample.Count < sampleSize; p++)
        {
            if ((yes[p >> 6] & (1UL << (p & 63))) != 0 && !overlay.ContainsKey(snapshot.Ids[p]))
            {
                sample.Add(snapshot.Ids[p]);
            }
        }

        sample.AddRange(overlay.Where(o => o.Value).Select(o => o.Key));
        sample = [.. sample.Order().Take(sampleSize)];
        return (count, sample);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Segment index built: {Customers} customers in {Milliseconds} ms")]
    private partial void LogBuilt(int customers, long milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Segment index build failed; previews use SQL")]
    private partial void LogBuildFailed(Exception e);
}

/// <summary>The columns of <see cref="SegmentIndex"/>: one entry per customer, by position (ids ascending).</summary>
internal sealed class SegmentSnapshot
{
    /// <summary>Low-cardinality text columns held as codes; other text columns send a rule to SQL.</summary>
    public static readonly string[] TextColumns = ["c.country", "c.city", "c.region", "c.language", "c.source", "m.rfm_segment"];

    public static readonly string[] NumberColumns =
        ["m.stage", "m.revenue", "m.purchase_count", "m.interaction_count", "m.recency_score", "m.frequency_score", "m.monetary_score", "m.clv", "m.p_alive", "m.expected_purchases", "c.company_id", "c.owner_id"];

    public static readonly string[] InstantColumns = ["c.created_at", "m.stage_since", "m.last_purchase_at", "m.first_purchase_at", "m.last_interaction_at"];

    public required bool Postgres { get; init; }
    public required DateTimeOffset BuiltAt { get; init; }
    public required long[] Ids { get; init; }
    public int Count => Ids.Length;
    public int Words => (Ids.Length + 63) / 64;
    public Dictionary<string, TextColumn> Texts { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, NumberColumn> Numbers { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, InstantColumn> Instants { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, ulong[]> Tags { get; } = new(StringComparer.Ordinal);
    public ulong[] AnyTag { get; set; } = [];
    public Dictionary<(string Kind, string Key), PurchaseColumn> Purchases { get; } = [];

    public int PositionOf(long id) => Array.BinarySearch(Ids, id) is var p and >= 0 ? p : -1;

    public static async Task<SegmentSnapshot> LoadAsync(RapportDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var postgres = db.Database.IsNpgsql();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        var columns = TextColumns.Concat(NumberColumns).Concat(InstantColumns).ToList();
        var ids = new List<long>();
        var raw = columns.Select(_ => new List<object?>()).ToList();
        await using (var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
                         $"SELECT c.id, {string.Join(", ", columns)} FROM {SegmentSql.From} ORDER BY c.id", commandTimeout: 3600, cancellationToken: ct)))
        {
            while (await reader.ReadAsync(ct))
            {
                ids.Add(reader.GetInt64(0));
                for (var i = 0; i < columns.Count; i++)
                {
                    raw[i].Add(reader.IsDBNull(i + 1) ? null : reader.GetValue(i + 1));
                }
            }
        }

        var snapshot = new SegmentSnapshot { Postgres = postgres, BuiltAt = now, Ids = [.. ids] };
        for (var i = 0; i < columns.Count; i++)
        {
            var name = columns[i];
            if (TextColumns.Contains(name))
            {
                snapshot.Texts[name] = TextColumn.From(raw[i]);
            }
            else if (NumberColumns.Contains(name))
            {
                snapshot.Numbers[name] = NumberColumn.From(raw[i], postgres);
            }
            else
            {
                snapshot.Instants[name] = InstantColumn.From(raw[i], postgres);
            }

            raw[i] = [];
        }

        snapshot.AnyTag = new ulong[snapshot.Words];
        await using (var reader = await connection.ExecuteReaderAsync(new CommandDefinition("SELECT customer_id, tag FROM customer_tags", commandTimeout: 3600, cancellationToken: ct)))
        {
            while (await reader.ReadAsync(ct))
            {
                var p = snapshot.PositionOf(reader.GetInt64(0));
                if (p < 0)
                {
                    continue;
                }

                var tag = reader.GetString(1);
                if (!snapshot.Tags.TryGetValue(tag, out var bits))
                {
                    snapshot.Tags[tag] = bits = new ulong[snapshot.Words];
                }

                bits[p >> 6] |= 1UL << (p & 63);
                snapshot.AnyTag[p >> 6] |= 1UL << (p & 63);
            }
        }

        var purchases = new Dictionary<(string, string), List<(int Position, object LastAt, long Count, object Amount)>>();
        await using (var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
                         "SELECT customer_id, kind, key, last_at, purchase_count, amount FROM customer_purchase_facts", commandTimeout: 3600, cancellationToken: ct)))
        {
            while (await reader.ReadAsync(ct))
            {
                var p = snapshot.PositionOf(reader.GetInt64(0));
                if (p < 0)
                {
                    continue;
                }

                var key = (reader.GetString(1), reader.GetString(2));
                if (!purchases.TryGetValue(key, out var list))
                {
                    purchases[key] = list = [];
                }

                list.Add((p, reader.GetValue(3), Convert.ToInt64(reader.GetValue(4), CultureInfo.InvariantCulture), reader.GetValue(5)));
            }
        }

        foreach (var (key, list) in purchases)
        {
            snapshot.Purchases[key] = PurchaseColumn.From(list, postgres);
            list.Clear();
        }

        // The rows as read (boxed values) are garbage now: nothing of them may outlive this method, even if the
        // finished task that ran it is kept somewhere.
        purchases.Clear();
        raw.Clear();
        ids.Clear();
        return snapshot;
    }
}

/// <summary>Text as codes into the distinct values (−1 for null).</summary>
internal sealed class TextColumn
{
    public required int[] Codes { get; init; }
    public required List<string> Values { get; init; }

    public static TextColumn From(List<object?> raw)
    {
        var values = new List<string>();
        var codes = new Dictionary<string, int>(StringComparer.Ordinal);
        var result = new int[raw.Count];
        for (var i = 0; i < raw.Count; i++)
        {
            if (raw[i] is not string s)
            {
                result[i] = -1;
                continue;
            }

            if (!codes.TryGetValue(s, out var code))
            {
                codes[s] = code = values.Count;
                values.Add(s);
            }

            result[i] = code;
        }

        return new TextColumn { Codes = result, Values = values };
    }
}

/// <summary>
/// Numbers as doubles that order exactly as the database compares them: SQLite's own doubles; on PostgreSQL, numerics
/// of at most 15 significant digits (correctly rounded, so order and equality survive), others marked unsure.
/// </summary>
internal sealed class NumberColumn
{
    public required double[] Values { get; init; }
    public required ulong[] Nulls { get; init; }
    public required ulong[] Unsure { get; init; }
    /// <summary>True for PostgreSQL numerics and integers (compared exactly there), false for doubles and on SQLite.</summary>
    public required bool Exact { get; init; }

    public static NumberColumn From(List<object?> raw, bool postgres)
    {
        var values = new double[raw.Count];
        var nulls = new ulong[(raw.Count + 63) / 64];
        var unsure = new ulong[nulls.Length];
        var exact = false;
        for (var i = 0; i < raw.Count; i++)
        {
            switch (raw[i])
            {
                case null:
                    nulls[i >> 6] |= 1UL << (i & 63);
                    break;
                case decimal d:
                    exact = true;
                    values[i] = SafeDouble(d) ?? double.NaN;
                    if (double.IsNaN(values[i]))
                    {
                        unsure[i >> 6] |= 1UL << (i & 63);
                    }

                    break;
                case double x:
                    values[i] = x;
                    if (double.IsNaN(x))
                    {
                        unsure[i >> 6] |= 1UL << (i & 63);
                    }

                    break;
                case long or int or short:
                    exact = postgres;
                    var l = Convert.ToInt64(raw[i], CultureInfo.InvariantCulture);
                    values[i] = l;
                    if (Math.Abs(l) > (1L << 50))
                    {
                        unsure[i >> 6] |= 1UL << (i & 63);
                    }

                    break;
                default:
                    unsure[i >> 6] |= 1UL << (i & 63);
                    break;
            }
        }

        return new NumberColumn { Values = values, Nulls = nulls, Unsure = unsure, Exact = exact };
    }

    /// <summary>The double nearest a decimal of at most 15 significant digits (then order and equality are kept); null otherwise.</summary>
    public static double? SafeDouble(decimal d)
    {
        var text = d.ToString(CultureInfo.InvariantCulture);
        var digits = text.TrimStart('-').Replace(".", "", StringComparison.Ordinal).TrimStart('0');
        if (text.Contains('.', StringComparison.Ordinal))
        {
            digits = digits.TrimEnd('0');
        }

        return digits.Length <= 15 ? double.Parse(text, CultureInfo.InvariantCulture) : null;
    }
}

/// <summary>Instants as UTC ticks: SQLite's canonical ISO text (which orders as its ticks), PostgreSQL's microseconds.</summary>
internal sealed class InstantColumn
{
    public required long[] Ticks { get; init; }
    public required ulong[] Nulls { get; init; }
    public required ulong[] Unsure { get; init; }

    public static InstantColumn From(List<object?> raw, bool postgres)
    {
        var ticks = new long[raw.Count];
        var nulls = new ulong[(raw.Count + 63) / 64];
        var unsure = new ulong[nulls.Length];
        for (var i = 0; i < raw.Count; i++)
        {
            if (raw[i] is null)
            {
                nulls[i >> 6] |= 1UL << (i & 63);
            }
            else if (TicksOf(raw[i]!, postgres) is { } t)
            {
                ticks[i] = t;
            }
            else
            {
                unsure[i >> 6] |= 1UL << (i & 63);
            }
        }

        return new InstantColumn { Ticks = ticks, Nulls = nulls, Unsure = unsure };
    }

    public static long? TicksOf(object value, bool postgres) => value switch
    {
        string s when !postgres && s.Length == SqliteFormats.InstantFormat.Length - 4
                                && DateTime.TryParseExact(s, SqliteFormats.InstantFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d)
                                && string.Equals(d.ToString(SqliteFormats.InstantFormat, CultureInfo.InvariantCulture), s, StringComparison.Ordinal) => d.Ticks,
        DateTime d when postgres => d.Ticks,
        DateTimeOffset d when postgres => d.UtcTicks,
        _ => null,
    };

    /// <summary>The cut-off as the database compares it: full ticks on SQLite, truncated to microseconds on PostgreSQL.</summary>
    public static long CutTicks(DateTimeOffset cut, bool postgres) => postgres ? cut.UtcTicks - (cut.UtcTicks % 10) : cut.UtcTicks;
}

/// <summary>One (kind, key) of the purchase summary: the customers who have a row, with its facts.</summary>
internal sealed class PurchaseColumn
{
    public required int[] Positions { get; init; }
    public required long[] LastAt { get; init; }
    public required long[] Counts { get; init; }
    public required double[] Amounts { get; init; }
    /// <summary>Rows whose instant or amount cannot be compared exactly.</summary>
    public required bool[] Unsure { get; init; }

    public static PurchaseColumn From(List<(int Position, object LastAt, long Count, object Amount)> rows, bool postgres)
    {
        var column = new PurchaseColumn
        {
            Positions = new int[rows.Count], LastAt = new long[rows.Count], Counts = new long[rows.Count], Amounts = new double[rows.Count], Unsure = new bool[rows.Count],
        };
        for (var i = 0; i < rows.Count; i++)
        {
            var (position, lastAt, count, amount) = rows[i];
            column.Positions[i] = position;
            column.Counts[i] = count;
            var ticks = InstantColumn.TicksOf(lastAt, postgres);
            double? value = amount switch
            {
                decimal d => NumberColumn.SafeDouble(d),
                double x when !double.IsNaN(x) => x,
                long l => l,
                _ => null,
            };
            column.LastAt[i] = ticks ?? 0;
            column.Amounts[i] = value ?? 0;
            column.Unsure[i] = ticks is null || value is null;
        }

        return column;
    }
}

/// <summary>
/// Evaluates a rule tree over a <see cref="SegmentSnapshot"/> as bitsets, three-valued like <see cref="SegmentMatcher"/>
/// (one bit per customer for true, one for unknown); null when a rule reads something the snapshot does not hold.
/// </summary>
internal sealed class SnapshotEvaluator(SegmentSnapshot snapshot, DateTimeOffset now, Func<long, RuleNode?> dynamicRules)
{
    private readonly record struct Tri(ulong[] True, ulong[] Unknown);

    private readonly Stack<long> _inlining = new();
    private readonly SegmentMatcher _matcher = new(snapshot.Postgres, now, dynamicRules);
    private readonly int _words = snapshot.Words;

    public (ulong[] Yes, ulong[] Unknown)? Evaluate(RuleNode node)
    {
        if (Node(node) is not { } result)
        {
            return null;
        }

        var tail = snapshot.Count & 63;
        if (tail != 0 && _words > 0)
        {
            var mask = (1UL << tail) - 1;
            result.True[_words - 1] &= mask;
            result.Unknown[_words - 1] &= mask;
        }

        return (result.True, result.Unknown);
    }

    private Tri Empty() => new(new ulong[_words], new ulong[_words]);

    private Tri Everyone()
    {
        var all = Empty();
        Array.Fill(all.True, ulong.MaxValue);
        return all;
    }

    private static void Set(ulong[] bits, int p) => bits[p >> 6] |= 1UL << (p & 63);

    private static bool IsSet(ulong[] bits, int p) => (bits[p >> 6] & (1UL << (p & 63))) != 0;

    private Tri And(Tri a, Tri b)
    {
        for (var w = 0; w < _words; w++)
        {
            var t = a.True[w] & b.True[w];
            a.Unknown[w] = (a.True[w] | a.Unknown[w]) & (b.True[w] | b.Unknown[w]) & ~t;
            a.True[w] = t;
        }

        return a;
    }

    private Tri Or(Tri a, Tri b)
    {
        for (var w = 0; w < _words; w++)
        {
            var t = a.True[w] | b.True[w];
            a.Unknown[w] = (a.Unknown[w] | b.Unknown[w]) & ~t;
            a.True[w] = t;
        }

        return a;
    }

    private Tri Not(Tri a)
    {
        for (var w = 0; w < _words; w++)
        {
            a.True[w] = ~(a.True[w] | a.Unknown[w]);
        }

        return a;
    }

    private Tri? Node(RuleNode node)
    {
        switch (node)
        {
            case AllNode all:
            {
                var result = Everyone();
                foreach (var child in all.Children)
                {
                    if (Node(child) is not { } c)
                    {
                        return null;
                    }

                    result = And(result, c);
                }

                return result;
            }

            case AnyNode any:
            {
                var result = Empty();
                foreach (var child in any.Children)
                {
                    if (Node(child) is not { } c)
                    {
                        return null;
                    }

                    result = Or(result, c);
                }

                return result;
            }

            case NotNode not:
                return Node(not.Child) is { } inner ? Not(inner) : null;
            case ConditionNode c:
                return Condition(c);
            case PurchasedNode p:
                return Purchased(p);
            case InteractedNode i:
                return Interacted(i);
            default:
                return null;
        }
    }

    private Tri? Condition(ConditionNode c)
    {
        if (c.Op == RuleOp.Neq)
        {
            return Condition(c with { Op = RuleOp.Eq }) is { } eq ? Not(eq) : null;
        }

        var field = c.Field;
        switch (field.Source)
        {
            case FieldSource.Column when snapshot.Texts.TryGetValue(field.Column!, out var text):
                return Text(text, c);
            case FieldSource.Column when snapshot.Numbers.ContainsKey(field.Column!):
                return Number(field.Column!, c.Op, c.Values);
            case FieldSource.InstantDate or FieldSource.DaysSince when snapshot.Instants.ContainsKey(field.Column!):
                return Instant(field.Column!, SegmentMatcher.InstantCutoffs(c, now));
            case FieldSource.Stage:
                return Number("m.stage", c.Op, SegmentSql.StageNumbers(c.Values));
            case FieldSource.Tag:
            {
                var result = Empty();
                if (c.Op == RuleOp.Exists)
                {
                    Array.Copy(snapshot.AnyTag, result.True, _words);
                    return result;
                }

                foreach (var tag in c.Values.Cast<string>())
                {
                    if (snapshot.Tags.TryGetValue(tag, out var bits))
                    {
                        for (var w = 0; w < _words; w++)
                        {
                            result.True[w] |= bits[w];
                        }
                    }
                }

                return result;
            }

            case FieldSource.Company or FieldSource.Owner when c.Values.All(v => v is long):
                return Number(field.Source == FieldSource.Company ? "c.company_id" : "c.owner_id", c.Op == RuleOp.Exists ? RuleOp.Exists : RuleOp.In,
                    [.. c.Values.Select(v => (object)(decimal)(long)v)]);
            case FieldSource.Segment:
            {
                var result = Empty();
                foreach (var id in c.Values.Cast<long>())
                {
                    if (_inlining.Contains(id))
                    {
                        continue;
                    }

                    if (dynamicRules(id) is not { } rules)
                    {
                        // A static segment's members are not in the snapshot.
                        return null;
                    }

                    _inlining.Push(id);
                    var inner = Node(rules);
                    _inlining.Pop();
                    if (inner is not { } tri)
                    {
                        return null;
                    }

                    result = Or(result, tri);
                }

                return result;
            }

            default:
                return null;
        }
    }

    /// <summary>Text: each distinct value decided once by the matcher (the same lower-casing rules), then spread over the customers.</summary>
    private Tri Text(TextColumn column, ConditionNode c)
    {
        Truth Decide(string? value)
        {
            var facts = new CustomerFacts(0);
            facts.Columns[c.Field.Column!] = value;
            return _matcher.Evaluate(c, facts);
        }

        var byCode = column.Values.Select(Decide).ToArray();
        var ofNull = Decide(null);
        var result = Empty();
        for (var p = 0; p < snapshot.Count; p++)
        {
            var code = column.Codes[p];
            var truth = code < 0 ? ofNull : byCode[code];
            if (truth == Truth.True)
            {
                Set(result.True, p);
            }
            else if (truth == Truth.Unknown)
            {
                Set(result.Unknown, p);
            }
        }

        return result;
    }

    /// <summary>A rule's number as the database compares it with the column's values; null when that cannot be done exactly in doubles.</summary>
    private double? Parameter(NumberColumn column, decimal value)
    {
        if (!snapshot.Postgres)
        {
            return (double)value;
        }

        return column.Exact ? NumberColumn.SafeDouble(value) : double.Parse(value.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    private Tri? Number(string name, RuleOp op, IReadOnlyList<object> values)
    {
        var column = snapshot.Numbers[name];
        var parameters = new double[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is not decimal d || Parameter(column, d) is not { } x)
            {
                return null;
            }

            parameters[i] = x;
        }

        Func<double, bool> holds = op switch
        {
            RuleOp.Exists => _ => true,
            RuleOp.Eq or RuleOp.In => v => Array.IndexOf(parameters, v) >= 0,
            RuleOp.Gt => v => v > parameters[0],
            RuleOp.Gte => v => v >= parameters[0],
            RuleOp.Lt => v => v < parameters[0],
            RuleOp.Lte => v => v <= parameters[0],
            RuleOp.Between => v => v >= parameters[0] && v <= parameters[1],
            _ => _ => false,
        };
        if (op is not (RuleOp.Exists or RuleOp.Eq or RuleOp.In or RuleOp.Gt or RuleOp.Gte or RuleOp.Lt or RuleOp.Lte or RuleOp.Between))
        {
            return null;
        }

        var result = Empty();
        for (var p = 0; p < snapshot.Count; p++)
        {
            if (IsSet(column.Nulls, p))
            {
                continue;
            }

            if (IsSet(column.Unsure, p) && op != RuleOp.Exists)
            {
                Set(result.Unknown, p);
            }
            else if (op == RuleOp.Exists || holds(column.Values[p]))
            {
                Set(result.True, p);
            }
        }

        return result;
    }

    private Tri Instant(string name, List<InstantCutoff>? cutoffs)
    {
        var column = snapshot.Instants[name];
        var result = Empty();
        if (cutoffs is null)
        {
            return result;
        }

        var cuts = cutoffs.Select(c => (Ticks: InstantColumn.CutTicks(c.Cut, snapshot.Postgres), c.Test)).ToArray();
        for (var p = 0; p < snapshot.Count; p++)
        {
            if (IsSet(column.Nulls, p))
            {
                continue;
            }

            if (IsSet(column.Unsure, p))
            {
                if (cuts.Length == 0)
                {
                    Set(result.True, p);
                }
                else
                {
                    Set(result.Unknown, p);
                }

                continue;
            }

            var ticks = column.Ticks[p];
            var ok = true;
            foreach (var (cut, test) in cuts)
            {
                ok &= test.Holds(ticks.CompareTo(cut));
            }

            if (ok)
            {
                Set(result.True, p);
            }
        }

        return result;
    }

    private Tri? Purchased(PurchasedNode p)
    {
        DateTimeOffset? cut = p.WithinDays is { } days ? now.AddDays(-days) : null;
        if (cut is not null && (p.MinCount > 1 || p.MinAmount is not null))
        {
            return null;
        }

        if (p.Category is null && p.Sku is null)
        {
            if (Number("m.purchase_count", RuleOp.Gte, [(decimal)p.MinCount]) is not { } result)
            {
                return null;
            }

            if (p.MinAmount is { } amount)
            {
                if (Number("m.revenue", RuleOp.Gte, [amount]) is not { } revenue)
                {
                    return null;
                }

                result = And(result, revenue);
            }

            return cut is { } c ? And(result, Instant("m.last_purchase_at", [new InstantCutoff(c, InstantTest.AtOrAfter)])) : result;
        }

        if (p.Sku is not null && p.Category is not null)
        {
            return null;
        }

        var kind = p.Sku is not null ? nameof(PurchaseFactKind.Product) : nameof(PurchaseFactKind.Category);
        var found = Empty();
        if (!snapshot.Purchases.TryGetValue((kind, p.Sku ?? p.Category!), out var column))
        {
            return found;
        }

        double? minAmount = null;
        if (p.MinAmount is { } m)
        {
            minAmount = snapshot.Postgres ? NumberColumn.SafeDouble(m) : (double)m;
            if (minAmount is null)
            {
                return null;
            }
        }

        var cutTicks = cut is { } at ? InstantColumn.CutTicks(at, snapshot.Postgres) : (long?)null;
        for (var i = 0; i < column.Positions.Length; i++)
        {
            var position = column.Positions[i];
            if (p.MinCount > 1 && column.Counts[i] < p.MinCount)
            {
                continue;
            }

            if (column.Unsure[i])
            {
                if (!IsSet(found.True, position))
                {
                    Set(found.Unknown, position);
                }

                continue;
            }

            if ((minAmount is null || column.Amounts[i] >= minAmount) && (cutTicks is null || column.LastAt[i] >= cutTicks))
            {
                Set(found.True, position);
                found.Unknown[position >> 6] &= ~(1UL << (position & 63));
            }
        }

        return found;
    }

    private Tri? Interacted(InteractedNode i)
    {
        if (i.Channel is not null || i.Type is not null || i.Direction is not null || (i.WithinDays is not null && i.MinCount != 1))
        {
            return null;
        }

        if (Number("m.interaction_count", RuleOp.Gte, [(decimal)i.MinCount]) is not { } result)
        {
            return null;
        }

        return i.WithinDays is { } days ? And(result, Instant("m.last_interaction_at", [new InstantCutoff(now.AddDays(-days), InstantTest.AtOrAfter)])) : result;
    }
}
