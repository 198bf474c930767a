using Rapport.Ingestion;

namespace Rapport.VCards;

/// <summary>
/// One card (or one stretch of text that is not a card) read from a .vcf file by <see cref="VCardReader"/>, in file
/// order. Exactly one of <see cref="Customer"/> and <see cref="Error"/> is set.
/// </summary>
/// <param name="LineNumber">The physical line (1-based) the card starts on: its <c>BEGIN:VCARD</c>.</param>
/// <param name="Raw">The card's text as read, lines joined by <c>\n</c>; a PHOTO/LOGO/SOUND/KEY payload over
/// <see cref="VCardReader.KeptBinaryBytes"/> bytes is replaced by a short "(N bytes omitted)" marker, and the whole is
/// cut at <see cref="VCardReader.MaxRawChars"/> characters. Meant for a rejects file, not for parsing again.</param>
/// <param name="EndOffset">Byte offset in the file just after the card's last line (its line break included): where
/// reading resumes after this card (<see cref="VCardReader.ReadAsync"/> with <see cref="VCardReadPosition"/>).</param>
/// <param name="Customer">The customer the card describes, in the ingestion contract's terms.</param>
/// <param name="Error">Why the card could not be read, starting with the line it concerns ("Line 42: ...").</param>
public sealed record VCardRecord(long LineNumber, string Raw, long EndOffset, IncomingCustomer? Customer, string? Error)
{
    /// <summary>The card's last physical line; resume with <c>new VCardReadPosition(EndOffset, EndLine + 1)</c>.</summary>
    public long EndLine { get; init; }

    /// <summary>
    /// What the card holds that has no customer field, as a staff note for the customer's timeline: its NOTE, the
    /// emails, phones and addresses not chosen for the profile, job title, websites, a birthday without a year.
    /// Null when there is nothing. Its <c>ExternalId</c> is derived from the card's identity and text, so importing
    /// the same card again updates the note instead of adding a second one.
    /// </summary>
    public IncomingInteraction? Note { get; init; }
}

/// <summary>Where to start reading: a byte offset at the start of a line and that line's number (1-based).</summary>
public readonly record struct VCardReadPosition(long Offset, long Line)
{
    public static VCardReadPosition Start => new(0, 1);
}
