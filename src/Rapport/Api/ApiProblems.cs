using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Rapport.Common;

namespace Rapport.Api;

/// <summary>
/// RFC 9457 problem details for every error. <c>type</c> is a stable relative URI (<c>/problems/validation</c>, …)
/// listed in docs/api.md; <c>errors</c> maps camelCase field names to messages.
/// </summary>
public static partial class ApiProblems
{
    public static string Type(string slug) => $"/problems/{slug}";

    public static ProblemHttpResult Problem(int status, string slug, string title, string detail, IReadOnlyDictionary<string, string[]>? errors = null)
    {
        var problem = new ProblemDetails { Status = status, Type = Type(slug), Title = title, Detail = detail };
        if (errors is { Count: > 0 })
        {
            problem.Extensions["errors"] = errors;
        }

        return TypedResults.Problem(problem);
    }

    public static ProblemHttpResult Validation(IReadOnlyDictionary<string, string[]> errors, string? detail = null) =>
        Problem(StatusCodes.Status400BadRequest, "validation", "Invalid request", detail ?? "One or more fields are invalid.", errors);

    public static ProblemHttpResult Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemHttpResult NotFound(string detail) =>
        Problem(StatusCodes.Status404NotFound, "not-found", "Not found", detail);

    /// <summary>
    /// Problems the framework writes itself (status-code pages: 404 of an unknown route, 405, 415, …) get the same
    /// stable types and a human sentence as ours.
    /// </summary>
    public static void UseStableType(ProblemDetails problem)
    {
        if (problem.Type is not null && !problem.Type.StartsWith("https://tools.ietf.org/", StringComparison.Ordinal))
        {
            return;
        }

        (string Slug, string Detail) known = problem.Status switch
        {
            400 => ("malformed-request", "The request could not be read."),
            401 => ("unauthorized", "Authentication required."),
            403 => ("forbidden", "Your role does not allow this action."),
            404 => ("not-found", "There is nothing at this address."),
            405 => ("method-not-allowed", "This address does not accept that HTTP method."),
            406 => ("not-acceptable", "This address answers with JSON (application/json or application/problem+json)."),
            409 => ("conflict", "The request conflicts with the current state."),
            412 => ("precondition-failed", "The resource changed since you read it."),
            413 => ("too-large", $"The request body must be at most {ApiLimits.MaxRequestBodyBytes:N0} bytes."),
            415 => ("unsupported-media-type", "Send the body as application/json."),
            428 => ("precondition-required", "Send If-Match with the ETag you read."),
            429 => ("too-many-requests", "Too many requests; retry after the time in Retry-After."),
            _ => ("internal", "Something went wrong on our side. The error has been logged with this request's trace id."),
        };
        problem.Type = Type(known.Slug);
        problem.Detail ??= known.Detail;
    }

    /// <summary>Turns a failed use-case result into its problem response.</summary>
    public static ProblemHttpResult From<T>(Result<T> result) => result.Kind switch
    {
        ResultKind.Invalid => Validation(result.Errors, result.Message),
        ResultKind.NotFound => NotFound(result.Message ?? "Not found."),
        ResultKind.Conflict => Problem(StatusCodes.Status409Conflict, "conflict", "Conflict", result.Message ?? "Conflict.", result.Errors),
        ResultKind.PreconditionFailed => Problem(StatusCodes.Status412PreconditionFailed, "precondition-failed", "Stale version",
            result.Message ?? "The resource changed since you read it; read it again and retry with the new ETag."),
        _ => throw new InvalidOperationException("An Ok result is not a problem."),
    };

    public static async Task WriteAsync(HttpContext context, int status, string slug, string title, string detail, IReadOnlyDictionary<string, string[]>? errors = null)
    {
        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        var problem = new ProblemDetails { Status = status, Type = Type(slug), Title = title, Detail = detail };
        if (errors is { Count: > 0 })
        {
            problem.Extensions["errors"] = errors;
        }

        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }

    /// <summary>Maps the framework's "bad request" exceptions (malformed JSON, wrong types, unknown fields, body too large) to field errors.</summary>
    internal sealed partial class BadRequestHandler : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            if (exception is not BadHttpRequestException bad)
            {
                return false;
            }

            if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                await WriteAsync(httpContext, 413, "too-large", "Request body too large", $"The request body must be at most {ApiLimits.MaxRequestBodyBytes:N0} bytes.");
                return true;
            }

            var (field, message) = Describe(bad);
            await WriteAsync(httpContext, bad.StatusCode, bad.StatusCode == 415 ? "unsupported-media-type" : "malformed-request",
                bad.StatusCode == 415 ? "Unsupported media type" : "Malformed request", message,
                field is null ? null : new Dictionary<string, string[]> { [field] = [message] });
            return true;
        }

        private static (string? Field, string Message) Describe(BadHttpRequestException bad)
        {
            if (bad.InnerException is JsonException json)
            {
                var field = JsonPathToField(json.Path);
                var unmapped = UnmappedProperty().Match(json.Message);
                if (unmapped.Success)
                {
                    var name = unmapped.Groups[1].Value;
                    return (field ?? name, $"The field '{name}' is not accepted by this action.");
                }

                return field is null
                    ? (null, "The body is not valid JSON.")
                    : (field, $"The value of '{field}' has the wrong type or format.");
            }

            var parameter = BindFailure().Match(bad.Message);
            if (parameter.Success)
            {
                return (parameter.Groups[1].Value, $"The value '{parameter.Groups[2].Value}' of '{parameter.Groups[1].Value}' has the wrong type or format.");
            }

            if (bad.Message.Contains("Content-Type", StringComparison.OrdinalIgnoreCase) || bad.StatusCode == 415)
            {
                return (null, "Send the body as application/json.");
            }

            if (bad.Message.Contains("body was inferred but the method does not allow", StringComparison.Ordinal) ||
                bad.Message.Contains("Implicit body inferred", StringComparison.Ordinal) ||
                bad.Message.Contains("Required parameter", StringComparison.Ordinal))
            {
                return (null, "A JSON body is required.");
            }

            return (null, "The request could not be read.");
        }

        /// <summary><c>$.lines[0].quantity</c> → <c>lines[0].quantity</c>.</summary>
        private static string? JsonPathToField(string? path)
        {
            if (string.IsNullOrEmpty(path) || path == "$")
            {
                return null;
            }

            return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        }

        [GeneratedRegex("The JSON property '([^']+)' could not be mapped")]
        private static partial Regex UnmappedProperty();

        [GeneratedRegex("Failed to bind parameter \"[^\"]*? (\\w+)\" from \"([^\"]*)\"")]
        private static partial Regex BindFailure();
    }

    /// <summary>Anything else is a bug: a generic 500 with the trace id, never a stack trace.</summary>
    internal sealed class UnexpectedHandler(ILogger<UnexpectedHandler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            logger.LogError(exception, "Unhandled exception for {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            await WriteAsync(httpContext, 500, "internal", "Unexpected error",
                "Something went wrong on our side. The error has been logged with this request's trace id.");
            return true;
        }
    }
}
