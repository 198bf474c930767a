using System.Collections.Frozen;
using System.Text;
using Rapport.Common;

namespace Rapport.Customers;

/// <summary>
/// Folds text for customer search: lower case without accents ("José Núñez" → "jose nunez", "Straße" → "strasse").
/// <see cref="Validate.Fold"/> decomposes with <c>string.Normalize</c>, which does nothing for non-ASCII text when
/// the app runs with invariant globalization (as Rapport does); this adds an explicit table for the Latin letters
/// that carry marks, so folding is the same on every machine and provider. Idempotent, and a superset of
/// <see cref="Validate.Fold"/>: folding its output again changes nothing it already folded.
/// </summary>
public static class SearchFolding
{
    private static readonly FrozenDictionary<char, string> Table = Build();

    public static string Fold(string? value)
    {
        var lowered = Validate.Fold(value);
        StringBuilder? sb = null;
        for (var i = 0; i < lowered.Length; i++)
        {
            var c = lowered[i];
            var isMark = c is >= '\u0300' and <= '\u036f';
            if (!isMark && !Table.ContainsKey(c))
            {
                sb?.Append(c);
                continue;
            }

            sb ??= new StringBuilder(lowered.Length).Append(lowered, 0, i);
            if (!isMark)
            {
                sb.Append(Table[c]);
            }
        }

        return sb?.ToString() ?? lowered;
    }

    private static FrozenDictionary<char, string> Build()
    {
        (string From, string To)[] groups =
        [
            ("àáâãäåāăą", "a"), ("æ", "ae"), ("çćĉċč", "c"), ("ďđð", "d"), ("èéêëēĕėęě", "e"), ("ĝğġģ", "g"),
            ("ĥħ", "h"), ("ìíîïĩīĭįı", "i"), ("ĳ", "ij"), ("ĵ", "j"), ("ķ", "k"), ("ĺļľŀł", "l"), ("ñńņňŉ", "n"),
            ("òóôõöøōŏő", "o"), ("œ", "oe"), ("ŕŗř", "r"), ("śŝşšș", "s"), ("ß", "ss"), ("ţťŧț", "t"), ("þ", "th"),
            ("ùúûüũūŭůűų", "u"), ("ŵ", "w"), ("ýÿŷ", "y"), ("źżž", "z"),
        ];
        var table = new Dictionary<char, string>();
        foreach (var (from, to) in groups)
        {
            foreach (var c in from)
            {
                table[c] = to;
                table[char.ToUpperInvariant(c)] = to;
            }
        }

        return table.ToFrozenDictionary();
    }
}
