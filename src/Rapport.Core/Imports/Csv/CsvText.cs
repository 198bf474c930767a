namespace Rapport.Imports.Csv;

/// <summary>Helpers for messages that quote file content: never more than a short prefix of a value.</summary>
public static class CsvText
{
    /// <summary>The longest piece of a value a message repeats.</summary>
    public const int MaxEcho = 40;

    /// <summary>The value cut to <see cref="MaxEcho"/> characters (with "…"), with line breaks and tabs shown as spaces.</summary>
    public static string Clip(string value)
    {
        var clipped = value.Length <= MaxEcho ? value : string.Concat(value.AsSpan(0, MaxEcho - 1), "…");
        return clipped.Replace('\r', ' ').Replace('\n', ' ').Replace('\t', ' ');
    }

    /// <summary>A delimiter as people name it: "," ";" "tab" "|".</summary>
    public static string DelimiterName(char delimiter) => delimiter == '\t' ? "tab" : delimiter.ToString();
}
