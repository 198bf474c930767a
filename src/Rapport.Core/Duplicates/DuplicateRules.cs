namespace Rapport.Duplicates;

/// <summary>What detection knows of one customer, normalised once: the fields the matching rules compare.</summary>
public sealed record PersonProfile(
    long Id,
    string[] Name,
    string? Email,
    PhoneKey? Phone,
    string PostalCode,
    string City,
    string Street,
    long? CompanyId)
{
    public static PersonProfile From(long id, string? firstName, string? lastName, string? email, string? phone, string? country,
        string? postalCode, string? city, string? street, long? companyId) => new(
        id,
        Similarity.NameTokens(firstName, lastName),
        ContactKeys.Email(email),
        ContactKeys.Phone(phone, country),
        Similarity.PostalCode(postalCode),
        Similarity.Words(city),
        Similarity.Street(street),
        companyId);
}

/// <summary>A scored pair: <c>Score</c> 0..1 and the reasons in the fixed order email, phone, name, address, company.</summary>
public readonly record struct PairScore(double Score, string Reasons);

/// <summary>
/// The matching rules (docs/duplicates.md explains them with examples). A pair is a candidate when it shares a
/// normalised email, or a phone line, or has alike names (≥ 0.88) together with an agreeing address or company.
/// The score says how sure the match is:
/// <list type="bullet">
/// <item>email: 0.90, plus up to 0.08 as the names agree; 0.80 when the names clearly differ (a shared family or office address);</item>
/// <item>phone: 0.80, plus up to 0.12 as the names agree; 0.60 when the names clearly differ (a shared landline or switchboard);</item>
/// <item>name with address or company: 0.55 × name similarity + 0.45 × the agreement of address or company;</item>
/// <item>the strongest of those, plus 0.03 for every further agreeing reason, at most 1.</item>
/// </list>
/// </summary>
public static class DuplicateRules
{
    /// <summary>Names at least this alike count as the same name.</summary>
    public const double SameName = 0.88;

    /// <summary>Names below this are different people sharing a contact detail.</summary>
    public const double DifferentName = 0.70;

    /// <summary>Address or company agreement needed, with alike names, to propose a pair that shares no contact detail.</summary>
    public const double MinContext = 0.5;

    public static PairScore? Score(PersonProfile a, PersonProfile b)
    {
        var email = a.Email is not null && string.Equals(a.Email, b.Email, StringComparison.Ordinal);
        var phone = a.Phone is { } pa && b.Phone is { } pb && pa.SameLine(pb);
        var name = Similarity.Names(a.Name, b.Name);
        var address = Address(a, b);
        var company = a.CompanyId is not null && a.CompanyId == b.CompanyId;
        var context = Math.Max(address, company ? 1.0 : 0.0);
        var sameName = name >= SameName;

        var strongest = 0.0;
        var scores = 0;
        if (email)
        {
            strongest = Math.Max(strongest, name switch
            {
                null => 0.94,
                < DifferentName => 0.80,
                var n => 0.90 + (0.08 * n.Value),
            });
            scores++;
        }

        if (phone)
        {
            strongest = Math.Max(strongest, name switch
            {
                null => 0.85,
                < DifferentName => 0.60,
                var n => 0.80 + (0.12 * n.Value),
            });
            scores++;
        }

        if (sameName && context >= MinContext)
        {
            strongest = Math.Max(strongest, (0.55 * name!.Value) + (0.45 * context));
            scores++;
        }

        if (scores == 0)
        {
            return null;
        }

        var reasons = new List<string>(5);
        if (email)
        {
            reasons.Add("email");
        }

        if (phone)
        {
            reasons.Add("phone");
        }

        if (sameName)
        {
            reasons.Add("name");
        }

        if (address >= MinContext)
        {
            reasons.Add("address");
        }

        if (company)
        {
            reasons.Add("company");
        }

        // Each reason beyond the one that set the score adds a little certainty.
        var extra = reasons.Count - 1;
        var score = Math.Min(1.0, strongest + (0.03 * extra));
        return new PairScore(Math.Round(score, 4), string.Join(',', reasons));
    }

    /// <summary>
    /// Agreement of two addresses from 0 to 1: postal code 0.4, city 0.2, street 0.4 (by Jaro-Winkler ≥ 0.9 on the
    /// abbreviated street, or 0.2 when only the house number and first word agree).
    /// </summary>
    public static double Address(PersonProfile a, PersonProfile b)
    {
        var score = 0.0;
        if (a.PostalCode.Length > 0 && string.Equals(a.PostalCode, b.PostalCode, StringComparison.Ordinal))
        {
            score += 0.4;
        }

        if (a.City.Length > 0 && string.Equals(a.City, b.City, StringComparison.Ordinal))
        {
            score += 0.2;
        }

        if (a.Street.Length > 0 && b.Street.Length > 0)
        {
            if (Similarity.JaroWinkler(a.Street, b.Street) >= 0.9)
            {
                score += 0.4;
            }
            else if (FirstTwoWords(a.Street) is { Length: > 0 } start && string.Equals(start, FirstTwoWords(b.Street), StringComparison.Ordinal))
            {
                score += 0.2;
            }
        }

        return Math.Min(1.0, score);
    }

    private static string FirstTwoWords(string street)
    {
        var first = street.IndexOf(' ', StringComparison.Ordinal);
        if (first < 0)
        {
            return "";
        }

        var second = street.IndexOf(' ', first + 1);
        return second < 0 ? street : street[..second];
    }
}
