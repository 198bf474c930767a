using System.Globalization;
using System.Text;

namespace Rapport.Research.Themes;

public enum TokenKind : byte
{
    /// <summary>A run of letters, digits and marks (any script), with inner apostrophes: "don't", "café", "配送".</summary>
    Word,

    /// <summary>A comma: a weak boundary (lists of aspects, "fast delivery, rude staff").</summary>
    Comma,

    /// <summary>The end of a sentence or clause: . ! ? ; : and line breaks.</summary>
    Stop,
}

/// <summary>
/// A token of a text. <see cref="Text"/> is the lower-cased word with typographic apostrophes made straight;
/// <see cref="Start"/> and <see cref="Length"/> are UTF-16 offsets into the original text (the evidence shown to users).
/// </summary>
public readonly record struct Token(TokenKind Kind, int Start, int Length, string Text);

/// <summary>
/// Splits text into words and boundaries. Unicode-aware: a word is a run of letters, digits and combining marks of any
/// script (surrogate pairs included), so other languages yield words that simply match no English vocabulary. Hyphens
/// split words ("eco-friendly" is "eco" "friendly", matching the entry "eco friendly"); an apostrophe between letters
/// stays inside the word ("don't"). Everything else (emoji, symbols, markup characters) separates words and is dropped:
/// HTML in a comment is text like any other, "&lt;b&gt;great&lt;/b&gt;" yields "b", "great", "b".
/// </summary>
public static class Tokenizer
{
    /// <summary>Tokens are produced lazily up to this many; text beyond is ignored (a 100 KB comment is about 20,000 words).</summary>
    public const int MaxTokens = 50_000;

    public static List<Token> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<Token>(Math.Min(text.Length / 4 + 4, 4096));
        var i = 0;
        while (i < text.Length && tokens.Count < MaxTokens)
        {
            var c = text[i];
            if (IsWordChar(text, i, out var width))
            {
                var start = i;
                var hasUpperOrCurly = false;
                while (i < text.Length)
                {
                    if (IsWordChar(text, i, out width))
                    {
                        hasUpperOrCurly |= !(text[i] is (>= 'a' and <= 'z') or (>= '0' and <= '9'));
                        i += width;
                    }
                    else if (IsApostrophe(text[i]) && i + 1 < text.Length && IsWordChar(text, i + 1, out _) && i > start)
                    {
                        hasUpperOrCurly = true;
                        i++;
                    }
                    else
                    {
                        break;
                    }
                }

                var word = text.AsSpan(start, i - start);
                tokens.Add(new Token(TokenKind.Word, start, i - start, hasUpperOrCurly ? Normalise(word) : word.ToString()));
                continue;
            }

            switch (c)
            {
                case ',':
                    tokens.Add(new Token(TokenKind.Comma, i, 1, ","));
                    break;
                case '.' or '!' or '?' or ';' or ':' or '\n' or '\r' or '…' or '。' or '！' or '？' or '¡' or '¿' or '(' or ')':
                    // Repeated stops ("!!!", "...") are one boundary.
                    if (tokens.Count == 0 || tokens[^1].Kind != TokenKind.Stop || tokens[^1].Start + tokens[^1].Length != i)
                    {
                        tokens.Add(new Token(TokenKind.Stop, i, 1, "."));
                    }
                    else
                    {
                        tokens[^1] = tokens[^1] with { Length = tokens[^1].Length + 1 };
                    }

                    break;
            }

            i += char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
        }

        return tokens;
    }

    private static bool IsApostrophe(char c) => c is '\'' or '’' or 'ʼ';

    private static bool IsWordChar(string text, int i, out int width)
    {
        var c = text[i];
        if (c < 128)
        {
            width = 1;
            return c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9');
        }

        if (char.IsHighSurrogate(c))
        {
            if (i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                width = 2;
                return IsWordCategory(CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(c, text[i + 1])));
            }

            width = 1;
            return false; // a lone surrogate (broken text) separates words
        }

        width = 1;
        return !char.IsLowSurrogate(c) && IsWordCategory(CharUnicodeInfo.GetUnicodeCategory(c));
    }

    private static bool IsWordCategory(UnicodeCategory category) => category is
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter or
        UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.NonSpacingMark or
        UnicodeCategory.SpacingCombiningMark or UnicodeCategory.DecimalDigitNumber;

    private static string Normalise(ReadOnlySpan<char> word)
    {
        var builder = new StringBuilder(word.Length);
        foreach (var c in word)
        {
            builder.Append(IsApostrophe(c) ? '\'' : char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }
}
