using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Rapport.Data;

namespace Rapport.Stages;

/// <summary>How many customers an evaluation looked at and how many changed stage.</summary>
public sealed record StageEvaluation(int Changed);

/// <summary>
/// Places customers in their stage with set-based SQL (docs/stages.md). One evaluation query, built from the settings,
/// serves one customer, a list of customers and everyone: only the scope differs. Every threshold and cut-off instant is
/// a parameter computed here from <see cref="TimeProvider"/>. Only customers whose stage changed (or who were never
/// placed) are written: their <c>customer_metrics.stage</c>/<c>stage_since</c> and a history row.
/// Runs on the context's connection, inside its transaction when one is open (else in its own).
/// </summary>
public sealed class StageEngine(RapportDbContext db, TimeProvider clock, StageSettingsCache settingsCache)
{
    private enum Scope
    {
        One,
        Many,
        All,
    }

    private bool Postgres => db.Database.IsNpgsql();

    /// <summary>One customer (after any single-customer write): one read, and two small writes when the stage changed.</summary>
    public async Task<StageEvaluation> EvaluateAsync(long customerId, StageChangeSource source, CancellationToken ct)
    {
        var settings = await settingsCache.GetAsync(db, ct);
        var now = clock.GetUtcNow();
        var connection = await OpenAsync(ct);
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        int oldStage, newStage;
        object? since, reason, userId;
        string rowSource;
        await using (var read = Command(connection, transaction, EvaluationSql(settings, Scope.One, reconstruct: false), settings, now, source))
        {
            read.AddParameter("@id", customerId);
            await using var reader = await read.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return new StageEvaluation(0);
            }

            oldStage = Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture);
            since = reader.GetValue(2);
            newStage = Convert.ToInt32(reader.GetValue(3), CultureInfo.InvariantCulture);
            rowSource = reader.GetString(4);
            reason = reader.GetValue(5);
            userId = reader.GetValue(6);
        }

        if (since is DBNull)
        {
            // First placement: the path is reconstructed from the data, as for many customers.
            return await EvaluateManyAsync([customerId], source, ct);
        }

        if (oldStage == newStage)
        {
            return new StageEvaluation(0);
        }

        await using var write = Command(connection, transaction,
            """
            UPDATE customer_metrics SET stage = @new, stage_since = @now WHERE customer_id = @id;
            INSERT INTO stage_changes (customer_id, from_stage, to_stage, changed_at, from_since, source, reason, user_id)
            VALUES (@id, @old, @new, @now, @since, @rowSource, @reason, @userId);
            """, null, now, source);
        write.AddParameter("@id", customerId);
        write.AddParameter("@old", oldStage);
        write.AddParameter("@new", newStage);
        write.AddParameter("@since", since);
        write.AddParameter("@rowSource", rowSource);
        write.AddParameter("@reason", reason);
        write.AddParameter("@userId", userId);
        await write.ExecuteNonQueryAsync(ct);
        return new StageEvaluation(1);
    }

    /// <summary>Many customers (the bulk path of the change worker, the override sweep), set-based.</summary>
    public Task<StageEvaluation> EvaluateManyAsync(IReadOnlyCollection<long> customerIds, StageChangeSource source, CancellationToken ct) =>
        customerIds.Count == 0 ? Task.FromResult(new StageEvaluation(0)) : RunSetAsync(Scope.Many, customerIds, source, ct);

    /// <summary>Everyone: after analytics runs (P(alive), and the daily re-check of time passing), settings changes, on demand.</summary>
    public Task<StageEvaluation> EvaluateAllAsync(CancellationToken ct) => RunSetAsync(Scope.All, [], StageChangeSource.Rules, ct);

    private async Task<StageEvaluation> RunSetAsync(Scope scope, IReadOnlyCollection<long> ids, StageChangeSource source, CancellationToken ct)
    {
        var settings = await settingsCache.GetAsync(db, ct);
        var now = clock.GetUtcNow();
        var connection = await OpenAsync(ct);
        var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        // Everyone: history rows and the stage index are written in no useful order; SQLite's default 2 MB page cache
        // would re-read their pages from the file for each row (as the bulk importers, 128 MB for the run).
        var previousCache = scope == Scope.All ? await Ingestion.SqliteIngestStore.RaisePageCacheAsync(connection, ct) : null;
        try
        {
            var transaction = db.Database.CurrentTransaction!.GetDbTransaction();
            await ExecuteAsync(connection, transaction, "DROP TABLE IF EXISTS stage_eval", settings, now, source, ids, ct);
            // Created, then filled: PostgreSQL takes no parameters in CREATE TABLE … AS.
            await ExecuteAsync(connection, transaction, Postgres ? PostgresEvalTable : SqliteEvalTable, settings, now, source, ids, ct);
            await ExecuteAsync(connection, transaction,
                $"INSERT INTO stage_eval ({EvalColumns}) {EvaluationSql(settings, scope, reconstruct: true)}", settings, now, source, ids, ct);

            // The second purchase, for the reconstructed path of those placed for the first time in Connection or later.
            await ExecuteAsync(connection, transaction,
                """
                UPDATE stage_eval SET second_purchase_at =
                    (SELECT t.occurred_at FROM transactions t WHERE t.customer_id = stage_eval.customer_id ORDER BY t.occurred_at, t.id LIMIT 1 OFFSET 1)
                WHERE stage_since IS NULL AND new_stage >= 3
                """, settings, now, source, ids, ct);

            // Customers already placed: one history row each.
            await ExecuteAsync(connection, transaction,
                """
                INSERT INTO stage_changes (customer_id, from_stage, to_stage, changed_at, from_since, source, reason, user_id)
                SELECT customer_id, old_stage, new_stage, @now, stage_since, source, reason, user_id FROM stage_eval WHERE stage_since IS NOT NULL
                """, settings, now, source, ids, ct);

            // Customers placed for the first time: their path reconstructed from the data, one statement per step so
            // that ids follow the path (ties of dates keep their order).
            for (var k = 0; k <= 4; k++)
            {
                await ExecuteAsync(connection, transaction, ReconstructSql(k), settings, now, source, ids, ct);
            }

            var d = PathDates("s.");
            var changed = await ExecuteAsync(connection, transaction,
                $"""
                UPDATE customer_metrics SET stage = s.new_stage,
                    stage_since = CASE WHEN s.stage_since IS NOT NULL THEN @now
                        ELSE COALESCE(CASE s.new_stage WHEN 0 THEN {d[0]} WHEN 1 THEN {d[1]} WHEN 2 THEN {d[2]} WHEN 3 THEN {d[3]} ELSE {d[4]} END, @now) END
                FROM stage_eval s WHERE customer_metrics.customer_id = s.customer_id
                """, settings, now, source, ids, ct);
            await ExecuteAsync(connection, transaction, "DROP TABLE stage_eval", settings, now, source, ids, ct);
            if (own is not null)
            {
                await own.CommitAsync(ct);
            }

            return new StageEvaluation(changed);
        }
        finally
        {
            if (own is not null)
            {
                await own.DisposeAsync();
            }

            await Ingestion.SqliteIngestStore.RestorePageCacheAsync(connection, previousCache);
        }
    }

    private const string EvalColumns =
        "customer_id, old_stage, stage_since, new_stage, source, reason, user_id, created_at, first_purchase_at, last_purchase_at, first_engaged_at, last_engaged_at";

    private const string SqliteEvalTable = """
        CREATE TEMP TABLE stage_eval (customer_id INTEGER PRIMARY KEY, old_stage INTEGER, stage_since TEXT, new_stage INTEGER,
            source TEXT, reason TEXT, user_id INTEGER, created_at TEXT, first_purchase_at TEXT, last_purchase_at TEXT,
            first_engaged_at TEXT, last_engaged_at TEXT, second_purchase_at TEXT)
        """;

    private const string PostgresEvalTable = """
        CREATE TEMP TABLE stage_eval (customer_id bigint PRIMARY KEY, old_stage integer, stage_since timestamptz, new_stage integer,
            source text, reason text, user_id bigint, created_at timestamptz, first_purchase_at timestamptz, last_purchase_at timestamptz,
            first_engaged_at timestamptz, last_engaged_at timestamptz, second_purchase_at timestamptz)
        """;

    /// <summary>
    /// The dates of a reconstructed path, as expressions over <c>stage_eval</c> (columns prefixed with <paramref name="p"/>):
    /// d0 known (the earliest of created, first engaged, first purchase); d1 first engagement before any purchase; d2
    /// first purchase; d3 connected (the earlier of the second purchase and the last engagement after the first
    /// purchase); d4 loyal (the later of the last purchase and the last engagement).
    /// </summary>
    private static string[] PathDates(string p)
    {
        var after = $"CASE WHEN {p}last_engaged_at > {p}first_purchase_at THEN {p}last_engaged_at END";
        return
        [
            Least(Least($"{p}created_at", $"{p}first_engaged_at"), $"{p}first_purchase_at"),
            $"CASE WHEN {p}first_engaged_at IS NOT NULL AND ({p}first_purchase_at IS NULL OR {p}first_engaged_at < {p}first_purchase_at) THEN {p}first_engaged_at END",
            $"{p}first_purchase_at",
            $"CASE WHEN {p}second_purchase_at IS NULL THEN {after} WHEN ({after}) IS NULL OR {p}second_purchase_at <= ({after}) THEN {p}second_purchase_at ELSE ({after}) END",
            $"CASE WHEN {p}last_purchase_at IS NULL THEN {p}last_engaged_at WHEN {p}last_engaged_at IS NULL OR {p}last_purchase_at >= {p}last_engaged_at THEN {p}last_purchase_at ELSE {p}last_engaged_at END",
        ];
    }

    /// <summary>The step into stage <paramref name="k"/> of a first placement (docs/stages.md, "Reconstructed history").</summary>
    private static string ReconstructSql(int k)
    {
        const string Columns = "INSERT INTO stage_changes (customer_id, from_stage, to_stage, changed_at, from_since, source, reason, user_id) ";
        var d = PathDates("");
        if (k == 0)
        {
            return Columns + $"SELECT customer_id, NULL, 0, {d[0]}, NULL, 'Reconstructed', NULL, NULL FROM stage_eval WHERE stage_since IS NULL";
        }

        // The previous step is the nearest lower stage the customer is known to have passed through (Prospecting always).
        var from = new StringBuilder("CASE");
        var fromSince = new StringBuilder("CASE");
        for (var j = k - 1; j >= 1; j--)
        {
            from.Append(CultureInfo.InvariantCulture, $" WHEN ({d[j]}) IS NOT NULL THEN {j}");
            fromSince.Append(CultureInfo.InvariantCulture, $" WHEN ({d[j]}) IS NOT NULL THEN {d[j]}");
        }

        var fromSql = k == 1 ? "0" : from + " ELSE 0 END";
        var fromSinceSql = k == 1 ? d[0] : fromSince + $" ELSE {d[0]} END";
        return Columns + string.Create(CultureInfo.InvariantCulture,
            $"""
            SELECT customer_id, {fromSql}, {k}, COALESCE({d[k]}, @now), {fromSinceSql}, 'Reconstructed', NULL, NULL FROM stage_eval
            WHERE stage_since IS NULL AND (new_stage = {k} OR (new_stage > {k} AND ({d[k]}) IS NOT NULL))
            """);
    }

    /// <summary>
    /// The evaluation query: per customer in scope, the stored stage and since, the new stage (override, else rules) and
    /// the history row's source, reason and user. With <paramref name="reconstruct"/>: only customers to write, with the
    /// dates of the reconstructed path (d0…d4) and the date they entered the new stage.
    /// </summary>
    private string EvaluationSql(StageSettings s, Scope scope, bool reconstruct)
    {
        var postgres = Postgres;
        string In(string column) => scope switch
        {
            Scope.One => $"{column} = @id",
            Scope.Many => postgres ? $"{column} = ANY(@ids)" : $"{column} IN (SELECT value FROM json_each(@ids))",
            _ => "1 = 1",
        };

        var types = string.Join(", ", s.EngagementTypes.Select((_, i) => $"@type{i}"));
        var interactions = s.EngagementTypes.Count == 0
            ? ""
            : $"SELECT i.customer_id, i.occurred_at AS at FROM interactions i WHERE i.direction = 'Inbound' AND i.type IN ({types}) AND {In("i.customer_id")} UNION ALL ";
        var active = "(o.expires_at IS NULL OR o.expires_at > @now)";
        var loyal = new List<string> { "(m.purchase_count >= @loyalMin AND m.last_purchase_at >= @loyalSince AND m.p_alive >= @loyalPAlive)" };
        if (s.PromoterEnabled)
        {
            loyal.Add("n.score >= @promoterMin");
        }

        if (s.LoyaltyTagEnabled)
        {
            loyal.Add("EXISTS (SELECT 1 FROM customer_tags t WHERE t.customer_id = m.customer_id AND t.tag = @loyaltyTag)");
        }

        // Highest stage first: a customer falls back as the rules above stop holding; Purchase is the floor of buyers.
        var rules = $"""
            CASE
                WHEN m.purchase_count >= 1 AND ({string.Join(" OR ", loyal)}) THEN 4
                WHEN m.purchase_count >= 1 AND ((e.last_at >= @connectionSince AND e.last_at > m.first_purchase_at)
                    OR (m.purchase_count >= 2 AND m.last_purchase_at >= @repeatSince)) THEN 3
                WHEN m.purchase_count >= 1 THEN 2
                WHEN e.last_at >= @engagedSince THEN 1
                ELSE 0
            END
            """;
        var nps = s.PromoterEnabled
            ? $"""
              , nps AS (
                  SELECT customer_id, score FROM (
                      SELECT a.customer_id, a.number_value AS score,
                          ROW_NUMBER() OVER (PARTITION BY a.customer_id ORDER BY r.submitted_at DESC, r.id DESC) AS rn
                      FROM survey_answers a
                      JOIN survey_questions q ON q.id = a.question_id
                      JOIN survey_responses r ON r.id = a.response_id
                      WHERE q.kind = 'Nps' AND a.number_value IS NOT NULL AND {In("a.customer_id")}) z
                  WHERE rn = 1)
              """
            : "";
        var npsJoin = s.PromoterEnabled ? "LEFT JOIN nps n ON n.customer_id = m.customer_id" : "";
        // Driven by customer_metrics in id order: joining customers (for created_at) let SQLite start from an index of
        // customers in another order and probe the metrics at random (15 s instead of 3.4 s at 1,000,000 customers).
        // created_at is read only for the rows written.
        var sql = $"""
            WITH eng AS (
                SELECT customer_id, MIN(at) AS first_at, MAX(at) AS last_at FROM (
                    {interactions}SELECT r.customer_id, r.submitted_at AS at FROM survey_responses r WHERE {In("r.customer_id")}
                    UNION ALL
                    SELECT p.customer_id, rs.held_at AS at FROM research_session_participants p JOIN research_sessions rs ON rs.id = p.session_id WHERE {In("p.customer_id")}
                ) u GROUP BY customer_id)
            {nps},
            ev AS (
                SELECT m.customer_id, m.stage AS old_stage, m.stage_since,
                    CASE WHEN o.customer_id IS NOT NULL AND {active} THEN o.stage ELSE {rules} END AS new_stage,
                    CASE WHEN o.customer_id IS NULL THEN @source WHEN {active} THEN 'Override' ELSE 'OverrideEnded' END AS source,
                    CASE WHEN o.customer_id IS NOT NULL AND {active} THEN o.reason END AS reason,
                    CASE WHEN o.customer_id IS NOT NULL AND {active} THEN o.created_by_user_id END AS user_id,
                    (SELECT c.created_at FROM customers c WHERE c.id = m.customer_id) AS created_at,
                    m.first_purchase_at, m.last_purchase_at, e.first_at AS first_engaged_at, e.last_at AS last_engaged_at
                FROM customer_metrics m
                LEFT JOIN eng e ON e.customer_id = m.customer_id
                {npsJoin}
                LEFT JOIN stage_overrides o ON o.customer_id = m.customer_id
                WHERE {In("m.customer_id")})
            """;
        if (!reconstruct)
        {
            return sql + "\nSELECT customer_id, old_stage, stage_since, new_stage, source, reason, user_id FROM ev";
        }

        // Flattened by SQLite, the verdict would be computed once per reference: the filter names it once more only.
        return sql + """

            SELECT customer_id, old_stage, stage_since, new_stage, source, reason, user_id, created_at, first_purchase_at, last_purchase_at,
                first_engaged_at, last_engaged_at
            FROM ev WHERE new_stage <> old_stage OR stage_since IS NULL
            """;
    }

    /// <summary>The earlier of <paramref name="a"/> (not null) and <paramref name="b"/> (may be null).</summary>
    private static string Least(string a, string b) => $"CASE WHEN {b} IS NULL OR {a} <= {b} THEN {a} ELSE {b} END";

    private async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync(ct);
        }

        return connection;
    }

    private async Task<int> ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, StageSettings settings, DateTimeOffset now,
        StageChangeSource source, IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        await using var command = Command(connection, transaction, sql, settings, now, source);
        command.CommandTimeout = 0;
        if (sql.Contains("@ids", StringComparison.Ordinal))
        {
            command.AddParameter("@ids", Postgres ? ids.Distinct().ToArray() : JsonSerializer.Serialize(ids.Distinct()));
        }

        return await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A command with the parameters its text names (PostgreSQL refuses parameters a statement does not use).</summary>
    private DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, StageSettings? s, DateTimeOffset now, StageChangeSource source)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        void Maybe(string name, object value)
        {
            if (sql.Contains(name, StringComparison.Ordinal))
            {
                command.AddParameter(name, value);
            }
        }

        Maybe("@now", Instant(now));
        Maybe("@source", source.ToString());
        if (s is null)
        {
            return command;
        }

        Maybe("@engagedSince", Instant(now.AddDays(-s.EngagementWindowDays)));
        Maybe("@connectionSince", Instant(now.AddDays(-s.ConnectionWindowDays)));
        Maybe("@repeatSince", Instant(now.AddDays(-s.RepeatWindowDays)));
        Maybe("@loyalSince", Instant(now.AddDays(-s.LoyaltyWindowDays)));
        Maybe("@loyalMin", s.LoyaltyMinPurchases);
        Maybe("@loyalPAlive", s.LoyaltyMinPAlive);
        Maybe("@promoterMin", s.PromoterMinScore);
        Maybe("@loyaltyTag", s.LoyaltyTag);
        if (sql.Contains("@type0", StringComparison.Ordinal))
        {
            for (var i = 0; i < s.EngagementTypes.Count; i++)
            {
                command.AddParameter($"@type{i}", s.EngagementTypes[i].ToString());
            }
        }

        return command;
    }

    private object Instant(DateTimeOffset value) => DbValues.Instant(db, value);
}
