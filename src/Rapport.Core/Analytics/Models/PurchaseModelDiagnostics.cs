namespace Rapport.Analytics.Models;

/// <summary>One line of the calibration-versus-holdout table: customers with the same calibration frequency.</summary>
/// <param name="Frequency">"0", "1", … or "7+" (the last group holds every higher frequency).</param>
/// <param name="ActualPurchases">Mean number of holdout purchases of the group.</param>
/// <param name="PredictedPurchases">Mean of the model's conditional expectation over the holdout length.</param>
public sealed record HoldoutComparison(string Frequency, int Customers, double ActualPurchases, double PredictedPurchases);

/// <summary>How well a fitted purchase model predicts what customers did after calibration.</summary>
public static class PurchaseModelDiagnostics
{
    /// <summary>
    /// Customers grouped by calibration frequency 0 … topGroup − 1 and "topGroup+": mean actual holdout purchases
    /// against the mean predicted purchases in a holdout of that length (the table of FHL 2005, figure 4). Groups
    /// without customers are left out. The summaries must have been built with a holdout.
    /// </summary>
    public static IReadOnlyList<HoldoutComparison> CalibrationVersusHoldout(IPurchaseModel model, IReadOnlyList<RepeatSummary> customers, double holdoutLength, int topGroup = 7)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(topGroup, 1);
        if (!(holdoutLength > 0) || !double.IsFinite(holdoutLength))
        {
            throw new ArgumentOutOfRangeException(nameof(holdoutLength), holdoutLength, "The holdout length must be a positive finite number of periods.");
        }

        var customersIn = new int[topGroup + 1];
        var actual = new double[topGroup + 1];
        var predicted = new double[topGroup + 1];
        foreach (var c in customers)
        {
            var group = Math.Min(c.Frequency, topGroup);
            customersIn[group]++;
            actual[group] += c.HoldoutPurchases;
            predicted[group] += model.ConditionalExpectedPurchases(holdoutLength, c);
        }

        var table = new List<HoldoutComparison>();
        for (var g = 0; g <= topGroup; g++)
        {
            if (customersIn[g] > 0)
            {
                table.Add(new HoldoutComparison(g == topGroup ? $"{g}+" : $"{g}", customersIn[g], actual[g] / customersIn[g], predicted[g] / customersIn[g]));
            }
        }

        return table;
    }
}
