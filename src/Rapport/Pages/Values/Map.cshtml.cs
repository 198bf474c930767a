using System.Globalization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Rapport.Analytics;
using Rapport.Common;
using Rapport.Values.Map;

namespace Rapport.Pages.Values;

/// <summary>/values/map: the shared-values map, a ranked table and a chart, by weighting, tag and RFM segment.</summary>
public sealed class MapModel(GetValueMap map, ListMapTags tags) : PageModel
{
    public SharedValueMap? Map { get; private set; }
    public IReadOnlyList<TagCount> Tags { get; private set; } = [];
    public string Weighting { get; private set; } = "none";
    public string? Tag { get; private set; }
    public string? Segment { get; private set; }
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;
    public MapChart? Chart { get; private set; }

    public async Task OnGetAsync(string? weighting, string? tag, string? segment, CancellationToken ct)
    {
        Weighting = string.IsNullOrWhiteSpace(weighting) ? "none" : weighting.Trim().ToLowerInvariant();
        Tag = string.IsNullOrWhiteSpace(tag) ? null : tag.Trim().ToLowerInvariant();
        Segment = string.IsNullOrWhiteSpace(segment) ? null : segment.Trim().ToLowerInvariant();
        Tags = await tags.HandleAsync(ct);
        var result = await map.HandleAsync(new ValueMapQuery(weighting, tag, segment), ct);
        if (result.IsOk)
        {
            Map = result.Value;
            Chart = MapChart.Of(Map!);
        }
        else
        {
            Errors = result.Errors;
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
    }

    public static IReadOnlyList<RfmSegmentDefinition> Segments => RfmSegments.All;

    public static string Importance(double? value) => value is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) : "—";

    public static string PlacementText(string placement) => placement switch
    {
        "shared" => "Shared",
        "opportunity" => "Opportunity",
        "misaligned" => "Misaligned",
        "lowPriority" => "Low priority",
        "unrated" => "Not rated by the business",
        _ => "Too little evidence",
    };

    public static string PlacementHint(string placement) => placement switch
    {
        "shared" => "both hold it: build on it",
        "opportunity" => "customers hold it, the business does not stress it",
        "misaligned" => "the business stresses it, customers care less",
        "lowPriority" => "neither holds it strongly",
        "unrated" => "rate it on the value's page to place it",
        _ => $"fewer than {ValueMapRules.MinRespondents} customers with evidence",
    };

    public static string Badge(string placement) => placement switch
    {
        "shared" => "badge badge-success",
        "opportunity" => "badge badge-accent",
        "misaligned" => "badge badge-warning",
        _ => "badge",
    };
}

/// <summary>A labelled point of the chart, in SVG user units.</summary>
public sealed record MapPoint(string Key, string Name, string Placement, double X, double Y, double LabelX, double LabelY, bool LabelLeft, string Title);

/// <summary>
/// The map's chart, drawn on the server as SVG (no script, no style attribute): x = business importance (ratings 1–5),
/// y = customer importance 0–1, a dashed line at each threshold, one labelled point per placed value.
/// </summary>
public sealed record MapChart(double CustomerLineY, double BusinessLineX, IReadOnlyList<MapPoint> Points)
{
    public const double Width = 640;
    public const double Height = 440;
    public const double Left = 56;
    public const double Right = 24;
    public const double Top = 20;
    public const double Bottom = 52;
    public const double PlotWidth = Width - Left - Right;
    public const double PlotHeight = Height - Top - Bottom;
    private const double LabelGap = 14;

    public static double XOf(double business) => Left + business * PlotWidth;

    public static double YOf(double customers) => Top + (1 - customers) * PlotHeight;

    public static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    public static MapChart? Of(SharedValueMap map)
    {
        var placed = map.Values.Where(v => v.Quadrant is not null).ToList();
        if (placed.Count == 0 || map.CustomerThreshold is not { } threshold)
        {
            return null;
        }

        var points = new List<MapPoint>();
        // Values share five x positions (ratings 1–5): labels in one column are pushed apart vertically, never the points.
        foreach (var column in placed.GroupBy(v => v.BusinessImportance))
        {
            var lastLabel = double.NegativeInfinity;
            foreach (var v in column.OrderByDescending(v => v.CustomerImportance))
            {
                var x = XOf(v.BusinessScore!.Value);
                var y = YOf(v.CustomerImportance!.Value);
                var labelY = Math.Max(y + 4, lastLabel + LabelGap);
                lastLabel = labelY;
                var left = v.BusinessScore >= 0.875;
                points.Add(new MapPoint(v.Key, v.Name, v.Placement, x, y, left ? x - 9 : x + 9, labelY, left,
                    $"{v.Name}: customers {MapModel.Importance(v.CustomerImportance)}, business {v.BusinessImportance} of 5 ({MapModel.PlacementText(v.Placement).ToLowerInvariant()})"));
            }
        }

        // The business line sits between ratings 3 and 4, so that 4 and 5 are clearly on the high side.
        return new MapChart(YOf(threshold), XOf((ValueMapRules.BusinessThreshold + ValueMapRules.BusinessScore(ValueMapRules.BusinessHighRating - 1)) / 2), points);
    }
}
