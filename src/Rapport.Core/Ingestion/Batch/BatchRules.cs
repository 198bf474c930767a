using System.Text;
using System.Text.RegularExpressions;
using Rapport.Common;

namespace Rapport.Ingestion.Batch;

/// <summary>Limits and envelope checks shared by the batch use cases.</summary>
public static partial class BatchRules
{
    /// <summary>Most items in one batch request.</summary>
    public const int MaxItems = 1000;
    public const int MaxMessageIdLength = IngestionWriter.MessageIdMaxLength;
    public const string DefaultSource = "api";

    /// <summary>The source that scopes external ids, checked like every record source: lower case, <c>api</c> when not given.</summary>
    public static string Source(string? source, FieldErrors errors) => TextRules.Source(errors, source, DefaultSource);

    public static void Count(FieldErrors errors, string field, int? count)
    {
        if (count is null)
        {
            errors.Add(field, "Is required.");
        }
        else if (count is 0 or > MaxItems)
        {
            errors.Add(field, $"Must hold 1 to {MaxItems:N0} items (got {count:N0}); split larger loads into several requests.");
        }
    }

    /// <summary>
    /// The writer names fields as the CSV import's columns (<c>postal_code: ...; lines[0].unit_price: ...</c>); the API
    /// answers with its own camelCase names (<c>postalCode</c>, <c>lines[0].unitPrice</c>). Custom field keys stay as given.
    /// </summary>
    public static string? ApiReason(string? reason) => reason is null ? null : string.Join("; ", reason.Split("; ").Select(part =>
    {
        var colon = part.IndexOf(": ", StringComparison.Ordinal);
        if (colon <= 0 || !FieldName().IsMatch(part.AsSpan(0, colon)))
        {
            return part;
        }

        var field = part[..colon];
        var camel = field.StartsWith("custom_fields.", StringComparison.Ordinal)
            ? "customFields." + field["custom_fields.".Length..]
            : Camel(field);
        return camel + part[colon..];
    }));

    private static string Camel(string snake)
    {
        var sb = new StringBuilder(snake.Length);
        for (var i = 0; i < snake.Length; i++)
        {
            if (snake[i] == '_' && i + 1 < snake.Length && char.IsAsciiLetterLower(snake[i + 1]))
            {
                sb.Append(char.ToUpperInvariant(snake[++i]));
            }
            else
            {
                sb.Append(snake[i]);
            }
        }

        return sb.ToString();
    }

    [GeneratedRegex(@"^[a-z][a-z0-9_]*(\[\d+\])?(\.[a-z][a-z0-9_]*)*(\.[^\s:;]+)?$")]
    private static partial Regex FieldName();
}
