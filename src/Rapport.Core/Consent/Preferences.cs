using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Rapport.Common;
using Rapport.Data;
using Rapport.Values.Profiles;

namespace Rapport.Consent;

/// <summary>What the preferences page shows: the customer's first name, the notice, and a choice per channel × purpose.</summary>
public sealed record PreferencesForm(
    long CustomerId,
    string? FirstName,
    string NoticeVersion,
    string NoticeText,
    IReadOnlyList<ConsentChannel> Channels,
    IReadOnlyList<ConsentPurpose> Purposes,
    IReadOnlySet<(ConsentChannel, ConsentPurpose)> Granted,
    bool Profiling);

/// <summary>A customer's choices as posted: the pairs ticked, and profiling.</summary>
public sealed record PreferencesChoices(IReadOnlySet<(ConsentChannel, ConsentPurpose)> Granted, bool Profiling);

/// <summary>Where a request came from (the page's and the unsubscribe endpoint's evidence).</summary>
public sealed record RequestOrigin(string? IpAddress, string? UserAgent);

/// <summary>
/// The customer's own preferences page (docs/privacy.md, "Preferences and unsubscribe"): contact purposes (marketing,
/// research, partners) per channel, and profiling once (it is channel-independent). Saving records only what changed:
/// a ticked pair not granted yet → granted on the consent basis with the notice version shown; an unticked pair that
/// was granted → withdrawn; an unticked pair never answered stays without an event (absence already means no contact).
/// </summary>
public sealed class Preferences(RapportDbContext db, PreferenceLinks links, RecordConsent record, RecomputeValueProfiles recompute, IConfiguration configuration)
{
    public static readonly ConsentPurpose[] ContactPurposes = [ConsentPurpose.Marketing, ConsentPurpose.Research, ConsentPurpose.Partners];

    public string NoticeVersion => configuration["Rapport:Consent:NoticeVersion"] is { Length: > 0 } v ? v : "2026-12";

    public string NoticeText => configuration["Rapport:Consent:NoticeText"] is { Length: > 0 } t ? t :
        "We use your choices below to decide whether and how to contact you. You can change them at any time on this page; " +
        "withdrawing is as easy as agreeing, and takes effect at once. Profiling means we use your purchases and answers to " +
        "understand what matters to you; we never sell your data.";

    /// <summary>The form for a link, or null when the link is not valid (forged, altered, revoked, customer gone).</summary>
    public async Task<PreferencesForm?> OpenAsync(string? token, CancellationToken ct)
    {
        if (await links.ResolveAsync(token, ct) is not { } customerId)
        {
            return null;
        }

        return await FormAsync(customerId, ct);
    }

    /// <summary>Saves the choices; null when the link is not valid.</summary>
    public async Task<PreferencesForm?> SaveAsync(string? token, PreferencesChoices choices, RequestOrigin origin, CancellationToken ct)
    {
        if (await links.ResolveAsync(token, ct) is not { } customerId)
        {
            return null;
        }

        var state = await db.Set<ConsentStateRow>().AsNoTracking().Where(s => s.CustomerId == customerId).ToListAsync(ct);
        var current = state.ToDictionary(s => (s.Channel, s.Purpose));
        var inputs = new List<ConsentInput>();
        foreach (var channel in Enum.GetValues<ConsentChannel>())
        {
            foreach (var purpose in ContactPurposes)
            {
                current.TryGetValue((channel, purpose), out var was);
                var ticked = choices.Granted.Contains((channel, purpose));
                if (ticked && was is not { Status: ConsentStatus.Granted })
                {
                    inputs.Add(new ConsentInput(channel, purpose, ConsentStatus.Granted, LegalBasis.Consent, NoticeVersion));
                }
                else if (!ticked && was is { Status: ConsentStatus.Granted })
                {
                    inputs.Add(new ConsentInput(channel, purpose, ConsentStatus.Withdrawn, LegalBasis.Consent, NoticeVersion));
                }
            }
        }

        var profiling = RecordConsent.ProfilingFrom(state);
        if (choices.Profiling != profiling)
        {
            inputs.Add(new ConsentInput(ConsentChannel.Email, ConsentPurpose.Profiling, choices.Profiling ? ConsentStatus.Granted : ConsentStatus.Withdrawn, LegalBasis.Consent, NoticeVersion));
        }

        if (inputs.Count > 0)
        {
            var result = await record.RecordAsync(customerId, inputs,
                new ConsentContext(ConsentSource.Preferences, "the customer (preferences page)", SourceReference: "preferences page", IpAddress: origin.IpAddress, UserAgent: origin.UserAgent),
                skipUnchanged: false, ct);
            if (result.IsOk && result.Value!.ProfilingSwitchedOn)
            {
                await recompute.CustomerAsync(customerId, ct);
            }
        }

        return await FormAsync(customerId, ct);
    }

    /// <summary>
    /// RFC 8058 one-click: withdraws marketing by email (a withdrawal even when nothing was granted, so the evidence
    /// of the request is kept); true when the link is valid.
    /// </summary>
    public async Task<bool> UnsubscribeAsync(string? token, RequestOrigin origin, CancellationToken ct)
    {
        if (await links.ResolveAsync(token, ct) is not { } customerId)
        {
            return false;
        }

        var result = await record.RecordAsync(customerId,
            [new ConsentInput(ConsentChannel.Email, ConsentPurpose.Marketing, ConsentStatus.Withdrawn, LegalBasis.Consent)],
            new ConsentContext(ConsentSource.Preferences, "the customer (one-click unsubscribe)", SourceReference: "one-click unsubscribe (RFC 8058)", IpAddress: origin.IpAddress, UserAgent: origin.UserAgent),
            skipUnchanged: true, ct);
        return result.IsOk;
    }

    private async Task<PreferencesForm?> FormAsync(long customerId, CancellationToken ct)
    {
        var firstName = await db.Customers.AsNoTracking().Where(c => c.Id == customerId).Select(c => c.FirstName).FirstOrDefaultAsync(ct);
        var state = await db.Set<ConsentStateRow>().AsNoTracking().Where(s => s.CustomerId == customerId).ToListAsync(ct);
        return new PreferencesForm(customerId, firstName, NoticeVersion, NoticeText, Enum.GetValues<ConsentChannel>(), ContactPurposes,
            state.Where(s => s.Status == ConsentStatus.Granted && s.Purpose != ConsentPurpose.Profiling).Select(s => (s.Channel, s.Purpose)).ToHashSet(),
            RecordConsent.ProfilingFrom(state));
    }
}
