using Rapport.Consent;

namespace Rapport.Imports.Csv;

/// <summary>
/// The consent columns of a customer import (docs/privacy.md, "Consent columns in imports"):
/// <c>consent_{channel}_{purpose}</c> (e.g. <c>consent_email_marketing</c>) with granted, denied, withdrawn, yes, no,
/// true, false, 1, 0, y, n or blank (no event); and for the whole row <c>consent_basis</c> (default consent),
/// <c>consent_notice_version</c> (needed for a grant on the consent basis), <c>consent_source_ref</c> (added to the
/// import's id in the event's reference) and <c>consent_at</c> (when it was given; default the import's time).
/// </summary>
public static class ConsentFields
{
    public const string Prefix = "consent_";
    public const string Basis = "consent_basis";
    public const string NoticeVersion = "consent_notice_version";
    public const string SourceRef = "consent_source_ref";
    public const string At = "consent_at";

    public static readonly ImportField[] Customer =
    [
        .. from channel in Enum.GetValues<ConsentChannel>()
           from purpose in Enum.GetValues<ConsentPurpose>()
           let key = Key(channel, purpose)
           select new ImportField(key, ImportFieldType.Text,
               $"Consent to {ConsentWords.Snake(purpose)} by {ConsentWords.Snake(channel)}: granted, denied, withdrawn, yes or no (blank: no event).",
               // No aliases: Shopify's "Accepts Email Marketing" and the like carry no notice version, so mapping them
               // by default would reject rows that imported fine before; map them by hand (with consent_basis or a
               // consent_notice_version column) to use them.
               []),
        new ImportField(Basis, ImportFieldType.Text, "Legal basis of the row's consent columns: consent (default), legitimate_interest, contract, legal_obligation.", ["legal basis"]),
        new ImportField(NoticeVersion, ImportFieldType.Text, "Version of the notice text the customer saw (needed for a grant on the consent basis).", ["notice version", "privacy notice version"]),
        new ImportField(SourceRef, ImportFieldType.Text, "Where the consent was collected (form name, campaign…); kept with the import's id.", ["consent source", "consent reference"]),
        new ImportField(At, ImportFieldType.Instant, "When the consent was given or withdrawn (UTC when the value has no offset; default the import's time).", ["consent date", "opt in date", "consent timestamp"]),
    ];

    public static string Key(ConsentChannel channel, ConsentPurpose purpose) => $"{Prefix}{ConsentWords.Snake(channel)}_{ConsentWords.Snake(purpose)}";

    /// <summary>A consent cell: granted/yes/true/1/y → granted; denied/no/false/0/n → denied (withdrawn when a grant is current); withdrawn.</summary>
    public static bool TryStatus(string text, out ConsentStatus status)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "granted" or "yes" or "y" or "true" or "1" or "opted in" or "subscribed":
                status = ConsentStatus.Granted;
                return true;
            case "denied" or "no" or "n" or "false" or "0" or "not subscribed":
                status = ConsentStatus.Denied;
                return true;
            case "withdrawn" or "unsubscribed" or "opted out":
                status = ConsentStatus.Withdrawn;
                return true;
            default:
                status = default;
                return false;
        }
    }
}
