namespace Rapport.Research.Themes;

/// <summary>A recurring phrase the taxonomy does not cover, proposed for review (accept as a value, add to a value's vocabulary, dismiss).</summary>
/// <param name="Phrase">The phrase as first written (lower case), e.g. "loyalty scheme".</param>
/// <param name="Stems">Its stems: the key under which it was counted, and what a vocabulary entry made from it matches.</param>
/// <param name="Texts">How many of the texts contain it.</param>
/// <param name="BackgroundTexts">How many background texts contain it (0 without a background).</param>
/// <param name="Score">Distinctiveness: Dunning's log-likelihood G² (higher is more distinctive).</param>
/// <param name="Examples">Indexes into the texts of a few that contain it, in input order.</param>
public sealed record EmergentTheme(string Phrase, IReadOnlyList<string> Stems, int Texts, int BackgroundTexts, double Score, IReadOnlyList<int> Examples);

/// <summary>Bounds and thresholds of <see cref="EmergentThemes.Propose"/>.</summary>
public sealed record EmergentThemeOptions
{
    /// <summary>Longest phrase in words (1–3).</summary>
    public int MaxWords { get; init; } = 3;

    /// <summary>A phrase must occur in at least this many texts.</summary>
    public int MinTexts { get; init; } = 3;

    public int Top { get; init; } = 20;

    public int Examples { get; init; } = 3;

    /// <summary>Words read per text; the rest of a very long text is ignored.</summary>
    public int MaxWordsPerText { get; init; } = 2_000;

    /// <summary>Distinct phrases kept while counting; beyond it, phrases seen in one text only are dropped (memory bound).</summary>
    public int MaxDistinctPhrases { get; init; } = 200_000;
}

/// <summary>
/// Emergent themes: distinctive recurring phrases (1–3 consecutive content words, as stems) that no vocabulary entry of
/// the taxonomy covers. A phrase is a run of words between stop words, punctuation, negators, intensifiers and words
/// the taxonomy matched (the RAKE idea: stop words split phrases), so "the loyalty scheme is confusing" yields
/// "loyalty", "scheme", "confusing", "loyalty scheme", "scheme confusing", "loyalty scheme confusing".
/// Counts are of texts, not occurrences: one customer repeating a word is one voice.
/// </summary>
public static class EmergentThemes
{
    /// <summary>
    /// Stems that recur in any shop's comments without being a theme ("buy", "order", "month"): not proposed alone or
    /// only with each other ("keep ordering"), still counted inside longer phrases ("order tracking").
    /// </summary>
    public static readonly IReadOnlySet<string> GenericWords = new HashSet<string>(
        """
        buy bought order use make made look feel know get go went come came see say said think want need tri time day
        week month year two three four five first second shop store product item thing custom customer interview
        interviewer survey note focus group particip someon everyon anyth someth everyth back again alway never keep
        take took give gave find found work ask told tell call
        next last previous current recent usual sent send wrote write left leave explain suggest mention remind reply
        answer email phone message letter meet visit talk chat discuss arrange plan schedul confirm updat follow check
        happen start stop end let put seem help show offer receiv tomorrow today tonight yesterday morning afternoon
        evening night weekend monday tuesday wednesday thursday friday saturday sunday soon later earlier ago usual
        home lot bit kind sort way part place peopl person friend famili colleagu team everyone someone
        interest switch high low long short hand guy within chose choos run major minor spot major usual
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries).Select(EnglishStemmer.Stem),
        StringComparer.Ordinal);

    /// <summary>
    /// The phrases of <paramref name="texts"/> ranked by distinctiveness. With a <paramref name="background"/> (e.g. all
    /// other free text of the business), G² compares the share of texts containing the phrase in both, and only
    /// phrases more frequent in <paramref name="texts"/> are kept. Without one, G² compares the phrase's share with that
    /// of an average phrase of the same length in <paramref name="texts"/>: what recurs far more than usual.
    /// Time and memory are linear in the words read, memory at most <see cref="EmergentThemeOptions.MaxDistinctPhrases"/>.
    /// </summary>
    public static IReadOnlyList<EmergentTheme> Propose(
        IReadOnlyList<string> texts,
        Taxonomy taxonomy,
        IReadOnlyList<string>? background = null,
        EmergentThemeOptions? options = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(taxonomy);
        options ??= new EmergentThemeOptions();
        var maxWords = Math.Clamp(options.MaxWords, 1, 3);
        var detector = new ThemeDetector(taxonomy);
        var counts = new Dictionary<string, Count>(StringComparer.Ordinal);
        var names = Names(texts, options.MaxWordsPerText, ct);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var signatures = new HashSet<string>(StringComparer.Ordinal);
        var phrases = new List<(string Key, string Surface, int Words)>();
        for (var i = 0; i < texts.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            seen.Clear();
            phrases.Clear();
            phrases.AddRange(Phrases(texts[i] ?? "", detector, maxWords, options.MaxWordsPerText, names));
            // The same words again (a note template filled in with other names, a pasted answer) count once: a theme
            // recurs across people, not across copies.
            if (phrases.Count > 0 && !signatures.Add(Signature(texts[i]!, names)))
            {
                continue;
            }

            foreach (var (key, surface, words) in phrases)
            {
                if (!seen.Add(key))
                {
                    continue;
                }

                if (!counts.TryGetValue(key, out var count))
                {
                    if (counts.Count >= options.MaxDistinctPhrases)
                    {
                        Prune(counts);
                    }

                    count = new Count(surface, words);
                    counts.Add(key, count);
                }

                count.Texts++;
                if (count.Examples.Count < options.Examples)
                {
                    count.Examples.Add(i);
                }
            }
        }

        var candidates = counts
            .Where(c => c.Value.Texts >= Math.Max(1, options.MinTexts) && !c.Key.Split(' ').All(GenericWords.Contains))
            .ToList();
        if (candidates.Count == 0)
        {
            return [];
        }

        var scored = background is { Count: > 0 }
            ? AgainstBackground(candidates, texts.Count, background, detector, maxWords, options, ct)
            : AgainstAverage(candidates, counts, texts.Count);
        return WithoutSubsumed(scored)
            .OrderByDescending(t => t.Score)
            .ThenBy(t => t.Phrase, StringComparer.Ordinal)
            .Take(options.Top)
            .ToList();
    }

    private static List<EmergentTheme> AgainstAverage(List<KeyValuePair<string, Count>> candidates, Dictionary<string, Count> counts, int n)
    {
        // The average share of texts of a phrase of each length (1, 2, 3 words), over every phrase counted.
        var average = new double[4];
        for (var words = 1; words <= 3; words++)
        {
            var ofLength = counts.Values.Where(c => c.Words == words).ToList();
            average[words] = ofLength.Count == 0 ? 0 : ofLength.Average(c => c.Texts) / n;
        }

        return candidates
            .Select(c => Theme(c.Key, c.Value, 0, LogLikelihood(c.Value.Texts, n, average[c.Value.Words])))
            .Where(t => t.Score > 0)
            .ToList();
    }

    private static List<EmergentTheme> AgainstBackground(
        List<KeyValuePair<string, Count>> candidates,
        int n,
        IReadOnlyList<string> background,
        ThemeDetector detector,
        int maxWords,
        EmergentThemeOptions options,
        CancellationToken ct)
    {
        // Only the candidates are counted in the background: memory stays bounded by the target's phrases.
        var inBackground = candidates.ToDictionary(c => c.Key, _ => 0, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in background)
        {
            ct.ThrowIfCancellationRequested();
            seen.Clear();
            foreach (var (key, _, _) in Phrases(text ?? "", detector, maxWords, options.MaxWordsPerText, NoNames))
            {
                if (seen.Add(key) && inBackground.TryGetValue(key, out var b))
                {
                    inBackground[key] = b + 1;
                }
            }
        }

        var m = background.Count;
        var themes = new List<EmergentTheme>();
        foreach (var (key, count) in candidates)
        {
            var b = inBackground[key];
            if ((double)count.Texts / n <= (double)b / m)
            {
                continue; // not more frequent here than in the background
            }

            themes.Add(Theme(key, count, b, Dunning(count.Texts, n, b, m)));
        }

        return themes;
    }

    /// <summary>
    /// A shorter phrase inside a longer one found in nearly as many texts (≥ 80 %) says less: "loyalty" and "scheme" go
    /// when "loyalty scheme" is there; "loyalty" stays when it also recurs on its own.
    /// </summary>
    private static IEnumerable<EmergentTheme> WithoutSubsumed(List<EmergentTheme> themes)
    {
        var byKey = themes.ToDictionary(t => string.Join(' ', t.Stems), StringComparer.Ordinal);
        foreach (var theme in themes)
        {
            var key = string.Join(' ', theme.Stems);
            var subsumed = themes.Any(longer => longer.Stems.Count > theme.Stems.Count &&
                                                longer.Texts >= 0.8 * theme.Texts &&
                                                (" " + string.Join(' ', longer.Stems) + " ").Contains(" " + key + " ", StringComparison.Ordinal));
            if (!subsumed && byKey.ContainsKey(key))
            {
                yield return theme;
            }
        }
    }

    private static EmergentTheme Theme(string key, Count count, int background, double score) =>
        new(count.Surface, key.Split(' '), count.Texts, background, Math.Round(score, 3), count.Examples);

    /// <summary>G² of <paramref name="k"/> texts of <paramref name="n"/> against an expected share <paramref name="p"/>; 0 when not above it.</summary>
    private static double LogLikelihood(int k, int n, double p)
    {
        if (p <= 0 || p >= 1 || (double)k / n <= p)
        {
            return 0;
        }

        var g = k * Math.Log(k / (n * p));
        if (k < n)
        {
            g += (n - k) * Math.Log((n - k) / (n * (1 - p)));
        }

        return 2 * g;
    }

    /// <summary>Dunning's G² for a phrase in <paramref name="a"/> of <paramref name="n"/> texts against <paramref name="b"/> of <paramref name="m"/> (Rayson and Garside's form).</summary>
    private static double Dunning(int a, int n, int b, int m)
    {
        var e1 = (double)n * (a + b) / (n + m);
        var e2 = (double)m * (a + b) / (n + m);
        var g = 0.0;
        if (a > 0)
        {
            g += a * Math.Log(a / e1);
        }

        if (b > 0)
        {
            g += b * Math.Log(b / e2);
        }

        return 2 * g;
    }

    private static void Prune(Dictionary<string, Count> counts)
    {
        foreach (var key in counts.Where(c => c.Value.Texts <= 1).Select(c => c.Key).ToList())
        {
            counts.Remove(key);
        }
    }

    /// <summary>The phrases of one text: key (stems joined by spaces), surface (lower case), number of words.</summary>
    private static readonly HashSet<string> NoNames = new(StringComparer.Ordinal);

    /// <summary>Words that are only ever written capitalised in these texts (lower case): names, even at a sentence's start.</summary>
    private static HashSet<string> Names(IReadOnlyList<string> texts, int maxWordsPerText, CancellationToken ct)
    {
        var capitalised = new HashSet<string>(StringComparer.Ordinal);
        var lower = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            ct.ThrowIfCancellationRequested();
            if (string.IsNullOrEmpty(text))
            {
                continue;
            }

            var words = 0;
            foreach (var token in Tokenizer.Tokenize(text))
            {
                if (token.Kind != TokenKind.Word)
                {
                    continue;
                }

                if (++words > maxWordsPerText || capitalised.Count + lower.Count > 1_000_000)
                {
                    break;
                }

                (char.IsUpper(text[token.Start]) ? capitalised : lower).Add(token.Text);
            }
        }

        capitalised.ExceptWith(lower);
        return capitalised;
    }

    private static IEnumerable<(string Key, string Surface, int Words)> Phrases(string text, ThemeDetector detector, int maxWords, int maxWordsPerText, HashSet<string> names)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            yield break;
        }

        var covered = detector.Detect(text).Values.SelectMany(v => v.Evidence).Select(e => (e.Start, End: e.Start + e.Length)).ToList();
        var run = new List<(string Stem, string Surface)>();
        var words = 0;
        var sentenceStart = true;
        foreach (var token in Tokenizer.Tokenize(text))
        {
            if (token.Kind == TokenKind.Word && ++words > maxWordsPerText)
            {
                break;
            }

            // A capitalised word inside a sentence is a name (a person, a product, a place): not a theme, and it breaks
            // phrases. The first word of a sentence is capitalised anyway: it is a name when the texts never write it
            // in lower case ("Sam called about …").
            var name = token.Kind == TokenKind.Word && ((!sentenceStart && char.IsUpper(text[token.Start])) || names.Contains(token.Text));
            sentenceStart = token.Kind == TokenKind.Stop;
            if (token.Kind == TokenKind.Word && !name && IsContent(token) && !covered.Exists(c => token.Start >= c.Start && token.Start < c.End))
            {
                run.Add((EnglishStemmer.Stem(token.Text), token.Text));
                for (var length = 1; length <= Math.Min(maxWords, run.Count); length++)
                {
                    var part = run.GetRange(run.Count - length, length);
                    yield return (string.Join(' ', part.Select(p => p.Stem)), string.Join(' ', part.Select(p => p.Surface)), length);
                }
            }
            else
            {
                run.Clear();
            }
        }
    }

    /// <summary>A text's words in order, lower case, without the names in it: what two copies of a template share.</summary>
    private static string Signature(string text, HashSet<string> names)
    {
        var words = new List<string>();
        var sentenceStart = true;
        foreach (var token in Tokenizer.Tokenize(text))
        {
            if (token.Kind == TokenKind.Word && (sentenceStart || !char.IsUpper(text[token.Start])) && !names.Contains(token.Text))
            {
                words.Add(token.Text);
            }

            sentenceStart = token.Kind == TokenKind.Stop;
        }

        return string.Join(' ', words);
    }

    private static bool IsContent(Token token)
    {
        var word = token.Text;
        // Opinion words ("love", "great") are how people judge a theme, not a theme: they split phrases like stop words.
        if (word.Length < 2 || Lexicon.StopWords.Contains(word) || Lexicon.IsNegator(word) ||
            Lexicon.Intensifiers.ContainsKey(word) || Lexicon.ContrastBreaks.Contains(word) ||
            Lexicon.Sentiment.ContainsKey(EnglishStemmer.Stem(word)))
        {
            return false;
        }

        foreach (var c in word)
        {
            if (!char.IsDigit(c))
            {
                return true;
            }
        }

        return false; // numbers ("10", "2005") are not themes
    }

    private sealed class Count(string surface, int words)
    {
        public string Surface { get; } = surface;

        public int Words { get; } = words;

        public int Texts { get; set; }

        public List<int> Examples { get; } = [];
    }
}
