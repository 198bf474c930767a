using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Rapport.Common;

/// <summary>A page of a keyset-paginated list. <c>Next</c> is the opaque cursor for <c>?after=</c>, null on the last page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? Next);

/// <summary>
/// Opaque keyset cursors: the sort key values of the last row of a page, as base64url JSON.
/// Clients must treat them as opaque; a malformed cursor is a 400 on field <c>after</c>.
/// </summary>
public static class Cursor
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public static string Encode(params object?[] keys) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(keys)));

    public static bool TryDecode(string? cursor, out JsonElement[] keys)
    {
        keys = [];
        if (string.IsNullOrEmpty(cursor))
        {
            return true;
        }

        try
        {
            var bytes = Base64Url.DecodeFromChars(cursor);
            keys = JsonSerializer.Deserialize<JsonElement[]>(bytes) ?? [];
            return keys.Length > 0;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return false;
        }
    }

    /// <summary>Validates <c>limit</c>: 1..MaxLimit, default DefaultLimit.</summary>
    public static bool TryLimit(int? limit, FieldErrors errors, out int value)
    {
        value = limit ?? DefaultLimit;
        if (value is < 1 or > MaxLimit)
        {
            errors.Add("limit", $"Must be between 1 and {MaxLimit}.");
            return false;
        }

        return true;
    }
}
