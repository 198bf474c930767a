using System.Data.Common;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Rapport.Data;

namespace Rapport.Webhooks;

/// <summary>
/// Sends due deliveries. Safe with several servers: each instance claims the oldest due rows with one conditional
/// UPDATE … RETURNING that moves their next attempt past the send timeout (only rows still Pending and due are taken),
/// sends them, and records each outcome only if the row is still as it claimed it. A crashed instance's claims fall due again.
/// Redirects are never followed; payloads and secrets are never logged (only ids, status codes and error kinds).
/// </summary>
public sealed class WebhookDispatcher(
    IServiceScopeFactory scopes,
    WebhookOutbox outbox,
    WebhookOptions options,
    TimeProvider clock,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private static readonly TimeSpan CleanupEvery = TimeSpan.FromHours(1);
    private readonly HttpClient _http = CreateClient(options);
    private DateTimeOffset _lastCleanup = DateTimeOffset.MinValue;

    private sealed record Due(long Id, long SubscriptionId, DateTimeOffset NextAttemptAt, int Attempts, string EventId, string EventType, string Payload, string Url, string Secret);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.DispatcherEnabled)
        {
            logger.LogInformation("Webhook dispatcher is off on this instance (Rapport:Webhooks:Dispatcher)");
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var sent = 0;
            try
            {
                sent = await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The database may be down or busy: keep the host up and try again after the poll interval. Only the
                // exception's type is logged; its message could quote a payload or a URL.
                logger.LogError("Webhook dispatcher pass failed ({Error}); retrying", e.GetType().Name);
            }

            if (sent == 0)
            {
                try
                {
                    await outbox.WaitForWorkAsync(options.PollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }

    /// <summary>Sends one batch of due deliveries; returns how many this instance claimed.</summary>
    private async Task<int> RunOnceAsync(CancellationToken ct)
    {
        List<Due> claimed;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RapportDbContext>();
            var database = scope.ServiceProvider.GetRequiredService<RapportDatabase>();
            var now = clock.GetUtcNow();
            var claimUntil = now + options.ClaimDuration;
            await db.Database.OpenConnectionAsync(ct);
            var connection = db.Database.GetDbConnection();

            if (now - _lastCleanup >= CleanupEvery)
            {
                _lastCleanup = now;
                var cutoff = now - options.Retention;
                var removed = await db.WebhookDeliveries
                    .Where(d => d.Status != WebhookDeliveryStatus.Pending && d.CreatedAt < cutoff)
                    .ExecuteDeleteAsync(ct);
                if (removed > 0)
                {
                    logger.LogInformation("Removed {Count} webhook deliveries older than {RetentionDays} days from the log", removed, options.Retention.TotalDays);
                }
            }

            // Queued just before their subscription was disabled: stop them like the disable did for the rest.
            await using (var stop = connection.CreateCommand())
            {
                stop.CommandText =
                    "UPDATE webhook_deliveries SET status = @failed, last_error = @stopped " +
                    "WHERE status = @pending AND next_attempt_at <= @now " +
                    "AND subscription_id IN (SELECT id FROM webhook_subscriptions WHERE active = @inactive)";
                stop.AddParameter("@failed", nameof(WebhookDeliveryStatus.Failed));
                stop.AddParameter("@stopped", WebhookQueries.StoppedDisabled);
                stop.AddParameter("@pending", nameof(WebhookDeliveryStatus.Pending));
                stop.AddParameter("@now", DbValues.Instant(database, now));
                stop.AddParameter("@inactive", false);
                await stop.ExecuteNonQueryAsync(ct);
            }

            // One statement claims the oldest due rows: the outer WHERE is evaluated again on each row as it is updated,
            // so a row another instance claimed meanwhile (next attempt moved past now) is skipped, never sent twice.
            var ids = new List<long>();
            await using (var claim = connection.CreateCommand())
            {
                claim.CommandText =
                    "UPDATE webhook_deliveries SET next_attempt_at = @until " +
                    "WHERE id IN (SELECT d.id FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id " +
                    "WHERE d.status = @pending AND d.next_attempt_at <= @now AND s.active = @active ORDER BY d.next_attempt_at, d.id LIMIT @limit) " +
                    "AND status = @pending AND next_attempt_at <= @now RETURNING id";
                claim.AddParameter("@until", DbValues.Instant(database, claimUntil));
                claim.AddParameter("@pending", nameof(WebhookDeliveryStatus.Pending));
                claim.AddParameter("@now", DbValues.Instant(database, now));
                claim.AddParameter("@active", true);
                claim.AddParameter("@limit", options.Concurrency * 4);
                await using var reader = await claim.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    ids.Add(reader.GetInt64(0));
                }
            }

            if (ids.Count == 0)
            {
                return 0;
            }

            claimed = await (
                    from d in db.WebhookDeliveries.AsNoTracking()
                    join s in db.WebhookSubscriptions.AsNoTracking() on d.SubscriptionId equals s.Id
                    where ids.Contains(d.Id)
                    orderby d.Id
                    select new Due(d.Id, d.SubscriptionId, d.NextAttemptAt, d.Attempts, d.EventId, d.EventType, d.Payload, s.Url, s.Secret))
                .ToListAsync(ct);
        }

        await Parallel.ForEachAsync(claimed, new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = ct }, DeliverAsync);
        return claimed.Count;
    }

    private async ValueTask DeliverAsync(Due d, CancellationToken ct)
    {
        var attemptedAt = clock.GetUtcNow();
        var started = Stopwatch.GetTimestamp();
        var outcome = await SendAsync(d, attemptedAt, ct);
        var durationMs = (int)Math.Min(int.MaxValue, Stopwatch.GetElapsedTime(started).TotalMilliseconds);

        var attempts = d.Attempts + 1;
        var now = clock.GetUtcNow();
        WebhookDeliveryStatus status;
        DateTimeOffset next = now;
        if (outcome.Success)
        {
            status = WebhookDeliveryStatus.Succeeded;
        }
        else if (attempts >= options.MaxAttempts)
        {
            status = WebhookDeliveryStatus.Failed;
        }
        else
        {
            status = WebhookDeliveryStatus.Pending;
            next = now + (outcome.RetryAfter ?? Backoff(attempts));
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RapportDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        var updated = await db.WebhookDeliveries
            .Where(x => x.Id == d.Id && x.Status == WebhookDeliveryStatus.Pending && x.NextAttemptAt == d.NextAttemptAt)
            .ExecuteUpdateAsync(u => u
                .SetProperty(x => x.Status, status)
                .SetProperty(x => x.Attempts, attempts)
                .SetProperty(x => x.NextAttemptAt, next)
                .SetProperty(x => x.LastAttemptAt, attemptedAt)
                .SetProperty(x => x.LastStatusCode, outcome.StatusCode)
                .SetProperty(x => x.LastError, outcome.Error)
                .SetProperty(x => x.DeliveredAt, outcome.Success ? now : null), CancellationToken.None);
        if (updated == 1 || await db.WebhookDeliveries.AnyAsync(x => x.Id == d.Id, CancellationToken.None))
        {
            // Also when the delivery was disabled or replayed meanwhile: the attempt happened and belongs in its log.
            db.WebhookAttempts.Add(new WebhookAttempt
            {
                DeliveryId = d.Id,
                AttemptedAt = attemptedAt,
                StatusCode = outcome.StatusCode,
                DurationMs = durationMs,
                Error = outcome.Error,
            });
            await db.SaveChangesAsync(CancellationToken.None);
        }

        await transaction.CommitAsync(CancellationToken.None);

        if (outcome.Success)
        {
            logger.LogDebug("Webhook delivery {DeliveryId} ({EventType}) to subscription {WebhookId} succeeded with {StatusCode} in {DurationMs} ms",
                d.Id, d.EventType, d.SubscriptionId, outcome.StatusCode, durationMs);
        }
        else if (status == WebhookDeliveryStatus.Failed)
        {
            logger.LogWarning("Webhook delivery {DeliveryId} ({EventType}) to subscription {WebhookId} failed for good after {Attempts} attempts (last: {StatusCode} {Error})",
                d.Id, d.EventType, d.SubscriptionId, attempts, outcome.StatusCode, outcome.Error);
        }
        else
        {
            logger.LogInformation("Webhook delivery {DeliveryId} ({EventType}) to subscription {WebhookId} attempt {Attempt} failed ({StatusCode} {Error}); next attempt at {NextAttemptAt}",
                d.Id, d.EventType, d.SubscriptionId, attempts, outcome.StatusCode, outcome.Error, next);
        }
    }

    private sealed record Outcome(bool Success, int? StatusCode, string? Error, TimeSpan? RetryAfter = null);

    private async Task<Outcome> SendAsync(Due d, DateTimeOffset signedAt, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, d.Url);
        request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(d.Payload));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(WebhookSignature.EventIdHeader, d.EventId);
        request.Headers.TryAddWithoutValidation(WebhookSignature.EventTypeHeader, d.EventType);
        request.Headers.TryAddWithoutValidation(WebhookSignature.Header, WebhookSignature.Create(d.Secret, signedAt, d.Payload));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Timeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var code = (int)response.StatusCode;
            if (code is >= 200 and < 300)
            {
                return new Outcome(true, code, null);
            }

            if (code is >= 300 and < 400)
            {
                return new Outcome(false, code, $"Redirect ({code}) not followed: point the subscription at the final URL.");
            }

            var retryAfter = code is 429 or 503 ? RetryAfter(response.Headers.RetryAfter) : null;
            return new Outcome(false, code, $"The receiver answered {code} {response.ReasonPhrase}".TrimEnd(), retryAfter);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new Outcome(false, null, $"No answer within {options.Timeout.TotalSeconds:0.###} s.");
        }
        catch (HttpRequestException e)
        {
            return new Outcome(false, null, Describe(e));
        }
    }

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header)
    {
        var wait = header?.Delta ?? (header?.Date is { } date ? date - clock.GetUtcNow() : null);
        if (wait is null)
        {
            return null;
        }

        return wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait > options.MaxRetryAfter ? options.MaxRetryAfter : wait;
    }

    /// <summary>The wait after failed attempt number <paramref name="attempts"/>: the schedule's step plus up to <see cref="WebhookOptions.Jitter"/> of it.</summary>
    private TimeSpan Backoff(int attempts)
    {
        var step = options.RetrySchedule[Math.Min(attempts, options.RetrySchedule.Count) - 1];
        return step * (1 + (Random.Shared.NextDouble() * options.Jitter));
    }

    private static string Describe(HttpRequestException e)
    {
        var text = e.InnerException is WebhookAddressRefusedException refused
            ? refused.Message
            : e.HttpRequestError switch
            {
                HttpRequestError.NameResolutionError => "The host name could not be resolved.",
                HttpRequestError.ConnectionError => "Could not connect to the receiver.",
                HttpRequestError.SecureConnectionError => "The TLS handshake failed (certificate or protocol).",
                HttpRequestError.InvalidResponse or HttpRequestError.ResponseEnded => "The receiver's answer was not valid HTTP.",
                _ => $"The request failed ({e.HttpRequestError}).",
            };
        return text.Length <= 1000 ? text : text[..1000];
    }

    private static HttpClient CreateClient(WebhookOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            // The address check below must see the receiver's own addresses, so no proxy.
            UseProxy = false,
            ConnectTimeout = options.Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
        };
        if (!options.AllowPrivateNetworks)
        {
            // Checked on every connection, after DNS: a public name that resolves (or is re-pointed) to a private
            // address is refused here, not only when the subscription was saved.
            handler.ConnectCallback = async (context, ct) =>
            {
                var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct);
                if (addresses.Length == 0 || addresses.Any(a => !WebhookSubscriptionRules.IsPublic(a)))
                {
                    throw new WebhookAddressRefusedException(
                        "Refused: the host resolves to a loopback, private or otherwise non-public address (Rapport:Webhooks:AllowPrivateNetworks).");
                }

                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("Rapport-Webhooks/1");
        return client;
    }
}

/// <summary>The receiver's address is not public and private networks are not allowed.</summary>
public sealed class WebhookAddressRefusedException(string message) : Exception(message);
