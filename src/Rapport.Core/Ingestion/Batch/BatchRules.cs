using Rapport.Common;

namespace Rapport.Ingestion.Batch;

/// <summary>Limits and envelope checks shared by the batch use cases.</summary>
public static class BatchRules
{
    /// <summary>Most items in one batch request.</summary>
    public const int MaxItems = 1000;
    public const int MaxMessageIdLength = 200;
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
}
