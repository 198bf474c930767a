using System.Text;

namespace Rapport.VCards;

/// <summary>
/// One unfolded content line of a card, <c>[group.]NAME;PARAM=value,value:VALUE</c>. <see cref="Value"/> is decoded
/// from its transfer encoding (quoted-printable, base64) and charset, but still carries vCard escapes, so that
/// components can be split on unescaped <c>;</c> and <c>,</c>.
/// </summary>
public sealed record VCardProperty(string? Group, string Name, IReadOnlyDictionary<string, List<string>> Parameters, string Value, long Line)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public IReadOnlyList<string> Param(string name) => Parameters.TryGetValue(name, out var values) ? values : [];

    public bool HasType(string type) => Param("TYPE").Any(t => string.Equals(t, type, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Lower is preferred: <c>PREF=n</c> (4.0, 1 most preferred), else 1 for <c>TYPE=pref</c> (3.0, 2.1), else none
    /// (<see cref="int.MaxValue"/>).
    /// </summary>
    public int PreferenceRank
    {
        get
        {
            var pref = Param("PREF");
            if (pref.Count > 0 && int.TryParse(pref[0], out var rank) && rank >= 1)
            {
                return rank;
            }

            return HasType("PREF") ? 1 : int.MaxValue;
        }
    }

    /// <summary>The value as one text, escapes resolved.</summary>
    public string Text => Unescape(Value);

    /// <summary>The structured value's components (split on unescaped <c>;</c>), escapes resolved.</summary>
    public IReadOnlyList<string> Components() => Split(Value, ';').Select(Unescape).ToList();

    /// <summary>A list value's items (split on unescaped <c>,</c>), escapes resolved, blanks dropped.</summary>
    public IReadOnlyList<string> Items() => Split(Value, ',').Select(Unescape).Select(s => s.Trim()).Where(s => s.Length > 0).ToList();

    /// <summary>Splits on <paramref name="separator"/> where it is not escaped; the parts keep their escapes.</summary>
    internal static List<string> Split(string value, char separator)
    {
        var parts = new List<string>();
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\')
            {
                i++;
            }
            else if (value[i] == separator)
            {
                parts.Add(value[start..i]);
                start = i + 1;
            }
        }

        parts.Add(value[start..]);
        return parts;
    }

    /// <summary>Resolves <c>\n \N \\ \, \; \:</c>; any other backslash is kept as written (e.g. a Windows path in a note).</summary>
    internal static string Unescape(string value)
    {
        if (!value.Contains('\\', StringComparison.Ordinal))
        {
            return value;
        }

        var text = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                var next = value[i + 1];
                switch (next)
                {
                    case 'n' or 'N':
                        text.Append('\n');
                        i++;
                        continue;
                    case '\\' or ',' or ';' or ':':
                        text.Append(next);
                        i++;
                        continue;
                }
            }

            text.Append(value[i]);
        }

        return text.ToString();
    }

    /// <summary>Parses one unfolded content line; null with <paramref name="problem"/> set when it is not one.</summary>
    internal static VCardProperty? Parse(byte[] line, long lineNumber, out string? problem)
    {
        problem = null;
        var colon = -1;
        var inQuotes = false;
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == (byte)'"')
            {
                inQuotes = !inQuotes;
            }
            else if (line[i] == (byte)':' && !inQuotes)
            {
                colon = i;
                break;
            }
        }

        var header = colon < 0 ? "" : Encoding.UTF8.GetString(line, 0, colon);
        var tokens = SplitHeader(header);
        var fullName = tokens.Count > 0 ? tokens[0].Trim() : "";
        var dot = fullName.LastIndexOf('.');
        var group = dot > 0 ? fullName[..dot] : null;
        var name = (dot >= 0 ? fullName[(dot + 1)..] : fullName).ToUpperInvariant();
        if (colon < 0 || name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            var shown = Encoding.UTF8.GetString(line, 0, Math.Min(line.Length, 40));
            problem = $"Line {lineNumber}: \"{shown}\" is not a property (NAME:value); a folded line must start with a space.";
            return null;
        }

        var parameters = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var token in tokens.Skip(1))
        {
            var equals = token.IndexOf('=', StringComparison.Ordinal);
            string key;
            string values;
            if (equals < 0)
            {
                // vCard 2.1 writes bare parameters: TEL;HOME;VOICE, EMAIL;INTERNET;PREF, NOTE;QUOTED-PRINTABLE.
                values = token.Trim();
                key = values.ToUpperInvariant() is "QUOTED-PRINTABLE" or "BASE64" or "B" or "8BIT" or "7BIT" ? "ENCODING" : "TYPE";
            }
            else
            {
                key = token[..equals].Trim().ToUpperInvariant();
                values = token[(equals + 1)..];
            }

            if (!parameters.TryGetValue(key, out var list))
            {
                parameters[key] = list = [];
            }

            list.AddRange(SplitParameterValues(values));
        }

        var raw = line.AsSpan(colon + 1);
        var encoding = parameters.TryGetValue("ENCODING", out var enc) ? enc.FirstOrDefault()?.ToUpperInvariant() : null;
        byte[] bytes;
        switch (encoding)
        {
            case "QUOTED-PRINTABLE":
                bytes = QuotedPrintable(raw);
                break;
            case "B" or "BASE64":
                try
                {
                    bytes = Convert.FromBase64String(Encoding.ASCII.GetString(raw).Trim());
                }
                catch (FormatException)
                {
                    problem = $"Line {lineNumber}: {name} is marked base64 but is not valid base64.";
                    return null;
                }

                break;
            default:
                bytes = raw.ToArray();
                break;
        }

        var charset = parameters.TryGetValue("CHARSET", out var cs) ? cs.FirstOrDefault() : null;
        if (!TryDecode(bytes, charset, out var value))
        {
            problem = $"Line {lineNumber}: unknown CHARSET \"{charset}\" on {name}.";
            return null;
        }

        return new VCardProperty(group, name, parameters, value, lineNumber);
    }

    private static bool TryDecode(byte[] bytes, string? charset, out string value)
    {
        value = "";
        if (charset is not null && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            var encoding = EncodingFor(charset);
            if (encoding is null)
            {
                return false;
            }

            value = encoding.GetString(bytes);
            return true;
        }

        try
        {
            value = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            // Not UTF-8 although it should be: old desktop exports write the Windows code page without saying so.
            value = EncodingFor("windows-1252")!.GetString(bytes);
        }

        return true;
    }

    private static Encoding? EncodingFor(string charset)
    {
        try
        {
            return CodePagesEncodingProvider.Instance.GetEncoding(charset) ?? Encoding.GetEncoding(charset);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static byte[] QuotedPrintable(ReadOnlySpan<byte> raw)
    {
        var bytes = new List<byte>(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == (byte)'=' && i + 2 < raw.Length && IsHex(raw[i + 1]) && IsHex(raw[i + 2]))
            {
                bytes.Add((byte)((HexValue(raw[i + 1]) << 4) | HexValue(raw[i + 2])));
                i += 2;
            }
            else if (raw[i] == (byte)'=' && i == raw.Length - 1)
            {
                // A soft line break left at the very end.
            }
            else
            {
                bytes.Add(raw[i]);
            }
        }

        return [.. bytes];
    }

    private static bool IsHex(byte b) => char.IsAsciiHexDigit((char)b);

    private static int HexValue(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;

    private static List<string> SplitHeader(string header)
    {
        var tokens = new List<string>();
        var start = 0;
        var inQuotes = false;
        for (var i = 0; i < header.Length; i++)
        {
            if (header[i] == '"')
            {
                inQuotes = !inQuotes;
            }
            else if (header[i] == ';' && !inQuotes)
            {
                tokens.Add(header[start..i]);
                start = i + 1;
            }
        }

        tokens.Add(header[start..]);
        return tokens;
    }

    private static IEnumerable<string> SplitParameterValues(string values)
    {
        var start = 0;
        var inQuotes = false;
        for (var i = 0; i <= values.Length; i++)
        {
            if (i < values.Length && values[i] == '"')
            {
                inQuotes = !inQuotes;
            }
            else if (i == values.Length || (values[i] == ',' && !inQuotes))
            {
                var item = values[start..i].Trim().Trim('"');
                if (item.Length > 0)
                {
                    yield return item;
                }

                start = i + 1;
            }
        }
    }
}
