using System.Text;
using Rapport.Common;

namespace Rapport.Ingestion;

/// <summary>
/// Turns the field errors of the shared validation rules into one reject reason, named by the import's column
/// names (snake case): <c>email: is not a valid email address; country: must be a two-letter ISO 3166-1 country code, e.g. US</c>.
/// </summary>
internal static class IngestReasons
{
    public static string From(FieldErrors errors, string prefix = "") =>
        string.Join("; ", errors.ToDictionary().SelectMany(e => e.Value.Select(m => Field(prefix, e.Key) + ": " + Message(m))));

    public static string Field(string prefix, string field) => prefix + SnakeCase(field);

    /// <summary>"Is not a valid email address." → "is not a valid email address".</summary>
    public static string Message(string message)
    {
        var text = message.EndsWith('.') ? message[..^1] : message;
        return text.Length > 1 && char.IsUpper(text[0]) && !char.IsUpper(text[1]) ? char.ToLowerInvariant(text[0]) + text[1..] : text;
    }

    /// <summary>"postalCode" → "postal_code", "lines[0].unitPrice" → "lines[0].unit_price"; "customFields.x" keeps the key as given.</summary>
    public static string SnakeCase(string field)
    {
        if (field.StartsWith("customFields.", StringComparison.Ordinal))
        {
            return "custom_fields." + field["customFields.".Length..];
        }

        var sb = new StringBuilder(field.Length + 4);
        foreach (var c in field)
        {
            if (char.IsAsciiLetterUpper(c))
            {
                sb.Append('_').Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}
