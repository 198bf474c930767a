using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Rapport.Common;
using Rapport.Identity;
using Rapport.Imports.Csv;
using Rapport.Privacy;

namespace Rapport.Api;

/// <summary>Data-subject requests, customer export and erasure, retention rules (docs/privacy-requests.md). Admin only.</summary>
public static class PrivacyEndpoints
{
    public sealed record EraseBody(long? RequestId, string? Reason);

    public sealed record EnableBody(bool Enabled);

    public static RouteGroupBuilder MapPrivacyEndpoints(this RouteGroupBuilder api)
    {
        // Answering data-subject requests hands out and removes everything about a person: privacy.export for the log and
        // the export, privacy.delete on top for erasure and retention (both admin-only by default; docs/security.md).
        var group = api.MapGroup("/privacy").WithTags("Privacy").RequireAuthorization(Policies.PrivacyExport);

        group.MapGet("/requests", async Task<Results<Ok<Page<PrivacyRequestDetail>>, ProblemHttpResult>> (
                PrivacyRequestStatus? status, PrivacyRequestKind? kind, bool? overdue, long? customerId, int? limit, string? after,
                PrivacyRequests requests, CancellationToken ct) =>
            {
                var result = await requests.ListAsync(new PrivacyRequestQuery(status, kind, overdue, customerId, limit, after), ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithSummary("Data-subject requests by deadline (due date, then id); keyset paging")
            .WithDescription("status: open, inProgress, done, rejected. kind: access, erasure, rectification, objection. overdue=true: open ones past their deadline.");

        group.MapPost("/requests", async Task<Results<Created<PrivacyRequestDetail>, ProblemHttpResult>> (
                CreatePrivacyRequest body, PrivacyRequests requests, HttpContext http, CancellationToken ct) =>
            {
                var result = await requests.CreateAsync(body, http.User.GetUserId(), ct);
                return result.IsOk ? TypedResults.Created($"/api/v1/privacy/requests/{result.Value!.Id}", result.Value) : ApiProblems.From(result);
            })
            .WithSummary("Log a data-subject request (due one calendar month after receivedAt, default now)");

        group.MapGet("/requests/{id:long}", async Task<Results<Ok<PrivacyRequestDetail>, ProblemHttpResult>> (long id, PrivacyRequests requests, CancellationToken ct) =>
            {
                var result = await requests.GetAsync(id, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithSummary("Read a data-subject request");

        group.MapPatch("/requests/{id:long}", async Task<Results<Ok<PrivacyRequestDetail>, ProblemHttpResult>> (
                long id, UpdatePrivacyRequest body, PrivacyRequests requests, HttpContext http, CancellationToken ct) =>
            {
                var result = await requests.UpdateAsync(id, body, http.User.GetUserId(), ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithSummary("Change a request's status, customer, notes, or take it (assignToMe)");

        group.MapGet("/customers/{id:long}/export", async Task<Results<FileStreamHttpResult, ProblemHttpResult>> (
                long id, string? format, CustomerExport export, CancellationToken ct) =>
            {
                CustomerExportFormat kind;
                switch (format?.Trim().ToLowerInvariant())
                {
                    case null or "" or "json":
                        kind = CustomerExportFormat.Json;
                        break;
                    case "zip":
                        kind = CustomerExportFormat.Zip;
                        break;
                    default:
                        return ApiProblems.Validation("format", "Must be json or zip.");
                }

                var result = await export.HandleAsync(id, ct);
                if (!result.IsOk)
                {
                    return ApiProblems.From(result);
                }

                var buffer = new MemoryStream();
                if (kind == CustomerExportFormat.Json)
                {
                    await CustomerExport.WriteJsonAsync(result.Value!, buffer, ct);
                }
                else
                {
                    await CustomerExport.WriteZipAsync(result.Value!, buffer, ct);
                }

                buffer.Position = 0;
                var name = string.Create(CultureInfo.InvariantCulture, $"customer-{id}.{(kind == CustomerExportFormat.Json ? "json" : "zip")}");
                return TypedResults.File(buffer, kind == CustomerExportFormat.Json ? "application/json" : "application/zip", name);
            })
            .WithSummary("Everything about a customer (access request): one JSON document or a zip of CSVs")
            .WithDescription("format: json (default) or zip (one CSV per section).");

        group.MapGet("/customers/{id:long}/erasure", async Task<Results<Ok<ErasurePreview>, ProblemHttpResult>> (long id, EraseCustomer erase, CancellationToken ct) =>
            {
                var result = await erase.PreviewAsync(id, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithSummary("What erasing the customer would do (counts per kind of data)");

        group.MapPost("/customers/{id:long}/erase", async Task<Results<Ok<ErasureResult>, ProblemHttpResult>> (
                long id, EraseBody? body, EraseCustomer erase, HttpContext http, CancellationToken ct) =>
            {
                var result = await erase.HandleAsync(id, new EraseCustomer.Options(body?.RequestId, http.User.GetUserId(), body?.Reason), ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.PrivacyDelete)
            .WithSummary("Erase a customer: personal data and free text removed, transactions kept de-identified; 409 if already erased")
            .WithDescription("requestId: the privacy request this answers (marked done); without it a done erasure request is logged.");

        var retention = group.MapGroup("/retention").WithTags("Privacy").RequireAuthorization(Policies.PrivacyDelete);
        retention.MapGet("/rules", async (RetentionRules rules, CancellationToken ct) => TypedResults.Ok(await rules.ListAsync(ct)))
            .WithSummary("Retention rules");
        retention.MapPost("/rules", async Task<Results<Created<RetentionRuleDetail>, ProblemHttpResult>> (SaveRetentionRule body, RetentionRules rules, CancellationToken ct) =>
            {
                var result = await rules.CreateAsync(body, ct);
                return result.IsOk ? TypedResults.Created($"/api/v1/privacy/retention/rules/{result.Value!.Id}", result.Value) : ApiProblems.From(result);
            })
            .WithSummary("Create a retention rule (disabled; dry-run it before enabling)");
        retention.MapGet("/rules/{id:long}", async Task<Results<Ok<RetentionRuleDetail>, ProblemHttpResult>> (long id, RetentionRules rules, CancellationToken ct) =>
            {
                var result = await rules.GetAsync(id, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithSummary("Read a retention rule");
        retention.MapPut("/rules/{id:long}", async Task<Results<Ok<RetentionRuleDetail>, ProblemHttpResult>> (
                long id, SaveRetentionRule body, [FromHeader(Name = "If-Match")] string? ifMatch, RetentionRules rules, CancellationToken ct) =>
            {
                if (ETags.IfMatch(ifMatch, required: false, out var version) is { } problem)
                {
                    return problem;
                }

                var result = await rules.UpdateAsync(id, version, body, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithSummary("Change a retention rule (a new kind or period disables it until a new dry run)");
        retention.MapDelete("/rules/{id:long}", async Task<Results<NoContent, ProblemHttpResult>> (long id, RetentionRules rules, CancellationToken ct) =>
            {
                var result = await rules.DeleteAsync(id, ct);
                return result.IsOk ? TypedResults.NoContent() : ApiProblems.From(result);
            })
            .WithSummary("Delete a retention rule");
        retention.MapPost("/rules/{id:long}/dry-run", async Task<Results<Ok<RetentionReport>, ProblemHttpResult>> (long id, RetentionRules rules, HttpContext http, CancellationToken ct) =>
            {
                var result = await rules.DryRunAsync(id, http.User.GetUserId(), ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithSummary("Who the rule would affect now and why (count and first page); required before enabling");
        retention.MapGet("/rules/{id:long}/candidates.csv", async Task<Results<FileContentHttpResult, ProblemHttpResult>> (long id, RetentionRules rules, CancellationToken ct) =>
            {
                var result = await rules.CandidatesAsync(id, ct);
                return result.IsOk
                    ? TypedResults.File(RetentionCsv(result.Value!), "text/csv; charset=utf-8", string.Create(CultureInfo.InvariantCulture, $"retention-rule-{id}.csv"))
                    : ApiProblems.From(result);
            })
            .WithSummary("Everyone the rule would affect now, as CSV");
        retention.MapPost("/rules/{id:long}/enabled", async Task<Results<Ok<RetentionRuleDetail>, ProblemHttpResult>> (long id, EnableBody body, RetentionRules rules, CancellationToken ct) =>
            {
                var result = await rules.SetEnabledAsync(id, body.Enabled, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithSummary("Switch a rule on (409 without a dry run) or off");
        retention.MapPost("/rules/{id:long}/apply", async Task<Results<Ok<RetentionRunDetail>, ProblemHttpResult>> (long id, RetentionRules rules, HttpContext http, CancellationToken ct) =>
            {
                var result = await rules.ApplyAsync(id, http.User.GetUserId(), ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithSummary("Apply a rule now (409 without a dry run); the daily job applies enabled rules");
        retention.MapGet("/runs", async (long? ruleId, RetentionRules rules, CancellationToken ct) => TypedResults.Ok(await rules.RunsAsync(ruleId, 100, ct)))
            .WithSummary("The last 100 retention runs (dry and applied), newest first");
        return api;
    }

    public static byte[] RetentionCsv(IReadOnlyList<RetentionCandidate> candidates)
    {
        using var buffer = new MemoryStream();
        using (var writer = CsvWriter.Utf8Writer(buffer))
        {
            var csv = new CsvWriter(writer, new CsvWriteOptions { NeutraliseFormulas = true });
            csv.WriteRow("customer_id", "name", "created_at", "last_activity_at", "reason");
            foreach (var c in candidates)
            {
                csv.WriteRow(c.CustomerId.ToString(CultureInfo.InvariantCulture), c.Name, Iso(c.CreatedAt), c.LastActivityAt is { } at ? Iso(at) : "", c.Reason);
            }
        }

        return buffer.ToArray();
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
