using Rapport.Common;

namespace Rapport.Consent;

/// <summary>How a customer can be reached. docs/privacy.md, "Consent".</summary>
public enum ConsentChannel
{
    Email,
    Sms,
    Phone,
    Post,
    Social,
}

/// <summary>What the contact or the use of their data is for.</summary>
public enum ConsentPurpose
{
    Marketing,
    /// <summary>Value inference (issue 5); channel-independent: the latest profiling event on any channel decides.</summary>
    Profiling,
    Research,
    Partners,
}

public enum ConsentStatus
{
    Granted,
    Denied,
    Withdrawn,
}

public enum LegalBasis
{
    Consent,
    LegitimateInterest,
    Contract,
    LegalObligation,
}

/// <summary>Where a ledger event came from; <see cref="ConsentEvent.SourceReference"/> says which one.</summary>
public enum ConsentSource
{
    Form,
    Import,
    Api,
    Staff,
    Preferences,
}

/// <summary>
/// One line of the consent ledger (<c>consent_events</c>). Append-only: triggers on both databases refuse UPDATE, and
/// DELETE while the customer exists (deleting or merging away a customer takes their ledger with them; erasure keeps
/// the customer as a tombstone). No foreign keys to users or keys: nothing may rewrite a line after the fact.
/// </summary>
public sealed class ConsentEvent
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    public ConsentChannel Channel { get; set; }
    public ConsentPurpose Purpose { get; set; }
    public ConsentStatus Status { get; set; }
    public LegalBasis LegalBasis { get; set; }
    public ConsentSource Source { get; set; }
    /// <summary>The form's name, the import id, the API client's reference… (free text, one line).</summary>
    public string? SourceReference { get; set; }
    /// <summary>The version of the notice text the customer saw (required for a grant on the consent basis).</summary>
    public string? NoticeVersion { get; set; }
    /// <summary>When the customer gave or withdrew it (UTC); may be earlier than <see cref="RecordedAt"/> (imports).</summary>
    public DateTimeOffset OccurredAt { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
    public string? IpAddress { get; set; }
    public string? UserAgent { get; set; }
    public long? RecordedByUserId { get; set; }
    public long? RecordedByApiKeyId { get; set; }
}

/// <summary>
/// The current state per customer × channel × purpose (<c>consent_state</c>): the ledger's latest event by
/// (<see cref="ConsentEvent.OccurredAt"/>, id), written in the same transaction as each event.
/// </summary>
public sealed class ConsentStateRow
{
    public long CustomerId { get; set; }
    public ConsentChannel Channel { get; set; }
    public ConsentPurpose Purpose { get; set; }
    public ConsentStatus Status { get; set; }
    public LegalBasis LegalBasis { get; set; }
    /// <summary>The <see cref="ConsentEvent.OccurredAt"/> of <see cref="EventId"/>.</summary>
    public DateTimeOffset Since { get; set; }
    public long EventId { get; set; }
}

public enum SuppressionKind
{
    Email,
    Phone,
}

/// <summary>
/// An address that must not be contacted again (<c>suppressions</c>): only a keyed hash of the normalised address,
/// never the address. Nothing refers to a customer, so nothing cascades away when one is deleted or erased.
/// </summary>
public sealed class Suppression : ICreated
{
    public long Id { get; set; }
    public SuppressionKind Kind { get; set; }
    /// <summary>HMAC-SHA256 of the normalised address (lower-case hex, 64 characters).</summary>
    public string AddressHash { get; set; } = "";
    public string Reason { get; set; } = "";
    public long? CreatedByUserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// A customer whose current email or phone is on the suppression list (<c>suppression_matches</c>): kept by the
/// customer-change pipeline and by <see cref="Suppressions"/>, so the consent check joins ids and hashes nothing.
/// </summary>
public sealed class SuppressionMatch
{
    public long CustomerId { get; set; }
    public long SuppressionId { get; set; }
    public SuppressionKind Kind { get; set; }
}

/// <summary>The nonce of a customer's preferences link (<c>preference_links</c>); a new nonce revokes the old links.</summary>
public sealed class PreferenceLink
{
    public long CustomerId { get; set; }
    public string Nonce { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}
