using System.Globalization;
using System.Runtime.CompilerServices;
using Rapport.Analytics.Models;

namespace Rapport.Tests.Analytics.Models;

/// <summary>
/// The public reference data of shared/data/clv (README there), read from <c>../shared/data/clv</c> beside the
/// repository root. The root is found by walking up from the test binaries, or, when they are built outside the
/// checkout (RAPPORT_BUILD_ROOT), from this source file.
/// </summary>
internal static class ClvData
{
    public static readonly DateOnly CdnowCalibrationEnd = new(1997, 9, 30);
    public static readonly DateOnly CdnowHoldoutEnd = new(1998, 6, 30);

    private static readonly Lazy<RepeatSummaryTable<int>> CdnowTable = new(() =>
        RepeatSummaryBuilder.Build(CdnowPurchases(), new RepeatSummaryOptions(CdnowCalibrationEnd, SummaryPeriod.Week, CdnowHoldoutEnd)));

    public static string Directory { get; } = Locate();

    public static string PathOf(string file) => Path.Combine(Directory, file);

    /// <summary>CDNOW_sample.txt: master_id, sample_id, yyyymmdd, CDs, dollars; the customer is the sample id (1..2357).</summary>
    public static IEnumerable<Purchase<int>> CdnowPurchases() =>
        File.ReadLines(PathOf("CDNOW_sample.txt"))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Where(cells => cells.Length == 5)
            .Select(cells => new Purchase<int>(
                int.Parse(cells[1], CultureInfo.InvariantCulture),
                DateOnly.ParseExact(cells[2], "yyyyMMdd", CultureInfo.InvariantCulture),
                decimal.Parse(cells[4], CultureInfo.InvariantCulture)));

    /// <summary>The 39-week calibration summary built from the raw sample, with the 39-week holdout.</summary>
    public static RepeatSummaryTable<int> Cdnow => CdnowTable.Value;

    /// <summary>cdnow_customers_summary_with_transactions.csv: ID, x, t_x, T, zbar (2 decimals).</summary>
    public static IReadOnlyList<(int Id, RepeatSummary Summary)> PublishedCdnowSummary() =>
        [.. File.ReadLines(PathOf("cdnow_customers_summary_with_transactions.csv")).Skip(1)
            .Select(line => line.Split(','))
            .Select(c => (int.Parse(c[0], CultureInfo.InvariantCulture), new RepeatSummary(
                int.Parse(c[1], CultureInfo.InvariantCulture),
                double.Parse(c[2], CultureInfo.InvariantCulture),
                double.Parse(c[3], CultureInfo.InvariantCulture),
                double.Parse(c[4], CultureInfo.InvariantCulture))))];

    /// <summary>online_retail_invoices.csv: InvoiceNo, InvoiceDate (yyyy-MM-dd), CustomerID, TotalPrice.</summary>
    public static IEnumerable<Purchase<string>> OnlineRetailPurchases() =>
        File.ReadLines(PathOf("online_retail_invoices.csv")).Skip(1)
            .Select(line => line.Split(','))
            .Select(c => new Purchase<string>(c[2], DateOnly.ParseExact(c[1], "yyyy-MM-dd", CultureInfo.InvariantCulture),
                decimal.Parse(c[3], NumberStyles.Float, CultureInfo.InvariantCulture)));

    private static string Locate([CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile) ?? "" })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Rapport.slnx")))
                {
                    var data = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "clv"));
                    if (System.IO.Directory.Exists(data))
                    {
                        return data;
                    }
                }
            }
        }

        throw new InvalidOperationException(
            "The reference data shared/data/clv was not found beside the repository root (see shared/data/clv/README.md).");
    }
}
