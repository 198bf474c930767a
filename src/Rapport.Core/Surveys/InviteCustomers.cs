using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Data;

namespace Rapport.Surveys;

/// <summary>Whom to invite: the given customer ids, and/or everyone with a tag.</summary>
public sealed record InviteCustomersRequest(IReadOnlyList<long>? CustomerIds = null, string? Tag = null);

/// <summary>A customer's personal link (<c>Link</c> is the path <c>/s/{token}</c>).</summary>
public sealed record SurveyInvitationDetail(
    long Id, long CustomerId, string CustomerName, string? Email, string Link, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, long? ResponseId);

/// <summary>The outcome of an invitation run: how many were new, and every link asked for (new or existing).</summary>
public sealed record InviteCustomersResult(int Invited, int AlreadyInvited, IReadOnlyList<SurveyInvitationDetail> Invitations);

/// <summary>
/// Invites customers to a draft or open survey: one invitation per customer and survey (inviting again returns the
/// existing link), each with its own signed link that expires when the survey closes.
/// </summary>
public sealed class InviteCustomers(RapportDbContext db, SurveyLinks links, TimeProvider clock, ILogger<InviteCustomers> logger)
{
    public const int MaxPerRequest = 10_000;

    public async Task<Result<InviteCustomersResult>> HandleAsync(long surveyId, InviteCustomersRequest request, CancellationToken ct)
    {
        var survey = await db.Set<Survey>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == surveyId, ct);
        if (survey is null)
        {
            return SurveyRules.NotFound<InviteCustomersResult>(surveyId);
        }

        if (SurveyRules.EffectiveStatus(survey, clock.GetUtcNow()) == SurveyStatus.Closed)
        {
            return Result<InviteCustomersResult>.Conflict("The survey is closed; nobody can be invited any more.");
        }

        var ids = (request.CustomerIds ?? []).Distinct().ToList();
        var tag = Validate.Clean(request.Tag)?.ToLowerInvariant();
        if (ids.Count == 0 && tag is null)
        {
            return Result<InviteCustomersResult>.Invalid("customerIds", "Give customer ids or a tag.");
        }

        var errors = new FieldErrors();
        var found = ids.Count == 0 ? [] : await db.Customers.AsNoTracking().Where(c => ids.Contains(c.Id)).Select(c => c.Id).ToListAsync(ct);
        var unknown = ids.Except(found).Take(10).ToList();
        if (unknown.Count > 0)
        {
            errors.Add("customerIds", $"No customer with id {string.Join(", ", unknown)}.");
        }

        if (tag is not null)
        {
            found.AddRange(await db.CustomerTags.AsNoTracking().Where(t => t.Tag == tag).Select(t => t.CustomerId).Take(MaxPerRequest + 1).ToListAsync(ct));
            if (found.Count == ids.Count)
            {
                errors.Add("tag", $"No customer has the tag '{tag}'.");
            }
        }

        found = [.. found.Distinct()];
        if (found.Count > MaxPerRequest)
        {
            errors.Add(tag is null ? "customerIds" : "tag", $"At most {MaxPerRequest} customers at a time.");
        }

        if (errors.Any)
        {
            return errors.ToResult<InviteCustomersResult>();
        }

        var existing = await db.Set<SurveyInvitation>().AsNoTracking()
            .Where(i => i.SurveyId == surveyId).Select(i => i.CustomerId).ToListAsync(ct);
        var already = existing.ToHashSet();
        var fresh = found.Where(id => !already.Contains(id)).ToList();
        var expires = survey.ClosesAt;
        foreach (var id in fresh)
        {
            db.Add(new SurveyInvitation { SurveyId = surveyId, CustomerId = id, Nonce = SurveyLinks.NewNonce(), ExpiresAt = expires });
        }

        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        logger.LogInformation("Invited {Invited} customers to survey {SurveyId}", fresh.Count, surveyId);
        var invitations = await ListSurveyInvitations.ReadAsync(db, links, surveyId, found, ct);
        return Result<InviteCustomersResult>.Ok(new InviteCustomersResult(fresh.Count, found.Count - fresh.Count, invitations));
    }
}

/// <summary>A survey's invitations with their links, by customer name.</summary>
public sealed class ListSurveyInvitations(RapportDbContext db, SurveyLinks links)
{
    public async Task<Result<IReadOnlyList<SurveyInvitationDetail>>> HandleAsync(long surveyId, CancellationToken ct)
    {
        if (!await db.Set<Survey>().AnyAsync(s => s.Id == surveyId, ct))
        {
            return SurveyRules.NotFound<IReadOnlyList<SurveyInvitationDetail>>(surveyId);
        }

        return Result<IReadOnlyList<SurveyInvitationDetail>>.Ok(await ReadAsync(db, links, surveyId, null, ct));
    }

    internal static async Task<IReadOnlyList<SurveyInvitationDetail>> ReadAsync(
        RapportDbContext db, SurveyLinks links, long surveyId, IReadOnlyCollection<long>? customerIds, CancellationToken ct)
    {
        var query = db.Set<SurveyInvitation>().AsNoTracking().Where(i => i.SurveyId == surveyId);
        if (customerIds is not null)
        {
            query = query.Where(i => customerIds.Contains(i.CustomerId));
        }

        var rows = await (
            from i in query
            join c in db.Customers on i.CustomerId equals c.Id
            orderby c.LastName, c.FirstName, c.Id
            select new { i, c.FirstName, c.LastName, c.Email }).ToListAsync(ct);
        return [.. rows.Select(r => new SurveyInvitationDetail(
            r.i.Id, r.i.CustomerId, CustomerNames.Display(r.FirstName, r.LastName, r.Email, r.i.CustomerId), r.Email, "/s/" + links.InvitationToken(r.i.Id, r.i.Nonce),
            r.i.CreatedAt, r.i.ExpiresAt, r.i.ResponseId))];
    }
}
