using Rapport.Common;

namespace Rapport.Values;

/// <summary>A partner's rating of one value (1–5).</summary>
public sealed record PartnerValueRating(string Value, string Name, int Rating);

/// <summary>
/// A partner or influencer with its value ratings and its <c>Fit</c> with the business (0–100, see
/// <see cref="PartnerFit"/>; null until both the business and the partner have rated at least one value).
/// <c>Version</c> is the ETag for updates of the partner's own fields.
/// </summary>
public sealed record PartnerDetail(
    long Id,
    string Name,
    PartnerKind Kind,
    string? Audience,
    IReadOnlyList<string> Channels,
    string? Contact,
    IReadOnlyList<PartnerValueRating> Values,
    int? Fit,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int Version);

/// <summary>
/// How well a partner's values agree with the business's: over the active values the business has rated, each value
/// weighs its business importance b (1–5); the partner's rating p (1–5; a value the partner was not rated on counts as
/// 1, "not held") agrees by 1 − |p − b| / 4; the fit is 100 × Σ b·agreement / Σ b, rounded. 100 means the partner
/// holds every value exactly as much as the business does, with the values the business cares most about counting most.
/// </summary>
public static class PartnerFit
{
    public static int? Score(IReadOnlyDictionary<long, int> partner, IReadOnlyDictionary<long, int> business)
    {
        if (partner.Count == 0 || business.Count == 0)
        {
            return null;
        }

        double weighted = 0, weights = 0;
        foreach (var (valueId, importance) in business)
        {
            var rating = partner.GetValueOrDefault(valueId, 1);
            weighted += importance * (1 - (Math.Abs(rating - importance) / 4.0));
            weights += importance;
        }

        return (int)Math.Round(100 * weighted / weights, MidpointRounding.AwayFromZero);
    }
}

/// <summary>A new partner or influencer. <c>Name</c> is required; <c>Kind</c> defaults to partner.</summary>
public sealed record CreatePartnerRequest(string? Name, PartnerKind? Kind = null, string? Audience = null, IReadOnlyList<string?>? Channels = null, string? Contact = null);

/// <summary>A partial update (merge patch): absent keeps, null clears (not <c>Name</c> or <c>Kind</c>); <c>Channels</c> replaces the list.</summary>
public sealed record PartnerChanges
{
    public Customers.Optional<string?> Name { get; init; }
    public Customers.Optional<PartnerKind?> Kind { get; init; }
    public Customers.Optional<string?> Audience { get; init; }
    public Customers.Optional<IReadOnlyList<string?>?> Channels { get; init; }
    public Customers.Optional<string?> Contact { get; init; }
}

/// <summary>One rating in a request: the value's key and the rating (1–5).</summary>
public sealed record PartnerValueInput(string? Value, int? Rating);

/// <summary>The whole list of a partner's value ratings; it replaces the previous one.</summary>
public sealed record SetPartnerValuesRequest(IReadOnlyList<PartnerValueInput?>? Values);

internal static class PartnerRules
{
    public static string? Name(FieldErrors errors, string? value)
    {
        var name = Validate.Clean(value);
        if (name is null)
        {
            errors.Add("name", "Is required.");
        }

        TextRules.SingleLine(errors, "name", name, ValueLimits.PartnerName);
        return name;
    }

    public static void Kind(FieldErrors errors, PartnerKind kind)
    {
        if (!Enum.IsDefined(kind))
        {
            errors.Add("kind", "Must be partner, influencer, supplier, retailer, charity or other.");
        }
    }

    public static string? Audience(FieldErrors errors, string? value)
    {
        var audience = Validate.Clean(value);
        TextRules.MultiLine(errors, "audience", audience, ValueLimits.Audience);
        return audience;
    }

    public static string? Contact(FieldErrors errors, string? value)
    {
        var contact = Validate.Clean(value);
        TextRules.MultiLine(errors, "contact", contact, ValueLimits.Contact);
        return contact;
    }

    /// <summary>Channels trimmed and lower case, duplicates dropped; stored one per line (null when none).</summary>
    public static string? Channels(FieldErrors errors, IReadOnlyList<string?>? channels)
    {
        if (channels is null)
        {
            return null;
        }

        var result = new List<string>();
        for (var i = 0; i < channels.Count; i++)
        {
            var channel = Validate.Clean(channels[i])?.ToLowerInvariant();
            if (channel is null)
            {
                continue;
            }

            TextRules.SingleLine(errors, $"channels[{i}]", channel, ValueLimits.Channel);
            if (!result.Contains(channel, StringComparer.Ordinal))
            {
                result.Add(channel);
            }
        }

        if (result.Count > ValueLimits.Channels)
        {
            errors.Add("channels", $"At most {ValueLimits.Channels} channels.");
        }

        return result.Count == 0 ? null : string.Join('\n', result);
    }
}
