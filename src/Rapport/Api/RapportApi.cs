using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Rapport.Api;

/// <summary>The REST API under <c>/api/v1</c>: JSON (camelCase), problem details, OpenAPI at <c>/openapi/v1.json</c>, docs at <c>/api/docs</c>.</summary>
public static class RapportApi
{
    public static IServiceCollection AddRapportApi(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o => Configure(o.SerializerOptions));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            ctx.ProblemDetails.Extensions["traceId"] = Activity.Current?.Id ?? ctx.HttpContext.TraceIdentifier;
            ctx.ProblemDetails.Instance ??= ctx.HttpContext.Request.Path;
            ApiProblems.UseStableType(ctx.ProblemDetails);
        });
        services.AddExceptionHandler<ApiProblems.BadRequestHandler>();
        services.AddExceptionHandler<ApiProblems.UnexpectedHandler>();
        services.AddOpenApi("v1", o =>
        {
            o.AddDocumentTransformer((doc, _, _) =>
            {
                doc.Info.Title = "Rapport API";
                doc.Info.Version = "v1";
                doc.Info.Description = "Customer relationship marketing. Authenticate with 'Authorization: Bearer <API key>'; errors are RFC 9457 problem details.";
                return Task.CompletedTask;
            });
            o.AddSchemaTransformer(OptionalSchema.TransformAsync);
        });
        return services;
    }

    public static void Configure(JsonSerializerOptions json)
    {
        json.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        json.DictionaryKeyPolicy = null;
        json.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        json.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        json.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        // A number sent as a string ("total": "12") is a wrong type, not something to guess at.
        json.NumberHandling = JsonNumberHandling.Strict;
    }

    public static IEndpointRouteBuilder MapRapportApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        var api = app.MapGroup("/api/v1");
        // Feature endpoint groups are mapped here, one MapXEndpoints() per feature.
        api.MapApiKeyEndpoints();
        api.MapAuditEndpoints();
        api.MapAccessEndpoints();
        api.MapCustomerEndpoints();
        api.MapCustomFieldEndpoints();
        api.MapInteractionEndpoints();
        api.MapTransactionEndpoints();
        api.MapProductEndpoints();
        api.MapCompanyEndpoints();
        api.MapWebhookEndpoints();
        api.MapEventEndpoints();
        api.MapDuplicateEndpoints();
        api.MapDataQualityEndpoints();
        api.MapImportEndpoints();
        api.MapExportEndpoints();
        api.MapAnalyticsEndpoints();
        api.MapValueEndpoints();
        api.MapResearchEndpoints();
        api.MapSurveyEndpoints();
        api.MapSurveyResultEndpoints();
        api.MapValueMapEndpoints();
        api.MapValueProfileEndpoints();
        api.MapStageEndpoints();
        api.MapSegmentEndpoints();
        api.MapPlaybookEndpoints();
        api.MapTaskEndpoints();
        api.MapPlanEndpoints();
        api.MapCustomerViewEndpoints();
        api.MapConsentEndpoints();
        api.MapPrivacyEndpoints();
        return app;
    }
}

/// <summary>
/// <c>Optional&lt;T&gt;</c> (partial-update fields) has its own JSON converter, so the generator sees an opaque type;
/// describe it as the <c>T</c> it carries on the wire.
/// </summary>
internal static class OptionalSchema
{
    public static async Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        var type = context.JsonTypeInfo.Type;
        if (!type.IsGenericType || type.GetGenericTypeDefinition() != typeof(Rapport.Customers.Optional<>))
        {
            return;
        }

        var inner = await context.GetOrCreateSchemaAsync(type.GetGenericArguments()[0], null, ct);
        schema.Type = inner.Type | JsonSchemaType.Null;
        schema.Format = inner.Format;
        schema.Items = inner.Items;
        schema.Properties = inner.Properties;
        schema.AdditionalProperties = inner.AdditionalProperties;
        schema.Enum = inner.Enum;
        schema.Pattern = inner.Pattern;
        schema.Description = "Omit to leave unchanged; null clears.";
    }
}

/// <summary>Rejects declared bodies over the limit before anything reads them (Kestrel also enforces it on chunked bodies).</summary>
internal static class BodyLimit
{
    public static IApplicationBuilder UseBodyLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        // An endpoint may raise its own limit ([RequestSizeLimit], e.g. the batch ingestion endpoints); routing applies it to Kestrel too.
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? ApiLimits.MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            await ApiProblems.WriteAsync(context, 413, "too-large", "Request body too large",
                $"The request body must be at most {limit:N0} bytes.");
            return;
        }

        await next(context);
    });
}
