using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Data;
using Rapport.Metrics;

namespace Rapport.Segments;

/// <summary>A stored segment with its parsed rules (null when its stored rules no longer validate: it then matches nobody).</summary>
public sealed record SegmentDefinition(long Id, int Version, SegmentKind Kind, RuleNode? Rules);

/// <summary>Every segment's parsed rules, by id.</summary>
public sealed class SegmentDefinitions(IReadOnlyDictionary<long, SegmentDefinition> byId)
{
    public IReadOnlyDictionary<long, SegmentDefinition> ById => byId;

    /// <summary>The rules of a dynamic segment (inlined where another segment refers to it); null for a static one.</summary>
    public RuleNode? DynamicRules(long id) => byId.TryGetValue(id, out var d) && d.Kind == SegmentKind.Dynamic ? d.Rules ?? new AnyNode([]) : null;

    public IEnumerable<SegmentDefinition> Dynamic => byId.Values.Where(d => d.Kind == SegmentKind.Dynamic && d.Rules is not null).OrderBy(d => d.Id);
}

/// <summary>Parsed rules of the stored segments, kept until a segment changes (checked by one small query).</summary>
public sealed class SegmentRuleCache
{
    private readonly ConcurrentDictionary<(long Id, int Version), RuleNode?> _parsed = new();

    public RuleNode? GetOrAdd(long id, int version, Func<RuleNode?> parse) => _parsed.GetOrAdd((id, version), _ => parse());

    public bool Contains(long id, int version) => _parsed.ContainsKey((id, version));

    public void Clear() => _parsed.Clear();
}

public sealed record MemberRow(long Id, string? FirstName, string? LastName, string? Email, string? City, string? Country);

/// <summary>
/// Evaluates segments: counts and samples for previews, full builds of members, and the incremental follow-up of
/// customers whose data changed (one statement with one column per dynamic segment), with entered/left events.
/// </summary>
public sealed partial class SegmentEngine(RapportDbContext db, TimeProvider clock, SegmentRuleCache cache, SegmentIndex index, IConfiguration configuration, ILogger<SegmentEngine> logger)
{
    private bool Postgres => db.Database.IsNpgsql();

    private (DbConnection Connection, DbTransaction? Transaction) Connection()
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            db.Database.OpenConnection();
        }

        return (connection, db.Database.CurrentTransaction?.GetDbTransaction());
    }

    public async Task<SegmentDefinitions> DefinitionsAsync(CancellationToken ct)
    {
        var rows = await db.Set<Segment>().AsNoTracking().Select(s => new { s.Id, s.Version, s.Kind, s.Rules }).ToListAsync(ct);
        var catalogue = rows.All(r => cache.Contains(r.Id, r.Version)) ? null : await SegmentFieldCatalogue.LoadAsync(db, ct);
        var result = new Dictionary<long, SegmentDefinition>();
        foreach (var row in rows)
        {
            var rules = cache.GetOrAdd(row.Id, row.Version, () => ParseStored(row.Rules, catalogue!));
            result[row.Id] = new SegmentDefinition(row.Id, row.Version, row.Kind, rules);
        }

        return new SegmentDefinitions(result);
    }

    private static RuleNode? ParseStored(string json, SegmentFieldCatalogue catalogue)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var errors = new FieldErrors();
            var node = RuleParser.Parse(document.RootElement, catalogue, errors);
            return errors.Any ? null : node;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public SegmentSql Sql(SegmentDefinitions definitions, bool perCustomer = false) =>
        new(Postgres, clock.GetUtcNow(), CustomerMetricsUpdater.ReportingCurrencyOf(configuration), definitions.DynamicRules, "p", perCustomer);

    private static DynamicParameters Parameters(SegmentSql sql, object? more = null)
    {
        var parameters = new DynamicParameters(more);
        foreach (var (name, value) in sql.Parameters)
        {
            parameters.Add(name[1..], value);
        }

        return parameters;
    }

    public async Task<long> CountAsync(RuleNode rules, SegmentDefinitions definitions, CancellationToken ct)
    {
        var sql = Sql(definitions);
        var where = sql.Where(rules);
        var (connection, transaction) = Connection();
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT COUNT(*) FROM {SegmentSql.From} WHERE {where}", Parameters(sql), transaction, commandTimeout: 600, cancellationToken: ct));
    }

    public async Task<List<MemberRow>> SampleAsync(RuleNode rules, SegmentDefinitions definitions, int limit, CancellationToken ct)
    {
        var sql = Sql(definitions);
        var where = sql.Where(rules);
        var (connection, transaction) = Connection();
        var rows = await connection.QueryAsync<MemberRow>(new CommandDefinition(
            $"SELECT c.id AS Id, c.first_name AS FirstName, c.last_name AS LastName, c.email AS Email, c.city AS City, c.country AS Country " +
            $"FROM {SegmentSql.From} WHERE {where} ORDER BY c.id LIMIT {limit}", Parameters(sql), transaction, commandTimeout: 600, cancellationToken: ct));
        return rows.ToList();
    }

    /// <summary>
    /// The count and the first <paramref name="sampleSize"/> customers (by id). On SQLite one pass: the matching ids are
    /// read (in-process, cheap) and counted, instead of evaluating the rules twice (a count, then a sample); on
    /// PostgreSQL, where every row would cross the network, a count and a sample.
    /// </summary>
    public async Task<(long Count, List<MemberRow> Sample)> PreviewAsync(RuleNode rules, SegmentDefinitions definitions, int sampleSize, CancellationToken ct)
    {
        var (indexConnection, indexTransaction) = Connection();
        if (await index.TryCountAsync(rules, definitions, indexConnection, indexTransaction, Postgres, clock.GetUtcNow(), sampleSize, ct) is { } hit)
        {
            return (hit.Count, await RowsAsync(hit.Sample, ct));
        }

        if (Postgres)
        {
            var total = await CountAsync(rules, definitions, ct);
            return (total, total == 0 ? [] : await SampleAsync(rules, definitions, sampleSize, ct));
        }

        var sql = Sql(definitions);
        var where = sql.Where(rules);
        var (connection, transaction) = Connection();
        long count = 0;
        // The smallest ids seen (rows usually come in id order; a max-heap keeps it exact when they do not).
        var smallest = new PriorityQueue<long, long>();
        await using (var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
                         $"SELECT c.id FROM {SegmentSql.From} WHERE {where}", Parameters(sql), transaction, commandTimeout: 600, cancellationToken: ct)))
        {
            while (await reader.ReadAsync(ct))
            {
                var id = reader.GetInt64(0);
                count++;
                if (smallest.Count < sampleSize)
                {
                    smallest.Enqueue(id, -id);
                }
                else if (id < smallest.Peek())
                {
                    smallest.DequeueEnqueue(id, -id);
                }
            }
        }

        if (count == 0)
        {
            return (0, []);
        }

        return (count, await RowsAsync([.. smallest.UnorderedItems.Select(i => i.Element)], ct));
    }

    /// <summary>Some customers' list rows, by id.</summary>
    private async Task<List<MemberRow>> RowsAsync(List<long> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        var (connection, transaction) = Connection();
        var rows = await connection.QueryAsync<MemberRow>(new CommandDefinition(
            $"SELECT c.id AS Id, c.first_name AS FirstName, c.last_name AS LastName, c.email AS Email, c.city AS City, c.country AS Country " +
            $"FROM customers c WHERE c.id {SqlIds.In(Postgres, "@ids")} ORDER BY c.id", new { ids = SqlIds.Value(Postgres, ids) }, transaction, cancellationToken: ct));
        return rows.ToList();
    }

    /// <summary>Replaces a segment's members with those its rules match now; records no events. Returns the count.</summary>
    public async Task<int> BuildAsync(long segmentId, RuleNode rules, SegmentDefinitions definitions, CancellationToken ct)
    {
        var sql = Sql(definitions);
        var where = sql.Where(rules);
        var now = clock.GetUtcNow();
        var (connection, transaction) = Connection();
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM segment_members WHERE segment_id = @segment", new { segment = segmentId }, transaction, cancellationToken: ct));
        var count = await connection.ExecuteAsync(new CommandDefinition(
            $"INSERT INTO segment_members (segment_id, customer_id, added_at) SELECT @segment, c.id, @now FROM {SegmentSql.From} WHERE {where}",
            Parameters(sql, new { segment = segmentId, now = DbValues.Instant(db, now) }), transaction, commandTimeout: 3600, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE segments SET member_count = @count, evaluated_at = @now WHERE id = @segment",
            new { segment = segmentId, count, now = DbValues.Instant(db, now) }, transaction, cancellationToken: ct));
        if (Postgres)
        {
            // Fresh statistics for the new members, so that the first page of a big new segment is planned as the index
            // range it is (ANALYZE samples at most 30,000 rows; allowed inside the transaction).
            await connection.ExecuteAsync(new CommandDefinition("ANALYZE segment_members", null, transaction, cancellationToken: ct));
        }

        return count;
    }

    /// <summary>
    /// Re-evaluates one dynamic segment for everyone, set-based, recording who entered and who left (after an
    /// analytics run, a value recompute, or the hourly sweep of rules that read the clock).
    /// </summary>
    public async Task<(int Entered, int Left)> ReevaluateAsync(long segmentId, RuleNode rules, SegmentDefinitions definitions, CancellationToken ct)
    {
        var sql = Sql(definitions);
        var where = sql.Where(rules);
        var now = DbValues.Instant(db, clock.GetUtcNow());
        var (connection, transaction) = Connection();
        CommandDefinition Command(string text) => new(text, Parameters(sql, new { segment = segmentId, now, entered = nameof(SegmentEventKind.Entered), left = nameof(SegmentEventKind.Left) }),
            transaction, commandTimeout: 3600, cancellationToken: ct);
        var notMatching = $"NOT EXISTS (SELECT 1 FROM {SegmentSql.From} WHERE c.id = segment_members.customer_id AND {where})";
        var left = await connection.ExecuteAsync(Command(
            $"INSERT INTO segment_events (segment_id, customer_id, kind, at) SELECT segment_id, customer_id, @left, @now FROM segment_members WHERE segment_id = @segment AND {notMatching}"));
        await connection.ExecuteAsync(Command($"DELETE FROM segment_members WHERE segment_id = @segment AND {notMatching}"));
        var newcomers = $"FROM {SegmentSql.From} WHERE {where} AND NOT EXISTS (SELECT 1 FROM segment_members x WHERE x.segment_id = @segment AND x.customer_id = c.id)";
        var entered = await connection.ExecuteAsync(Command($"INSERT INTO segment_events (segment_id, customer_id, kind, at) SELECT @segment, c.id, @entered, @now {newcomers}"));
        await connection.ExecuteAsync(Command($"INSERT INTO segment_members (segment_id, customer_id, added_at) SELECT @segment, c.id, @now {newcomers}"));
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE segments SET member_count = (SELECT COUNT(*) FROM segment_members WHERE segment_id = @segment) WHERE id = @segment",
            new { segment = segmentId }, transaction, cancellationToken: ct));
        return (entered, left);
    }

    /// <summary>
    /// Follows customers whose data changed: loads their facts once and evaluates every dynamic segment for them in
    /// memory (<see cref="SegmentMatcher"/>); what memory cannot decide exactly is asked of SQL in one statement (one
    /// column per such segment). Writes the differences to the members and records entered/left events.
    /// </summary>
    public async Task<int> FollowAsync(IReadOnlyCollection<long> customerIds, CancellationToken ct)
    {
        if (customerIds.Count == 0)
        {
            return 0;
        }

        var definitions = await DefinitionsAsync(ct);
        var dynamic = definitions.Dynamic.ToList();
        if (dynamic.Count == 0)
        {
            return 0;
        }

        var (connection, transaction) = Connection();
        var needs = dynamic.Aggregate(FactNeeds.None, (n, d) => n | SegmentMatcher.Needs(d.Rules!, definitions.DynamicRules));
        var facts = await CustomerFactsLoader.LoadAsync(connection, transaction, Postgres, customerIds, needs, ct);
        var matcher = new SegmentMatcher(Postgres, clock.GetUtcNow(), definitions.DynamicRules);
        var matches = new HashSet<(long Segment, long Customer)>();
        var undecided = new Dictionary<SegmentDefinition, List<long>>();
        foreach (var customer in facts.Values)
        {
            foreach (var d in dynamic)
            {
                switch (matcher.Evaluate(d.Rules!, customer))
                {
                    case Truth.True:
                        matches.Add((d.Id, customer.Id));
                        break;
                    case Truth.Unknown:
                        (undecided.TryGetValue(d, out var list) ? list : undecided[d] = []).Add(customer.Id);
                        break;
                }
            }
        }

        if (undecided.Count > 0)
        {
            foreach (var match in await DecideInSqlAsync(connection, transaction, definitions, undecided, ct))
            {
                matches.Add(match);
            }
        }

        var present = facts.Keys.ToHashSet();
        var dynamicIds = dynamic.Select(d => d.Id).ToHashSet();
        var current = facts.Values.SelectMany(f => f.Memberships.Where(dynamicIds.Contains).Select(s => (s, f.Id))).ToHashSet();

        // A customer deleted meanwhile has no row: their memberships went with them (cascade).
        var entered = matches.Where(m => !current.Contains(m)).ToList();
        var left = current.Where(m => !matches.Contains(m) && present.Contains(m.Item2)).ToList();
        if (entered.Count == 0 && left.Count == 0)
        {
            return 0;
        }

        // Every write in one command (one round trip): members out and in, their events, the member counts.
        var parameters = new DynamicParameters(new { now = DbValues.Instant(db, clock.GetUtcNow()), leftKind = nameof(SegmentEventKind.Left), enteredKind = nameof(SegmentEventKind.Entered) });
        var deltas = entered.GroupBy(e => e.Segment).Select(g => (Segment: g.Key, Delta: g.Count()))
            .Concat(left.GroupBy(l => l.Item1).Select(g => (Segment: g.Key, Delta: -g.Count())))
            .GroupBy(d => d.Segment).Select(g => (g.Key, g.Sum(d => d.Delta))).Where(d => d.Item2 != 0).ToList();
        var text = new StringBuilder();
        if (Postgres)
        {
            parameters.Add("leftSegments", left.Select(p => p.Item1).ToArray());
            parameters.Add("leftCustomers", left.Select(p => p.Item2).ToArray());
            parameters.Add("enteredSegments", entered.Select(p => p.Segment).ToArray());
            parameters.Add("enteredCustomers", entered.Select(p => p.Customer).ToArray());
            parameters.Add("deltaSegments", deltas.Select(d => d.Key).ToArray());
            parameters.Add("deltas", deltas.Select(d => d.Item2).ToArray());
            text.Append("DELETE FROM segment_members sm USING unnest(@leftSegments, @leftCustomers) AS x(s, c) WHERE sm.segment_id = x.s AND sm.customer_id = x.c;")
                .Append("INSERT INTO segment_events (segment_id, customer_id, kind, at) SELECT s, c, @leftKind, @now FROM unnest(@leftSegments, @leftCustomers) AS x(s, c);")
                .Append("INSERT INTO segment_members (segment_id, customer_id, added_at) SELECT s, c, @now FROM unnest(@enteredSegments, @enteredCustomers) AS x(s, c);")
                .Append("INSERT INTO segment_events (segment_id, customer_id, kind, at) SELECT s, c, @enteredKind, @now FROM unnest(@enteredSegments, @enteredCustomers) AS x(s, c);")
                .Append("UPDATE segments s SET member_count = s.member_count + x.d FROM unnest(@deltaSegments, @deltas) AS x(id, d) WHERE s.id = x.id;");
        }
        else
        {
            parameters.Add("left", JsonSerializer.Serialize(left.Select(p => new[] { p.Item1, p.Item2 })));
            parameters.Add("entered", JsonSerializer.Serialize(entered.Select(p => new[] { p.Segment, p.Customer })));
            parameters.Add("deltas", JsonSerializer.Serialize(deltas.Select(d => new[] { d.Key, d.Item2 })));
            const string pairs = "SELECT json_extract(value, '$[0]') AS s, json_extract(value, '$[1]') AS c FROM json_each";
            text.Append($"DELETE FROM segment_members WHERE (segment_id, customer_id) IN ({pairs}(@left));")
                .Append($"INSERT INTO segment_events (segment_id, customer_id, kind, at) SELECT s, c, @leftKind, @now FROM ({pairs}(@left));")
                .Append($"INSERT INTO segment_members (segment_id, customer_id, added_at) SELECT s, c, @now FROM ({pairs}(@entered));")
                .Append($"INSERT INTO segment_events (segment_id, customer_id, kind, at) SELECT s, c, @enteredKind, @now FROM ({pairs}(@entered));")
                .Append($"UPDATE segments SET member_count = member_count + (SELECT x.c FROM ({pairs}(@deltas)) x WHERE x.s = segments.id) WHERE id IN (SELECT s FROM ({pairs}(@deltas)));");
        }

        await connection.ExecuteAsync(new CommandDefinition(text.ToString(), parameters, transaction, cancellationToken: ct));

        LogFollowed(customerIds.Count, entered.Count, left.Count);
        return entered.Count + left.Count;
    }

    /// <summary>The (segment, customer) pairs among the undecided ones that SQL says match: one statement, one column per segment.</summary>
    private async Task<List<(long Segment, long Customer)>> DecideInSqlAsync(DbConnection connection, DbTransaction? transaction, SegmentDefinitions definitions,
        Dictionary<SegmentDefinition, List<long>> undecided, CancellationToken ct)
    {
        var segments = undecided.Keys.OrderBy(d => d.Id).ToList();
        var customers = undecided.Values.SelectMany(c => c).Distinct().ToList();
        var sql = Sql(definitions, perCustomer: true);
        var select = new StringBuilder("SELECT c.id");
        foreach (var d in segments)
        {
            select.Append(", CASE WHEN ").Append(sql.Where(d.Rules!)).Append(" THEN 1 ELSE 0 END");
        }

        var single = customers.Count == 1;
        var ids = single ? (object)customers[0] : SqlIds.Value(Postgres, customers);
        select.Append(" FROM ").Append(SegmentSql.From).Append(" WHERE c.id ").Append(single ? "= @ids" : SqlIds.In(Postgres, "@ids"));
        var wanted = undecided.SelectMany(u => u.Value.Select(c => (u.Key.Id, c))).ToHashSet();
        var matches = new List<(long, long)>();
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(select.ToString(), Parameters(sql, new { ids }), transaction, commandTimeout: 600, cancellationToken: ct));
        while (await reader.ReadAsync(ct))
        {
            var customer = reader.GetInt64(0);
            for (var i = 0; i < segments.Count; i++)
            {
                if (Convert.ToInt64(reader.GetValue(i + 1), System.Globalization.CultureInfo.InvariantCulture) == 1 && wanted.Contains((segments[i].Id, customer)))
                {
                    matches.Add((segments[i].Id, customer));
                }
            }
        }

        return matches;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Segments followed {Customers} customers: {Entered} entered, {Left} left")]
    private partial void LogFollowed(int customers, int entered, int left);
}
