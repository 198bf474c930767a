using Microsoft.AspNetCore.Mvc;
using Rapport.Analytics;

namespace Rapport.Pages.Analytics;

/// <summary>
/// /analytics/rfm: the eleven RFM segments with their definitions and sizes, the R × FM grid, the raw values each score
/// stood for in the latest run, and each segment's customers on request.
/// </summary>
public sealed class RfmModel(GetAnalytics analytics, ListRfmSegmentMembers members, IConfiguration configuration) : AnalyticsPageModel(analytics)
{
    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    /// <summary>The first customers of a segment, highest revenue first (htmx, into the segment's row).</summary>
    public async Task<IActionResult> OnGetMembersAsync(string segment, CancellationToken ct)
    {
        var result = await members.HandleAsync(segment, 50, ct);
        if (!result.IsOk)
        {
            return NotFound();
        }

        return Partial("_SegmentMembers", new SegmentMembersView(RfmSegments.Find(segment)!, Metrics.CustomerMetricsUpdater.ReportingCurrencyOf(configuration), result.Value!));
    }

    public SegmentSize SizeOf(string key) =>
        Result!.Rfm.Segments.FirstOrDefault(s => s.Key == key) ?? new SegmentSize(key, 0, 0m);

    /// <summary>A score's band in words: "0–12 days", "3–5 purchases", "$120.00–$480.00".</summary>
    public string Band(ScoreBand band, string unit) => unit switch
    {
        "days" => band.Min == band.Max ? Display.Plural((long)band.Min, "day") : $"{Display.Number(band.Min)}–{Display.Plural((long)band.Max, "day")}",
        "purchases" => band.Min == band.Max ? Display.Plural((long)band.Min, "purchase") : $"{Display.Number(band.Min)}–{Display.Plural((long)band.Max, "purchase")}",
        _ => band.Min == band.Max ? Display.Money(band.Min, Currency) : $"{Display.Money(band.Min, Currency)} – {Display.Money(band.Max, Currency)}",
    };
}

/// <summary>A segment's first customers, as the RFM page lists them under the segment.</summary>
public sealed record SegmentMembersView(RfmSegmentDefinition Segment, string Currency, IReadOnlyList<SegmentMemberRow> Members);
