using Rapport.Research.Themes;
using Rapport.Values;
using Xunit.Abstractions;

namespace Rapport.Tests.Research.Themes;

/// <summary>
/// The detector against the hand-labelled comments. The floors sit just under what the detector reached when this was
/// written (precision 0.897, recall 0.876, sign agreement 0.780 on all 316 comments), so a regression fails; the issue
/// aims for precision ≥ 0.85 and recall ≥ 0.75.
/// </summary>
public sealed class LabelledSetTests(ITestOutputHelper output)
{
    private static readonly ThemeDetector Detector = new(Taxonomy.Default);

    [Fact]
    public void The_set_has_at_least_300_comments_labelled_with_keys_of_the_default_taxonomy()
    {
        LabelledComments.All.Should().HaveCountGreaterThanOrEqualTo(300);
        var keys = DefaultValues.All.Select(v => v.Key).ToHashSet();
        LabelledComments.All.SelectMany(c => c.Labels.Keys).Should().OnlyContain(k => keys.Contains(k));
        LabelledComments.All.Should().Contain(c => c.Labels.Count == 0, "comments that mention no value measure precision");
        LabelledComments.All.Select(c => c.Text).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void Precision_recall_and_sentiment_signs_on_the_labelled_set()
    {
        var all = LabelledComments.Score(Detector, LabelledComments.All);
        // The vocabulary was extended while reading the misses of the odd rows (1st, 3rd, …) only; the even rows were
        // not looked at for it. They are not fully independent: some comments come in pairs of similar wording.
        var tuned = LabelledComments.Score(Detector, LabelledComments.All.Where(c => c.Row % 2 == 0));
        var heldOut = LabelledComments.Score(Detector, LabelledComments.All.Where(c => c.Row % 2 == 1));
        output.WriteLine($"all {LabelledComments.All.Count} comments: {all}");
        output.WriteLine($"rows read while tuning: {tuned}");
        output.WriteLine($"rows not read while tuning: {heldOut}");

        all.Precision.Should().BeGreaterThanOrEqualTo(0.88);
        all.Recall.Should().BeGreaterThanOrEqualTo(0.86);
        all.SignAgreement.Should().BeGreaterThanOrEqualTo(0.75);
        heldOut.Precision.Should().BeGreaterThanOrEqualTo(0.85);
        heldOut.Recall.Should().BeGreaterThanOrEqualTo(0.75);
    }
}
