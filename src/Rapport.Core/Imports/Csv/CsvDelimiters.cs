namespace Rapport.Imports.Csv;

/// <summary>
/// Picks the delimiter among <c>,</c> <c>;</c> tab <c>|</c> from the first lines of a file: the candidate that
/// splits the header into the most columns while splitting every sampled row into the same number of cells (quotes
/// respected). Ties go to the order above; a file where none occurs is read as one comma-separated column.
/// </summary>
public static class CsvDelimiters
{
    public static IReadOnlyList<char> Candidates { get; } = [',', ';', '\t', '|'];

    /// <summary>How many records of the sample are compared.</summary>
    private const int SampleRecords = 50;

    /// <summary>Resolves an override: one character, or the words tab, comma, semicolon, pipe.</summary>
    public static bool TryParse(string? text, out char delimiter, out string? problem)
    {
        problem = null;
        delimiter = ',';
        switch ((text ?? "").Trim().ToLowerInvariant())
        {
            case "tab" or "\\t" or "tsv":
                delimiter = '\t';
                return true;
            case "comma":
                return true;
            case "semicolon":
                delimiter = ';';
                return true;
            case "pipe":
                delimiter = '|';
                return true;
        }

        if (text is { Length: 1 } && text[0] is > ' ' and < (char)0x7F && text[0] != '"' && !char.IsLetterOrDigit(text[0]))
        {
            delimiter = text[0];
            return true;
        }

        if (text == "\t")
        {
            delimiter = '\t';
            return true;
        }

        problem = $"\"{CsvText.Clip(text ?? "")}\" is not a delimiter: give one punctuation character such as , ; | or the word tab.";
        return false;
    }

    /// <summary>The best candidate for the sample text (decoded start of the file).</summary>
    public static char Detect(ReadOnlySpan<char> sample)
    {
        var best = ',';
        var bestScore = (Consistent: -1, Columns: 0);
        foreach (var candidate in Candidates)
        {
            var counts = CountPerRecord(sample, candidate);
            if (counts.Count == 0 || counts[0] == 0)
            {
                continue;
            }

            var header = counts[0];
            var same = counts.Count(c => c == header);
            // Share of records that agree with the header, in percent, so that one odd row does not decide.
            var score = (Consistent: same * 100 / counts.Count, Columns: header);
            if (score.Consistent > bestScore.Consistent || (score.Consistent == bestScore.Consistent && score.Columns > bestScore.Columns))
            {
                best = candidate;
                bestScore = score;
            }
        }

        return best;
    }

    /// <summary>Delimiters outside quotes per non-blank record, for the first records of the sample.</summary>
    private static List<int> CountPerRecord(ReadOnlySpan<char> text, char delimiter)
    {
        var counts = new List<int>();
        var inQuotes = false;
        var atCellStart = true;
        var count = 0;
        var lineHasText = false;
        for (var i = 0; i < text.Length && counts.Count < SampleRecords; i++)
        {
            var c = text[i];
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        i++;
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }

                continue;
            }

            if (c is '\r' or '\n')
            {
                if (lineHasText)
                {
                    counts.Add(count);
                }

                count = 0;
                lineHasText = false;
                atCellStart = true;
                continue;
            }

            lineHasText = true;
            if (c == delimiter)
            {
                count++;
                atCellStart = true;
                continue;
            }

            if (c == '"' && atCellStart)
            {
                inQuotes = true;
            }

            atCellStart = false;
        }

        // The last sampled line counts only when the sample ended inside it at the end of the file; a cut line would skew it.
        if (counts.Count == 0 && lineHasText)
        {
            counts.Add(count);
        }

        return counts;
    }
}
