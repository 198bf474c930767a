using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Rapport.Common;
using Rapport.Identity;
using Rapport.Tasks;

namespace Rapport.Api;

public static class TaskEndpoints
{
    public static RouteGroupBuilder MapTaskEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/tasks").WithTags("Tasks").RequireAuthorization(Policies.CustomersView);

        group.MapGet("/", async Task<Results<Ok<Page<TaskDetail>>, ProblemHttpResult>> (
                string? assignee, string? status, DateOnly? dueBefore, long? customerId, string? origin, int? limit, string? after,
                ListTasks list, HttpContext http, CancellationToken ct) =>
            {
                long? assigneeId = null;
                var unassigned = false;
                switch (assignee?.Trim())
                {
                    case null or "":
                        break;
                    case "me":
                        if (http.User.GetUserId() is not { } me)
                        {
                            return ApiProblems.Validation("assignee", "An API key belongs to no user: pass the user's id instead of 'me'.");
                        }

                        assigneeId = me;
                        break;
                    case "none":
                        unassigned = true;
                        break;
                    case var text when long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id):
                        assigneeId = id;
                        break;
                    default:
                        return ApiProblems.Validation("assignee", "Must be 'me', 'none' or a user id.");
                }

                if (!TryEnum<FollowUpStatus>(status, out var statusValue))
                {
                    return ApiProblems.Validation("status", "Must be open, done or cancelled.");
                }

                if (!TryEnum<TaskOrigin>(origin, out var originValue))
                {
                    return ApiProblems.Validation("origin", "Must be playbook or manual.");
                }

                var result = await list.HandleAsync(new ListTasksQuery(assigneeId, unassigned, statusValue, dueBefore, customerId, originValue, limit, after), ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithSummary("Tasks by due day, then id; keyset paging")
            .WithDescription("assignee: me, none or a user id. status: open, done, cancelled. dueBefore: a day (exclusive; today gives the overdue ones). " +
                             "customerId, origin (playbook, manual). limit: 1..200 (default 50). after: the 'next' cursor of the previous page, unchanged.");

        group.MapPost("/", async Task<Results<Created<TaskDetail>, ProblemHttpResult>> (CreateTaskRequest body, CreateTask create, HttpContext http, CancellationToken ct) =>
            {
                var result = await create.HandleAsync(body, http.User.GetUserId(), ct);
                if (!result.IsOk)
                {
                    return ApiProblems.From(result);
                }

                http.Response.Headers.ETag = ETags.Of(result.Value!.Version);
                return TypedResults.Created($"/api/v1/tasks/{result.Value.Id}", result.Value);
            })
            .RequireAuthorization(Policies.CustomersEdit)
            .WithSummary("Create a manual task (assigned to the caller's user unless assigneeUserId is given; due today unless dueOn is given)");

        group.MapGet("/{id:long}", async Task<Results<Ok<TaskDetail>, ProblemHttpResult>> (long id, GetTask get, HttpResponse response, CancellationToken ct) =>
            {
                var result = await get.HandleAsync(id, ct);
                if (!result.IsOk)
                {
                    return ApiProblems.From(result);
                }

                response.Headers.ETag = ETags.Of(result.Value!.Version);
                return TypedResults.Ok(result.Value);
            })
            .WithSummary("Read a task");

        group.MapPatch("/{id:long}", async Task<Results<Ok<TaskDetail>, ProblemHttpResult>> (
                long id, TaskChanges body, UpdateTask update, [FromHeader(Name = "If-Match")] string? ifMatch, HttpResponse response, CancellationToken ct) =>
            {
                if (ETags.IfMatch(ifMatch, required: true, out var version) is { } problem)
                {
                    return problem;
                }

                var result = await update.HandleAsync(id, version, body, ct);
                if (!result.IsOk)
                {
                    return ApiProblems.From(result);
                }

                response.Headers.ETag = ETags.Of(result.Value!.Version);
                return TypedResults.Ok(result.Value);
            })
            .RequireAuthorization(Policies.CustomersEdit)
            .WithSummary("Change a task's title, notes, due day, assignee or customer (merge patch); requires If-Match");

        MapAction(group, "complete", TaskAction.Complete, "Mark an open task done");
        MapAction(group, "reopen", TaskAction.Reopen, "Reopen a done or cancelled task");
        MapAction(group, "cancel", TaskAction.Cancel, "Cancel an open task");
        return api;
    }

    /// <summary>An optional enum filter by its API name (any case); blank is no filter.</summary>
    private static bool TryEnum<TEnum>(string? text, out TEnum? value) where TEnum : struct, Enum
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (Enum.TryParse<TEnum>(text.Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !char.IsAsciiDigit(text.Trim()[0]))
        {
            value = parsed;
            return true;
        }

        return false;
    }

    private static void MapAction(RouteGroupBuilder group, string path, TaskAction action, string summary) =>
        group.MapPost($"/{{id:long}}/{path}", async Task<Results<Ok<TaskDetail>, ProblemHttpResult>> (
                long id, ChangeTaskStatus change, [FromHeader(Name = "If-Match")] string? ifMatch, HttpContext http, CancellationToken ct) =>
            {
                if (ETags.IfMatch(ifMatch, required: false, out var version) is { } problem)
                {
                    return problem;
                }

                var result = await change.HandleAsync(id, action, version, http.User.GetUserId(), ct);
                if (!result.IsOk)
                {
                    return ApiProblems.From(result);
                }

                http.Response.Headers.ETag = ETags.Of(result.Value!.Version);
                return TypedResults.Ok(result.Value);
            })
            .RequireAuthorization(Policies.CustomersEdit)
            .WithSummary(summary + " (If-Match optional)");
}
