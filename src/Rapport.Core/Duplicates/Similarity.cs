using System.Collections.Frozen;
using System.Text;
using Rapport.Common;

namespace Rapport.Duplicates;

/// <summary>
/// String similarity for person matching: Jaro-Winkler on folded text, and a name similarity that ignores the
/// order of the words, common nicknames ("Bob" = "Robert") and initials ("J. Smith" ~ "John Smith").
/// Every function returns a value from 0 (nothing in common) to 1 (the same).
/// </summary>
public static class Similarity
{
    /// <summary>Jaro-Winkler similarity with the usual prefix scale 0.1 over at most 4 characters.</summary>
    public static double JaroWinkler(string a, string b)
    {
        if (a.Length == 0 || b.Length == 0)
        {
            return a.Length == b.Length ? 1 : 0;
        }

        if (string.Equals(a, b, StringComparison.Ordinal))
        {
            return 1;
        }

        var jaro = Jaro(a, b);
        var prefix = 0;
        var max = Math.Min(4, Math.Min(a.Length, b.Length));
        while (prefix < max && a[prefix] == b[prefix])
        {
            prefix++;
        }

        return jaro + (prefix * 0.1 * (1 - jaro));
    }

    private static double Jaro(string a, string b)
    {
        var window = Math.Max(0, (Math.Max(a.Length, b.Length) / 2) - 1);
        Span<bool> matchedA = a.Length <= 256 ? stackalloc bool[a.Length] : new bool[a.Length];
        Span<bool> matchedB = b.Length <= 256 ? stackalloc bool[b.Length] : new bool[b.Length];
        var matches = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var from = Math.Max(0, i - window);
            var to = Math.Min(b.Length - 1, i + window);
            for (var j = from; j <= to; j++)
            {
                if (!matchedB[j] && a[i] == b[j])
                {
                    matchedA[i] = true;
                    matchedB[j] = true;
                    matches++;
                    break;
                }
            }
        }

        if (matches == 0)
        {
            return 0;
        }

        var transpositions = 0;
        var k = 0;
        for (var i = 0; i < a.Length; i++)
        {
            if (!matchedA[i])
            {
                continue;
            }

            while (!matchedB[k])
            {
                k++;
            }

            if (a[i] != b[k])
            {
                transpositions++;
            }

            k++;
        }

        double m = matches;
        return ((m / a.Length) + (m / b.Length) + ((m - (transpositions / 2.0)) / m)) / 3.0;
    }

    /// <summary>
    /// The words of a name, folded (lower case, no accents), without punctuation, nicknames replaced by the
    /// formal name: "Bob  O'Brien-Smith" → ["robert", "obrien", "smith"].
    /// </summary>
    public static string[] NameTokens(string? first, string? last)
    {
        var folded = Validate.Fold($"{first} {last}");
        var sb = new StringBuilder(folded.Length);
        foreach (var c in folded)
        {
            if (char.IsLetterOrDigit(c))
            {
                sb.Append(c);
            }
            else if (c is '\'' or '’' or '.')
            {
                // O'Brien → obrien; "J." → j
            }
            else
            {
                sb.Append(' ');
            }
        }

        var words = sb.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < words.Length; i++)
        {
            if (Nicknames.TryGetValue(words[i], out var formal))
            {
                words[i] = formal;
            }
        }

        return words;
    }

    /// <summary>
    /// How alike two names are, whatever the order of their words: each word of the shorter name is paired with
    /// its best match in the longer one (an initial matches a word it starts; words are also compared by sound, so
    /// Carl ~ Karl and Jonson ~ Johnson). The weakest pairing counts twice, so one shared surname cannot carry two
    /// different first names, and a name with any pairing below <see cref="WordFloor"/> stays below the same-name
    /// threshold. The result is slightly reduced when one name has words the other lacks. Null when either is empty.
    /// </summary>
    public static double? Names(string[] a, string[] b)
    {
        if (a.Length == 0 || b.Length == 0)
        {
            return null;
        }

        var (shorter, longer) = a.Length <= b.Length ? (a, b) : (b, a);
        Span<bool> used = stackalloc bool[Math.Min(longer.Length, 64)];
        var total = 0.0;
        var weakest = 1.0;
        foreach (var word in shorter)
        {
            var best = 0.0;
            var bestIndex = -1;
            for (var j = 0; j < longer.Length && j < used.Length; j++)
            {
                if (used[j])
                {
                    continue;
                }

                var score = Word(word, longer[j]);
                if (score > best)
                {
                    (best, bestIndex) = (score, j);
                }
            }

            if (bestIndex >= 0)
            {
                used[bestIndex] = true;
            }

            total += best;
            weakest = Math.Min(weakest, best);
        }

        var similarity = (total + weakest) / (shorter.Length + 1) * (0.9 + (0.1 * shorter.Length / longer.Length));
        return weakest < WordFloor ? Math.Min(similarity, WordFloor) : similarity;
    }

    /// <summary>Two names are only "the same" when every word of the shorter one has a match at least this good.</summary>
    public const double WordFloor = 0.85;

    private static double Word(string a, string b)
    {
        if (a.Length == 1 || b.Length == 1)
        {
            // An initial stands for any word it begins: "j" ~ "john", but it is weaker evidence than the word itself.
            return a[0] == b[0] ? (a.Length == b.Length ? 1 : 0.9) : 0;
        }

        var written = JaroWinkler(a, b);
        return written == 1 ? 1 : Math.Max(written, JaroWinkler(Sound(a), Sound(b)));
    }

    /// <summary>
    /// A rough spoken form of a folded word, for spelling variants of one name: ph → f, c → k (s before e, i, y),
    /// z → s, y → i, h dropped except as the first letter, doubled letters once: "catherine" and "katherine" → "katerine",
    /// "johnson" → "jonson".
    /// </summary>
    public static string Sound(string word)
    {
        var sb = new StringBuilder(word.Length);
        for (var i = 0; i < word.Length; i++)
        {
            var c = word[i];
            var next = i + 1 < word.Length ? word[i + 1] : '\0';
            char? mapped = c switch
            {
                'p' when next == 'h' => 'f',
                'c' when next is 'e' or 'i' or 'y' => 's',
                'c' or 'q' => 'k',
                'z' => 's',
                'y' => 'i',
                'h' when sb.Length > 0 => null,
                _ => c,
            };
            if (c == 'p' && next == 'h')
            {
                i++;
            }

            if (mapped is { } m && (sb.Length == 0 || sb[^1] != m))
            {
                sb.Append(m);
            }
        }

        return sb.ToString();
    }


    /// <summary>Folded text with every run of non-letters and non-digits as one space, for streets and cities.</summary>
    public static string Words(string? value)
    {
        var folded = Validate.Fold(value);
        var sb = new StringBuilder(folded.Length);
        var space = true;
        foreach (var c in folded)
        {
            if (char.IsLetterOrDigit(c))
            {
                sb.Append(c);
                space = false;
            }
            else if (!space)
            {
                sb.Append(' ');
                space = true;
            }
        }

        return sb.ToString().TrimEnd();
    }

    /// <summary>A street with common words abbreviated the same way: "12 Main Street" and "12 main st." become "12 main st".</summary>
    public static string Street(string? value)
    {
        var words = Words(value).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < words.Length; i++)
        {
            if (StreetWords.TryGetValue(words[i], out var shortForm))
            {
                words[i] = shortForm;
            }
        }

        return string.Join(' ', words);
    }

    /// <summary>Upper-case letters and digits only: "sw1a 1aa" and "SW1A-1AA" are the same postal code.</summary>
    public static string PostalCode(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var sb = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                sb.Append(char.ToUpperInvariant(c));
            }
        }

        return sb.ToString();
    }

    private static readonly FrozenDictionary<string, string> StreetWords = new Dictionary<string, string>
    {
        ["street"] = "st", ["str"] = "st", ["road"] = "rd", ["avenue"] = "ave", ["av"] = "ave", ["boulevard"] = "blvd",
        ["drive"] = "dr", ["lane"] = "ln", ["court"] = "ct", ["place"] = "pl", ["square"] = "sq", ["terrace"] = "ter",
        ["highway"] = "hwy", ["parkway"] = "pkwy", ["circle"] = "cir", ["apartment"] = "apt", ["suite"] = "ste",
        ["north"] = "n", ["south"] = "s", ["east"] = "e", ["west"] = "w", ["strasse"] = "str", ["rue"] = "rue",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Common English, German and French short forms of first names, mapped to one formal name.</summary>
    private static readonly FrozenDictionary<string, string> Nicknames = BuildNicknames();

    private static FrozenDictionary<string, string> BuildNicknames()
    {
        (string Formal, string Short)[] groups =
        [
            ("robert", "bob bobby rob robbie bert"), ("william", "bill billy will willy liam"), ("richard", "rick ricky dick rich"),
            ("james", "jim jimmy jamie"), ("john", "johnny jack"), ("michael", "mike mick mikey"), ("thomas", "tom tommy"),
            ("joseph", "joe joey"), ("charles", "charlie chuck chas"), ("christopher", "chris kit"), ("daniel", "dan danny"),
            ("matthew", "matt"), ("anthony", "tony"), ("andrew", "andy drew"), ("joshua", "josh"), ("david", "dave davy"),
            ("steven", "steve stephen stevie"), ("edward", "ed eddie ted ned"), ("benjamin", "ben benji"), ("samuel", "sam sammy"),
            ("alexander", "alex sasha xander"), ("nicholas", "nick nicky"), ("jonathan", "jon jonny"), ("timothy", "tim timmy"),
            ("patrick", "pat paddy"), ("peter", "pete"), ("gregory", "greg"), ("kenneth", "ken kenny"), ("ronald", "ron ronnie"),
            ("donald", "don donny"), ("raymond", "ray"), ("lawrence", "larry"), ("gerald", "gerry jerry"), ("frederick", "fred freddie"),
            ("henry", "harry hank"), ("theodore", "theo"), ("zachary", "zach zack"), ("elizabeth", "liz lizzie beth betty eliza elisabeth lisa"),
            ("margaret", "maggie meg peggy marge"), ("katherine", "kate katie kathy cathy catherine kathryn kat"), ("jennifer", "jen jenny"),
            ("jessica", "jess jessie"), ("rebecca", "becky becca"), ("susan", "sue susie suzanne"), ("deborah", "debbie deb"),
            ("patricia", "patty trish tricia"), ("victoria", "vicky tori"), ("alexandra", "alexa sandra sandy"), ("christine", "chris christina tina"),
            ("abigail", "abby"), ("samantha", "sam sammie"), ("barbara", "barb babs"), ("dorothy", "dot dottie"), ("kimberly", "kim"),
            ("amanda", "mandy"), ("pamela", "pam"), ("cynthia", "cindy"), ("jacqueline", "jackie"), ("josephine", "jo josie"),
            ("johannes", "hans jo"), ("wolfgang", "wolf"), ("friedrich", "fritz"), ("jean", "jeannot"), ("francois", "franck"),
        ];
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (formal, shortForms) in groups)
        {
            foreach (var nick in shortForms.Split(' '))
            {
                // The first group that names a short form wins ("chris" → christopher, "sam" → samuel).
                map.TryAdd(nick, formal);
            }
        }

        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
