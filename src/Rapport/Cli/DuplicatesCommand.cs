using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Rapport.Duplicates;

namespace Rapport.Cli;

/// <summary><c>rapport duplicates detect</c>: the same detection as the review page's button and <c>POST /api/v1/duplicates/detect</c>.</summary>
internal static class DuplicatesCommand
{
    public static Command Create()
    {
        var duplicates = new Command("duplicates", "Find customers that are probably the same person (review and merge them on the Duplicates page).");
        var detect = new Command(
            "detect",
            "Compare all customers and update the list of candidate pairs: new pairs are added, pairs that no longer match are removed, " +
            "dismissed pairs stay dismissed. The last line of stdout is a JSON summary.");
        detect.SetAction(async (_, ct) =>
        {
            await using var services = CliHost.CreateServices();
            await using var scope = await CliHost.StartAsync(services, ct);
            var summary = await scope.ServiceProvider.GetRequiredService<DetectDuplicates>().RunAsync(ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Compared {summary.Customers:N0} customers ({summary.PairsCompared:N0} pairs) in {summary.Elapsed.TotalSeconds:F1} s: " +
                $"{summary.Found:N0} likely duplicate pairs, {summary.Created:N0} new, {summary.Updated:N0} updated, {summary.Removed:N0} no longer matching, " +
                $"{summary.StillDismissed:N0} dismissed before; {summary.Open:N0} open for review."));
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                customers = summary.Customers,
                pairsCompared = summary.PairsCompared,
                found = summary.Found,
                created = summary.Created,
                updated = summary.Updated,
                removed = summary.Removed,
                stillDismissed = summary.StillDismissed,
                open = summary.Open,
                seconds = Math.Round(summary.Elapsed.TotalSeconds, 3),
            }));
            return 0;
        });
        duplicates.Subcommands.Add(detect);
        return duplicates;
    }
}
