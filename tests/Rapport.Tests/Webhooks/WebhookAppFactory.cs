using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Webhooks;

/// <summary>
/// The real host with webhooks aimed at a local receiver: http and loopback allowed, a fast poll, a short retry
/// schedule (30 s, 2 min, 10 min: four attempts in all) driven by the test clock, and every log line captured.
/// </summary>
public sealed class WebhookAppFactory : RapportAppFactory
{
    public CapturedLogs Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Rapport:Webhooks:AllowHttp", "true");
        builder.UseSetting("Rapport:Webhooks:AllowPrivateNetworks", "true");
        builder.UseSetting("Rapport:Webhooks:PollInterval", "50ms");
        builder.UseSetting("Rapport:Webhooks:RetrySchedule", "30s,2m,10m");
        builder.UseSetting("Rapport:Webhooks:Timeout", "3s");
        builder.ConfigureLogging(l => l.AddProvider(Logs).AddFilter<CapturedLogs>(null, LogLevel.Trace));
    }
}

/// <summary>Every log message of the host, formatted, so tests can check that no secret or personal data is written.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
