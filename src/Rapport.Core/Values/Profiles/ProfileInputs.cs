using System.Data.Common;
using System.Globalization;
using System.Runtime.InteropServices;
using Rapport.Research.Evidence;

namespace Rapport.Values.Profiles;

/// <summary>
/// Which value a piece of evidence or a product tag counts for: an active value for itself, a merged value for the
/// active value at the end of its merge chain, a retired value (or a chain ending at one) for none.
/// </summary>
public sealed class ValueMap
{
    private readonly Dictionary<long, long> _scoredAs;

    public ValueMap(IEnumerable<(long Id, ValueStatus Status, long? MergedIntoId)> values)
    {
        var all = values.ToDictionary(v => v.Id);
        _scoredAs = [];
        foreach (var id in all.Keys)
        {
            var current = all[id];
            // A merge chain is short; a cycle (never written by MergeValue) is cut after as many steps as there are values.
            for (var steps = 0; current.Status == ValueStatus.Merged && current.MergedIntoId is { } next && all.TryGetValue(next, out var target) && steps < all.Count; steps++)
            {
                current = target;
            }

            if (current.Status == ValueStatus.Active)
            {
                _scoredAs[id] = current.Id;
            }
        }
    }

    /// <summary>The active value evidence against <paramref name="valueId"/> counts for, or false when it is not scored.</summary>
    public bool TryScoredAs(long valueId, out long scoredId) => _scoredAs.TryGetValue(valueId, out scoredId);

    public static async Task<ValueMap> LoadAsync(DbConnection connection, CancellationToken ct)
    {
        var rows = new List<(long, ValueStatus, long?)>();
        await ProfileReads.ReadAsync(connection, "SELECT id, status, merged_into_id FROM taxonomy_values", null, reader =>
            rows.Add((reader.GetInt64(0), Enum.Parse<ValueStatus>(reader.GetString(1)), reader.IsDBNull(2) ? null : reader.GetInt64(2))), ct);
        return new ValueMap(rows);
    }
}

/// <summary>Each product's supported (scored) values with their strength 1..3; merged tags count for their target.</summary>
public sealed class ProductTags
{
    private readonly Dictionary<long, (long ValueId, int Strength)[]> _tags;

    public ProductTags(IEnumerable<(long ProductId, long ValueId, int Strength)> tags, ValueMap values)
    {
        _tags = tags
            .Select(t => (t.ProductId, Scored: values.TryScoredAs(t.ValueId, out var v) ? v : -1, t.Strength))
            .Where(t => t.Scored >= 0)
            .GroupBy(t => t.ProductId)
            // A product tagged with a value and with a value merged into it keeps the stronger tag.
            .ToDictionary(g => g.Key, g => g.GroupBy(t => t.Scored).Select(v => (v.Key, v.Max(t => t.Strength))).ToArray());
    }

    public bool TryGet(long productId, out (long ValueId, int Strength)[] tags) => _tags.TryGetValue(productId, out tags!);

    public bool IsEmpty => _tags.Count == 0;

    public static async Task<ProductTags> LoadAsync(DbConnection connection, ValueMap values, CancellationToken ct)
    {
        var rows = new List<(long, long, int)>();
        await ProfileReads.ReadAsync(connection, "SELECT product_id, value_id, strength FROM product_values", null, reader =>
            rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetInt32(2))), ct);
        return new ProductTags(rows, values);
    }
}

/// <summary>
/// Builds scores from streamed evidence and order lines, held in memory per customer and value: the full recompute
/// feeds it every row once, the one-customer recompute and the evidence listing feed it one customer's rows.
/// </summary>
public sealed class ProfileBuilder(ValueMap values, ProductTags tags, int today)
{
    private struct Entry
    {
        public ValueTally Tally;
        public double Spend;
    }

    private struct Purchases
    {
        public double Spend;
        public double Lines;
    }

    private readonly Dictionary<(long Customer, long Value), Entry> _entries = [];
    private readonly Dictionary<long, Purchases> _purchases = [];

    public int Today => today;

    /// <summary>Adds a piece of value evidence; evidence of a retired value is left out, of a merged one counted for its target.</summary>
    public void AddEvidence(long customerId, long valueId, EvidenceKind kind, double signal, int day)
    {
        if (!values.TryScoredAs(valueId, out var scored))
        {
            return;
        }

        ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_entries, (customerId, scored), out _);
        entry.Tally.Add(ProfileScoring.EvidenceWeight(kind, today - day), signal, day);
    }

    /// <summary>Adds an order line: every line counts in the customer's spend; a line of a tagged product also for its values.</summary>
    public void AddLine(long customerId, long? productId, double amount, int day)
    {
        var decay = ProfileScoring.Decay(today - day, ProfileScoring.PurchaseHalfLife);
        var spend = Math.Max(0, amount) * decay;
        ref var purchases = ref CollectionsMarshal.GetValueRefOrAddDefault(_purchases, customerId, out _);
        purchases.Spend += spend;
        purchases.Lines += decay;
        if (productId is not { } product || !tags.TryGet(product, out var supported))
        {
            return;
        }

        foreach (var (valueId, strength) in supported)
        {
            ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_entries, (customerId, valueId), out _);
            entry.Spend += spend * ProfileScoring.StrengthShare(strength);
            entry.Tally.Seen(day);
        }
    }

    /// <summary>The decayed spend and lines of a customer (for the evidence listing's per-product weights).</summary>
    public (double Spend, double Lines) PurchasesOf(long customerId) =>
        _purchases.TryGetValue(customerId, out var p) ? (p.Spend, p.Lines) : (0, 0);

    /// <summary>Every customer and value with evidence, by customer then value, with the customers in <paramref name="excluded"/> left out.</summary>
    public List<ProfileScore> Build(IReadOnlySet<long>? excluded = null)
    {
        var scores = new List<ProfileScore>(_entries.Count);
        foreach (var ((customer, value), entry) in _entries)
        {
            if (excluded is not null && excluded.Contains(customer))
            {
                continue;
            }

            var tally = entry.Tally;
            if (entry.Spend > 0)
            {
                var p = _purchases[customer];
                tally.AddBehaviour(ProfileScoring.BehaviourWeight(entry.Spend, p.Spend, p.Lines));
            }

            // Only refunds of tagged products: nothing was said either way.
            if (tally.Weight <= 0)
            {
                continue;
            }

            scores.Add(new ProfileScore(customer, value, tally.Score, tally.Confidence, tally.Count, tally.LastDay, tally.Weight));
        }

        scores.Sort(static (a, b) => a.CustomerId != b.CustomerId ? a.CustomerId.CompareTo(b.CustomerId) : a.ValueId.CompareTo(b.ValueId));
        return scores;
    }
}

/// <summary>One computed score; <see cref="LastDay"/> is a <see cref="DateOnly.DayNumber"/>; <see cref="Weight"/> the total effective weight.</summary>
public readonly record struct ProfileScore(long CustomerId, long ValueId, double Score, double Confidence, int EvidenceCount, int LastDay, double Weight);

/// <summary>The raw reads of the profile computation, shared by SQLite and PostgreSQL.</summary>
internal static class ProfileReads
{
    public static async Task ReadAsync(DbConnection connection, string sql, long? customerId, Action<DbDataReader> read, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (customerId is { } id)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@customer";
            parameter.Value = id;
            command.Parameters.Add(parameter);
        }

        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            read(reader);
        }
    }

    public static bool IsPostgres(DbConnection connection) => connection is Npgsql.NpgsqlConnection;

    /// <summary>An instant column as its UTC day: SQLite stores fixed-width ISO text (the first ten characters are the date).</summary>
    public static string Day(DbConnection connection, string column) => IsPostgres(connection) ? column : $"substr({column}, 1, 10)";

    public static int ReadDay(DbDataReader reader, int ordinal) => reader.GetFieldType(ordinal) == typeof(string)
        ? ParseDay(reader.GetString(ordinal))
        : DateOnly.FromDateTime(reader.GetDateTime(ordinal).ToUniversalTime()).DayNumber;

    public static double ReadAmount(DbDataReader reader, int ordinal) => reader.GetFieldType(ordinal) == typeof(decimal)
        ? (double)reader.GetDecimal(ordinal)
        : reader.GetDouble(ordinal);

    /// <summary><c>yyyy-MM-dd</c> to a day number without allocating.</summary>
    public static int ParseDay(string text)
    {
        if (text.Length < 10 || text[4] != '-' || text[7] != '-' ||
            !int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year) ||
            !int.TryParse(text.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var month) ||
            !int.TryParse(text.AsSpan(8, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var day))
        {
            throw new FormatException($"'{text}' is not a stored instant.");
        }

        return new DateOnly(year, month, day).DayNumber;
    }

    /// <summary>Streams the evidence of every customer (or one) into the builder.</summary>
    public static Task ReadEvidenceAsync(DbConnection connection, ProfileBuilder builder, long? customerId, CancellationToken ct) =>
        ReadAsync(connection,
            $"SELECT customer_id, value_id, kind, {Day(connection, "observed_at")}, signal FROM value_evidence " +
            (customerId is null ? "WHERE customer_id IS NOT NULL" : "WHERE customer_id = @customer"),
            customerId,
            reader => builder.AddEvidence(reader.GetInt64(0), reader.GetInt64(1), ParseKind(reader.GetString(2)), reader.GetDouble(4), ReadDay(reader, 3)),
            ct);

    /// <summary>
    /// Streams the order lines of every customer (or one), dated by their transaction, into <paramref name="line"/>.
    /// For everyone, the transactions' days and then the lines are each read in storage order and joined here through
    /// an array indexed by transaction id: two sequential scans, where the database's join looked up every line's
    /// transaction in the primary key index (several times slower on SQLite at a million lines).
    /// </summary>
    public static async Task ReadLinesAsync(DbConnection connection, long? customerId, Action<long, long?, double, int, long> line, CancellationToken ct,
        TransactionDays? days = null)
    {
        if (customerId is not null)
        {
            await ReadAsync(connection,
                $"SELECT l.customer_id, l.product_id, l.amount, {Day(connection, "t.occurred_at")}, l.transaction_id FROM transactions t JOIN transaction_lines l ON l.transaction_id = t.id WHERE t.customer_id = @customer",
                customerId,
                reader => line(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), ReadAmount(reader, 2), ReadDay(reader, 3), reader.GetInt64(4)),
                ct);
            return;
        }

        var index = days ?? await TransactionDays.ReadAsync(connection, ct);
        await ReadAsync(connection, "SELECT customer_id, product_id, amount, transaction_id FROM transaction_lines", null, reader =>
        {
            var transaction = reader.GetInt64(3);
            if (index.TryGet(transaction, out var day))
            {
                line(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), ReadAmount(reader, 2), day, transaction);
            }
        }, ct);
    }

    /// <summary>Transaction id → UTC day: an array over the id range when ids are dense (they are identities), else a dictionary.</summary>
    public sealed class TransactionDays
    {
        /// <summary>Every transaction's day, in storage order (on its own connection, it runs alongside the evidence read).</summary>
        public static async Task<TransactionDays> ReadAsync(DbConnection connection, CancellationToken ct)
        {
            var ids = new List<long>();
            var days = new List<int>();
            await ProfileReads.ReadAsync(connection, $"SELECT id, {Day(connection, "occurred_at")} FROM transactions", null, reader =>
            {
                ids.Add(reader.GetInt64(0));
                days.Add(ReadDay(reader, 1));
            }, ct);
            return Build(ids, days);
        }

        private long _min;
        private int[]? _array;
        private Dictionary<long, int>? _map;

        private static TransactionDays Build(List<long> ids, List<int> days)
        {
            var result = new TransactionDays();
            long min = long.MaxValue, max = long.MinValue;
            foreach (var id in ids)
            {
                min = Math.Min(min, id);
                max = Math.Max(max, id);
            }

            result._min = min;
            if (ids.Count == 0)
            {
                result._map = [];
            }
            else if (max - min < 4L * ids.Count + 1024 && max - min < int.MaxValue)
            {
                var array = new int[max - min + 1];
                Array.Fill(array, int.MinValue);
                for (var i = 0; i < ids.Count; i++)
                {
                    array[ids[i] - min] = days[i];
                }

                result._array = array;
            }
            else
            {
                result._map = new Dictionary<long, int>(ids.Count);
                for (var i = 0; i < ids.Count; i++)
                {
                    result._map[ids[i]] = days[i];
                }
            }

            return result;
        }

        public bool TryGet(long id, out int day)
        {
            if (_array is { } array)
            {
                var offset = id - _min;
                day = offset >= 0 && offset < array.Length ? array[offset] : int.MinValue;
                return day != int.MinValue;
            }

            return _map!.TryGetValue(id, out day);
        }
    }

    private static EvidenceKind ParseKind(string kind) => kind switch
    {
        "Stated" => EvidenceKind.Stated,
        "Coded" => EvidenceKind.Coded,
        "Mention" => EvidenceKind.Mention,
        _ => Enum.Parse<EvidenceKind>(kind, ignoreCase: true),
    };

    /// <summary>The newest importance rating (1..5) of each active value.</summary>
    public static async Task<Dictionary<long, int>> ReadImportanceAsync(DbConnection connection, ValueMap values, CancellationToken ct)
    {
        var importance = new Dictionary<long, int>();
        await ReadAsync(connection,
            "SELECT r.value_id, r.importance FROM value_ratings r WHERE r.id = (SELECT max(n.id) FROM value_ratings n WHERE n.value_id = r.value_id)",
            null,
            reader =>
            {
                var id = reader.GetInt64(0);
                if (values.TryScoredAs(id, out var scored) && scored == id)
                {
                    importance[id] = reader.GetInt32(1);
                }
            },
            ct);
        return importance;
    }
}
