using Dapper;
using Microsoft.Extensions.Logging;
using Rapport.Data;

namespace Rapport.Ingestion.Batch;

/// <summary>The request a key was first used for: method, path and the hex SHA-256 of its body.</summary>
public sealed record IdempotentRequest(long ApiKeyId, string Key, string Method, string Path, string RequestHash);

/// <summary>A stored first response, replayed as it was.</summary>
public sealed record StoredResponse(int StatusCode, string? ContentType, string Body);

public enum ClaimOutcome
{
    /// <summary>The key is new (or its earlier use expired): run the request, then <see cref="IdempotencyKeys.CompleteAsync"/> or <see cref="IdempotencyKeys.ReleaseAsync"/>.</summary>
    Claimed,
    /// <summary>The same request finished before: answer with <see cref="IdempotencyClaim.Response"/>.</summary>
    Replay,
    /// <summary>The key was used for a different request (method, path or body).</summary>
    Mismatch,
    /// <summary>The same request is still running.</summary>
    InFlight,
}

public sealed record IdempotencyClaim(ClaimOutcome Outcome, long? RecordId, StoredResponse? Response);

/// <summary>
/// The <c>idempotency_keys</c> table: one row per (API key, key), claimed by an insert that the unique index makes
/// race-free on both providers (<c>ON CONFLICT DO NOTHING</c>), so of two concurrent requests with one key exactly one
/// runs. A row without a status is a request in flight. Keys live 24 hours; an expired row is taken over by the next
/// request with its key and removed by <see cref="IdempotencyKeySweeper"/>.
/// </summary>
public sealed class IdempotencyKeys(RapportDatabase database, TimeProvider clock, ILogger<IdempotencyKeys> logger)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    /// <summary>
    /// A request that has been in flight this long is taken to be lost (the process stopped mid-request) and its key
    /// may be claimed again; far longer than any request can run (the server's request timeout is shorter).
    /// </summary>
    public static readonly TimeSpan Abandoned = TimeSpan.FromMinutes(10);

    public async Task<IdempotencyClaim> ClaimAsync(IdempotentRequest request, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        // Three rounds cover a row that expires or is released between our insert and our read.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var now = clock.GetUtcNow();
            var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                """
                INSERT INTO idempotency_keys (api_key_id, "key", method, path, request_hash, created_at)
                VALUES (@ApiKeyId, @Key, @Method, @Path, @RequestHash, @Now)
                ON CONFLICT (api_key_id, "key") DO NOTHING
                RETURNING id
                """,
                new { request.ApiKeyId, request.Key, request.Method, request.Path, request.RequestHash, Now = DbValues.Instant(database, now) },
                cancellationToken: ct));
            if (id is not null)
            {
                return new IdempotencyClaim(ClaimOutcome.Claimed, id, null);
            }

            var existing = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
                """
                SELECT id AS Id, method AS Method, path AS Path, request_hash AS RequestHash, status_code AS StatusCode,
                       content_type AS ContentType, response_body AS ResponseBody,
                       CASE WHEN created_at < @ExpiredBefore THEN 1 ELSE 0 END AS Expired,
                       CASE WHEN status_code IS NULL AND created_at < @AbandonedBefore THEN 1 ELSE 0 END AS Abandoned
                FROM idempotency_keys WHERE api_key_id = @ApiKeyId AND "key" = @Key
                """,
                new
                {
                    request.ApiKeyId,
                    request.Key,
                    ExpiredBefore = DbValues.Instant(database, now - Lifetime),
                    AbandonedBefore = DbValues.Instant(database, now - Abandoned),
                },
                cancellationToken: ct));
            if (existing is null)
            {
                continue;
            }

            if (existing.Expired == 1 || existing.Abandoned == 1)
            {
                // Only the request that deletes this very row goes on to claim; a concurrent one finds the new row.
                await connection.ExecuteAsync(new CommandDefinition("DELETE FROM idempotency_keys WHERE id = @Id", new { existing.Id }, cancellationToken: ct));
                continue;
            }

            if (existing.Method != request.Method || existing.Path != request.Path || existing.RequestHash != request.RequestHash)
            {
                return new IdempotencyClaim(ClaimOutcome.Mismatch, existing.Id, null);
            }

            return existing.StatusCode is { } status
                ? new IdempotencyClaim(ClaimOutcome.Replay, existing.Id, new StoredResponse(status, existing.ContentType, existing.ResponseBody ?? ""))
                : new IdempotencyClaim(ClaimOutcome.InFlight, existing.Id, null);
        }

        logger.LogWarning("Idempotency key of API key {ApiKeyId} changed hands three times while being claimed", request.ApiKeyId);
        return new IdempotencyClaim(ClaimOutcome.InFlight, null, null);
    }

    /// <summary>Stores the first response of a claimed key.</summary>
    public async Task CompleteAsync(long recordId, StoredResponse response, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE idempotency_keys SET status_code = @StatusCode, content_type = @ContentType, response_body = @Body, completed_at = @Now
            WHERE id = @Id
            """,
            new { Id = recordId, response.StatusCode, response.ContentType, response.Body, Now = DbValues.Instant(database, clock.GetUtcNow()) },
            cancellationToken: ct));
    }

    /// <summary>Gives a claimed key up (the request failed with a 5xx or an exception), so that a retry runs again.</summary>
    public async Task ReleaseAsync(long recordId, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM idempotency_keys WHERE id = @Id AND status_code IS NULL", new { Id = recordId }, cancellationToken: ct));
    }

    /// <summary>Deletes keys older than <see cref="Lifetime"/>; returns how many.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM idempotency_keys WHERE created_at < @Before",
            new { Before = DbValues.Instant(database, clock.GetUtcNow() - Lifetime) },
            cancellationToken: ct));
    }

    // A class with setters rather than a positional record: the providers return different integer widths (SQLite
    // int64, PostgreSQL int32 for the CASE columns), which Dapper converts for properties but not for constructors.
    private sealed class Row
    {
        public long Id { get; set; }
        public string Method { get; set; } = "";
        public string Path { get; set; } = "";
        public string RequestHash { get; set; } = "";
        public int? StatusCode { get; set; }
        public string? ContentType { get; set; }
        public string? ResponseBody { get; set; }
        public int Expired { get; set; }
        public int Abandoned { get; set; }
    }
}
