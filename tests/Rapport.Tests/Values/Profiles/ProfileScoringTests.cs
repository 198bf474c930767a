using Rapport.Research.Evidence;
using Rapport.Values;
using Rapport.Values.Profiles;

namespace Rapport.Tests.Values.Profiles;

/// <summary>The scoring model of value profiles, without a database: decay, shrinkage, negative signals, behaviour, merged values, alignment.</summary>
public sealed class ProfileScoringTests
{
    private const int Today = 740_000;
    private const long Quality = 1, Price = 2, Sustainability = 3, Green = 4, Old = 5, GreenerStill = 6;

    private static readonly ValueMap Values = new([
        (Quality, ValueStatus.Active, null),
        (Price, ValueStatus.Active, null),
        (Sustainability, ValueStatus.Active, null),
        (Green, ValueStatus.Merged, Sustainability),
        (GreenerStill, ValueStatus.Merged, Green),
        (Old, ValueStatus.Retired, null),
    ]);

    private static ProfileBuilder Builder(params (long Product, long Value, int Strength)[] tags) =>
        new(Values, new ProductTags(tags, Values), Today);

    private static ProfileScore Only(ProfileBuilder builder) => builder.Build().Should().ContainSingle().Subject;

    [Fact]
    public void Evidence_loses_half_its_weight_every_half_life_and_future_dates_count_as_fresh()
    {
        ProfileScoring.Decay(0, 180).Should().Be(1);
        ProfileScoring.Decay(-30, 180).Should().Be(1);
        ProfileScoring.Decay(180, 180).Should().BeApproximately(0.5, 1e-12);
        ProfileScoring.Decay(360, 180).Should().BeApproximately(0.25, 1e-12);
        ProfileScoring.EvidenceWeight(EvidenceKind.Stated, 365).Should().BeApproximately(1.5, 1e-12);
        ProfileScoring.EvidenceWeight(EvidenceKind.Coded, 0).Should().Be(2);
        ProfileScoring.EvidenceWeight(EvidenceKind.Mention, 180).Should().BeApproximately(0.5, 1e-12);
    }

    [Fact]
    public void One_mention_is_shrunk_towards_the_prior_and_only_plentiful_evidence_nears_one()
    {
        var mention = Builder();
        mention.AddEvidence(10, Quality, EvidenceKind.Mention, 1.0, Today);
        var one = Only(mention);
        one.Score.Should().BeApproximately(2.0 / 3, 1e-9);
        one.Confidence.Should().BeApproximately(0.25, 1e-9);
        one.EvidenceCount.Should().Be(1);

        var stated = Builder();
        stated.AddEvidence(10, Quality, EvidenceKind.Stated, 1.0, Today);
        Only(stated).Score.Should().BeApproximately(0.8, 1e-9);
        Only(stated).Confidence.Should().BeApproximately(0.5, 1e-9);

        var many = Builder();
        for (var i = 0; i < 30; i++)
        {
            many.AddEvidence(10, Quality, EvidenceKind.Stated, 1.0, Today - i);
        }

        var lots = Only(many);
        lots.Score.Should().BeGreaterThan(0.95).And.BeLessThan(1.0);
        lots.Confidence.Should().BeGreaterThan(0.95).And.BeLessThan(1.0);
        lots.EvidenceCount.Should().Be(30);
        lots.LastDay.Should().Be(Today);
    }

    [Fact]
    public void Negative_signals_pull_below_the_prior_and_a_neutral_answer_adds_confidence_only()
    {
        var against = Builder();
        against.AddEvidence(10, Price, EvidenceKind.Stated, -1.0, Today);
        Only(against).Score.Should().BeApproximately(0.2, 1e-9);

        var negated = Builder();
        negated.AddEvidence(10, Price, EvidenceKind.Mention, MentionIndexer.NegatedOnlySignal, Today);
        Only(negated).Score.Should().BeApproximately(1.25 / 3, 1e-9);

        var neutral = Builder();
        neutral.AddEvidence(10, Price, EvidenceKind.Stated, 0.0, Today);
        Only(neutral).Score.Should().BeApproximately(0.5, 1e-12);
        Only(neutral).Confidence.Should().BeApproximately(0.5, 1e-9);

        // A stated "does not care" outweighs a passing mention.
        var mixed = Builder();
        mixed.AddEvidence(10, Price, EvidenceKind.Mention, 1.0, Today);
        mixed.AddEvidence(10, Price, EvidenceKind.Stated, -1.0, Today);
        Only(mixed).Score.Should().BeApproximately(2.0 / 6, 1e-9);
    }

    [Fact]
    public void Old_evidence_counts_less_than_fresh_evidence()
    {
        var fresh = Builder();
        fresh.AddEvidence(10, Quality, EvidenceKind.Stated, 1.0, Today - 10);
        var old = Builder();
        old.AddEvidence(10, Quality, EvidenceKind.Stated, 1.0, Today - 730);
        Only(old).Score.Should().BeLessThan(Only(fresh).Score);
        Only(old).Confidence.Should().BeApproximately(0.75 / 3.75, 1e-3);

        // A fresh "does not care" outweighs an old "cares a lot".
        var changed = Builder();
        changed.AddEvidence(10, Quality, EvidenceKind.Stated, 1.0, Today - 730);
        changed.AddEvidence(10, Quality, EvidenceKind.Stated, -1.0, Today - 5);
        Only(changed).Score.Should().BeLessThan(0.5);
    }

    [Fact]
    public void Evidence_against_a_merged_value_counts_for_its_target_and_retired_values_are_not_scored()
    {
        var builder = Builder();
        builder.AddEvidence(10, Green, EvidenceKind.Stated, 1.0, Today);
        builder.AddEvidence(10, GreenerStill, EvidenceKind.Mention, 1.0, Today);
        builder.AddEvidence(10, Sustainability, EvidenceKind.Mention, 1.0, Today);
        builder.AddEvidence(10, Old, EvidenceKind.Stated, 1.0, Today);
        builder.AddEvidence(11, Old, EvidenceKind.Stated, 1.0, Today);

        var score = Only(builder);
        score.ValueId.Should().Be(Sustainability);
        score.EvidenceCount.Should().Be(3);
        score.Score.Should().BeApproximately((1 + 5.0) / (2 + 5.0), 1e-9);

        Values.TryScoredAs(GreenerStill, out var target).Should().BeTrue();
        target.Should().Be(Sustainability);
        Values.TryScoredAs(Old, out _).Should().BeFalse();
        new ValueMap([(1, ValueStatus.Merged, 2), (2, ValueStatus.Retired, null)]).TryScoredAs(1, out _).Should().BeFalse();
        // A cycle (never written by MergeValue) ends without an answer rather than a hang.
        new ValueMap([(1, ValueStatus.Merged, 2), (2, ValueStatus.Merged, 1)]).TryScoredAs(1, out _).Should().BeFalse();
    }

    [Fact]
    public void Behaviour_is_the_strength_weighted_share_of_spend_and_grows_with_the_number_of_purchases()
    {
        const long beans = 100, mug = 101, cups = 102;
        var builder = Builder((beans, Sustainability, 3), (beans, Quality, 1), (mug, Quality, 3), (GreenerStill, Old, 3));
        // Customer 10: 8 lines, three quarters of the spend on beans.
        for (var i = 0; i < 4; i++)
        {
            builder.AddLine(10, beans, 30, Today);
            builder.AddLine(10, cups, 10, Today);
        }

        builder.AddLine(10, null, 0, Today);
        builder.AddLine(10, mug, -50, Today); // a refund counts for nothing
        // Customer 11: a single line of beans.
        builder.AddLine(11, beans, 30, Today);

        var scores = builder.Build().ToDictionary(s => (s.CustomerId, s.ValueId));
        scores.Keys.Should().BeEquivalentTo([(10L, Sustainability), (10L, Quality), (11L, Sustainability), (11L, Quality)]);
        var lines = 10.0;
        var expected = ProfileScoring.BehaviourMax * (1 - Math.Exp(-lines / ProfileScoring.BehaviourLines)) * 0.75;
        scores[(10, Sustainability)].Weight.Should().BeApproximately(expected, 1e-9);
        scores[(10, Sustainability)].Score.Should().BeApproximately((1 + expected) / (2 + expected), 1e-9);
        scores[(10, Quality)].Weight.Should().BeApproximately(expected / 3, 1e-9);
        scores[(10, Sustainability)].EvidenceCount.Should().Be(4);
        scores[(10, Quality)].EvidenceCount.Should().Be(5);

        // The whole spend of customer 11 is on beans, but one purchase says less than ten.
        scores[(11, Sustainability)].Weight.Should().BeLessThan(scores[(10, Sustainability)].Weight);
        // Behaviour alone never says "does not care" and never reaches the stated answer's confidence.
        scores.Values.Should().OnlyContain(s => s.Score > 0.5 && s.Confidence < 0.5);
        ProfileScoring.BehaviourWeight(0, 0, 0).Should().Be(0);
        ProfileScoring.BehaviourWeight(5, 0, 3).Should().Be(0);
    }

    [Fact]
    public void Customers_with_profiling_off_are_left_out()
    {
        var builder = Builder();
        builder.AddEvidence(10, Quality, EvidenceKind.Stated, 1.0, Today);
        builder.AddEvidence(11, Quality, EvidenceKind.Stated, 1.0, Today);
        builder.Build(new HashSet<long> { 11 }).Select(s => s.CustomerId).Should().Equal(10);
    }

    [Fact]
    public void Alignment_is_the_importance_weighted_mean_with_unscored_values_at_the_prior()
    {
        var importance = new Dictionary<long, int> { [Quality] = 5, [Price] = 1, [Sustainability] = 4 };
        var scores = new Dictionary<long, double> { [Quality] = 0.9, [Price] = 0.1 };
        ProfileScoring.Alignment(importance, v => scores.TryGetValue(v, out var s) ? s : null)
            .Should().BeApproximately((5 * 0.9 + 1 * 0.1 + 4 * 0.5) / 10, 1e-12);
        ProfileScoring.Alignment(new Dictionary<long, int>(), _ => 0.9).Should().BeNull();
        ProfileScoring.ConfidenceWords(0.1).Should().Be("very little evidence");
        ProfileScoring.ConfidenceWords(0.8).Should().Be("strong evidence");
    }
}
