using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Data;

namespace Rapport.Customers;

/// <summary>An id a customer has in another system, as sent by callers.</summary>
public sealed record ExternalIdInput(string? Source, string? ExternalId);

/// <summary>
/// Validation and normalisation of customer fields, shared by <see cref="CreateCustomer"/> and
/// <see cref="UpdateCustomer"/> so that a field gets the same rules and messages whichever way it is written.
/// Each method trims, checks, records field errors under the API's camelCase names and returns the value to store.
/// </summary>
public static partial class CustomerRules
{
    public const string NameOrEmailRequired = "Give at least a first name, a last name or an email.";

    /// <summary>Trims; blank → null; checks length and rejects control characters.</summary>
    public static string? Text(FieldErrors errors, string field, string? value, int max)
    {
        var clean = Validate.Clean(value);
        if (clean is null)
        {
            return null;
        }

        Validate.MaxLength(errors, field, clean, max);
        if (Validate.HasControl(clean))
        {
            errors.Add(field, "Must not contain control characters such as line breaks or tabs.");
        }

        return clean;
    }

    public static string? Email(FieldErrors errors, string? value)
    {
        var clean = Validate.Clean(value);
        if (clean is null)
        {
            return null;
        }

        if (clean.Length > CustomerLimits.Email)
        {
            Validate.MaxLength(errors, "email", clean, CustomerLimits.Email);
        }
        else
        {
            Validate.Email(errors, "email", clean);
        }

        return clean;
    }

    public static string? Phone(FieldErrors errors, string? value)
    {
        var clean = Text(errors, "phone", value, CustomerLimits.Phone);
        if (clean is not null && (!PhoneChars().IsMatch(clean) || clean.Count(char.IsAsciiDigit) < 3))
        {
            errors.Add("phone", "Must be a phone number: digits, spaces and + - ( ) . / only, e.g. +1 555 0100.");
        }

        return clean;
    }

    /// <summary>ISO 3166-1 alpha-2, stored upper case.</summary>
    public static string? Country(FieldErrors errors, string? value) => Countries.Check(errors, "country", value);

    public static string? Language(FieldErrors errors, string? value) => Validate.Language(errors, "language", value);

    public static DateOnly? BirthDate(FieldErrors errors, DateOnly? value, DateOnly today)
    {
        if (value is { } date && (date < CustomerLimits.EarliestBirthDate || date > today))
        {
            errors.Add("birthDate", $"Must be between {CustomerLimits.EarliestBirthDate:yyyy-MM-dd} and today.");
        }

        return value;
    }

    /// <summary>Trimmed, lower case, duplicates removed, order kept.</summary>
    public static List<string> Tags(FieldErrors errors, IReadOnlyList<string?>? tags)
    {
        var result = new List<string>();
        if (tags is null)
        {
            return result;
        }

        for (var i = 0; i < tags.Count; i++)
        {
            var tag = Validate.Clean(tags[i])?.ToLowerInvariant();
            var field = $"tags[{i}]";
            if (tag is null)
            {
                errors.Add(field, "Must not be blank.");
                continue;
            }

            if (tag.Length > CustomerLimits.Tag)
            {
                Validate.MaxLength(errors, field, tag, CustomerLimits.Tag);
                continue;
            }

            if (Validate.HasControl(tag))
            {
                errors.Add(field, "Must not contain control characters.");
                continue;
            }

            if (!result.Contains(tag, StringComparer.Ordinal))
            {
                result.Add(tag);
            }
        }

        if (result.Count > CustomerLimits.MaxTags)
        {
            errors.Add("tags", $"At most {CustomerLimits.MaxTags} tags (got {result.Count}).");
        }

        return result;
    }

    /// <summary>Source lower case; the (source, external id) pair must not repeat within the request.</summary>
    public static List<(string Source, string ExternalId)> ExternalIds(FieldErrors errors, IReadOnlyList<ExternalIdInput?>? ids)
    {
        var result = new List<(string, string)>();
        if (ids is null)
        {
            return result;
        }

        if (ids.Count > CustomerLimits.MaxExternalIds)
        {
            errors.Add("externalIds", $"At most {CustomerLimits.MaxExternalIds} external ids (got {ids.Count}).");
            return result;
        }

        for (var i = 0; i < ids.Count; i++)
        {
            if (ids[i] is not { } id)
            {
                errors.Add($"externalIds[{i}]", "Must be an object with source and externalId.");
                continue;
            }

            var source = Text(errors, $"externalIds[{i}].source", id.Source, CustomerLimits.ExternalIdSource)?.ToLowerInvariant();
            var externalId = Text(errors, $"externalIds[{i}].externalId", id.ExternalId, CustomerLimits.ExternalId);
            Validate.Required(errors, $"externalIds[{i}].source", source);
            Validate.Required(errors, $"externalIds[{i}].externalId", externalId);
            if (source is null || externalId is null)
            {
                continue;
            }

            if (result.Contains((source, externalId)))
            {
                errors.Add($"externalIds[{i}]", "This source and external id are listed twice.");
                continue;
            }

            result.Add((source, externalId));
        }

        return result;
    }

    /// <summary>The company and owner must exist: a dangling id is a field error, not a foreign-key failure.</summary>
    public static async Task ReferencesAsync(RapportDbContext db, FieldErrors errors, long? companyId, long? ownerId, CancellationToken ct)
    {
        if (companyId is { } company && !await db.Companies.AnyAsync(c => c.Id == company, ct))
        {
            errors.Add("companyId", $"There is no company {company}.");
        }

        if (ownerId is { } owner && !await db.Users.AnyAsync(u => u.Id == owner, ct))
        {
            errors.Add("ownerId", $"There is no user {owner}.");
        }
    }

    /// <summary>The first external id of the list that another customer already holds, if any.</summary>
    public static async Task<(string Source, string ExternalId)?> TakenExternalIdAsync(
        RapportDbContext db, IEnumerable<(string Source, string ExternalId)> ids, long? exceptCustomerId, CancellationToken ct)
    {
        foreach (var (source, externalId) in ids)
        {
            var taken = await db.CustomerExternalIds.AnyAsync(
                x => x.Source == source && x.ExternalId == externalId && x.CustomerId != exceptCustomerId, ct);
            if (taken)
            {
                return (source, externalId);
            }
        }

        return null;
    }

    public static string SearchText(string? firstName, string? lastName, string? email) =>
        Validate.Fold($"{firstName} {lastName} {email}".Trim());

    [GeneratedRegex(@"^[0-9+\-(). /]+$")]
    private static partial Regex PhoneChars();
}
