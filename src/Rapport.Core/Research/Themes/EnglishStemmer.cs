namespace Rapport.Research.Themes;

/// <summary>
/// The Snowball English ("Porter2") stemmer, written from the published algorithm
/// (snowballstem.org/algorithms/english/stemmer.html). Only words of ASCII letters and apostrophes are stemmed; any
/// other word (accents, other scripts, digits) is returned unchanged, so text in other languages passes through
/// untouched instead of being mangled by English suffix rules.
/// </summary>
public static class EnglishStemmer
{
    private static readonly Dictionary<string, string> Exceptions = new(StringComparer.Ordinal)
    {
        ["skis"] = "ski", ["skies"] = "sky", ["dying"] = "die", ["lying"] = "lie", ["tying"] = "tie",
        ["idly"] = "idl", ["gently"] = "gentl", ["ugly"] = "ugli", ["early"] = "earli", ["only"] = "onli",
        ["singly"] = "singl", ["sky"] = "sky", ["news"] = "news", ["howe"] = "howe", ["atlas"] = "atlas",
        ["cosmos"] = "cosmos", ["bias"] = "bias", ["andes"] = "andes",
    };

    private static readonly HashSet<string> AfterStep1A = new(StringComparer.Ordinal)
    {
        "inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed",
    };

    /// <summary>The stem of a lower-case word. Words that are not lower-case ASCII letters (and apostrophes) come back as they are.</summary>
    public static string Stem(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (word.Length <= 2 || word.Length > 64 || !IsAsciiWord(word))
        {
            return word;
        }

        if (Exceptions.TryGetValue(word, out var exception))
        {
            return exception;
        }

        var w = new Word(word.StartsWith('\'') ? word[1..] : word);
        if (w.Length <= 2)
        {
            return w.ToString();
        }

        w.MarkConsonantYs();
        var r1 = w.R1();
        var r2 = w.RegionAfter(r1);
        Step0(w);
        if (Step1A(w))
        {
            return w.ToString();
        }

        if (AfterStep1A.Contains(w.ToString()))
        {
            return w.ToString();
        }

        Step1B(w, r1);
        Step1C(w);
        Step2(w, r1);
        Step3(w, r1, r2);
        Step4(w, r2);
        Step5(w, r1, r2);
        return w.ToString().Replace('Y', 'y');
    }

    private static bool IsAsciiWord(string word)
    {
        var letters = 0;
        foreach (var c in word)
        {
            if (c is >= 'a' and <= 'z')
            {
                letters++;
            }
            else if (c != '\'')
            {
                return false;
            }
        }

        return letters > 0;
    }

    private static void Step0(Word w)
    {
        if (!w.RemoveSuffix("'s'") && !w.RemoveSuffix("'s"))
        {
            w.RemoveSuffix("'");
        }
    }

    /// <summary>Returns true when the word is one of the forms that stop here (e.g. "ies" words of length 4).</summary>
    private static bool Step1A(Word w)
    {
        if (w.EndsWith("sses"))
        {
            w.Truncate(2);
        }
        else if (w.EndsWith("ied") || w.EndsWith("ies"))
        {
            w.Truncate(w.Length > 4 ? 2 : 1);
        }
        else if (w.EndsWith("us") || w.EndsWith("ss"))
        {
            // unchanged
        }
        else if (w.EndsWith("s"))
        {
            // Delete the s if the part before it contains a vowel not immediately before the s ("gas" stays, "gaps" → "gap").
            for (var i = 0; i < w.Length - 2; i++)
            {
                if (w.IsVowel(i))
                {
                    w.Truncate(1);
                    break;
                }
            }
        }

        return false;
    }

    private static void Step1B(Word w, int r1)
    {
        if (w.EndsWith("eedly") || w.EndsWith("eed"))
        {
            var suffix = w.EndsWith("eedly") ? 5 : 3;
            if (w.Length - suffix >= r1)
            {
                w.Truncate(suffix - 2); // → "ee"
            }

            return;
        }

        string[] suffixes = ["ingly", "edly", "ing", "ed"];
        foreach (var suffix in suffixes)
        {
            if (!w.EndsWith(suffix))
            {
                continue;
            }

            var stemLength = w.Length - suffix.Length;
            if (!w.HasVowelBefore(stemLength))
            {
                return;
            }

            w.Truncate(suffix.Length);
            if (w.EndsWith("at") || w.EndsWith("bl") || w.EndsWith("iz"))
            {
                w.Append('e');
            }
            else if (w.EndsWithDouble())
            {
                w.Truncate(1);
            }
            else if (w.IsShort())
            {
                w.Append('e');
            }

            return;
        }
    }

    private static void Step1C(Word w)
    {
        if (w.Length > 2 && (w[^1] is 'y' or 'Y') && !w.IsVowel(w.Length - 2))
        {
            w[^1] = 'i';
        }
    }

    private static readonly (string Suffix, string Replacement)[] Step2Rules =
    [
        ("ization", "ize"), ("ational", "ate"), ("fulness", "ful"), ("ousness", "ous"), ("iveness", "ive"),
        ("tional", "tion"), ("biliti", "ble"), ("lessli", "less"), ("entli", "ent"), ("ation", "ate"), ("alism", "al"),
        ("aliti", "al"), ("ousli", "ous"), ("iviti", "ive"), ("fulli", "ful"), ("enci", "ence"), ("anci", "ance"),
        ("abli", "able"), ("izer", "ize"), ("ator", "ate"), ("alli", "al"), ("bli", "ble"), ("ogi", "og"), ("li", ""),
    ];

    private static void Step2(Word w, int r1)
    {
        foreach (var (suffix, replacement) in Step2Rules)
        {
            if (!w.EndsWith(suffix))
            {
                continue;
            }

            // The longest matching suffix decides, even when its condition then fails.
            if (w.Length - suffix.Length < r1)
            {
                return;
            }

            if (suffix == "ogi" && (w.Length < 4 || w[w.Length - 4] != 'l'))
            {
                return;
            }

            if (suffix == "li" && (w.Length < 3 || !"cdeghkmnrt".Contains(w[w.Length - 3], StringComparison.Ordinal)))
            {
                return;
            }

            w.Replace(suffix.Length, replacement);
            return;
        }
    }

    private static readonly (string Suffix, string Replacement)[] Step3Rules =
    [
        ("ational", "ate"), ("tional", "tion"), ("alize", "al"), ("icate", "ic"), ("iciti", "ic"), ("ative", ""),
        ("ical", "ic"), ("ness", ""), ("ful", ""),
    ];

    private static void Step3(Word w, int r1, int r2)
    {
        foreach (var (suffix, replacement) in Step3Rules)
        {
            if (!w.EndsWith(suffix))
            {
                continue;
            }

            var start = w.Length - suffix.Length;
            if (start < r1 || (suffix == "ative" && start < r2))
            {
                return;
            }

            w.Replace(suffix.Length, replacement);
            return;
        }
    }

    private static readonly string[] Step4Suffixes =
    [
        "ement", "ance", "ence", "able", "ible", "ment", "ant", "ent", "ism", "ate", "iti", "ous", "ive", "ize", "ion",
        "al", "er", "ic",
    ];

    private static void Step4(Word w, int r2)
    {
        // Longest suffix first: "ement" before "ment" before "ent".
        foreach (var suffix in Step4Suffixes)
        {
            if (!w.EndsWith(suffix))
            {
                continue;
            }

            var start = w.Length - suffix.Length;
            if (start < r2)
            {
                return;
            }

            if (suffix == "ion" && (start == 0 || w[start - 1] is not ('s' or 't')))
            {
                return;
            }

            w.Truncate(suffix.Length);
            return;
        }
    }

    private static void Step5(Word w, int r1, int r2)
    {
        if (w.EndsWith("e"))
        {
            var start = w.Length - 1;
            if (start >= r2 || (start >= r1 && !w.EndsInShortSyllable(start)))
            {
                w.Truncate(1);
            }
        }
        else if (w.EndsWith("ll") && w.Length - 1 >= r2)
        {
            w.Truncate(1);
        }
    }

    /// <summary>A small mutable buffer; the stemmer's steps edit the end of the word.</summary>
    private sealed class Word(string text)
    {
        private readonly System.Text.StringBuilder _chars = new(text);

        public int Length => _chars.Length;

        public char this[int index]
        {
            get => _chars[index];
            set => _chars[index] = value;
        }

        public char this[Index index]
        {
            get => _chars[index.GetOffset(_chars.Length)];
            set => _chars[index.GetOffset(_chars.Length)] = value;
        }

        public override string ToString() => _chars.ToString();

        public bool IsVowel(int i) => _chars[i] is 'a' or 'e' or 'i' or 'o' or 'u' or 'y';

        public void MarkConsonantYs()
        {
            for (var i = 0; i < _chars.Length; i++)
            {
                if (_chars[i] == 'y' && (i == 0 || IsVowel(i - 1)))
                {
                    _chars[i] = 'Y';
                }
            }
        }

        public int R1()
        {
            var s = _chars.ToString();
            foreach (var prefix in (string[])["gener", "commun", "arsen"])
            {
                if (s.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return prefix.Length;
                }
            }

            return RegionAfter(0);
        }

        /// <summary>The start of the region after the first non-vowel that follows a vowel, at or after <paramref name="from"/>.</summary>
        public int RegionAfter(int from)
        {
            for (var i = from + 1; i < _chars.Length; i++)
            {
                if (!IsVowel(i) && IsVowel(i - 1))
                {
                    return i + 1;
                }
            }

            return _chars.Length;
        }

        public bool EndsWith(string suffix)
        {
            if (suffix.Length > _chars.Length)
            {
                return false;
            }

            var offset = _chars.Length - suffix.Length;
            for (var i = 0; i < suffix.Length; i++)
            {
                if (_chars[offset + i] != suffix[i])
                {
                    return false;
                }
            }

            return true;
        }

        public bool RemoveSuffix(string suffix)
        {
            if (!EndsWith(suffix))
            {
                return false;
            }

            Truncate(suffix.Length);
            return true;
        }

        public void Truncate(int count) => _chars.Length -= count;

        public void Append(char c) => _chars.Append(c);

        public void Replace(int suffixLength, string replacement)
        {
            Truncate(suffixLength);
            _chars.Append(replacement);
        }

        public bool HasVowelBefore(int end)
        {
            for (var i = 0; i < end; i++)
            {
                if (IsVowel(i))
                {
                    return true;
                }
            }

            return false;
        }

        public bool EndsWithDouble() =>
            _chars.Length >= 2 && _chars[^1] == _chars[^2] && _chars[^1] is 'b' or 'd' or 'f' or 'g' or 'm' or 'n' or 'p' or 'r' or 't';

        /// <summary>A short word: it ends in a short syllable and R1 is empty.</summary>
        public bool IsShort() => EndsInShortSyllable(_chars.Length) && R1() >= _chars.Length;

        /// <summary>
        /// Whether the letters before <paramref name="end"/> end in a short syllable: a vowel followed by a non-vowel other
        /// than w, x or Y and preceded by a non-vowel, or a vowel at the start followed by a non-vowel.
        /// </summary>
        public bool EndsInShortSyllable(int end)
        {
            if (end == 2)
            {
                return IsVowel(0) && !IsVowel(1);
            }

            if (end < 3)
            {
                return false;
            }

            return !IsVowel(end - 3) && IsVowel(end - 2) && !IsVowel(end - 1) && _chars[end - 1] is not ('w' or 'x' or 'Y');
        }
    }
}
