using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Data;
using Rapport.Research.Evidence;

namespace Rapport.Values.Map;

/// <summary>months: how many calendar months (UTC) to list, the current one included; 3–60, default 15.</summary>
public sealed record ValueTrendQuery(int? Months = null);

/// <summary>One value in one month.</summary>
/// <param name="Month">yyyy-MM (UTC).</param>
/// <param name="Mentions">Comments and coded excerpts that month showing the writer cares about the value (signal &gt; 0).</param>
/// <param name="Share">Mentions ÷ all comments and coded excerpts that mention any value that month; null when there were none.</param>
/// <param name="Stated">Stated survey answers on the value that month.</param>
/// <param name="StatedImportance">Their mean, −1..1 read as 0..1; null without answers.</param>
/// <param name="StatedImportant">Of those, answers leaning important (signal &gt; 0).</param>
public sealed record TrendMonth(string Month, int Mentions, double? Share, int Stated, double? StatedImportance, int StatedImportant);

public sealed record ValueTrend(string Key, string Name, IReadOnlyList<TrendMonth> Months);

/// <summary>A change of a value's importance unlikely to be noise (see <see cref="ShiftDetector"/>).</summary>
/// <param name="Signal">mentions (share of comments) or stated (share of survey answers rating it important).</param>
/// <param name="Direction">up or down.</param>
/// <param name="Recent">The share in the last 3 months.</param>
/// <param name="Before">The share in the 12 months before.</param>
/// <param name="P">Two-sided p-value of the single test (before the correction for the number of tests).</param>
/// <param name="Message">The alert in words.</param>
public sealed record ValueShift(
    string Key,
    string Name,
    string Signal,
    string Direction,
    double Recent,
    double Before,
    int RecentCount,
    int RecentTotal,
    int BeforeCount,
    int BeforeTotal,
    double Z,
    double P,
    string Message);

/// <param name="Months">The months listed, oldest first (yyyy-MM, UTC).</param>
/// <param name="Texts">Per month: comments and coded excerpts that mention any value (the denominator of <see cref="TrendMonth.Share"/>).</param>
/// <param name="StatedResponses">Per month: survey responses with stated answers.</param>
/// <param name="RecentFrom">First month of the recent window of shift detection.</param>
/// <param name="BeforeFrom">First month of the window it is compared with.</param>
/// <param name="Tests">Series that had enough data to be tested (the Bonferroni factor).</param>
public sealed record ValueTrends(
    IReadOnlyList<string> Months,
    IReadOnlyList<int> Texts,
    IReadOnlyList<int> StatedResponses,
    IReadOnlyList<ValueTrend> Values,
    IReadOnlyList<ValueShift> Shifts,
    string RecentFrom,
    string BeforeFrom,
    int Tests);

/// <summary>
/// The evolution of priorities (issue 5, part 9): per active value and month, the share of comments mentioning it and
/// the stated importance from surveys, from value_evidence by observed_at; and the shifts between the last 3 months
/// and the 12 before. Evidence recorded against a value later merged counts for the value it went into.
/// </summary>
public sealed class GetValueTrends(RapportDbContext db, TimeProvider clock)
{
    public const int DefaultMonths = ShiftDetector.RecentMonths + ShiftDetector.BeforeMonths;
    public const int MinMonths = 3;
    public const int MaxMonths = 60;

    public async Task<Result<ValueTrends>> HandleAsync(ValueTrendQuery query, CancellationToken ct)
    {
        var shown = query.Months ?? DefaultMonths;
        if (shown is < MinMonths or > MaxMonths)
        {
            return Result<ValueTrends>.Invalid("months", $"Must be from {MinMonths} to {MaxMonths}.");
        }

        var now = clock.GetUtcNow().ToUniversalTime();
        var current = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var read = Math.Max(shown, DefaultMonths);
        var from = current.AddMonths(-(read - 1));
        var months = Enumerable.Range(0, read).Select(i => Key(from.AddMonths(i))).ToList();

        var all = await db.TaxonomyValues.AsNoTracking().Select(v => new { v.Id, v.Key, v.Name, v.Status, v.MergedIntoId }).ToListAsync(ct);
        var byId = all.ToDictionary(v => v.Id);
        long TargetOf(long id)
        {
            var v = byId[id];
            for (var hops = 0; v.MergedIntoId is { } into && hops < 16; hops++)
            {
                v = byId[into];
            }

            return v.Id;
        }

        var active = all.Where(v => v.Status == ValueStatus.Active).OrderBy(v => v.Name, StringComparer.OrdinalIgnoreCase).ToList();
        var month = MapSql.Month(db, "observed_at");
        var parameters = new Dictionary<string, object?>
        {
            ["@from"] = DbValues.Instant(db, from),
            ["@mention"] = nameof(EvidenceKind.Mention),
            ["@coded"] = nameof(EvidenceKind.Coded),
            ["@stated"] = nameof(EvidenceKind.Stated),
        };

        var texts = (await MapSql.QueryAsync(db,
                $"SELECT x.mo, COUNT(*) FROM (SELECT DISTINCT {month} AS mo, source_type, source_id FROM value_evidence WHERE kind IN (@mention, @coded) AND observed_at >= @from) x GROUP BY x.mo",
                parameters, r => (Month: MapSql.Text(r, 0), Count: (int)MapSql.Long(r, 1)), ct))
            .ToDictionary(r => r.Month, r => r.Count);
        var responses = (await MapSql.QueryAsync(db,
                $"SELECT x.mo, COUNT(*) FROM (SELECT DISTINCT {month} AS mo, source_type, source_id FROM value_evidence WHERE kind = @stated AND observed_at >= @from) x GROUP BY x.mo",
                parameters, r => (Month: MapSql.Text(r, 0), Count: (int)MapSql.Long(r, 1)), ct))
            .ToDictionary(r => r.Month, r => r.Count);
        // A text counts once per value. Evidence on a value since merged counts for the value it went into (a text rarely
        // names both: a merge moves the vocabulary, and re-detection then records the target only).
        var mentionRows = await MapSql.QueryAsync(db,
            $"SELECT x.value_id, x.mo, COUNT(*) FROM (SELECT DISTINCT value_id, {month} AS mo, source_type, source_id FROM value_evidence WHERE kind IN (@mention, @coded) AND signal > 0 AND observed_at >= @from) x GROUP BY x.value_id, x.mo",
            parameters, r => (ValueId: MapSql.Long(r, 0), Month: MapSql.Text(r, 1), Count: (int)MapSql.Long(r, 2)), ct);
        var mentions = mentionRows.Where(r => byId.ContainsKey(r.ValueId))
            .GroupBy(r => (ValueId: TargetOf(r.ValueId), r.Month)).ToDictionary(g => g.Key, g => g.Sum(r => r.Count));
        var statedRows = await MapSql.QueryAsync(db,
            $"SELECT value_id, {month} AS mo, COUNT(*), SUM(signal), SUM(CASE WHEN signal > 0 THEN 1 ELSE 0 END) FROM value_evidence WHERE kind = @stated AND observed_at >= @from GROUP BY value_id, {month}",
            parameters, r => (ValueId: MapSql.Long(r, 0), Month: MapSql.Text(r, 1), Count: (int)MapSql.Long(r, 2), Sum: MapSql.Double(r, 3), Important: (int)MapSql.Long(r, 4)), ct);
        var stated = statedRows.Where(r => byId.ContainsKey(r.ValueId))
            .GroupBy(r => (ValueId: TargetOf(r.ValueId), r.Month))
            .ToDictionary(g => g.Key, g => (Count: g.Sum(r => r.Count), Sum: g.Sum(r => r.Sum), Important: g.Sum(r => r.Important)));

        var series = active.Select(v => new ValueTrend(v.Key, v.Name, months.Select(m =>
        {
            var t = texts.GetValueOrDefault(m);
            var n = mentions.GetValueOrDefault((v.Id, m));
            var s = stated.GetValueOrDefault((v.Id, m));
            return new TrendMonth(m, n, t == 0 ? null : Math.Round((double)n / t, 4), s.Count,
                s.Count == 0 ? null : Math.Round((s.Sum / s.Count + 1) / 2, 4), s.Important);
        }).ToList())).ToList();

        // Shift detection over the last 3 months against the 12 before, whatever span is shown.
        var recent = months.TakeLast(ShiftDetector.RecentMonths).ToHashSet(StringComparer.Ordinal);
        var before = months.SkipLast(ShiftDetector.RecentMonths).TakeLast(ShiftDetector.BeforeMonths).ToHashSet(StringComparer.Ordinal);
        int Sum(Dictionary<string, int> perMonth, HashSet<string> window) => window.Sum(m => perMonth.GetValueOrDefault(m));
        var candidates = new List<(ValueTrend Value, string Signal, ShiftTest Test)>();
        foreach (var v in series)
        {
            var inRecent = v.Months.Where(m => recent.Contains(m.Month)).ToList();
            var inBefore = v.Months.Where(m => before.Contains(m.Month)).ToList();
            candidates.Add((v, "mentions", ShiftDetector.Test(
                new Proportion(inRecent.Sum(m => m.Mentions), Sum(texts, recent)),
                new Proportion(inBefore.Sum(m => m.Mentions), Sum(texts, before)))));
            candidates.Add((v, "stated", ShiftDetector.Test(
                new Proportion(inRecent.Sum(m => m.StatedImportant), inRecent.Sum(m => m.Stated)),
                new Proportion(inBefore.Sum(m => m.StatedImportant), inBefore.Sum(m => m.Stated)))));
        }

        var tests = candidates.Count(c => c.Test.Testable);
        var shifts = candidates.Where(c => ShiftDetector.IsShift(c.Test, tests))
            .OrderBy(c => c.Test.P).ThenBy(c => c.Value.Name, StringComparer.OrdinalIgnoreCase)
            .Select(c => Shift(c.Value, c.Signal, c.Test))
            .ToList();

        var listed = months.TakeLast(shown).ToList();
        var first = months.Count - shown;
        return Result<ValueTrends>.Ok(new ValueTrends(
            listed,
            listed.Select(m => texts.GetValueOrDefault(m)).ToList(),
            listed.Select(m => responses.GetValueOrDefault(m)).ToList(),
            series.Select(v => v with { Months = v.Months.Skip(first).ToList() }).ToList(),
            shifts,
            months[^ShiftDetector.RecentMonths],
            months[^(ShiftDetector.RecentMonths + ShiftDetector.BeforeMonths)],
            tests));
    }

    private static string Key(DateTimeOffset month) => month.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private static ValueShift Shift(ValueTrend value, string signal, ShiftTest test)
    {
        var up = test.Z > 0;
        var recent = test.Recent.Share!.Value;
        var before = test.Before.Share!.Value;
        var name = value.Name.ToLowerInvariant();
        var message = signal == "mentions"
            ? $"Customers mention {name} {(up ? "more" : "less")}: {Percent(recent)} of comments in the last {ShiftDetector.RecentMonths} months vs {Percent(before)} before."
            : $"Customers rate {name} as important {(up ? "more" : "less")} often: {Percent(recent)} of survey answers on it in the last {ShiftDetector.RecentMonths} months vs {Percent(before)} before.";
        return new ValueShift(value.Key, value.Name, signal, up ? "up" : "down", Math.Round(recent, 4), Math.Round(before, 4),
            test.Recent.Successes, test.Recent.Trials, test.Before.Successes, test.Before.Trials, Math.Round(test.Z, 2), test.P, message);
    }

    /// <summary>"18 %": whole percent, or one decimal below 10 % ("4.5 %").</summary>
    public static string Percent(double share)
    {
        var p = share * 100;
        return (p < 10 && Math.Round(p) != p ? p.ToString("0.0", CultureInfo.InvariantCulture) : p.ToString("0", CultureInfo.InvariantCulture)) + " %";
    }
}
