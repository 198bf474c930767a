using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Rapport.Research.Themes;

namespace Rapport.Cli;

/// <summary>
/// <c>rapport research &lt;subcommand&gt;</c>: customer research. <c>detect</c> runs theme detection over a file of
/// comments: with the default taxonomy and no database, or with the business's own taxonomy from the database
/// (<c>--taxonomy database</c>).
/// Exit codes: 0 done, 2 a problem with the input, 1 usage.
/// </summary>
internal static class ResearchCommand
{
    public const int InputProblem = 2;

    /// <summary>The business's taxonomy from the configured database (migrated first, like every command that uses it).</summary>
    private static async Task<Taxonomy> StoredTaxonomyAsync(CancellationToken ct)
    {
        await using var services = CliHost.CreateServices();
        await using var scope = await CliHost.StartAsync(services, ct);
        return await scope.ServiceProvider.GetRequiredService<GetBusinessTaxonomy>().HandleAsync(ct);
    }

    public static Command Create()
    {
        var research = new Command("research", "Customer research: theme detection in free text, re-indexing value mentions.");
        research.Subcommands.Add(CreateDetect());
        research.Subcommands.Add(CreateReindex());
        return research;
    }

    /// <summary>
    /// <c>rapport research reindex</c>: detects the value mentions of every free text again (survey answers, transcripts,
    /// interaction notes, including those imported in bulk) with the business's current taxonomy, and refreshes the
    /// emergent-theme proposals.
    /// </summary>
    private static Command CreateReindex()
    {
        var command = new Command("reindex",
            "Detect value mentions again in all free text (survey answers, interview transcripts, interaction notes) with the business's " +
            "current taxonomy, replacing the mention evidence, and refresh the emergent themes proposed for review.");
        command.SetAction(async (_, ct) =>
        {
            await using var services = CliHost.CreateServices();
            await using var scope = await CliHost.StartAsync(services, ct);
            var summary = await scope.ServiceProvider.GetRequiredService<Rapport.Research.Review.ReindexResearch>().HandleAsync(ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Read {summary.TextsRead:N0} texts: {summary.Mentions:N0} value mentions. Emergent themes: {summary.Themes.Proposed} new, {summary.Themes.Kept} still proposed, {summary.Themes.Removed} no longer found."));
            return 0;
        });
        return command;
    }

    private static Command CreateDetect()
    {
        var command = new Command("detect",
            "Detect the values each comment mentions (the default taxonomy, or the business's with --taxonomy database), with a sentiment in -1..1 per value. The input has one " +
            "comment per line (UTF-8; blank lines count as lines). With --json, one JSON line per input line: " +
            "{\"line\":N,\"values\":[{\"value\":\"sustainability\",\"sentiment\":0.6}]}.");
        var input = new Option<FileInfo>("--input") { Description = "The comments file, one comment per line.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print one JSON line per input line instead of the report." };
        var taxonomy = new Option<string>("--taxonomy")
        {
            Description = "default: the taxonomy Rapport ships, no database needed; database: the business's own values and vocabularies as edited on the Values page.",
            DefaultValueFactory = _ => "default",
        };
        taxonomy.AcceptOnlyFromAmong("default", "database");
        command.Options.Add(input);
        command.Options.Add(json);
        command.Options.Add(taxonomy);
        command.SetAction(async (parse, ct) =>
        {
            var file = parse.GetValue(input)!;
            if (!file.Exists)
            {
                return Problem($"The input file '{file.FullName}' does not exist.");
            }

            var detector = new ThemeDetector(parse.GetValue(taxonomy) == "database" ? await StoredTaxonomyAsync(ct) : Taxonomy.Default);
            var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16) { AutoFlush = false };
            try
            {
                var summary = new Summary();
                var number = 0;
                // Invalid UTF-8 becomes U+FFFD rather than an error: a comment in a broken encoding yields fewer matches.
                foreach (var line in File.ReadLines(file.FullName, Encoding.UTF8))
                {
                    ct.ThrowIfCancellationRequested();
                    number++;
                    var detection = detector.Detect(line);
                    summary.Add(detection);
                    stdout.WriteLine(parse.GetValue(json) ? Json(number, detection) : Text(number, line, detection));
                }

                if (!parse.GetValue(json))
                {
                    stdout.Write(summary.Text(number));
                }
            }
            catch (IOException e)
            {
                stdout.Flush();
                return Problem($"Could not read '{file.FullName}': {e.Message}");
            }
            catch (UnauthorizedAccessException e)
            {
                return Problem($"Could not read '{file.FullName}': {e.Message}");
            }
            finally
            {
                stdout.Flush();
            }

            return 0;
        });
        return command;
    }

    private static int Problem(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return InputProblem;
    }

    /// <summary>Two decimals are plenty for a lexicon score; −0 prints as 0.</summary>
    internal static double Rounded(double sentiment)
    {
        var rounded = Math.Round(sentiment, 2, MidpointRounding.AwayFromZero);
        return rounded == 0 ? 0 : rounded;
    }

    private static string Json(int line, ThemeDetection detection)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteNumber("line", line);
            w.WriteStartArray("values");
            foreach (var value in detection.Values)
            {
                w.WriteStartObject();
                w.WriteString("value", value.Value);
                w.WriteNumber("sentiment", Rounded(value.Sentiment));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>"line 3: price -0.22 ("not cheap" → cheap, negated)": the evidence quoted from the comment, at most 60 characters each.</summary>
    private static string Text(int line, string comment, ThemeDetection detection)
    {
        if (detection.Values.Count == 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"line {line}: no value");
        }

        var parts = detection.Values.Select(v =>
        {
            var evidence = string.Join(", ", v.Evidence.Select(e =>
            {
                var quoted = comment.Substring(e.Start, Math.Min(e.Length, 60));
                return e.Negated ? $"\"{quoted}\" negated" : $"\"{quoted}\"";
            }));
            return string.Create(CultureInfo.InvariantCulture, $"{v.Value} {Rounded(v.Sentiment):+0.00;-0.00;0.00} ({evidence})");
        });
        return string.Create(CultureInfo.InvariantCulture, $"line {line}: {string.Join("; ", parts)}");
    }

    private sealed class Summary
    {
        private readonly Dictionary<string, (int Count, double Sum)> _values = new(StringComparer.Ordinal);
        private int _withValues;

        public void Add(ThemeDetection detection)
        {
            if (detection.Values.Count > 0)
            {
                _withValues++;
            }

            foreach (var value in detection.Values)
            {
                var (count, sum) = _values.GetValueOrDefault(value.Value);
                _values[value.Value] = (count + 1, sum + value.Sentiment);
            }
        }

        public string Text(int lines)
        {
            var text = new StringBuilder();
            text.AppendLine(CultureInfo.InvariantCulture, $"{lines:N0} lines, {_withValues:N0} mention at least one value.");
            foreach (var (value, (count, sum)) in _values.OrderByDescending(v => v.Value.Count).ThenBy(v => v.Key, StringComparer.Ordinal))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {value,-15} {count,6:N0} lines, mean sentiment {Rounded(sum / count),5:+0.00;-0.00;0.00}");
            }

            return text.ToString();
        }
    }
}
