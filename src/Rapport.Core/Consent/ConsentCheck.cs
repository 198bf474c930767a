using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Rapport.Common;
using Rapport.Data;
using Rapport.Segments;

namespace Rapport.Consent;

/// <summary>
/// Who may be contacted on a channel for a purpose. <c>SegmentId</c> or <c>CustomerIds</c> (at most
/// <see cref="ConsentCheck.MaxIds"/>) narrow the audience; neither means every customer. <c>IncludeIds</c> returns the
/// contactable customers' ids (ascending).
/// </summary>
public sealed record ConsentCheckRequest(string? Channel, string? Purpose, long? SegmentId = null, IReadOnlyList<long>? CustomerIds = null, bool IncludeIds = false);

/// <summary>Why the others are not contactable; each customer is counted once, under the first reason in this order.</summary>
public sealed record ConsentCheckReasons(long NoAddress, long Suppressed, long Withdrawn, long Denied, long NoConsent);

public sealed record ConsentCheckResult(
    ConsentChannel Channel,
    ConsentPurpose Purpose,
    string Audience,
    long Audienced,
    long Contactable,
    ConsentCheckReasons NotContactable,
    IReadOnlyList<long>? ContactableIds,
    long ElapsedMs);

/// <summary>
/// The consent and suppression check (docs/privacy.md, "The consent check"), for campaigns and the API/CLI. Rules per
/// customer, first match wins: no address for the channel (email; phone for sms and phone; street with city or
/// postal code for post; social needs none we store) → no address; their current email (email channel) or phone
/// (sms, phone) is suppressed → suppressed; the state for channel × purpose is withdrawn or denied → so; granted (on
/// any legal basis: consent, legitimate interest, contract, legal obligation) → contactable; no event → not
/// contactable (no consent), except for profiling, which is on by default (legitimate interest) and needs neither an
/// address nor an unsuppressed one. One range of the covering index of <c>consent_state</c> read into a byte per
/// customer id, then one pass over the audience; suppressed customers come from <c>suppression_matches</c>.
/// </summary>
public sealed class ConsentCheck(RapportDbContext db)
{
    public const int MaxIds = 100_000;

    /// <summary>Up to this largest customer id the state is held in a byte array (64 MB at most), else in a dictionary.</summary>
    private const long DenseIdLimit = 64_000_000;

    public async Task<Result<ConsentCheckResult>> HandleAsync(ConsentCheckRequest request, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (!ConsentWords.TryParse<ConsentChannel>(request.Channel, out var channel))
        {
            errors.Add("channel", $"Must be one of {ConsentWords.List<ConsentChannel>()}.");
        }

        if (!ConsentWords.TryParse<ConsentPurpose>(request.Purpose, out var purpose))
        {
            errors.Add("purpose", $"Must be one of {ConsentWords.List<ConsentPurpose>()}.");
        }

        if (request.SegmentId is not null && request.CustomerIds is not null)
        {
            errors.Add("customerIds", "Give a segment or a list of customers, not both.");
        }

        if (request.CustomerIds is { Count: > MaxIds })
        {
            errors.Add("customerIds", $"At most {MaxIds:N0} ids; use a segment for more.");
        }

        if (errors.Any)
        {
            return errors.ToResult<ConsentCheckResult>();
        }

        if (request.SegmentId is { } segment && !await db.Set<Segment>().AnyAsync(s => s.Id == segment, ct))
        {
            return Result<ConsentCheckResult>.Invalid("segmentId", $"Segment {segment} does not exist.");
        }

        var ids = request.IncludeIds ? new List<long>() : null;
        var result = await RunAsync(channel, purpose, request.SegmentId, request.CustomerIds, ids is null ? null : ids.Add, ct);
        ids?.Sort();
        return Result<ConsentCheckResult>.Ok(result with { ContactableIds = ids });
    }

    /// <summary>The check itself; <paramref name="contactable"/> is called with each contactable customer's id, in the order the audience is read (not sorted).</summary>
    public async Task<ConsentCheckResult> RunAsync(ConsentChannel channel, ConsentPurpose purpose, long? segmentId, IReadOnlyList<long>? customerIds, Action<long>? contactable, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync(ct);
        }

        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        var contact = purpose != ConsentPurpose.Profiling;
        var suppressed = contact ? await SuppressedAsync(connection, transaction, channel, ct) : [];

        // The state for channel × purpose (one range of the covering index), by customer id: a byte per id when the ids
        // are dense enough (they are: identity columns), else a dictionary. 1 granted, 2 denied, 3 withdrawn.
        var maxId = await ScalarAsync(connection, transaction, "SELECT COALESCE(MAX(id), 0) FROM customers", ct);
        var dense = maxId <= DenseIdLimit ? new byte[maxId + 1] : null;
        var sparse = dense is null ? new Dictionary<long, byte>() : null;
        await using (var command = Command(connection, transaction,
            "SELECT customer_id, CAST(CASE status WHEN 'Granted' THEN 1 WHEN 'Denied' THEN 2 ELSE 3 END AS bigint) FROM consent_state WHERE channel = @channel AND purpose = @purpose",
            ("channel", channel.ToString()), ("purpose", purpose.ToString())))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var id = reader.GetInt64(0);
                var status = (byte)reader.GetInt64(1);
                if (dense is not null && id >= 0 && id < dense.Length)
                {
                    dense[id] = status;
                }
                else
                {
                    (sparse ??= [])[id] = status;
                }
            }
        }

        long total = 0, ok = 0, noAddress = 0, suppressedCount = 0, withdrawn = 0, denied = 0, none = 0;
        var address = contact ? AddressSql(channel) : "1";
        var audience = "all customers";
        IEnumerable<(string Sql, (string, object)[] Parameters)> queries;
        if (segmentId is { } segment)
        {
            audience = $"segment {segment}";
            queries = [($"SELECT c.id, CAST({address} AS bigint) FROM segment_members m JOIN customers c ON c.id = m.customer_id WHERE m.segment_id = @segment", [("segment", segment)])];
        }
        else if (customerIds is not null)
        {
            audience = $"{customerIds.Count} customers";
            queries = customerIds.Distinct().Order().Chunk(1000).Select(chunk => (
                $"SELECT c.id, CAST({address} AS bigint) FROM customers c WHERE c.id IN ({string.Join(",", chunk.Select((_, i) => "@p" + i))})",
                chunk.Select((id, i) => ("p" + i, (object)id)).ToArray()));
        }
        else
        {
            queries = [($"SELECT c.id, CAST({address} AS bigint) FROM customers c", [])];
        }

        foreach (var (sql, parameters) in queries)
        {
            await using var command = Command(connection, transaction, sql, parameters);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var id = reader.GetInt64(0);
                total++;
                var status = dense is not null && id >= 0 && id < dense.Length ? dense[id] : sparse is not null && sparse.TryGetValue(id, out var found) ? found : (byte)0;
                if (reader.GetInt64(1) == 0)
                {
                    noAddress++;
                }
                else if (suppressed.Contains(id))
                {
                    suppressedCount++;
                }
                else if (status == 3)
                {
                    withdrawn++;
                }
                else if (status == 2)
                {
                    denied++;
                }
                else if (status == 1 || (status == 0 && !contact))
                {
                    ok++;
                    contactable?.Invoke(id);
                }
                else
                {
                    none++;
                }
            }
        }

        return new ConsentCheckResult(channel, purpose, audience, total, ok, new ConsentCheckReasons(noAddress, suppressedCount, withdrawn, denied, none), null, watch.ElapsedMilliseconds);
    }

    /// <summary>Whether a customer has somewhere to be reached on the channel (as SQL over <c>customers c</c>, 1 or 0).</summary>
    private static string AddressSql(ConsentChannel channel) => channel switch
    {
        // The normalised email is set exactly when the email is, and its index covers a full pass on SQLite.
        ConsentChannel.Email => "CASE WHEN c.email_normalized IS NOT NULL AND c.email_normalized <> '' THEN 1 ELSE 0 END",
        ConsentChannel.Sms or ConsentChannel.Phone => "CASE WHEN c.phone IS NOT NULL AND c.phone <> '' THEN 1 ELSE 0 END",
        ConsentChannel.Post => "CASE WHEN c.street IS NOT NULL AND (c.city IS NOT NULL OR c.postal_code IS NOT NULL) THEN 1 ELSE 0 END",
        _ => "1",
    };

    private static async Task<long> ScalarAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken ct)
    {
        await using var command = Command(connection, transaction, sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<HashSet<long>> SuppressedAsync(DbConnection connection, DbTransaction? transaction, ConsentChannel channel, CancellationToken ct)
    {
        var set = new HashSet<long>();
        var kind = channel switch
        {
            ConsentChannel.Email => SuppressionKind.Email,
            ConsentChannel.Sms or ConsentChannel.Phone => SuppressionKind.Phone,
            _ => (SuppressionKind?)null,
        };
        if (kind is null)
        {
            return set;
        }

        await using var command = Command(connection, transaction, "SELECT customer_id FROM suppression_matches WHERE kind = @kind", ("kind", kind.Value.ToString()));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            set.Add(reader.GetInt64(0));
        }

        return set;
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            command.Parameters.Add(p);
        }

        return command;
    }
}
