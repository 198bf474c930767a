using Rapport.Research.Evidence;

namespace Rapport.Values.Profiles;

/// <summary>
/// The scoring model of customer value profiles (docs/values.md, "Customer value profiles"), pure and shared by the
/// full recompute, the one-customer recompute and the "why we think so" listing, so that every number shown is the
/// number stored.
/// </summary>
/// <remarks>
/// <para>Each piece of evidence <c>i</c> has a weight <c>e = w(kind) · 2^(−age / halfLife(kind))</c> (age in whole days,
/// never negative) and a signal <c>s</c> in −1..1. A Beta prior with <see cref="PriorStrength"/> κ split evenly
/// (α₀ = β₀ = κ/2, a score of 0.5) is updated as if the piece were <c>e</c> observations of which a share
/// <c>(1 + s)/2</c> say "cares": α += e(1 + s)/2, β += e(1 − s)/2. Behaviour (purchases of tagged products) adds
/// only to α (see <see cref="BehaviourWeight"/>). The score is the posterior mean</para>
/// <code>score = (κ/2 + α) / (κ + α + β)</code>
/// <para>and the confidence grows with the total effective weight W = α + β: <c>confidence = W / (W + K)</c>,
/// <see cref="ConfidenceHalf"/> K. One fresh mention (w 1, s 1) gives 0.667 at confidence 0.25; one fresh
/// stated "5 of 5" (w 3) gives 0.8 at 0.5; a score reaches 1 only in the limit of endless evidence.</para>
/// </remarks>
public static class ProfileScoring
{
    /// <summary>κ: the prior counts as two fresh mentions, one for and one against.</summary>
    public const double PriorStrength = 2.0;

    /// <summary>K: the total weight at which confidence is one half (one fresh stated answer).</summary>
    public const double ConfidenceHalf = 3.0;

    /// <summary>Weight of a fresh piece by kind: what the customer said outright counts three mentions.</summary>
    public const double StatedWeight = 3.0, CodedWeight = 2.0, MentionWeight = 1.0;

    /// <summary>Half-lives in days: stated and coded answers are deliberate and age slowly; mentions and purchases faster.</summary>
    public const double StatedHalfLife = 365, CodedHalfLife = 365, MentionHalfLife = 180, PurchaseHalfLife = 180;

    /// <summary>B: the behaviour weight of a customer whose whole (recent, plentiful) spend is on products that are about the value.</summary>
    public const double BehaviourMax = 2.0;

    /// <summary>n₀: decayed order lines at which behaviour has 1 − 1/e of its full weight (few purchases say little).</summary>
    public const double BehaviourLines = 4.0;

    public static double KindWeight(EvidenceKind kind) => kind switch
    {
        EvidenceKind.Stated => StatedWeight,
        EvidenceKind.Coded => CodedWeight,
        _ => MentionWeight,
    };

    public static double HalfLife(EvidenceKind kind) => kind switch
    {
        EvidenceKind.Stated => StatedHalfLife,
        EvidenceKind.Coded => CodedHalfLife,
        _ => MentionHalfLife,
    };

    /// <summary>2^(−age / halfLife); evidence dated in the future counts as fresh.</summary>
    public static double Decay(int ageDays, double halfLifeDays) => ageDays <= 0 ? 1.0 : Math.Pow(2, -ageDays / halfLifeDays);

    /// <summary>The weight of one piece of value evidence <paramref name="ageDays"/> old.</summary>
    public static double EvidenceWeight(EvidenceKind kind, int ageDays) => KindWeight(kind) * Decay(ageDays, HalfLife(kind));

    /// <summary>
    /// Behaviour's weight for one value: <c>B · (1 − e^(−N / n₀)) · S / T</c>, where T is the customer's decayed
    /// itemised spend, S the decayed spend on products supporting the value times strength / 3 (so S/T is the
    /// strength-weighted share, 0..1) and N the customer's decayed number of order lines. Zero without spend.
    /// </summary>
    public static double BehaviourWeight(double supportingSpend, double totalSpend, double lines)
    {
        if (totalSpend <= 0 || supportingSpend <= 0)
        {
            return 0;
        }

        var share = Math.Min(1.0, supportingSpend / totalSpend);
        return BehaviourMax * (1 - Math.Exp(-lines / BehaviourLines)) * share;
    }

    /// <summary>How much of a line's amount counts for a value its product supports with <paramref name="strength"/> 1..3.</summary>
    public static double StrengthShare(int strength) => Math.Clamp(strength, 1, 3) / 3.0;

    public static double Score(double alpha, double beta) => (PriorStrength / 2 + alpha) / (PriorStrength + alpha + beta);

    public static double Confidence(double weight) => weight <= 0 ? 0 : weight / (weight + ConfidenceHalf);

    /// <summary>Confidence in words, as the pages show it.</summary>
    public static string ConfidenceWords(double confidence) => confidence switch
    {
        < 0.25 => "very little evidence",
        < 0.5 => "some evidence",
        < 0.75 => "good evidence",
        _ => "strong evidence",
    };

    /// <summary>
    /// A customer's alignment with the business: the importance-weighted mean of the customer's scores over the values
    /// the business has rated (newest rating, 1..5), a value without a score counting at the prior 0.5. Null when no
    /// value is rated. 1 = cares most about exactly what the business cares about most.
    /// </summary>
    public static double? Alignment(IReadOnlyDictionary<long, int> importance, Func<long, double?> scoreOf)
    {
        double sum = 0, weights = 0;
        foreach (var (valueId, rating) in importance)
        {
            var w = Math.Clamp(rating, 1, 5);
            sum += w * (scoreOf(valueId) ?? 0.5);
            weights += w;
        }

        return weights > 0 ? sum / weights : null;
    }
}

/// <summary>The running sums of one customer and value: α and β beyond the prior, pieces, newest piece (day number).</summary>
public struct ValueTally
{
    public double Alpha { get; private set; }
    public double Beta { get; private set; }
    public int Count { get; private set; }
    public int LastDay { get; private set; }

    /// <summary>Adds a piece of evidence with weight <paramref name="weight"/> (after decay) and signal −1..1.</summary>
    public void Add(double weight, double signal, int day)
    {
        var s = Math.Clamp(signal, -1, 1);
        Alpha += weight * (1 + s) / 2;
        Beta += weight * (1 - s) / 2;
        Seen(day);
    }

    /// <summary>Adds behaviour's weight (it only ever says "cares").</summary>
    public void AddBehaviour(double weight) => Alpha += weight;

    public void Seen(int day)
    {
        Count++;
        if (Count == 1 || day > LastDay)
        {
            LastDay = day;
        }
    }

    public readonly double Weight => Alpha + Beta;
    public readonly double Score => ProfileScoring.Score(Alpha, Beta);
    public readonly double Confidence => ProfileScoring.Confidence(Weight);
}
