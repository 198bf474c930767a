using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Rapport.Identity;
using Rapport.Ingestion.Batch;

namespace Rapport.Api;

/// <summary>
/// Batch ingestion: <c>POST /api/v1/events/batch</c> (transactions and interactions with client message ids) and
/// <c>POST /api/v1/customers/batch</c> (customer upsert), up to 1,000 items per request, each reported in order.
/// The envelope is read strictly (a fault is a 400 on the request); each item is read on its own (a fault only
/// rejects that item). See docs/ingestion-api.md.
/// </summary>
public static class EventEndpoints
{
    /// <summary>Body limit of the batch endpoints: 1,000 events with several lines each take a few MiB (the rest of the API keeps 1 MiB).</summary>
    public const long MaxBatchBodyBytes = 16 * 1024 * 1024;

    // Per-item reading: the API's strict rules, plus "type" accepted anywhere in an event (clients often put messageId first).
    private static readonly JsonSerializerOptions ItemOptions = CreateItemOptions();

    public static RouteGroupBuilder MapEventEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/events/batch", async Task<Results<Ok<EventBatchReport>, ProblemHttpResult>> (HttpRequest request, IngestEvents ingest, CancellationToken ct) =>
            {
                var (source, items, problem) = await ReadBatchAsync(request, "events", e => BatchJson.ParseEvent(e, ItemOptions), ct);
                if (problem is not null)
                {
                    return problem;
                }

                var result = await ingest.HandleAsync(new IngestEventsRequest(source, items), ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .AsBatchEndpoint<EventBatchRequest>()
            .WithSummary("Store up to 1,000 transactions and interactions, each with a client messageId; every event is reported in order")
            .WithDescription("Each event has type 'transaction' or 'interaction' and a messageId (required, at most 200 characters). " +
                "Answer 200 with items[]: {index, messageId, type, status: stored | duplicate | rejected, id, reason}. An event whose messageId " +
                "was stored before (by any request) or appears earlier in this request is a duplicate and is not stored again; a bad event is " +
                "rejected with its reason and the others are stored. A malformed body, a missing events array or more than 1,000 events is a 400; " +
                "a body over 16 MiB a 413. All stored events of a request are committed together.");

        api.MapPost("/customers/batch", async Task<Results<Ok<CustomerBatchReport>, ProblemHttpResult>> (HttpRequest request, UpsertCustomers upsert, CancellationToken ct) =>
            {
                var (source, items, problem) = await ReadBatchAsync(request, "customers", e => BatchJson.ParseCustomer(e, ItemOptions), ct);
                if (problem is not null)
                {
                    return problem;
                }

                var result = await upsert.HandleAsync(new UpsertCustomersRequest(source, items), ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .AsBatchEndpoint<CustomerBatchRequest>()
            .WithSummary("Create or update up to 1,000 customers (matched by externalId within source, else by email); every customer is reported in order")
            .WithDescription("Answer 200 with items[]: {index, externalId, status: created | updated | merged | rejected, id, reason}. " +
                "A customer not matched by externalId but by email is merged into that customer (its externalId is added). A bad customer is " +
                "rejected with its reason and the others are stored. A malformed body, a missing customers array or more than 1,000 customers is a 400.");

        return api;
    }

    /// <summary>What both batch endpoints share: policy, documented body, raised body limit, problems, Idempotency-Key.</summary>
    private static RouteHandlerBuilder AsBatchEndpoint<TBody>(this RouteHandlerBuilder endpoint) where TBody : notnull => endpoint
        .WithTags("Batch ingestion")
        .RequireAuthorization(Policies.CustomersEdit)
        .Accepts<TBody>("application/json")
        .WithMetadata(new RequestSizeLimitAttribute(MaxBatchBodyBytes))
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
        .WithIdempotency();

    /// <summary>
    /// Reads the JSON body, its envelope and then each item; a problem when the body is not JSON or the envelope is
    /// wrong. Over 1,000 items nothing is read: the use case refuses the request on the count alone.
    /// </summary>
    private static async Task<(string? Source, List<BatchItem<T>>? Items, ProblemHttpResult? Problem)> ReadBatchAsync<T>(
        HttpRequest request, string itemsName, Func<JsonElement, BatchItem<T>> parse, CancellationToken ct) where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, null, ApiProblems.Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Unsupported media type",
                "Send the body as application/json."));
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, default, ct);
        }
        catch (JsonException)
        {
            return (null, null, ApiProblems.Problem(StatusCodes.Status400BadRequest, "malformed-request", "Malformed request", "The body is not valid JSON."));
        }

        using (document)
        {
            var envelope = BatchJson.ReadEnvelope(document, itemsName);
            if (!envelope.IsOk)
            {
                return (null, null, ApiProblems.From(envelope));
            }

            var items = envelope.Value!.Items switch
            {
                null => null,
                { Count: > BatchRules.MaxItems } many => [.. Enumerable.Repeat(new BatchItem<T>(null, "Not read: the request has too many items.", null), many.Count)],
                var all => all.Select(parse).ToList(),
            };
            return (envelope.Value.Source, items, null);
        }
    }

    private static JsonSerializerOptions CreateItemOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        RapportApi.Configure(options);
        options.AllowOutOfOrderMetadataProperties = true;
        return options;
    }
}
