using Rapport.Imports;

namespace Rapport.Pages.Imports;

/// <summary>How the import pages name kinds and statuses.</summary>
public static class ImportDisplay
{
    public static string Kind(ImportKind kind) => kind switch
    {
        ImportKind.Customers => "Customers",
        ImportKind.Companies => "Companies",
        ImportKind.Transactions => "Orders",
        ImportKind.Interactions => "Interactions",
        ImportKind.Products => "Products",
        _ => kind.ToString(),
    };

    public static string Status(ImportDetail import) => import.Status switch
    {
        ImportStatus.Queued => "queued",
        ImportStatus.Running => $"running, {import.Percent:0}%",
        ImportStatus.Completed => import.DryRun ? "dry run done" : "done",
        ImportStatus.Failed => "failed",
        ImportStatus.Cancelled => "cancelled",
        _ => import.Status.ToString().ToLowerInvariant(),
    };

    public static string StatusClass(ImportStatus status) => status switch
    {
        ImportStatus.Completed => "badge-success",
        ImportStatus.Failed => "badge-danger",
        ImportStatus.Cancelled => "badge-warning",
        _ => "badge-accent",
    };

    public static string Duration(double? seconds)
    {
        if (seconds is null)
        {
            return "—";
        }

        var t = TimeSpan.FromSeconds(Math.Max(0, seconds.Value));
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours} h {t.Minutes} min" : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes} min {t.Seconds} s" : $"{t.Seconds} s";
    }
}
