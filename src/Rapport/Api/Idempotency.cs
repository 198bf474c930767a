using System.Reflection;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Rapport.Identity;
using Rapport.Ingestion.Batch;

namespace Rapport.Api;

/// <summary>
/// The <c>Idempotency-Key</c> header as a reusable endpoint filter (<c>.WithIdempotency()</c>). The first request
/// with a key runs and its status, content type and body are stored; a retry with the same key from the same API
/// key gets exactly that response back with <c>Idempotent-Replayed: true</c>, without running the handler. The
/// same key with another method, path or body is a 422; a retry while the first is still running is a 409. 5xx
/// answers and exceptions are not stored (the key is released, so a retry runs again). Keys live 24 hours.
/// </summary>
public static class Idempotency
{
    public const string HeaderName = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxKeyLength = 200;

    public static TBuilder WithIdempotency<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilterFactory(CreateFilter);
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = HeaderName,
                In = ParameterLocation.Header,
                Required = false,
                Description = "Up to 200 printable ASCII characters, unique per request (e.g. a UUID). A retry with the same key " +
                    "within 24 hours returns the first response (with Idempotent-Replayed: true) instead of running again; " +
                    "another body with the same key is a 422, a retry while the first is running a 409.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = MaxKeyLength },
            });
            return Task.CompletedTask;
        });
        return builder;
    }

    /// <summary>Printable ASCII (space to tilde), 1 to 200 characters, not blank.</summary>
    public static bool IsValidKey(string? key) =>
        !string.IsNullOrWhiteSpace(key) && key.Length <= MaxKeyLength && key.All(c => c is >= ' ' and <= '~');

    private static EndpointFilterDelegate CreateFilter(EndpointFilterFactoryContext factory, EndpointFilterDelegate next)
    {
        var body = BodyParameter(factory);
        return async context =>
        {
            var http = context.HttpContext;
            var header = http.Request.Headers[HeaderName];
            if (header.Count == 0)
            {
                return await next(context);
            }

            if (header.Count > 1 || !IsValidKey(header[0]))
            {
                return ApiProblems.Validation(HeaderName, $"Must be one value of 1 to {MaxKeyLength} printable ASCII characters.");
            }

            if (!long.TryParse(http.User.FindFirstValue(RapportClaims.ApiKeyId), out var apiKeyId))
            {
                // The API authenticates with API keys only; a caller without one never reaches a handler.
                throw new InvalidOperationException("An idempotent endpoint was reached without an API key.");
            }

            var hash = body is { } parameter
                ? HashBoundBody(http, context.Arguments[parameter.Index], parameter.Type)
                : await HashRawBodyAsync(http.Request);
            var keys = http.RequestServices.GetRequiredService<IdempotencyKeys>();
            var claim = await keys.ClaimAsync(new IdempotentRequest(apiKeyId, header[0]!, http.Request.Method, http.Request.Path.Value ?? "", hash), http.RequestAborted);
            switch (claim.Outcome)
            {
                case ClaimOutcome.Replay:
                    return new ReplayResult(claim.Response!);
                case ClaimOutcome.Mismatch:
                    return ApiProblems.Problem(StatusCodes.Status422UnprocessableEntity, "idempotency-key-reused", "Idempotency key reused",
                        $"This {HeaderName} was first used for a different request (method, path or body). Use a new key for a new request.");
                case ClaimOutcome.InFlight:
                    http.Response.Headers.RetryAfter = "1";
                    return ApiProblems.Problem(StatusCodes.Status409Conflict, "idempotency-key-in-use", "Request in progress",
                        $"A request with this {HeaderName} is still being processed. Retry shortly to get its response.");
            }

            return await RunAndStoreAsync(context, next, keys, claim.RecordId!.Value);
        };
    }

    /// <summary>Runs the handler, writes its answer into a buffer, stores it (unless 5xx), then sends it.</summary>
    private static async ValueTask<object?> RunAndStoreAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, IdempotencyKeys keys, long recordId)
    {
        var http = context.HttpContext;
        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            var result = await next(context);
            switch (result)
            {
                case IResult executable:
                    await executable.ExecuteAsync(http);
                    break;
                case null:
                    break;
                default:
                    throw new InvalidOperationException($"An idempotent endpoint must return an IResult, not {result.GetType().Name}.");
            }

            await http.Response.BodyWriter.FlushAsync(http.RequestAborted);
        }
        catch
        {
            http.Response.Body = original;
            await keys.ReleaseAsync(recordId, CancellationToken.None);
            throw;
        }

        http.Response.Body = original;
        var status = http.Response.StatusCode;
        if (status >= 500)
        {
            await keys.ReleaseAsync(recordId, CancellationToken.None);
        }
        else
        {
            // Stored even if the client has gone away meanwhile: the work is done, and its retry must see this answer.
            await keys.CompleteAsync(recordId, new StoredResponse(status, http.Response.ContentType, Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length)),
                CancellationToken.None);
        }

        http.Response.ContentLength = buffer.Length;
        buffer.Position = 0;
        await buffer.CopyToAsync(original, http.RequestAborted);
        return Results.Empty;
    }

    /// <summary>The body as the endpoint bound it, serialised again: a retry must carry the same content (not necessarily the same whitespace).</summary>
    private static string HashBoundBody(HttpContext http, object? value, Type type)
    {
        var options = http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        return Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(value, type, options)));
    }

    /// <summary>
    /// For endpoints that read the body themselves (the batch endpoints): the exact bytes. The body is kept in memory
    /// for the handler to read again; its size is already capped by the endpoint's request size limit.
    /// </summary>
    private static async Task<string> HashRawBodyAsync(HttpRequest request)
    {
        var copy = new MemoryStream();
        request.HttpContext.Response.RegisterForDispose(copy);
        await request.Body.CopyToAsync(copy, request.HttpContext.RequestAborted);
        copy.Position = 0;
        request.Body = copy;
        return Convert.ToHexStringLower(SHA256.HashData(copy.GetBuffer().AsSpan(0, (int)copy.Length)));
    }

    private sealed record BodyParameterInfo(int Index, Type Type);

    /// <summary>
    /// The parameter the framework binds from the JSON body, found as it infers it: marked [FromBody], or a complex type
    /// that is not a service, not a special type and not bound from the route, query or headers. None for endpoints
    /// that read the body themselves.
    /// </summary>
    private static BodyParameterInfo? BodyParameter(EndpointFilterFactoryContext factory)
    {
        var services = factory.ApplicationServices.GetService<IServiceProviderIsService>();
        var parameters = factory.MethodInfo.GetParameters();
        for (var i = 0; i < parameters.Length; i++)
        {
            var parameter = parameters[i];
            var attributes = parameter.GetCustomAttributes(inherit: true);
            if (attributes.OfType<IFromBodyMetadata>().Any())
            {
                return new BodyParameterInfo(i, parameter.ParameterType);
            }

            if (attributes.Any(a => a is IFromServiceMetadata or IFromHeaderMetadata or IFromQueryMetadata or IFromRouteMetadata or IFromFormMetadata) ||
                IsSpecial(parameter.ParameterType) || services?.IsService(parameter.ParameterType) == true || IsSimple(parameter.ParameterType))
            {
                continue;
            }

            return new BodyParameterInfo(i, parameter.ParameterType);
        }

        return null;
    }

    private static bool IsSpecial(Type type) =>
        type == typeof(HttpContext) || type == typeof(HttpRequest) || type == typeof(HttpResponse) || type == typeof(CancellationToken) ||
        type == typeof(ClaimsPrincipal) || type == typeof(Stream) || type == typeof(System.IO.Pipelines.PipeReader) || type == typeof(IFormFileCollection);

    private static bool IsSimple(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(Guid) || t == typeof(DateTime) ||
            t == typeof(DateTimeOffset) || t == typeof(DateOnly) || t == typeof(TimeOnly) || t == typeof(TimeSpan) ||
            t.GetMethod("TryParse", BindingFlags.Public | BindingFlags.Static, [typeof(string), typeof(IFormatProvider), t.MakeByRefType()]) is not null;
    }

    /// <summary>The stored first response, byte for byte, marked as a replay.</summary>
    private sealed class ReplayResult(StoredResponse response) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = response.StatusCode;
            if (response.ContentType is not null)
            {
                httpContext.Response.ContentType = response.ContentType;
            }

            httpContext.Response.Headers[ReplayedHeader] = "true";
            var bytes = Encoding.UTF8.GetBytes(response.Body);
            httpContext.Response.ContentLength = bytes.Length;
            await httpContext.Response.Body.WriteAsync(bytes, httpContext.RequestAborted);
        }
    }
}
