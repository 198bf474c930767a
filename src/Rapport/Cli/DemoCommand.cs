using System.CommandLine;
using System.Diagnostics;
using Rapport.Analytics;
using Rapport.Demo;

namespace Rapport.Cli;

internal static class DemoCommand
{
    public static Command Create()
    {
        var demo = new Command(
            "demo",
            "Add a believable demo business (products, companies, customers with purchase histories and interactions) to the database. " +
            "The same seed on the same day gives the same data; running it again appends another set of customers.");
        var customers = new Option<int>("--customers")
        {
            Description = $"How many customers ({DemoOptions.MinCustomers:N0} to {DemoOptions.MaxCustomers:N0}); about 10 transactions each on average.",
            DefaultValueFactory = _ => DemoOptions.DefaultCustomers,
        };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => DemoOptions.DefaultSeed };
        demo.Options.Add(customers);
        demo.Options.Add(seed);
        demo.SetAction(async (parse, ct) =>
        {
            var options = new DemoOptions(parse.GetValue(customers), parse.GetValue(seed));
            if (options.Problem is { } problem)
            {
                return CliHost.Fail($"--customers: {problem}");
            }

            await using var services = CliHost.CreateServices();
            await using var scope = await CliHost.StartAsync(services, ct);
            var bar = new ProgressBar(Console.Error, enabled: !Console.IsErrorRedirected);
            var summary = await scope.ServiceProvider.GetRequiredService<DemoGenerator>().GenerateAsync(options, bar, ct);
            bar.Finish();
            Console.WriteLine(summary.Describe());
            // The analytics of the new data are computed by the server's worker (rapport serve), or at once by
            // rapport analytics recompute.
            await scope.ServiceProvider.GetRequiredService<RequestAnalytics>().RequestAsync(AnalyticsTrigger.Import, ct);
            return 0;
        });
        return demo;
    }

    /// <summary>A one-line progress bar on stderr, redrawn at most ten times a second; silent when stderr is not a terminal.</summary>
    private sealed class ProgressBar(TextWriter output, bool enabled) : IProgress<DemoProgress>
    {
        private const int Width = 30;
        private readonly Stopwatch _sinceDraw = Stopwatch.StartNew();
        private readonly Lock _lock = new();
        private bool _drawn;

        public void Report(DemoProgress value)
        {
            if (!enabled)
            {
                return;
            }

            lock (_lock)
            {
                if (value.Stage == "Finishing")
                {
                    // The rest takes a moment; clear the bar so that log lines and the summary start on a clean line.
                    Clear();
                    return;
                }

                if (_drawn && value.Stage == "Customers" && value.Done < value.Total && _sinceDraw.ElapsedMilliseconds < 100)
                {
                    return;
                }

                _sinceDraw.Restart();
                var share = value.Total > 0 ? Math.Clamp((double)value.Done / value.Total, 0, 1) : 0;
                var filled = (int)Math.Round(share * Width);
                var line = value.Stage == "Customers"
                    ? $"[{new string('#', filled)}{new string('.', Width - filled)}] {share,4:P0} {value.Done:N0}/{value.Total:N0} customers"
                    : $"{value.Stage}...";
                output.Write($"\r{line,-80}");
                _drawn = true;
            }
        }

        public void Finish()
        {
            lock (_lock)
            {
                Clear();
            }
        }

        private void Clear()
        {
            if (enabled && _drawn)
            {
                output.Write($"\r{new string(' ', 80)}\r");
                _drawn = false;
            }
        }
    }
}
