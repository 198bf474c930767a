using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Rapport.Tasks;

/// <summary>
/// Runs <see cref="GeneratePlaybookTasks"/> a minute after start-up and then every hour (wall-clock waits, like
/// <see cref="Common.HourlySweeper"/>, whose "deleted" log line does not fit a generator). <c>Rapport:Tasks:Background</c>
/// = false turns it off (tests run the generator by hand with the test clock).
/// </summary>
public sealed partial class PlaybookTaskWorker(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<PlaybookTaskWorker> logger) : BackgroundService
{
    private static readonly TimeSpan FirstRun = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!configuration.GetValue("Rapport:Tasks:Background", true))
        {
            return;
        }

        var wait = FirstRun;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            wait = Interval;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<GeneratePlaybookTasks>().HandleAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Generating playbook tasks failed; the next round tries again")]
    private partial void LogFailed(Exception e);
}
