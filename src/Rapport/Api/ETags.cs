using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Rapport.Api;

/// <summary>
/// Optimistic concurrency for every resource with a version: the ETag is the version in quotes (<c>"3"</c>).
/// A missing If-Match is 428 where required, <c>*</c> matches any version, a malformed one is 400 on
/// <c>If-Match</c>, and a stale one is 412 (from the use case).
/// </summary>
public static class ETags
{
    public static string Of(int version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>One strong entity tag (<c>"3"</c>) → its version; <c>*</c> → null (any version).</summary>
    public static bool TryParse(string header, out int? version)
    {
        version = null;
        var value = header.Trim();
        if (value == "*")
        {
            return true;
        }

        if (value.Length >= 3 && value[0] == '"' && value[^1] == '"' &&
            int.TryParse(value.AsSpan(1, value.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            version = parsed;
            return true;
        }

        return false;
    }

    /// <summary>Reads If-Match into the expected version (null for <c>*</c>, or for none when not required); a problem when missing or malformed.</summary>
    public static ProblemHttpResult? IfMatch(string? ifMatch, bool required, out int? version)
    {
        version = null;
        if (string.IsNullOrWhiteSpace(ifMatch))
        {
            return required
                ? ApiProblems.Problem(StatusCodes.Status428PreconditionRequired, "precondition-required", "If-Match required",
                    "Send If-Match with the ETag from your last read (GET), so that you do not overwrite changes you have not seen.")
                : null;
        }

        return TryParse(ifMatch, out version)
            ? null
            : ApiProblems.Validation("If-Match", "Must be one ETag as returned by this API, e.g. \"3\", or *.");
    }
}
