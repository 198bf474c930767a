using System.Runtime.CompilerServices;
using Rapport.Research.Themes;

namespace Rapport.Tests.Research.Themes;

/// <summary>A comment of the labelled set with its hand-written labels: value key → sign (+1, −1 or 0).</summary>
public sealed record LabelledComment(int Row, string Text, IReadOnlyDictionary<string, int> Labels);

/// <summary>Precision and recall on value mentions (micro-averaged over comment × value) and sentiment-sign agreement.</summary>
public sealed record DetectionScore(int TruePositives, int FalsePositives, int FalseNegatives, int SignsAgreeing)
{
    public double Precision => TruePositives / (double)Math.Max(1, TruePositives + FalsePositives);

    public double Recall => TruePositives / (double)Math.Max(1, TruePositives + FalseNegatives);

    public double SignAgreement => SignsAgreeing / (double)Math.Max(1, TruePositives);

    public override string ToString() =>
        FormattableString.Invariant($"precision {Precision:F3}, recall {Recall:F3}, sentiment sign agreement {SignAgreement:F3} (TP {TruePositives}, FP {FalsePositives}, FN {FalseNegatives})");
}

/// <summary>tests/Rapport.Tests/Research/Data/labelled-comments.tsv, read from the source tree (see its README.md).</summary>
public static class LabelledComments
{
    /// <summary>A sentiment this close to 0 counts as neutral when compared with a "0" label.</summary>
    public const double Neutral = 0.05;

    public static IReadOnlyList<LabelledComment> All { get; } = Load();

    public static string PathOf([CallerFilePath] string sourceFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sourceFile)!, "..", "Data", "labelled-comments.tsv"));

    public static int Sign(double sentiment) => Math.Abs(sentiment) < Neutral ? 0 : Math.Sign(sentiment);

    public static DetectionScore Score(ThemeDetector detector, IEnumerable<LabelledComment> comments)
    {
        int tp = 0, fp = 0, fn = 0, signs = 0;
        foreach (var comment in comments)
        {
            var found = detector.Detect(comment.Text).Values.ToDictionary(v => v.Value, v => v.Sentiment);
            foreach (var (value, sentiment) in found)
            {
                if (comment.Labels.TryGetValue(value, out var sign))
                {
                    tp++;
                    signs += Sign(sentiment) == sign ? 1 : 0;
                }
                else
                {
                    fp++;
                }
            }

            fn += comment.Labels.Keys.Count(k => !found.ContainsKey(k));
        }

        return new DetectionScore(tp, fp, fn, signs);
    }

    private static List<LabelledComment> Load()
    {
        var rows = new List<LabelledComment>();
        foreach (var (line, index) in File.ReadLines(PathOf()).Skip(1).Select((l, i) => (l, i)))
        {
            var columns = line.Split('\t');
            if (columns.Length != 2)
            {
                throw new InvalidDataException($"labelled-comments.tsv row {index + 1}: expected labels<TAB>text.");
            }

            var labels = columns[0].Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split(':'))
                .ToDictionary(l => l[0], l => l[1] switch { "+" => 1, "-" => -1, "0" => 0, _ => throw new InvalidDataException(l[1]) });
            rows.Add(new LabelledComment(index, columns[1], labels));
        }

        return rows;
    }
}
