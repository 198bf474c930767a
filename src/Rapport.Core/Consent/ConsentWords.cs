namespace Rapport.Consent;

/// <summary>
/// The names of channels, purposes, statuses, bases and sources as the API, the import and the pages write them:
/// any case, with or without <c>_</c>/<c>-</c> (<c>legitimate_interest</c>, <c>legitimateInterest</c>,
/// <c>LegitimateInterest</c>). The API answers in camelCase like every other enum.
/// </summary>
public static class ConsentWords
{
    public static bool TryParse<TEnum>(string? text, out TEnum value) where TEnum : struct, Enum
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var compact = text.Trim().Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        return !compact.Any(char.IsDigit) && Enum.TryParse(compact, ignoreCase: true, out value) && Enum.IsDefined(value);
    }

    /// <summary>snake_case, as in the import columns and the docs (<c>legitimate_interest</c>).</summary>
    public static string Snake<TEnum>(TEnum value) where TEnum : struct, Enum
    {
        var name = value.ToString();
        var builder = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(name[i]));
        }

        return builder.ToString();
    }

    public static string List<TEnum>() where TEnum : struct, Enum => string.Join(", ", Enum.GetValues<TEnum>().Select(v => Snake(v)));

    public static string Label(ConsentChannel channel) => channel switch
    {
        ConsentChannel.Email => "Email",
        ConsentChannel.Sms => "SMS",
        ConsentChannel.Phone => "Phone",
        ConsentChannel.Post => "Post",
        _ => "Social media",
    };

    public static string Label(ConsentPurpose purpose) => purpose switch
    {
        ConsentPurpose.Marketing => "News and offers",
        ConsentPurpose.Profiling => "Understanding what matters to you (profiling)",
        ConsentPurpose.Research => "Research and surveys",
        _ => "Offers from partners",
    };

    public static string Label(LegalBasis basis) => basis switch
    {
        LegalBasis.Consent => "consent",
        LegalBasis.LegitimateInterest => "legitimate interest",
        LegalBasis.Contract => "contract",
        _ => "legal obligation",
    };
}
