using System.Diagnostics;
using System.Globalization;
using Dapper;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Data;
using Rapport.Segments;

namespace Rapport.Privacy;

/// <summary>What an erasure did: counts only.</summary>
public sealed record ErasureResult(
    long CustomerId,
    long RequestId,
    DateTimeOffset ErasedAt,
    int InteractionsScrubbed,
    int TransactionsKept,
    int RowsDeleted,
    int RowsScrubbed,
    TimeSpan Elapsed,
    TimeSpan DiskCleanup);

/// <summary>What the erasure would touch, for the CLI's refusal without --yes and the confirmation page.</summary>
public sealed record ErasurePreview(long CustomerId, string DisplayName, bool AlreadyErased, IReadOnlyList<PreviewLine> Lines);

public sealed record PreviewLine(string What, int Count, string Action);

/// <summary>
/// Called after an erasure commits, in the same scope (the audit log records it there). The suppression is not a
/// follow-up: it is written inside the erasure's transaction.
/// </summary>
public interface IErasureFollowUp
{
    Task ErasedAsync(RapportDbContext db, ErasureResult result, CancellationToken ct);
}

/// <summary>
/// Erases a customer (GDPR article 17) without breaking the analytics: the customer row stays as a tombstone (id,
/// country, source, dates; personal columns null, <c>erased_at</c> set) so that transactions, metrics and survey
/// scores stay attached and every total is unchanged; every piece of free text and every personal value about them is
/// deleted or blanked; then the database's free space is cleaned (SQLite: secure_delete and a WAL checkpoint;
/// PostgreSQL: VACUUM of the touched tables). docs/privacy-requests.md lists every table and what happens to it.
/// </summary>
public sealed partial class EraseCustomer(
    RapportDbContext db,
    RapportDatabase database,
    SegmentIndex segmentIndex,
    Consent.Suppressions suppressions,
    IEnumerable<IErasureFollowUp> followUps,
    TimeProvider clock,
    ILogger<EraseCustomer> logger)
{
    public const string RedactedTranscript = "[transcript removed: a participant's personal data was erased]";
    public const string ErasedTaskTitle = "(erased)";
    public const string ErasedPayload = "{\"erased\":true}";

    /// <summary>Tables whose rows the erasure deletes or rewrites (VACUUMed on PostgreSQL afterwards).</summary>
    public static readonly IReadOnlyList<string> TouchedTables =
    [
        "customers", "customer_tags", "customer_field_values", "customer_external_ids", "interactions", "survey_answers",
        "survey_responses", "research_excerpts", "research_excerpt_codes", "research_sessions", "research_session_participants",
        "value_evidence", "customer_value_scores", "customer_value_profiles", "segment_members", "segment_events", "stage_changes",
        "stage_overrides", "tasks", "duplicate_candidates", "customer_merges", "webhook_deliveries", "import_rejects",
        "idempotency_keys", "theme_proposals", "consent_events", "preference_links", "suppressions", "suppression_matches",
    ];

    public sealed record Options(long? RequestId = null, long? UserId = null, string? Reason = null, bool CleanDisk = true);

    public async Task<Result<ErasurePreview>> PreviewAsync(long customerId, CancellationToken ct)
    {
        var customer = await db.Customers.AsNoTracking().Where(c => c.Id == customerId)
            .Select(c => new { c.FirstName, c.LastName, c.Email, c.ErasedAt }).SingleOrDefaultAsync(ct);
        if (customer is null)
        {
            return Result<ErasurePreview>.NotFound($"There is no customer {customerId}.");
        }

        var connection = db.Database.GetDbConnection();
        var counts = await connection.QuerySingleAsync<(long Interactions, long Transactions, long Responses, long Excerpts, long Evidence, long Tags, long Fields, long Segments, long Tasks, long Sessions)>(
            """
            SELECT (SELECT COUNT(*) FROM interactions WHERE customer_id = @id),
                   (SELECT COUNT(*) FROM transactions WHERE customer_id = @id),
                   (SELECT COUNT(*) FROM survey_responses WHERE customer_id = @id),
                   (SELECT COUNT(*) FROM research_excerpts WHERE speaker_customer_id = @id),
                   (SELECT COUNT(*) FROM value_evidence WHERE customer_id = @id),
                   (SELECT COUNT(*) FROM customer_tags WHERE customer_id = @id),
                   (SELECT COUNT(*) FROM customer_field_values WHERE customer_id = @id),
                   (SELECT COUNT(*) FROM segment_members WHERE customer_id = @id),
                   (SELECT COUNT(*) FROM tasks WHERE customer_id = @id),
                   (SELECT COUNT(*) FROM research_session_participants WHERE customer_id = @id)
            """, new { id = customerId }, db.Database.CurrentTransaction?.GetDbTransaction());
        var display = Customers.CustomerNames.Display(customer.FirstName, customer.LastName, customer.Email, customerId);
        return Result<ErasurePreview>.Ok(new ErasurePreview(customerId, display, customer.ErasedAt is not null,
        [
            new("Name, email, phone, address, birth date, language, company", 1, "set to empty (the row stays as a tombstone)"),
            new("Timeline items (notes, calls, emails, meetings)", (int)counts.Interactions, "kept without subject, notes and external id"),
            new("Transactions", (int)counts.Transactions, "kept, de-identified (for the analytics totals)"),
            new("Survey responses", (int)counts.Responses, "kept without free-text answers and external id"),
            new("Research excerpts spoken by them", (int)counts.Excerpts, "deleted"),
            new("Interview sessions they took part in", (int)counts.Sessions, "transcript and summary removed"),
            new("Value evidence", (int)counts.Evidence, "deleted; value profile deleted and profiling switched off"),
            new("Tags", (int)counts.Tags, "deleted"),
            new("Custom field values", (int)counts.Fields, "deleted"),
            new("Segment memberships", (int)counts.Segments, "deleted, with segment events"),
            new("Tasks", (int)counts.Tasks, "kept without title text and notes"),
        ]));
    }

    public async Task<Result<ErasureResult>> HandleAsync(long customerId, Options options, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var now = clock.GetUtcNow();
        var customer = await db.Customers.AsNoTracking().Where(c => c.Id == customerId)
            .Select(c => new { c.FirstName, c.LastName, c.Email, c.Phone, c.ErasedAt }).SingleOrDefaultAsync(ct);
        if (customer is null)
        {
            return Result<ErasureResult>.NotFound($"There is no customer {customerId}.");
        }

        if (customer.ErasedAt is not null)
        {
            return Result<ErasureResult>.Conflict($"Customer {customerId} was already erased.");
        }

        PrivacyRequest? request = null;
        if (options.RequestId is { } requestId)
        {
            request = await db.Set<PrivacyRequest>().SingleOrDefaultAsync(r => r.Id == requestId, ct);
            if (request is null)
            {
                return Result<ErasureResult>.NotFound($"There is no privacy request {requestId}.");
            }

            if (request.CustomerId is { } linked && linked != customerId)
            {
                return Result<ErasureResult>.Conflict($"Privacy request {requestId} is about customer {linked}, not {customerId}.", "customerId");
            }
        }

        var strategy = db.Database.CreateExecutionStrategy();
        var (deleted, scrubbed, interactions, transactions, segmentIds) = await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var outcome = await EraseRowsAsync(customerId, customer.FirstName, customer.LastName, customer.Email, customer.Phone, now, ct);

            // In the same transaction as the erasure: the address goes onto the suppression list (a keyed hash), so that a
            // re-import or a new sign-up with it is kept out of marketing. Nothing cascades out of that list.
            await suppressions.SuppressAsync(db, customer.Email, customer.Phone, "erasure", ct, options.UserId);
            if (request is null)
            {
                request = new PrivacyRequest
                {
                    Kind = PrivacyRequestKind.Erasure,
                    CustomerId = customerId,
                    RequesterContact = "",
                    ReceivedAt = now,
                    DueAt = PrivacyRequests.DueFrom(now),
                    Status = PrivacyRequestStatus.Done,
                    HandledByUserId = options.UserId,
                    Notes = options.Reason,
                    CompletedAt = now,
                };
                db.Add(request);
            }
            else
            {
                request.CustomerId = customerId;
                request.Status = PrivacyRequestStatus.Done;
                request.CompletedAt = now;
                request.HandledByUserId = options.UserId ?? request.HandledByUserId;
                if (options.Reason is not null)
                {
                    request.Notes = string.IsNullOrEmpty(request.Notes) ? options.Reason : request.Notes + "\n" + options.Reason;
                }
            }

            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return outcome;
        });

        // Caches: the segment index re-reads this customer; a full rebuild drops anything it held about them.
        segmentIndex.Changed([customerId]);
        if (segmentIds.Count > 0)
        {
            segmentIndex.Invalidate();
        }

        var erasedElapsed = Stopwatch.GetElapsedTime(started);
        var cleanStarted = Stopwatch.GetTimestamp();
        if (options.CleanDisk)
        {
            await CleanDiskAsync(ct);
        }

        var result = new ErasureResult(customerId, request!.Id, now, interactions, transactions, deleted, scrubbed, erasedElapsed, Stopwatch.GetElapsedTime(cleanStarted));
        foreach (var followUp in followUps)
        {
            await followUp.ErasedAsync(db, result, ct);
        }

        LogErased(customerId, request.Id, deleted, scrubbed, (long)erasedElapsed.TotalMilliseconds);
        return Result<ErasureResult>.Ok(result);
    }

    private async Task<(int Deleted, int Scrubbed, int Interactions, int Transactions, IReadOnlyList<long> SegmentIds)> EraseRowsAsync(
        long id, string? firstName, string? lastName, string? email, string? phone, DateTimeOffset now, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        var tx = db.Database.CurrentTransaction!.GetDbTransaction();
        var p = new { id, now = DbValues.Instant(db, now) };
        var deleted = 0;
        var scrubbed = 0;

        async Task<int> Run(string sql, object? parameters = null) =>
            await connection.ExecuteAsync(new CommandDefinition(sql, parameters ?? p, tx, cancellationToken: ct));

        var interactions = await Run("UPDATE interactions SET subject = NULL, notes = NULL, external_id = NULL WHERE customer_id = @id");
        scrubbed += interactions;
        deleted += await Run("DELETE FROM customer_tags WHERE customer_id = @id");
        deleted += await Run("DELETE FROM customer_field_values WHERE customer_id = @id");
        deleted += await Run("DELETE FROM customer_external_ids WHERE customer_id = @id");

        // Surveys: the response and its scores stay (NPS and averages unchanged); free text goes.
        scrubbed += await Run("""
            UPDATE survey_answers SET text_value = NULL
            WHERE text_value IS NOT NULL AND (customer_id = @id OR response_id IN (SELECT r.id FROM survey_responses r WHERE r.customer_id = @id))
            """);
        scrubbed += await Run("UPDATE survey_responses SET external_id = NULL WHERE customer_id = @id AND external_id IS NOT NULL");

        // Research: what they said goes; sessions they took part in lose their transcript and summary (it holds their
        // words, and speaker turns are not marked reliably enough to cut out only theirs), with excerpts of no known speaker.
        var sessions = (await connection.QueryAsync<long>(new CommandDefinition(
            "SELECT session_id FROM research_session_participants WHERE customer_id = @id", p, tx, cancellationToken: ct))).ToList();
        deleted += await Run("DELETE FROM research_excerpts WHERE speaker_customer_id = @id");
        if (sessions.Count > 0)
        {
            foreach (var session in sessions)
            {
                deleted += await Run("DELETE FROM research_excerpts WHERE session_id = @session AND speaker_customer_id IS NULL", new { session });
                scrubbed += await Run("UPDATE research_sessions SET transcript = @text, summary = NULL, updated_at = @now, version = version + 1 WHERE id = @session",
                    new { session, text = RedactedTranscript, p.now });
            }

            deleted += await Run("DELETE FROM research_session_participants WHERE customer_id = @id");
        }

        // Theme proposals cache up to three example texts of any origin: cleared, the next research re-index refills them.
        scrubbed += await Run("UPDATE theme_proposals SET examples = '[]' WHERE examples <> '[]'");

        // Values: evidence (quotes) and scores go; the profile stays as "profiling off" so that no recompute infers again.
        deleted += await Run("DELETE FROM value_evidence WHERE customer_id = @id");
        deleted += await Run("DELETE FROM customer_value_scores WHERE customer_id = @id");
        deleted += await Run("DELETE FROM customer_value_profiles WHERE customer_id = @id");
        await Run("""
            INSERT INTO customer_value_profiles (customer_id, profiling_enabled, profiling_changed_at, profiling_changed_by, alignment, computed_at)
            VALUES (@id, @off, @now, 'erasure', NULL, NULL)
            """, new { id, off = false, p.now });

        // Segments: memberships and their history go; member counts follow.
        var segmentIds = (await connection.QueryAsync<long>(new CommandDefinition(
            "SELECT segment_id FROM segment_members WHERE customer_id = @id", p, tx, cancellationToken: ct))).ToList();
        deleted += await Run("DELETE FROM segment_members WHERE customer_id = @id");
        deleted += await Run("DELETE FROM segment_events WHERE customer_id = @id");
        foreach (var segment in segmentIds)
        {
            await Run("UPDATE segments SET member_count = member_count - 1 WHERE id = @segment AND member_count > 0", new { segment });
        }

        scrubbed += await Run("UPDATE stage_changes SET reason = NULL WHERE customer_id = @id AND reason IS NOT NULL");
        deleted += await Run("DELETE FROM stage_overrides WHERE customer_id = @id");
        scrubbed += await Run("UPDATE tasks SET title = @title, notes = NULL, updated_at = @now, version = version + 1 WHERE customer_id = @id",
            new { id, title = ErasedTaskTitle, p.now });
        deleted += await Run("DELETE FROM duplicate_candidates WHERE customer_id_a = @id OR customer_id_b = @id");
        scrubbed += await Run("""
            UPDATE customer_merges SET merged_snapshot = '{}', field_choices = '{}'
            WHERE surviving_customer_id = @id OR merged_customer_id = @id
            """);

        // Logs that copy personal data: webhook payloads, rejected import rows, stored API responses (idempotency).
        var texts = Needles(firstName, lastName, email, phone);
        var idText = id.ToString(CultureInfo.InvariantCulture);
        var webhookPatterns = new List<string>
        {
            $"%\"customerId\":{idText},%", $"%\"customerId\":{idText}}}%", $"%\"survivingId\":{idText},%", $"%\"mergedId\":{idText},%",
        };
        scrubbed += await Run("""
            UPDATE webhook_deliveries SET payload = @erased
            WHERE payload <> @erased AND (payload LIKE @p0 OR payload LIKE @p1 OR payload LIKE @p2 OR payload LIKE @p3
               OR (event_type LIKE 'customer.%' AND (payload LIKE @p4 OR payload LIKE @p5)))
            """, new
        {
            erased = ErasedPayload, p0 = webhookPatterns[0], p1 = webhookPatterns[1], p2 = webhookPatterns[2], p3 = webhookPatterns[3],
            p4 = $"%\"data\":{{\"id\":{idText},%", p5 = $"%\"customer\":{{\"id\":{idText},%",
        });
        scrubbed += await ScrubByTextAsync(Run, "UPDATE webhook_deliveries SET payload = @erased WHERE payload <> @erased AND ({0})", "payload", texts, new { erased = ErasedPayload });
        scrubbed += await ScrubByTextAsync(Run, "UPDATE import_rejects SET raw = '[erased]', reason = '[erased]' WHERE raw <> '[erased]' AND ({0})", "raw", texts, null);
        deleted += await Run("""
            DELETE FROM idempotency_keys
            WHERE path LIKE @exact OR path LIKE @below OR response_body LIKE @owned1 OR response_body LIKE @owned2
            """, new { exact = $"%/customers/{idText}", below = $"%/customers/{idText}/%", owned1 = webhookPatterns[0], owned2 = webhookPatterns[1] });
        deleted += await ScrubByTextAsync(Run, "DELETE FROM idempotency_keys WHERE {0}", "response_body", texts, null);

        // The tombstone: id, country, source and dates stay (aggregates by country and cohort stay right).
        await Run("""
            UPDATE customers SET first_name = NULL, last_name = NULL, email = NULL, email_normalized = NULL, phone = NULL,
                street = NULL, city = NULL, postal_code = NULL, region = NULL, birth_date = NULL, language = NULL,
                company_id = NULL, search_text = '', erased_at = @now, updated_at = @now, version = version + 1
            WHERE id = @id
            """);

        // The consent ledger stays (proof of what was recorded, and the tombstone's state keeps it out of marketing), but
        // loses what identified the person: the IP, the browser and the free-text reference. The ledger's trigger allows
        // exactly this change, and only for an erased customer (migration 0020).
        scrubbed += await Run("""
            UPDATE consent_events SET ip_address = NULL, user_agent = NULL, source_reference = NULL
            WHERE customer_id = @id AND (ip_address IS NOT NULL OR user_agent IS NOT NULL OR source_reference IS NOT NULL)
            """);
        deleted += await Run("DELETE FROM preference_links WHERE customer_id = @id");
        var transactions = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM transactions WHERE customer_id = @id", p, tx, cancellationToken: ct));
        return (deleted, scrubbed, interactions, transactions, segmentIds);
    }

    /// <summary>Texts identifying the person in logs: email, phone, and the full name (first and last both present).</summary>
    private static List<string[]> Needles(string? firstName, string? lastName, string? email, string? phone)
    {
        var needles = new List<string[]>();
        if (!string.IsNullOrWhiteSpace(email))
        {
            needles.Add([email.Trim()]);
        }

        if (!string.IsNullOrWhiteSpace(phone) && phone.Trim().Length >= 5)
        {
            needles.Add([phone.Trim()]);
        }

        if (!string.IsNullOrWhiteSpace(firstName) && !string.IsNullOrWhiteSpace(lastName))
        {
            needles.Add([firstName.Trim(), lastName.Trim()]);
        }

        return needles;
    }

    private static async Task<int> ScrubByTextAsync(Func<string, object?, Task<int>> run, string template, string column, List<string[]> needles, object? extra)
    {
        if (needles.Count == 0)
        {
            return 0;
        }

        var parameters = new DynamicParameters(extra);
        var ors = new List<string>();
        var n = 0;
        foreach (var needle in needles)
        {
            var ands = new List<string>();
            foreach (var part in needle)
            {
                var name = $"t{n++}";
                parameters.Add(name, "%" + part + "%");
                ands.Add($"{column} LIKE @{name}");
            }

            ors.Add("(" + string.Join(" AND ", ands) + ")");
        }

        return await run(string.Format(CultureInfo.InvariantCulture, template, string.Join(" OR ", ors)), parameters);
    }

    /// <summary>
    /// Makes the erased bytes unreadable on disk. SQLite: every connection runs with secure_delete=ON (deleted content is
    /// zeroed in place), and a TRUNCATE checkpoint copies the WAL into the database and empties the WAL file. PostgreSQL:
    /// VACUUM on the touched tables (outside a transaction) removes the dead row versions from the table pages; see
    /// docs/privacy-requests.md for what remains (WAL segments until recycled, backups).
    /// </summary>
    public async Task CleanDiskAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        if (database.IsPostgres)
        {
            await connection.ExecuteAsync(new CommandDefinition("VACUUM " + string.Join(", ", TouchedTables), cancellationToken: ct, commandTimeout: 600));
            return;
        }

        for (var attempt = 0; attempt < 20; attempt++)
        {
            // Returns (busy, wal pages, checkpointed pages): busy = 1 while a reader holds an older snapshot.
            var busy = await connection.QueryFirstAsync<long>(new CommandDefinition("PRAGMA wal_checkpoint(TRUNCATE)", cancellationToken: ct));
            if (busy == 0)
            {
                return;
            }

            await Task.Delay(50 * (attempt + 1), ct);
        }

        LogCheckpointBusy();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Customer {CustomerId} erased (request {RequestId}): {Deleted} rows deleted, {Scrubbed} rows scrubbed in {ElapsedMs} ms")]
    private partial void LogErased(long customerId, long requestId, int deleted, int scrubbed, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "After an erasure the SQLite WAL could not be truncated (readers kept it busy); the next erasure or checkpoint will")]
    private partial void LogCheckpointBusy();
}
