using Microsoft.AspNetCore.Http.HttpResults;
using Rapport.Common;
using Rapport.Identity;
using Rapport.Interactions;

namespace Rapport.Api;

public static class InteractionEndpoints
{
    /// <summary>
    /// Body of <c>POST /api/v1/interactions</c>. <c>type</c> is required; a note (<c>type: note</c>) is internal and
    /// needs <c>notes</c>; other types need <c>channel</c> and <c>direction</c>. <c>occurredAt</c> defaults to now.
    /// </summary>
    public sealed record LogInteractionBody(
        long? CustomerId,
        InteractionChannel? Channel,
        InteractionDirection? Direction,
        InteractionType? Type,
        string? Subject,
        string? Notes,
        DateTimeOffset? OccurredAt,
        string? Source);

    public static RouteGroupBuilder MapInteractionEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/interactions").WithTags("Interactions").RequireAuthorization(Policies.CustomersView);

        group.MapGet("/", async Task<Results<Ok<Page<InteractionDetail>>, ProblemHttpResult>> (
                long? customerId, string? channel, string? type, int? limit, string? after, ListInteractions list, CancellationToken ct) =>
            {
                var errors = new FieldErrors();
                var parsedChannel = ApiEnums.Parse<InteractionChannel>(channel, "channel", errors);
                var parsedType = ApiEnums.Parse<InteractionType>(type, "type", errors);
                if (errors.Any)
                {
                    return ApiProblems.Validation(errors.ToDictionary());
                }

                var result = await list.HandleAsync(new ListInteractionsQuery(customerId, parsedChannel, parsedType, limit, after), ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithSummary("List interactions, newest first (filter by customerId, channel, type; keyset paging with limit and after)")
            .WithDescription("Sorted by occurredAt, then id, both descending. customerId: a customer that does not exist is a 400. " +
                "channel: email, phone, sms, web, inPerson, social, chat, post, other. type: note, call, meeting, email, message, visit, " +
                "enquiry, support, complaint, feedback, other. " + "limit: 1..200 (default 50). after: the 'next' cursor of the previous page, unchanged.");

        group.MapPost("/", async Task<Results<Created<InteractionDetail>, ProblemHttpResult>> (LogInteractionBody body, LogInteraction log, CancellationToken ct) =>
            {
                if (body.CustomerId is not { } customerId)
                {
                    return ApiProblems.Validation("customerId", "Is required.");
                }

                var result = await log.HandleAsync(
                    new LogInteractionRequest(customerId, body.Channel, body.Direction, body.Type, body.Subject, body.Notes, body.OccurredAt, body.Source),
                    ct);
                return result.IsOk ? TypedResults.Created($"/api/v1/interactions/{result.Value!.Id}", result.Value) : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.CustomersEdit)
            .WithIdempotency()
            .WithSummary("Log an interaction (a call, meeting, email, note, …) with a customer")
            .WithDescription("type is required. A note (type note) is internal, on channel other, and needs notes; other types need " +
                "channel and direction. occurredAt defaults to now and may be at most one day ahead. Refreshes the customer's metrics.");

        group.MapGet("/{id:long}", async Task<Results<Ok<InteractionDetail>, ProblemHttpResult>> (long id, GetInteraction get, CancellationToken ct) =>
            {
                var result = await get.HandleAsync(id, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithSummary("Read an interaction");

        group.MapDelete("/{id:long}", async Task<Results<NoContent, ProblemHttpResult>> (long id, DeleteInteraction delete, CancellationToken ct) =>
            {
                var result = await delete.HandleAsync(id, ct);
                return result.IsOk ? TypedResults.NoContent() : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.CustomersDelete)
            .WithSummary("Delete an interaction");

        return api;
    }
}

/// <summary>Enum values in query strings: their camelCase names, any letter case; numbers are not accepted.</summary>
internal static class ApiEnums
{
    public static T? Parse<T>(string? value, string field, FieldErrors errors) where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var trimmed = value.Trim();
        if (!char.IsAsciiDigit(trimmed[0]) && trimmed[0] != '-' && Enum.TryParse<T>(trimmed, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed))
        {
            return parsed;
        }

        errors.Add(field, $"Must be one of {string.Join(", ", Enum.GetNames<T>().Select(System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName))}.");
        return null;
    }
}
