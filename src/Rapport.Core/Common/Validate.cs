using System.Globalization;
using System.Net.Mail;
using System.Text;

namespace Rapport.Common;

/// <summary>Small checks shared by every use case, so a field gets the same message wherever it is written.</summary>
public static class Validate
{
    /// <summary>Trims; returns null for blank input.</summary>
    public static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    public static void MaxLength(FieldErrors errors, string field, string? value, int max)
    {
        if (value is not null && value.Length > max)
        {
            errors.Add(field, $"Must be at most {max} characters (got {value.Length}).");
        }
    }

    public static void Required(FieldErrors errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, "Is required.");
        }
    }

    public static bool IsEmail(string value)
    {
        if (value.Length > 254 || value.Contains(' ', StringComparison.Ordinal) || value.Count(c => c == '@') != 1)
        {
            return false;
        }

        var at = value.IndexOf('@', StringComparison.Ordinal);
        if (at < 1 || at == value.Length - 1 || !value[(at + 1)..].Contains('.', StringComparison.Ordinal) || value.EndsWith('.'))
        {
            return false;
        }

        return MailAddress.TryCreate(value, out var parsed) && parsed.Address == value;
    }

    public static void Email(FieldErrors errors, string field, string? value)
    {
        if (value is not null && !IsEmail(value))
        {
            errors.Add(field, "Is not a valid email address.");
        }
    }

    public static string? NormalizeEmail(string? email) => email?.Trim().ToLowerInvariant();

    /// <summary>ISO 4217: three letters; upper-cased.</summary>
    public static void Currency(FieldErrors errors, string field, string? value)
    {
        if (value is null || value.Length != 3 || !value.All(char.IsAsciiLetter))
        {
            errors.Add(field, "Must be a three-letter ISO 4217 currency code, e.g. USD.");
        }
    }

    /// <summary>ISO 3166-1 alpha-2: two letters.</summary>
    public static void Country(FieldErrors errors, string field, string? value)
    {
        if (value is not null && (value.Length != 2 || !value.All(char.IsAsciiLetter)))
        {
            errors.Add(field, "Must be a two-letter ISO 3166-1 country code, e.g. US.");
        }
    }

    public static void Language(FieldErrors errors, string field, string? value)
    {
        if (value is null)
        {
            return;
        }

        try
        {
            if (value.Length > 35 || CultureInfo.GetCultureInfo(value, predefinedOnly: false).Name.Length == 0)
            {
                errors.Add(field, "Must be a language tag such as en or fr-CA.");
            }
        }
        catch (CultureNotFoundException)
        {
            errors.Add(field, "Must be a language tag such as en or fr-CA.");
        }
    }

    /// <summary>Lower case without accents: "José Núñez" → "jose nunez". Used for portable case-insensitive search.</summary>
    public static string Fold(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var decomposed = value.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                sb.Append(char.ToLowerInvariant(c));
            }
        }

        return sb.ToString().Normalize(NormalizationForm.FormC);
    }
}
