namespace Rapport.Analytics;

/// <summary>
/// Everything one analytics run computed for the business as a whole, stored as JSON with the run
/// (<see cref="AnalyticsRun.Result"/>) and read by the analytics pages, the dashboard and the API. It holds customer
/// ids, never names or other personal data (pages look names up when they show them).
/// </summary>
public sealed record AnalyticsResult
{
    /// <summary>The day the run treated as today (UTC): the end of calibration and of the RFM window.</summary>
    public required DateOnly AsOf { get; init; }
    public required string Currency { get; init; }
    public required AnalyticsSettings Settings { get; init; }

    /// <summary>Customers with at least one purchase.</summary>
    public required int Customers { get; init; }
    /// <summary>Customers with at least one purchase on a later day than their first.</summary>
    public required int RepeatCustomers { get; init; }
    public required long Transactions { get; init; }
    /// <summary>Purchase days (a customer's transactions of one day are one purchase, as in the models).</summary>
    public required int PurchaseDays { get; init; }
    /// <summary>Revenue in the reporting currency, refunds netted.</summary>
    public required decimal Revenue { get; init; }

    public required ModelSection Models { get; init; }
    public required RfmSection Rfm { get; init; }
    public required BestCustomersSection BestCustomers { get; init; }
    public required RetentionSection Retention { get; init; }

    /// <summary>Predicted value over the horizon, summed over customers.</summary>
    public required ClvSection Clv { get; init; }

    /// <summary>How long each step took, in milliseconds (for the page's footnote and the benchmark).</summary>
    public required IReadOnlyDictionary<string, long> TimingsMs { get; init; }
}

/// <summary>A fitted model as stored: its name, parameters and what the fit says about itself.</summary>
public sealed record StoredFit(
    string Model,
    IReadOnlyDictionary<string, double> Parameters,
    double? LogLikelihood,
    bool Converged,
    int Iterations,
    int Customers,
    int RepeatCustomers,
    IReadOnlyList<StoredWarning> Warnings,
    double FitMs);

public sealed record StoredWarning(string Code, string Message);

/// <summary>One row of the calibration-versus-holdout check: customers grouped by purchases in calibration.</summary>
public sealed record HoldoutRow(string Frequency, int Customers, double ActualMean, double PredictedMean);

/// <param name="Purchase">The fit used for predictions (on every purchase up to <see cref="AnalyticsResult.AsOf"/>); null when it could not be fitted.</param>
/// <param name="Spend">Gamma-Gamma on the repeat buyers; null when it could not be fitted.</param>
/// <param name="Check">The same model fitted on a calibration period and compared with the holdout that followed; null when the history is too short.</param>
/// <param name="Problems">Why a model could not be fitted at all (no repeat buyers, …): shown instead of predictions.</param>
public sealed record ModelSection(
    StoredFit? Purchase,
    StoredFit? Spend,
    HoldoutCheck? Check,
    IReadOnlyList<StoredWarning> Problems,
    double HorizonWeeks);

/// <param name="CalibrationEnd">Last day of calibration; the holdout runs from the next day to <see cref="AnalyticsResult.AsOf"/>.</param>
public sealed record HoldoutCheck(
    DateOnly CalibrationEnd,
    double HoldoutWeeks,
    StoredFit Fit,
    IReadOnlyList<HoldoutRow> Rows,
    double ActualTotal,
    double PredictedTotal);

/// <summary>A segment's size and value in this run.</summary>
public sealed record SegmentSize(string Key, int Customers, decimal Revenue);

/// <summary>The raw values one score stood for in this run, e.g. R 5 = last purchase 0–12 days ago.</summary>
public sealed record ScoreBand(int Score, decimal Min, decimal Max, int Customers);

/// <param name="WindowFirstDay">First day of the RFM window (frequency and monetary value count purchases from then on).</param>
/// <param name="Grid">Customers per cell: <c>Grid[r - 1][fm - 1]</c>.</param>
/// <param name="Lapsed">Customers whose last purchase is before the window: scored 1, 1, 1.</param>
public sealed record RfmSection(
    DateOnly WindowFirstDay,
    int WindowDays,
    int Scored,
    int Lapsed,
    IReadOnlyList<SegmentSize> Segments,
    int[][] Grid,
    IReadOnlyList<ScoreBand> Recency,
    IReadOnlyList<ScoreBand> Frequency,
    IReadOnlyList<ScoreBand> Monetary);

public sealed record CurvePoint(decimal Customers, decimal Value);

/// <param name="Measure">"revenue" or "profit".</param>
public sealed record ParetoSection(
    string Measure,
    int Customers,
    decimal Total,
    decimal NegativeTotal,
    IReadOnlyList<CurvePoint> Curve,
    decimal? CustomerShareFor80Percent,
    decimal? Top20Share,
    decimal? Gini);

public sealed record TopCustomer(long CustomerId, decimal Revenue, int Purchases);

public sealed record CategoryHeavyUsersSection(string Category, int Buyers, decimal TotalQuantity, int HeavyUsers, decimal? HeavyShare, decimal? Threshold,
    IReadOnlyList<long> TopCustomerIds);

/// <param name="Profit">The same curve on gross profit, when product costs are known for some lines; null otherwise.</param>
/// <param name="ProfitCoverage">Share of line revenue whose product cost is known (what the profit curve rests on).</param>
public sealed record BestCustomersSection(
    ParetoSection Revenue,
    ParetoSection? Profit,
    decimal? ProfitCoverage,
    IReadOnlyList<TopCustomer> Top,
    IReadOnlyList<CategoryHeavyUsersSection> HeavyUsers);

public sealed record CohortRow(string Start, int Size, IReadOnlyList<int> Active);

/// <summary>One calendar period's facts (see <see cref="PeriodFacts"/>).</summary>
public sealed record PeriodRow(string Start, int Months, int Active, int New, int PreviousActive, int Retained, int Orders, decimal Revenue);

/// <param name="Months">Cohorts and facts by month, up to the last 36 months.</param>
/// <param name="Quarters">Facts by quarter (for KPIs over quarters).</param>
/// <param name="Years">Facts by year.</param>
public sealed record RetentionSection(
    IReadOnlyList<CohortRow> Cohorts,
    IReadOnlyList<PeriodRow> Months,
    IReadOnlyList<PeriodRow> Quarters,
    IReadOnlyList<PeriodRow> Years);

/// <param name="Customers">Customers with a CLV.</param>
public sealed record ClvSection(int Customers, decimal Total, decimal PredictedRevenue, double ExpectedPurchases, double? MeanPAlive);
