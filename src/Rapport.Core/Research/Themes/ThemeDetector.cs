namespace Rapport.Research.Themes;

/// <summary>One match of a vocabulary phrase in a text: the evidence behind a detected value.</summary>
/// <param name="Start">UTF-16 offset of the phrase in the text.</param>
/// <param name="Length">UTF-16 length of the phrase as written.</param>
/// <param name="Term">The vocabulary entry that matched, as the taxonomy spells it.</param>
/// <param name="Negated">Whether a negator ("not", "never", "don't", "without" …) has the phrase in its scope.</param>
/// <param name="Sentiment">The sentiment of this mention, −1..1.</param>
public sealed record ValueMatch(string Value, int Start, int Length, string Term, bool Negated, double Sentiment);

/// <summary>A value a text mentions, with the sentiment of its mentions together (−1..1) and every match as evidence.</summary>
public sealed record DetectedValue(string Value, double Sentiment, IReadOnlyList<ValueMatch> Evidence);

/// <summary>The values a text mentions, in the order of their first mention.</summary>
public sealed record ThemeDetection(IReadOnlyList<DetectedValue> Values)
{
    public static ThemeDetection None { get; } = new([]);
}

/// <summary>
/// Finds the values of a taxonomy that a text mentions and the sentiment of each mention. Pure and thread-safe: no
/// database, no shared mutable state; one instance per taxonomy. docs/research.md describes the rules and their reasons.
/// </summary>
public sealed class ThemeDetector(Taxonomy taxonomy)
{
    /// <summary>Words on either side of a mention that can carry its sentiment.</summary>
    public const int Window = 6;

    /// <summary>Words after a negator that it negates, within its comma-bounded clause.</summary>
    public const int NegationScope = 4;

    /// <summary>What a negator does to a sentiment word: flips it and damps it ("not good" is milder than "bad").</summary>
    public const double NegationFactor = -0.75;

    /// <summary>The sentiment of a negated mention with no sentiment word near it ("they don't sell organic").</summary>
    public const double NegatedMentionSentiment = -0.3;

    /// <summary>Mentions in a clause after "but" (and similar) weigh this much more in the value's sentiment.</summary>
    public const double AfterContrastWeight = 1.5;

    public Taxonomy Taxonomy { get; } = taxonomy ?? throw new ArgumentNullException(nameof(taxonomy));

    public ThemeDetection Detect(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return ThemeDetection.None;
        }

        var words = Analyse(text);
        if (words.Count == 0)
        {
            return ThemeDetection.None;
        }

        var stems = new string[words.Count];
        var surfaces = new string[words.Count];
        for (var i = 0; i < stems.Length; i++)
        {
            stems[i] = words[i].Stem;
            surfaces[i] = words[i].Surface;
        }

        List<(ValueMatch Match, double Weight)>? matches = null;
        var at = 0;
        while (at < words.Count)
        {
            var (length, entries) = Taxonomy.LongestMatch(stems, surfaces, at, words[at].PartEnd);
            if (length == 0)
            {
                at++;
                continue;
            }

            if (entries.Count > 0)
            {
                var negated = false;
                for (var k = at; k < at + length; k++)
                {
                    negated |= words[k].Negated;
                }

                var sentiment = MentionSentiment(words, at, at + length, negated);
                var start = words[at].Start;
                var end = words[at + length - 1].Start + words[at + length - 1].Length;
                var weight = words[at].AfterContrast ? AfterContrastWeight : 1.0;
                foreach (var entry in entries)
                {
                    (matches ??= []).Add((new ValueMatch(entry.Key, start, end - start, entry.Term, negated, sentiment), weight));
                }
            }

            at += length;
        }

        return matches is null ? ThemeDetection.None : Combine(matches);
    }

    /// <summary>
    /// A value's sentiment: the weighted mean of its mentions that carry a sentiment (a neutral mention next to an
    /// opinion does not water the opinion down); mentions after a contrast ("…, but") weigh more.
    /// </summary>
    private static ThemeDetection Combine(List<(ValueMatch Match, double Weight)> matches)
    {
        var values = new List<DetectedValue>();
        foreach (var group in matches.GroupBy(m => m.Match.Value))
        {
            double sum = 0, weights = 0;
            foreach (var (match, weight) in group)
            {
                if (match.Sentiment != 0)
                {
                    sum += weight * match.Sentiment;
                    weights += weight;
                }
            }

            values.Add(new DetectedValue(group.Key, weights == 0 ? 0 : Math.Clamp(sum / weights, -1, 1), group.Select(m => m.Match).ToList()));
        }

        return new ThemeDetection(values);
    }

    /// <summary>
    /// Sentiment words within <see cref="Window"/> words of the mention, in its comma-bounded part of the clause, each
    /// weighted 1 / (1 + 0.25 · distance); if there are none there, those anywhere in the whole clause (between full
    /// stops or a "but") at half weight. The sum x becomes x / √(x² + 1), so one word never reaches ±1 alone.
    /// </summary>
    private static double MentionSentiment(List<Word> words, int from, int to, bool negated)
    {
        var part = words[from].Part;
        var clause = words[from].Clause;
        double inPart = 0, inClause = 0;
        bool foundInPart = false, foundInClause = false, negatorNear = false;
        var low = from;
        while (low > 0 && words[low - 1].Clause == clause)
        {
            low--;
        }

        var high = to;
        while (high < words.Count && words[high].Clause == clause)
        {
            high++;
        }

        for (var i = low; i < high; i++)
        {
            var word = words[i];
            var inWindow = i >= from - Window && i < to + Window;

            var distance = i < from ? from - i : i >= to ? i - to + 1 : 0;
            if (word.Part == part && inWindow && word.IsNegator)
            {
                negatorNear = true;
            }

            if (word.Score == 0)
            {
                continue;
            }

            var weighted = word.Score / (1 + 0.25 * distance);
            if (word.Part == part && inWindow)
            {
                inPart += weighted;
                foundInPart = true;
            }
            else
            {
                inClause += weighted;
                foundInClause = true;
            }
        }

        double x;
        if (foundInPart)
        {
            x = inPart;
        }
        else if (foundInClause)
        {
            x = 0.5 * inClause;
        }
        else
        {
            // No opinion word: a negated or negation-adjacent mention reads as a lack or as not caring.
            return negated || negatorNear ? NegatedMentionSentiment : 0;
        }

        return x / Math.Sqrt(x * x + 1);
    }

    /// <summary>A word of the text with what detection needs to know about it.</summary>
    private readonly record struct Word(
        int Start,
        int Length,
        string Surface,
        string Stem,
        int Clause,
        int Part,
        int PartEnd,
        bool AfterContrast,
        bool IsNegator,
        bool Negated,
        double Score);

    /// <summary>
    /// Tokens to words: stems, clause numbers (full stops and contrast words), parts (commas too), negation scopes and
    /// each word's sentiment score (prior polarity × the nearest intensifier within two words × the negation factor).
    /// </summary>
    private static List<Word> Analyse(string text)
    {
        var tokens = Tokenizer.Tokenize(text);
        var words = new List<Word>(tokens.Count);
        int clause = 0, part = 0;
        var afterContrast = false;
        var atBoundary = true;
        var negationLeft = 0; // words still in the current negator's scope
        var negating = false; // whether that scope negates (a negator inside a negator's scope cancels it)
        var negator = "";
        double intensity = 1;
        var intensityLeft = 0;
        for (var t = 0; t < tokens.Count; t++)
        {
            var token = tokens[t];
            var lower = token.Text;
            var contrast = token.Kind == TokenKind.Word && words.Count > 0 && Lexicon.ContrastBreaks.Contains(lower);
            if (token.Kind != TokenKind.Word || contrast)
            {
                if (!atBoundary)
                {
                    part++;
                }

                if (token.Kind == TokenKind.Stop || contrast)
                {
                    clause++;
                    afterContrast = contrast;
                }

                atBoundary = true;
                negationLeft = 0;
                negating = false;
                intensityLeft = 0;
                if (!contrast)
                {
                    continue;
                }
            }

            atBoundary = false;
            var stem = EnglishStemmer.Stem(lower);
            if (negationLeft == NegationScope && Lexicon.NonNegatingPairs.Contains(negator + " " + lower))
            {
                negationLeft = 0; // "not only", "no doubt", "nothing but"
                negating = false;
            }

            // "plastic free", "cruelty-free", "gluten free": the word before "free" is negated.
            var negated = (negationLeft > 0 && negating) ^
                (t + 1 < tokens.Count && tokens[t + 1].Kind == TokenKind.Word && tokens[t + 1].Text == "free");
            if (negationLeft > 0)
            {
                negationLeft--;
            }

            var isNegator = Lexicon.IsNegator(lower);
            double score = 0;
            if (isNegator)
            {
                negationLeft = NegationScope;
                negating = !negated;
                negator = lower;
            }
            else if (Lexicon.Intensifiers.TryGetValue(lower, out var factor))
            {
                intensity = factor;
                intensityLeft = 3; // this word and the next two
                if (lower == "too" && !NextHasPolarity(tokens, t))
                {
                    score = Lexicon.TooMuch * (negated ? NegationFactor : 1);
                    intensityLeft = 0;
                }
            }
            else if (!Taxonomy.NonMentionWords.Contains(lower) && !Lexicon.NotSentiment.Contains(lower) &&
                     Lexicon.Sentiment.TryGetValue(stem, out var polarity))
            {
                score = polarity * (intensityLeft > 0 ? intensity : 1) * (negated ? NegationFactor : 1);
                intensityLeft = 0;
            }

            if (intensityLeft > 0)
            {
                intensityLeft--;
            }

            words.Add(new Word(token.Start, token.Length, lower, stem, clause, part, -1, afterContrast, isNegator, negated, score));
        }

        static bool NextHasPolarity(List<Token> tokens, int t) =>
            t + 1 < tokens.Count && tokens[t + 1].Kind == TokenKind.Word &&
            (Lexicon.Sentiment.ContainsKey(EnglishStemmer.Stem(tokens[t + 1].Text)) || Lexicon.Intensifiers.ContainsKey(tokens[t + 1].Text));

        // Each word learns where its part ends: a vocabulary phrase never spans a comma or a full stop.
        var end = words.Count;
        for (var i = words.Count - 1; i >= 0; i--)
        {
            if (i + 1 < words.Count && words[i + 1].Part != words[i].Part)
            {
                end = i + 1;
            }

            words[i] = words[i] with { PartEnd = end };
        }

        return words;
    }
}
