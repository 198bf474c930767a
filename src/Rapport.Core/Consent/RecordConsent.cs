using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Data;
using Rapport.Values.Profiles;

namespace Rapport.Consent;

/// <summary>
/// One event as a caller writes it (API, staff page). Names as in <see cref="ConsentWords"/>. <c>LegalBasis</c>
/// defaults to consent; <c>Source</c> to the caller's (api for the API); <c>OccurredAt</c> to now.
/// </summary>
public sealed record ConsentEventRequest(
    string? Channel,
    string? Purpose,
    string? Status,
    string? LegalBasis = null,
    string? NoticeVersion = null,
    string? Source = null,
    string? SourceReference = null,
    DateTimeOffset? OccurredAt = null);

/// <summary>Events to append; <c>IpAddress</c> and <c>UserAgent</c> are the customer's (e.g. of the web form that collected the consent), when known.</summary>
public sealed record RecordConsentRequest(IReadOnlyList<ConsentEventRequest>? Events, string? IpAddress = null, string? UserAgent = null);

/// <summary>One event, typed (what the import and the preferences page hand over).</summary>
public sealed record ConsentInput(
    ConsentChannel Channel,
    ConsentPurpose Purpose,
    ConsentStatus Status,
    LegalBasis LegalBasis,
    string? NoticeVersion = null,
    DateTimeOffset? OccurredAt = null,
    ConsentSource? Source = null,
    string? SourceReference = null);

/// <summary>Who records, from where: the source and reference used when an event names none, and the request's IP and user agent.</summary>
public sealed record ConsentContext(
    ConsentSource Source,
    string ActorName,
    long? UserId = null,
    long? ApiKeyId = null,
    string? SourceReference = null,
    string? IpAddress = null,
    string? UserAgent = null);

public sealed record ConsentEventView(
    long Id,
    ConsentChannel Channel,
    ConsentPurpose Purpose,
    ConsentStatus Status,
    LegalBasis LegalBasis,
    ConsentSource Source,
    string? SourceReference,
    string? NoticeVersion,
    DateTimeOffset OccurredAt,
    DateTimeOffset RecordedAt,
    string? IpAddress,
    string? UserAgent,
    long? RecordedByUserId,
    long? RecordedByApiKeyId)
{
    public static ConsentEventView Of(ConsentEvent e) => new(e.Id, e.Channel, e.Purpose, e.Status, e.LegalBasis, e.Source, e.SourceReference,
        e.NoticeVersion, e.OccurredAt, e.RecordedAt, e.IpAddress, e.UserAgent, e.RecordedByUserId, e.RecordedByApiKeyId);
}

/// <summary>What was appended; <c>Unchanged</c> counts events left out because the state already said the same (imports, preferences).</summary>
public sealed record ConsentRecorded(IReadOnlyList<ConsentEventView> Recorded, int Unchanged, bool ProfilingEnabled, bool ProfilingSwitchedOn);

/// <summary>
/// Appends events to a customer's consent ledger and moves <c>consent_state</c> in the same transaction. The one way
/// consent is written: the API, the customer page, the import, the preferences page, the one-click unsubscribe and
/// the profiling switch all come here. Rules (docs/privacy.md, "Consent"): a grant on the consent basis names the
/// notice version shown; an event may be dated in the past (an import of older consents) but not in the future; the
/// state is the latest event by (occurred at, id), so a late-recorded older event goes into the history without
/// changing the state. The profiling purpose also sets the value-profiling switch (channel-independent).
/// </summary>
public sealed class RecordConsent(RapportDbContext db, TimeProvider clock)
{
    public const int MaxEventsPerRequest = 50;
    public const int NoticeVersionMaxLength = 64, SourceReferenceMaxLength = 200, UserAgentMaxLength = 512, IpMaxLength = 64;
    private static readonly DateTimeOffset Earliest = new(1990, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The API's and the staff page's way in: names checked field by field (<c>events[0].status</c>…).</summary>
    public async Task<Result<ConsentRecorded>> HandleAsync(long customerId, RecordConsentRequest request, ConsentContext context, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var inputs = Parse(errors, request);
        if (errors.Any)
        {
            return errors.ToResult<ConsentRecorded>();
        }

        if (request.IpAddress is not null || request.UserAgent is not null)
        {
            context = context with { IpAddress = request.IpAddress ?? context.IpAddress, UserAgent = request.UserAgent ?? context.UserAgent };
        }

        return await RecordAsync(customerId, inputs, context, skipUnchanged: false, ct);
    }

    /// <summary>Checks and parses request events; adds field errors named <c>events[i].field</c>.</summary>
    public List<ConsentInput> Parse(FieldErrors errors, RecordConsentRequest request)
    {
        var inputs = new List<ConsentInput>();
        if (request.Events is not { Count: > 0 } events)
        {
            errors.Add("events", "Give at least one event.");
            return inputs;
        }

        if (events.Count > MaxEventsPerRequest)
        {
            errors.Add("events", $"At most {MaxEventsPerRequest} events at a time (got {events.Count}).");
            return inputs;
        }

        if (request.IpAddress is not null && !System.Net.IPAddress.TryParse(request.IpAddress, out _))
        {
            errors.Add("ipAddress", "Must be an IPv4 or IPv6 address.");
        }

        TextRules.SingleLine(errors, "userAgent", request.UserAgent, UserAgentMaxLength);
        var now = clock.GetUtcNow();
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var at = $"events[{i}].";
            if (e is null)
            {
                errors.Add($"events[{i}]", "Is required.");
                continue;
            }

            var ok = true;
            if (!ConsentWords.TryParse<ConsentChannel>(e.Channel, out var channel))
            {
                errors.Add(at + "channel", $"Must be one of {ConsentWords.List<ConsentChannel>()}.");
                ok = false;
            }

            if (!ConsentWords.TryParse<ConsentPurpose>(e.Purpose, out var purpose))
            {
                errors.Add(at + "purpose", $"Must be one of {ConsentWords.List<ConsentPurpose>()}.");
                ok = false;
            }

            if (!ConsentWords.TryParse<ConsentStatus>(e.Status, out var status))
            {
                errors.Add(at + "status", $"Must be one of {ConsentWords.List<ConsentStatus>()}.");
                ok = false;
            }

            var basis = LegalBasis.Consent;
            if (e.LegalBasis is not null && !ConsentWords.TryParse(e.LegalBasis, out basis))
            {
                errors.Add(at + "legalBasis", $"Must be one of {ConsentWords.List<LegalBasis>()}.");
                ok = false;
            }

            ConsentSource? source = null;
            if (e.Source is not null)
            {
                if (ConsentWords.TryParse<ConsentSource>(e.Source, out var parsed) && parsed is ConsentSource.Form or ConsentSource.Api or ConsentSource.Staff)
                {
                    source = parsed;
                }
                else
                {
                    errors.Add(at + "source", "Must be form, api or staff (import and preferences are written by Rapport itself).");
                    ok = false;
                }
            }

            var notice = Validate.Clean(e.NoticeVersion);
            TextRules.SingleLine(errors, at + "noticeVersion", notice, NoticeVersionMaxLength);
            var reference = Validate.Clean(e.SourceReference);
            TextRules.SingleLine(errors, at + "sourceReference", reference, SourceReferenceMaxLength);
            if (ok && status == ConsentStatus.Granted && basis == LegalBasis.Consent && notice is null)
            {
                errors.Add(at + "noticeVersion", "A grant on the consent basis must name the version of the notice text the customer saw.");
                ok = false;
            }

            if (e.OccurredAt is { } occurred && (occurred > now.AddMinutes(5) || occurred < Earliest))
            {
                errors.Add(at + "occurredAt", "Must be a time between 1990 and now (UTC).");
                ok = false;
            }

            if (ok)
            {
                inputs.Add(new ConsentInput(channel, purpose, status, basis, notice, e.OccurredAt?.ToUniversalTime(), source, reference));
            }
        }

        return inputs;
    }

    /// <summary>
    /// Appends typed events. With <paramref name="skipUnchanged"/> an event whose status and basis equal the current
    /// state is left out (an import run twice, a preferences form saved without changes); the API records every
    /// event it is given (a renewed consent is evidence too). Opens a transaction unless the caller has one.
    /// </summary>
    public async Task<Result<ConsentRecorded>> RecordAsync(long customerId, IReadOnlyList<ConsentInput> inputs, ConsentContext context, bool skipUnchanged, CancellationToken ct)
    {
        if (!await db.Customers.AnyAsync(c => c.Id == customerId, ct))
        {
            return Result<ConsentRecorded>.NotFound($"Customer {customerId} does not exist.");
        }

        var now = clock.GetUtcNow();
        var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        try
        {
            var state = await db.Set<ConsentStateRow>().Where(s => s.CustomerId == customerId).ToDictionaryAsync(s => (s.Channel, s.Purpose), ct);
            var recorded = new List<ConsentEvent>();
            var unchanged = 0;
            foreach (var input in inputs)
            {
                state.TryGetValue((input.Channel, input.Purpose), out var current);
                var status = input.Status;
                if (skipUnchanged && current is not null)
                {
                    // A "no" (denied) against a grant is a withdrawal; denied and withdrawn are the same "no" otherwise.
                    if (status == ConsentStatus.Denied && current.Status == ConsentStatus.Granted)
                    {
                        status = ConsentStatus.Withdrawn;
                    }

                    var same = current.Status == status || (current.Status != ConsentStatus.Granted && status != ConsentStatus.Granted);
                    if (same && current.LegalBasis == input.LegalBasis)
                    {
                        unchanged++;
                        continue;
                    }
                }

                var e = new ConsentEvent
                {
                    CustomerId = customerId,
                    Channel = input.Channel,
                    Purpose = input.Purpose,
                    Status = status,
                    LegalBasis = input.LegalBasis,
                    Source = input.Source ?? context.Source,
                    SourceReference = Cut(input.SourceReference ?? context.SourceReference, SourceReferenceMaxLength),
                    NoticeVersion = Cut(input.NoticeVersion, NoticeVersionMaxLength),
                    OccurredAt = input.OccurredAt ?? now,
                    RecordedAt = now,
                    IpAddress = Cut(context.IpAddress, IpMaxLength),
                    UserAgent = Cut(context.UserAgent, UserAgentMaxLength),
                    RecordedByUserId = context.UserId,
                    RecordedByApiKeyId = context.ApiKeyId,
                };
                db.Set<ConsentEvent>().Add(e);
                await db.SaveChangesAsync(ct);
                recorded.Add(e);

                // The latest by (occurred at, id); a new event has the highest id, so only its time can lose.
                if (current is null)
                {
                    current = new ConsentStateRow { CustomerId = customerId, Channel = e.Channel, Purpose = e.Purpose };
                    db.Set<ConsentStateRow>().Add(current);
                    state[(e.Channel, e.Purpose)] = current;
                }
                else if (e.OccurredAt < current.Since)
                {
                    continue;
                }

                current.Status = e.Status;
                current.LegalBasis = e.LegalBasis;
                current.Since = e.OccurredAt;
                current.EventId = e.Id;
                await db.SaveChangesAsync(ct);
            }

            var (profiling, switchedOn) = recorded.Any(e => e.Purpose == ConsentPurpose.Profiling)
                ? await ApplyProfilingAsync(customerId, state.Values, context.ActorName, now, ct)
                : (ProfilingFrom(state.Values), false);

            if (own is not null)
            {
                await own.CommitAsync(ct);
            }

            return Result<ConsentRecorded>.Ok(new ConsentRecorded([.. recorded.Select(ConsentEventView.Of)], unchanged, profiling, switchedOn));
        }
        finally
        {
            if (own is not null)
            {
                await own.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Profiling is channel-independent: the latest profiling event on any channel decides; with none, profiling is
    /// on (legitimate interest, as issue 5 shipped it). docs/privacy.md, "Profiling".
    /// </summary>
    public static bool ProfilingFrom(IEnumerable<ConsentStateRow> state)
    {
        var latest = state.Where(s => s.Purpose == ConsentPurpose.Profiling).OrderByDescending(s => s.Since).ThenByDescending(s => s.EventId).FirstOrDefault();
        return latest is null || latest.Status == ConsentStatus.Granted;
    }

    /// <summary>Writes the derived switch to <c>customer_value_profiles</c> (read by the recompute, the map and the pages); off deletes the scores at once.</summary>
    private async Task<(bool Enabled, bool SwitchedOn)> ApplyProfilingAsync(long customerId, IEnumerable<ConsentStateRow> state, string actor, DateTimeOffset now, CancellationToken ct)
    {
        var enabled = ProfilingFrom(state);
        var profile = await db.Set<CustomerValueProfile>().SingleOrDefaultAsync(p => p.CustomerId == customerId, ct);
        if (profile is null)
        {
            profile = new CustomerValueProfile { CustomerId = customerId };
            db.Set<CustomerValueProfile>().Add(profile);
        }

        var switchedOn = enabled && !profile.ProfilingEnabled;
        if (profile.ProfilingEnabled != enabled || profile.ProfilingChangedAt is null)
        {
            profile.ProfilingEnabled = enabled;
            profile.ProfilingChangedAt = now;
            profile.ProfilingChangedBy = actor.Length <= 200 ? actor : actor[..200];
        }

        if (!enabled)
        {
            profile.Alignment = null;
            profile.ComputedAt = null;
        }

        await db.SaveChangesAsync(ct);
        if (!enabled)
        {
            await db.Set<CustomerValueScore>().Where(s => s.CustomerId == customerId).ExecuteDeleteAsync(ct);
        }

        return (enabled, switchedOn);
    }

    private static string? Cut(string? value, int max) => value is null ? null : value.Length <= max ? value : value[..max];
}
