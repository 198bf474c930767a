namespace Rapport.Research.Themes;

/// <summary>
/// The English word lists of theme detection: stop words, negators, intensifiers, clause breaks and the sentiment
/// lexicon. Lookups are by lower-case word (negators, intensifiers, breaks, stop words) or by stem (sentiment), so
/// "helpful", "helpfully" and "helpfulness" share one entry.
/// </summary>
public static class Lexicon
{
    /// <summary>
    /// Common English function words. Negators and intensifiers are deliberately NOT here: "not", "never", "very" carry
    /// meaning for sentiment, and are dropped from emergent themes by their own lists.
    /// </summary>
    public static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at", "be",
        "because", "been", "before", "being", "below", "between", "both", "by", "can", "could", "did", "do", "does",
        "doing", "down", "during", "each", "few", "for", "from", "further", "get", "got", "had", "has", "have", "having",
        "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it",
        "its", "itself", "just", "me", "more", "most", "my", "myself", "of", "off", "on", "once", "only", "or", "other",
        "our", "ours", "ourselves", "out", "over", "own", "same", "she", "should", "some", "such", "than", "that", "the",
        "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those", "through", "to",
        "under", "until", "up", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why",
        "will", "with", "would", "you", "your", "yours", "yourself", "yourselves", "also", "every", "one", "ones",
        "it's", "i'm", "i've", "i'd", "i'll", "you're", "you've", "we're", "we've", "they're", "that's", "there's",
        "he's", "she's", "what's", "let's", "im", "ive", "us", "thing", "things", "much", "many", "may", "might", "must",
        "shall", "yet", "still", "even", "ever", "well", "like", "really", "very", "so", "too", "quite", "bit", "lot",
        "lots", "oh", "ok", "okay", "yes", "yeah", "etc", "s", "t", "d", "ll", "re", "ve", "m",
    };

    /// <summary>Words that negate what follows them in the clause ("not cheap", "never had a problem", "without any hassle").</summary>
    public static readonly HashSet<string> Negators = new(StringComparer.Ordinal)
    {
        "not", "no", "never", "without", "nobody", "nothing", "none", "neither", "nor", "cannot", "hardly", "barely",
        "nowhere", "lack", "lacks", "lacking", "dont", "doesnt", "didnt", "isnt", "wasnt", "arent", "werent", "cant",
        "couldnt", "wouldnt", "shouldnt", "wont", "havent", "hasnt", "hadnt", "aint", "nae",
    };

    /// <summary>Negator + next word pairs that do not negate: "not only cheap", "no doubt the best", "nothing but praise".</summary>
    public static readonly HashSet<string> NonNegatingPairs = new(StringComparer.Ordinal)
    {
        "not only", "not just", "no doubt", "no wonder", "nothing but", "no matter", "never mind",
    };

    /// <summary>Multipliers of the next sentiment word within two words ("very rude", "a bit pricey", "too expensive").</summary>
    public static readonly Dictionary<string, double> Intensifiers = new(StringComparer.Ordinal)
    {
        ["very"] = 1.5, ["really"] = 1.3, ["so"] = 1.3, ["extremely"] = 1.7, ["super"] = 1.4, ["incredibly"] = 1.6,
        ["absolutely"] = 1.5, ["totally"] = 1.3, ["truly"] = 1.3, ["highly"] = 1.4, ["too"] = 1.4, ["way"] = 1.3,
        ["most"] = 1.2, ["especially"] = 1.2, ["amazingly"] = 1.5, ["utterly"] = 1.6, ["seriously"] = 1.3,
        ["quite"] = 1.0, ["fairly"] = 0.8, ["rather"] = 0.9, ["somewhat"] = 0.6, ["slightly"] = 0.5, ["bit"] = 0.6,
        ["little"] = 0.7, ["kinda"] = 0.7, ["mostly"] = 0.8,
    };

    /// <summary>
    /// Words that end a clause for sentiment: what comes after "but" is scored on its own ("expensive but the quality
    /// is great"), and weighs more when a value is mentioned on both sides.
    /// </summary>
    public static readonly HashSet<string> ContrastBreaks = new(StringComparer.Ordinal)
    {
        "but", "however", "although", "though", "except", "whereas", "otherwise", "nevertheless", "nonetheless",
    };

    /// <summary>
    /// Prior polarity in −1..1 of words a customer uses to judge something, keyed by stem. Hand-made for shop
    /// comments: "cheap" is mildly positive (about price), "cheaply" negative (about quality); words that are only
    /// topics ("delivery", "packaging") are not here. "care" and "matter" are mildly positive so that "I don't care
    /// about packaging" comes out negative.
    /// </summary>
    public static readonly Dictionary<string, double> Sentiment = BuildSentiment();

    private static Dictionary<string, double> BuildSentiment()
    {
        (double Polarity, string Words)[] groups =
        [
            (0.9, "excellent outstanding superb fantastic amazing brilliant perfect perfectly flawless love loved loves lovely wonderful awesome incredible exceptional best genius gem"),
            (0.7, "great delighted impressed beautiful beautifully delicious fab favourite highlight recommend recommended happy glad pleased proud enjoy enjoyed fun tasty sharp trust trustworthy thank thanks grateful appreciate appreciated kind kindly patient helpful friendly fabulous spotless"),
            (0.5, "good nice fine fresh pleasant clever useful reliable sturdy durable solid consistent consistently quick quickly fast speedy easy easily smooth simple handy efficient prompt comfortable satisfied worth affordable bargain fair honest clean safe respect better fresher tastier lasting brilliant cute stylish elegant generous positive cool"),
            (0.3, "cheap cheaper cheapest care cares matter matters important value like liked likes ok okay decent reasonable special prefer"),
            (-0.3, "hike increase mind plastic waste additive additives palm pesticides preservatives chemicals labour testing wasteful excessive posh gimmick complicated confusing unclear slow late wait waiting waited queue hidden"),
            (-0.5, "expensive pricey problem problems issue issues fault faulty hassle annoying annoyed shame sadly unfortunately disappointed disappointing disappoint disappoints lost missing wrong mistake delay delayed overpriced ridiculous downhill slipped worse declined stale damaged boring worried worries worry unhappy poor mediocre meh lacking difficult hard clunky crash crashed crashing broke broken break breaks split shrank shrunk leak leaking mouldy moldy dismissive cheaply misleading dishonest greedy exploitation unfair apart collapsed struggle bland dirty nightmare useless"),
            (-0.8, "bad terrible awful horrible worst hate hated rude appalling disgusting unacceptable rubbish crap pathetic furious joke scam unfriendly"),
        ];
        var lexicon = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (polarity, words) in groups)
        {
            foreach (var word in words.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                lexicon[EnglishStemmer.Stem(word)] = polarity;
            }
        }

        return lexicon;
    }

    /// <summary>Words whose stem is in <see cref="Sentiment"/> but which carry no opinion as written: "please" (stem of "pleased").</summary>
    public static readonly HashSet<string> NotSentiment = new(StringComparer.Ordinal) { "please", "honestly", "pleasing", "use", "used", "uses", "using", "help", "helping" };

    /// <summary>"too" before a word without a polarity of its own ("too much sugar", "too high") is a complaint by itself.</summary>
    public const double TooMuch = -0.4;

    public static bool IsNegator(string word) => Negators.Contains(word) || word.EndsWith("n't", StringComparison.Ordinal);
}
