using Rapport.Values;

namespace Rapport.Research.Themes;

/// <summary>
/// A value taxonomy compiled for detection: every vocabulary entry tokenised, lower-cased and stemmed exactly as text
/// is, and put in a trie keyed by stems, so matching a text is one left-to-right walk whatever the vocabulary's size.
/// Build it once per taxonomy version and share it: it is immutable and safe to use from many threads.
/// </summary>
public sealed class Taxonomy
{
    /// <summary>
    /// English phrases in which a vocabulary word does not mean the value: "waste of time" is not about the
    /// environment, "deal with" is not a price deal, "brand new" is not innovation. They are matched like vocabulary
    /// (the longest match wins) and mention nothing; a phrase that the taxonomy itself lists keeps the taxonomy's meaning.
    /// </summary>
    public static readonly IReadOnlyList<string> NonMentions =
    [
        "waste of time", "deal with", "dealt with", "dealing with", "deals with", "great deal of",
        "good deal of", "brand new", "new one", "a new one", "like new", "look new", "looks new", "looked new",
        "as new", "new address", "new card", "new account", "new house", "new home", "new year", "new size",
        "green light", "service station", "in the first place", "local time", "at the latest", "latest order",
        "special request", "together with", "easy going", "support note", "support ticket", "nothing special",
    ];

    /// <summary>
    /// Words that share a stem with a vocabulary entry but never mean it, matched as written: "honestly" (a way of
    /// speaking, stem "honest"), "last" ("last month"; stem of "lasts"), "friends" (stem of "friendly"),
    /// "values" (what a person holds, not value for money), "supporting" (local shops, not customer support).
    /// </summary>
    public static readonly IReadOnlySet<string> NonMentionWords = new HashSet<string>(StringComparer.Ordinal)
    {
        "honestly", "last", "friend", "friends", "newly", "generally", "naturally", "specially", "specials", "locally",
        "values", "valued", "supporting", "supported", "supports",
    };

    private readonly Node _root = new();

    private Taxonomy(IReadOnlyList<ValueDefinition> values)
    {
        Values = values;
        foreach (var phrase in NonMentions)
        {
            Add(phrase, null);
        }

        foreach (var value in values)
        {
            foreach (var entry in value.Vocabulary)
            {
                Add(entry, value.Key);
            }
        }
    }

    public IReadOnlyList<ValueDefinition> Values { get; }

    /// <summary>The default taxonomy (<see cref="DefaultValues.All"/>), compiled once.</summary>
    public static Taxonomy Default { get; } = new(DefaultValues.All);

    public static Taxonomy Create(IEnumerable<ValueDefinition> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new Taxonomy(values.ToList());
    }

    /// <summary>The stems of a text or vocabulary entry, the way detection sees it (words only).</summary>
    public static string[] Stems(string phrase) =>
        Tokenizer.Tokenize(phrase).Where(t => t.Kind == TokenKind.Word).Select(t => EnglishStemmer.Stem(t.Text)).ToArray();

    private void Add(string phrase, string? key)
    {
        var stems = Stems(phrase);
        if (stems.Length == 0)
        {
            return;
        }

        var node = _root;
        foreach (var stem in stems)
        {
            node.Next ??= new Dictionary<string, Node>(StringComparer.Ordinal);
            if (!node.Next.TryGetValue(stem, out var next))
            {
                next = new Node();
                node.Next.Add(stem, next);
            }

            node = next;
        }

        node.IsEnd = true;
        if (key is null)
        {
            return;
        }

        // A phrase listed under two values mentions both; one listed twice under a value counts once. Different
        // entries can share stems ("responsive" for service and "responsible" for ethics are both "respons"): each
        // is kept with its last word as written, to tell them apart by the text's word.
        var lastWord = Tokenizer.Tokenize(phrase).Last(t => t.Kind == TokenKind.Word).Text;
        node.Entries ??= [];
        if (!node.Entries.Exists(e => e.Key == key && e.LastWord == lastWord))
        {
            node.Entries.Add(new Entry(key, phrase, lastWord));
        }
    }

    /// <summary>
    /// The longest vocabulary phrase starting at word <paramref name="start"/> of <paramref name="stems"/> (consecutive
    /// words, no boundary between them): its length in words and the value keys it mentions (empty for a non-mention
    /// phrase), or length 0 when none starts there.
    /// </summary>
    internal (int Length, IReadOnlyList<Entry> Entries) LongestMatch(IReadOnlyList<string> stems, IReadOnlyList<string> surfaces, int start, int end)
    {
        var node = _root;
        (int Length, IReadOnlyList<Entry> Entries) best = (0, []);
        for (var i = start; i < end; i++)
        {
            if (node.Next is null || !node.Next.TryGetValue(stems[i], out var next))
            {
                break;
            }

            node = next;
            if (node.IsEnd)
            {
                best = (i - start + 1, node.Entries is null ? [] : Closest(node.Entries, surfaces[i]));
            }
        }

        if (best.Length == 1 && NonMentionWords.Contains(surfaces[start]))
        {
            return (1, []);
        }

        return best;
    }

    /// <summary>
    /// Of entries that share stems, those whose last word is closest to the text's word as written (longest common
    /// prefix): "responsive" is service, "responsibly" ethics. Entries of the same closeness all count.
    /// </summary>
    private static List<Entry> Closest(List<Entry> entries, string word)
    {
        if (entries.Count == 1)
        {
            return entries;
        }

        var best = entries.Max(e => CommonPrefix(e.LastWord, word));
        var keys = new HashSet<string>(StringComparer.Ordinal);
        return entries.Where(e => CommonPrefix(e.LastWord, word) == best && keys.Add(e.Key)).ToList();
    }

    private static int CommonPrefix(string a, string b)
    {
        var n = 0;
        while (n < a.Length && n < b.Length && a[n] == b[n])
        {
            n++;
        }

        return n;
    }

    /// <summary>Whether a stem is part of any vocabulary phrase (emergent themes skip what the taxonomy covers).</summary>
    internal bool Covers(string stem) => _root.Next is { } next && next.ContainsKey(stem);

    /// <summary>A vocabulary entry at the end of its trie path: the value and the phrase as the taxonomy spells it.</summary>
    internal sealed record Entry(string Key, string Term, string LastWord);

    private sealed class Node
    {
        public Dictionary<string, Node>? Next { get; set; }

        public bool IsEnd { get; set; }

        public List<Entry>? Entries { get; set; }
    }
}
