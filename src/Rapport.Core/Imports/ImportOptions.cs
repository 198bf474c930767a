using System.Text.Json;
using System.Text.Json.Serialization;

namespace Rapport.Imports;

/// <summary>
/// How to read an import file, stored as JSON on the <see cref="Import"/> so that a resumed import reads the file
/// exactly as it started. Every property is optional: what is not given is detected from the file.
/// </summary>
public sealed record ImportOptions
{
    /// <summary>Column header in the file → Rapport field (overrides the automatic mapping; an empty field ignores the column).</summary>
    public IReadOnlyDictionary<string, string>? Map { get; init; }
    /// <summary>One character, or <c>tab</c>.</summary>
    public string? Delimiter { get; init; }
    /// <summary>An encoding name such as <c>utf-8</c>, <c>windows-1252</c> or <c>utf-16</c>.</summary>
    public string? Encoding { get; init; }
    /// <summary>A .NET date format such as <c>dd/MM/yyyy</c>, or <c>iso</c>.</summary>
    public string? DateFormat { get; init; }
    /// <summary>How numbers are written: <c>1,234.56</c> (decimal point) or <c>1.234,56</c> (decimal comma).</summary>
    public string? NumberFormat { get; init; }
    /// <summary>Scopes external ids (e.g. <c>shopify</c>); defaults to <see cref="DefaultSource"/>.</summary>
    public string? Source { get; init; }
    /// <summary>Who started the import when it was not a signed-in user (an API key's name, the command line).</summary>
    public string? StartedBy { get; init; }

    public const string DefaultSource = "import";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ImportOptions FromJson(string json) =>
        string.IsNullOrWhiteSpace(json) ? new ImportOptions() : JsonSerializer.Deserialize<ImportOptions>(json, Json) ?? new ImportOptions();

    /// <summary>Reads <c>Header=field</c> pairs as given on the command line or in a form.</summary>
    public static bool TryParseMap(IEnumerable<string> pairs, out Dictionary<string, string> map, out string? problem)
    {
        map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        problem = null;
        foreach (var pair in pairs)
        {
            var at = pair.LastIndexOf('=');
            if (at <= 0)
            {
                problem = $"'{pair}' is not Column=field (e.g. \"E-mail=email\").";
                return false;
            }

            var column = pair[..at].Trim();
            if (column.Length == 0)
            {
                problem = $"'{pair}' names no column.";
                return false;
            }

            map[column] = pair[(at + 1)..].Trim();
        }

        return true;
    }
}
