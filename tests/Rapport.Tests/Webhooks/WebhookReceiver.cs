using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Rapport.Tests.Webhooks;

/// <summary>A request the receiver got: path, raw body and the headers that matter.</summary>
public sealed record ReceivedWebhook(string Path, string Body, string? ContentType, string? EventId, string? EventType, string? Signature);

/// <summary>What the receiver answers to one request: a status and optional headers (Retry-After, Location).</summary>
public sealed record ReceiverAnswer(int Status, string? RetryAfter = null, string? Location = null);

/// <summary>
/// A real HTTP receiver: Kestrel on 127.0.0.1 with a port the OS picks. Each path answers from its own queue of
/// answers (then 200) and records every request, so tests see exactly what the dispatcher sent and when.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<ReceiverAnswer>> _answers = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private readonly SemaphoreSlim _arrived = new(0);

    private WebhookReceiver(WebApplication app)
    {
        _app = app;
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var path = context.Request.Path.Value ?? "";
            _received.Enqueue(new ReceivedWebhook(
                path,
                body,
                context.Request.ContentType,
                context.Request.Headers["Rapport-Event-Id"].FirstOrDefault(),
                context.Request.Headers["Rapport-Event-Type"].FirstOrDefault(),
                context.Request.Headers["Rapport-Signature"].FirstOrDefault()));
            var answer = _answers.TryGetValue(path, out var queue) && queue.TryDequeue(out var next) ? next : new ReceiverAnswer(200);
            context.Response.StatusCode = answer.Status;
            if (answer.RetryAfter is not null)
            {
                context.Response.Headers.RetryAfter = answer.RetryAfter;
            }

            if (answer.Location is not null)
            {
                context.Response.Headers.Location = answer.Location;
            }

            _arrived.Release();
        });
    }

    public string BaseUrl { get; private set; } = "";

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var receiver = new WebhookReceiver(builder.Build());
        await receiver._app.StartAsync();
        var address = receiver._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.BaseUrl = address.TrimEnd('/');
        return receiver;
    }

    /// <summary>A fresh path on this receiver, answering <paramref name="answers"/> in turn and then 200.</summary>
    public string Url(params ReceiverAnswer[] answers)
    {
        var path = $"/hooks/{Guid.NewGuid():N}";
        _answers[path] = new ConcurrentQueue<ReceiverAnswer>(answers);
        return BaseUrl + path;
    }

    public IReadOnlyList<ReceivedWebhook> At(string url) => [.. _received.Where(r => BaseUrl + r.Path == url)];

    /// <summary>Waits until <paramref name="url"/> has received at least <paramref name="count"/> requests; fails after <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(string url, int count = 1, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (At(url).Count < count)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"{url} received {At(url).Count} requests, expected {count}.");
            }

            await _arrived.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }

        return At(url);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _arrived.Dispose();
    }
}
