using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Rapport.Consent;
using Rapport.Data;
using Rapport.Identity;

namespace Rapport.Api;

/// <summary>
/// Consent and suppression (docs/privacy.md): a customer's consent state and ledger (<c>read</c>), new ledger events
/// and the customer's preferences link (<c>write-crm</c>), the consent check (<c>read</c> by GET, <c>write-crm</c> by POST), and the suppression list
/// (<c>admin</c>). The customer's own pages (<c>/preferences/{token}</c>, <c>/unsubscribe/{token}</c>) are public
/// Razor pages, not part of the API.
/// </summary>
public static class ConsentEndpoints
{
    public static RouteGroupBuilder MapConsentEndpoints(this RouteGroupBuilder api)
    {
        var customers = api.MapGroup("/customers").WithTags("Consent").RequireAuthorization(Policies.PrivacyView).AddEndpointFilter<MergedCustomerFilter>();
        customers.MapGet("/{id:long}/consent", async Task<Results<Ok<CustomerConsent>, ProblemHttpResult>> (long id, GetConsent get, CancellationToken ct) =>
            {
                var result = await get.HandleAsync(id, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithSummary("A customer's consent: the current state per channel × purpose and the whole ledger, newest first");

        customers.MapPost("/{id:long}/consent", async Task<Results<Ok<ConsentRecorded>, ProblemHttpResult>> (
                long id, RecordConsentRequest body, RecordConsent record, HttpContext http, CancellationToken ct) =>
            {
                var result = await record.HandleAsync(id, body, ContextOf(http.User, ConsentSource.Api), ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.PrivacyEdit)
            .WithSummary("Append one or more consent events ({\"events\": [{\"channel\": \"email\", \"purpose\": \"marketing\", \"status\": \"granted\", \"noticeVersion\": \"2026-12\"}]})")
            .WithDescription("channel: email, sms, phone, post, social. purpose: marketing, profiling, research, partners. status: granted, denied, withdrawn. " +
                "legalBasis: consent (default), legitimate_interest, contract, legal_obligation. A grant on the consent basis needs noticeVersion. " +
                "source: form, api (default) or staff; sourceReference: free text. occurredAt: when the customer said so (default now; not in the future). " +
                "ipAddress and userAgent (top level): the customer's, when the consent came from a form. At most 50 events.");

        customers.MapGet("/{id:long}/preferences-link", async Task<Results<Ok<PreferencesLink>, ProblemHttpResult>> (long id, PreferenceLinks links, HttpRequest request, CancellationToken ct) =>
            {
                var result = await links.GetAsync(id, BaseUrl(request), ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.PrivacyEdit)
            .WithSummary("The customer's preferences link, one-click unsubscribe URL and RFC 8058 List-Unsubscribe headers (made on first use)");

        customers.MapPost("/{id:long}/preferences-link/revoke", async Task<Results<Ok<PreferencesLink>, ProblemHttpResult>> (long id, PreferenceLinks links, HttpRequest request, CancellationToken ct) =>
            {
                var result = await links.RevokeAsync(id, BaseUrl(request), ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .RequireAuthorization(Policies.PrivacyEdit)
            .WithSummary("Revoke every earlier preferences and unsubscribe link of the customer; answers the new one");

        // POST is what campaigns call (write-crm: it is the step before contacting people, and every non-GET route of
        // the API is a write); GET gives the same answer to every role for a segment or everyone.
        api.MapPost("/consent/check", async Task<Results<Ok<ConsentCheckResult>, ProblemHttpResult>> (ConsentCheckRequest body, ConsentCheck check, CancellationToken ct) =>
            {
                var result = await check.HandleAsync(body, ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithTags("Consent")
            .RequireAuthorization(Policies.PrivacyEdit)
            .WithSummary("How many customers of an audience may be contacted on a channel for a purpose, and why the others may not")
            .WithDescription("{\"channel\": \"email\", \"purpose\": \"marketing\"} checks every customer; add segmentId or customerIds (at most 100,000) to narrow it, " +
                "includeIds: true to get the contactable ids. Reasons, first match wins: noAddress, suppressed, withdrawn, denied, noConsent.");

        api.MapGet("/consent/check", async Task<Results<Ok<ConsentCheckResult>, ProblemHttpResult>> (
                string? channel, string? purpose, long? segmentId, bool? includeIds, ConsentCheck check, CancellationToken ct) =>
            {
                var result = await check.HandleAsync(new ConsentCheckRequest(channel, purpose, segmentId, null, includeIds ?? false), ct);
                return result.IsOk ? TypedResults.Ok(result.Value) : ApiProblems.From(result);
            })
            .WithTags("Consent")
            .RequireAuthorization(Policies.PrivacyView)
            .WithSummary("The consent check for everyone or a segment (?channel=email&purpose=marketing&segmentId=)");

        var suppressions = api.MapGroup("/suppressions").WithTags("Consent").RequireAuthorization(Policies.AdminEdit);
        suppressions.MapGet("/", async Task<Ok<IReadOnlyList<SuppressionView>>> (int? limit, Suppressions list, RapportDbContext db, CancellationToken ct) =>
                TypedResults.Ok(await list.ListAsync(db, limit ?? 200, ct)))
            .WithSummary("The suppression list, newest first (kind, reason, when, how many current customers match; never the address)");

        suppressions.MapPost("/", async Task<Results<Ok<SuppressionAdded>, ProblemHttpResult>> (SuppressRequest body, Suppressions add, RapportDbContext db, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var errors = new Common.FieldErrors();
                if (body.Email is not null && (Suppressions.NormaliseEmail(body.Email) is not { } e || !Common.Validate.IsEmail(e)))
                {
                    errors.Add("email", "Must be an email address.");
                }

                if (body.Phone is not null && Suppressions.NormalisePhone(body.Phone) is null)
                {
                    errors.Add("phone", "Must be a phone number of at least 6 digits.");
                }

                if (body.Email is null && body.Phone is null)
                {
                    errors.Add("email", "Give an email, a phone or both.");
                }

                Common.TextRules.SingleLine(errors, "reason", body.Reason, Suppressions.ReasonMaxLength);
                if (errors.Any)
                {
                    return ApiProblems.Validation(errors.ToDictionary());
                }

                var ids = await add.SuppressAsync(db, body.Email, body.Phone, body.Reason ?? "added by staff", ct, user.GetUserId());
                return TypedResults.Ok(new SuppressionAdded(ids));
            })
            .WithSummary("Add an email and/or phone to the suppression list (idempotent); customers who have it now or later are kept out of marketing");

        suppressions.MapPost("/lookup", async Task<Ok<SuppressionLookup>> (SuppressRequest body, Suppressions lookup, RapportDbContext db, CancellationToken ct) =>
                TypedResults.Ok(new SuppressionLookup(await lookup.IsSuppressedAsync(db, body.Email, body.Phone, ct))))
            .WithSummary("Whether an email or phone is on the suppression list");

        suppressions.MapDelete("/{id:long}", async Task<Results<NoContent, ProblemHttpResult>> (long id, Suppressions remove, RapportDbContext db, CancellationToken ct) =>
            {
                var result = await remove.RemoveAsync(db, id, ct);
                return result.IsOk ? TypedResults.NoContent() : ApiProblems.From(result);
            })
            .WithSummary("Remove an address from the suppression list (it may be contacted again where consent allows)");
        return api;
    }

    /// <summary>Who records an event through the API or a staff page: the user or the API key, never the caller's own IP.</summary>
    public static ConsentContext ContextOf(ClaimsPrincipal user, ConsentSource source) => new(
        source,
        user.Identity?.Name ?? "unknown",
        user.GetUserId(),
        long.TryParse(user.FindFirstValue(RapportClaims.ApiKeyId), NumberStyles.None, CultureInfo.InvariantCulture, out var key) ? key : null);

    public static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}";
}

public sealed record SuppressionAdded(IReadOnlyList<long> SuppressionIds);

public sealed record SuppressionLookup(bool Suppressed);
